import { DType } from '../dtype';
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
