import { FusedActivation, linear } from '../ops/matmul';
import { checkBool, checkOptions } from '../ops/util';
import { Tensor } from '../tensor';
import { fmtShape } from '../shape';
import { kaimingUniform_, uniform_, calculateFanInAndFanOut } from './init';
import { Module } from './module';
import { Parameter, checkLayerSize } from './parameter';
import { DType } from '../dtype';

/**
 * Linear map y = x W^T + b.
 * Shape: input (*, inFeatures) -> output (*, outFeatures).
 * weight (outFeatures, inFeatures) and bias (outFeatures) | null, both from
 * U(-k, k) with k = 1/sqrt(inFeatures) (PyTorch's default: kaiming_uniform_ with a = sqrt(5)).
 * @example new Linear(20, 30).forward(randn([128, 20])).shape  // [128, 30]
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, opts: { bias?: boolean; dtype?: DType } = {}) {
    super();
    const { bias = true, dtype = 'float32' } = checkOptions('Linear', opts, ['bias', 'dtype'], '{ bias: false }');
    for (const [n, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const)
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Linear: ${n} must be a non-negative integer, got ${v}`);
    checkBool('Linear', 'bias', bias);
    checkLayerSize('Linear', [['weight', [outFeatures, inFeatures]], ...(bias ? [['bias', [outFeatures]] as [string, number[]]] : [])], dtype);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = Parameter.empty([outFeatures, inFeatures], dtype);
    this.bias = bias ? Parameter.empty([outFeatures], dtype) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return this._forwardAct(x);
  }

  /** @internal forward, then an activation in the same op (nn.Sequential fuses Linear + ReLU/Tanh/Sigmoid). */
  _forwardAct(x: Tensor, activation?: FusedActivation): Tensor {
    if (!(x instanceof Tensor)) throw new TypeError(`Linear.forward: expects a Tensor, got ${typeof x}`);
    if (x.ndim === 0 || x.size(-1) !== this.inFeatures)
      throw new RangeError(`linear: input's last dim ${x.ndim ? x.size(-1) : 'none'} must equal inFeatures ${this.inFeatures} (input ${fmtShape(x.shape)}, weight ${fmtShape(this.weight.shape)})`);
    return linear(x, this.weight, this.bias, activation);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}
