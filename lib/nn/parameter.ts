import * as os from 'os';
import { DType, arrayCtor } from '../dtype';
import { fmtShape, numelOf } from '../shape';
import { Tensor } from '../tensor';

/**
 * A Tensor that a Module owns as a learnable weight: requiresGrad by default
 * and listed by Module.parameters(). Shares the storage of the tensor it wraps.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new TypeError('Parameter: expects a Tensor');
    const d = data.detach();
    super(d._storage, d.shape, d.stride(), d.storageOffset());
    if (requiresGrad) this.requiresGrad_(true);
  }

  /** An uninitialised parameter of `shape` (a Module's resetParameters fills it). */
  static empty(shape: number[], dtype: DType = 'float32'): Parameter {
    return new Parameter(Tensor._empty(shape, dtype));
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** The memory this process may use: the machine's, or its cgroup's limit when lower. */
function memoryLimit(): number {
  const total = os.totalmem();
  const constrained = (os as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  return constrained && constrained > 0 && constrained < total ? constrained : total;
}

function fmtBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toPrecision(3)} GiB` : `${b} bytes`;
}

/**
 * A layer's tensors (name and shape) that together could never fit in memory
 * are a RangeError naming the layer and the sizes (Linear(1e9, 1e9)), rather
 * than a failed allocation or a machine driven into swap.
 */
export function checkLayerSize(op: string, tensors: [string, number[]][], dtype: DType): void {
  const bytes = tensors.reduce((sum, [, shape]) => sum + numelOf(shape) * arrayCtor(dtype).BYTES_PER_ELEMENT, 0);
  const limit = memoryLimit();
  if (bytes > limit)
    throw new RangeError(
      `${op}: ${tensors.map(([name, shape]) => `${name} ${fmtShape(shape)}`).join(', ')} of ${dtype} need ${fmtBytes(bytes)}, ` +
        `more than this machine's memory (${fmtBytes(limit)})`,
    );
}
