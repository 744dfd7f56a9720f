/** Loss modules. reduction: 'mean' (default) | 'sum' | 'none'. */
import * as L from '../ops/loss';
import { Reduction, checkReduction } from '../ops/loss';
import { checkOptions } from '../ops/util';
import { Tensor } from '../tensor';
import { Module } from './module';

abstract class Loss extends Module {
  /** The constructor's option keys; a subclass with more options lists them all. */
  static readonly options: readonly string[] = ['reduction'];
  readonly reduction: Reduction;
  constructor(opts: { reduction?: Reduction } = {}) {
    super();
    const cls = new.target as unknown as { name: string; options: readonly string[] };
    const { reduction = 'mean' } = checkOptions(cls.name, opts, cls.options, "{ reduction: 'sum' }");
    this.reduction = checkReduction(cls.name, reduction);
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction=${this.reduction}`;
  }
}

/** Mean squared error: mean((input - target)^2). Shapes must match. */
export class MSELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor { return L.mseLoss(input, target, { reduction: this.reduction }); }
}
export interface CrossEntropyLossOptions {
  reduction?: Reduction;
  /** One weight per class (C). The mean divides by the summed weights of the kept rows. */
  weight?: Tensor | null;
  /** Target class index whose rows are left out. Default -100. */
  ignoreIndex?: number;
  /** eps in [0, 1]: targets become (1 - eps) onehot + eps / C. Default 0. */
  labelSmoothing?: number;
}

/**
 * Softmax + negative log-likelihood on logits (N, C) and int32 class indices (N),
 * or class probabilities of the input's shape (a float target). Options as
 * PyTorch: weight, ignoreIndex, labelSmoothing.
 */
export class CrossEntropyLoss extends Loss {
  weight!: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  static override readonly options = ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing'];
  constructor(opts: CrossEntropyLossOptions = {}) {
    super(opts);
    const { weight = null, ignoreIndex = -100, labelSmoothing = 0 } = opts;
    if (weight !== null && !(weight instanceof Tensor)) throw new TypeError(`CrossEntropyLoss: weight must be a Tensor or null, got ${typeof weight}`);
    if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1))
      throw new RangeError(`CrossEntropyLoss: labelSmoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
    if (!Number.isInteger(ignoreIndex)) throw new RangeError(`CrossEntropyLoss: ignoreIndex must be an integer, got ${ignoreIndex}`);
    // A buffer, as PyTorch registers it (not a parameter; follows .to(dtype)).
    this.registerBuffer('weight', weight);
    this.ignoreIndex = ignoreIndex;
    this.labelSmoothing = labelSmoothing;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.crossEntropy(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing });
  }
  override extraRepr(): string {
    return this.labelSmoothing ? `label_smoothing=${this.labelSmoothing}` : super.extraRepr();
  }
}

/** Negative log-likelihood of log-probabilities (N, C) at int32 class indices (N) (after logSoftmax). */
export class NLLLoss extends Loss {
  weight!: Tensor | null;
  readonly ignoreIndex: number;
  static override readonly options = ['reduction', 'weight', 'ignoreIndex'];
  constructor(opts: { reduction?: Reduction; weight?: Tensor | null; ignoreIndex?: number } = {}) {
    super(opts);
    const { weight = null, ignoreIndex = -100 } = opts;
    if (weight !== null && !(weight instanceof Tensor)) throw new TypeError(`NLLLoss: weight must be a Tensor or null, got ${typeof weight}`);
    if (!Number.isInteger(ignoreIndex)) throw new RangeError(`NLLLoss: ignoreIndex must be an integer, got ${ignoreIndex}`);
    this.registerBuffer('weight', weight);
    this.ignoreIndex = ignoreIndex;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/** Mean absolute error |input - target|. */
export class L1Loss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor { return L.l1Loss(input, target, { reduction: this.reduction }); }
}

/** Smooth L1: quadratic below beta (default 1), linear above; beta 0 is L1. */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  static override readonly options = ['reduction', 'beta'];
  constructor(opts: { reduction?: Reduction; beta?: number } = {}) {
    super(opts);
    const { beta = 1.0 } = opts;
    if (typeof beta !== 'number' || !(beta >= 0)) throw new RangeError(`SmoothL1Loss: beta must be >= 0, got ${beta}`);
    this.beta = beta;
  }
  forward(input: Tensor, target: Tensor): Tensor { return L.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta }); }
}

/** Huber: 0.5 d^2 below delta (default 1), delta (|d| - 0.5 delta) above. */
export class HuberLoss extends Loss {
  readonly delta: number;
  static override readonly options = ['reduction', 'delta'];
  constructor(opts: { reduction?: Reduction; delta?: number } = {}) {
    super(opts);
    const { delta = 1.0 } = opts;
    if (typeof delta !== 'number' || !(delta > 0)) throw new RangeError(`HuberLoss: delta must be > 0, got ${delta}`);
    this.delta = delta;
  }
  forward(input: Tensor, target: Tensor): Tensor { return L.huberLoss(input, target, { reduction: this.reduction, delta: this.delta }); }
}
/** Binary cross-entropy on probabilities (after a sigmoid). */
export class BCELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor { return L.binaryCrossEntropy(input, target, { reduction: this.reduction }); }
}
/** Binary cross-entropy on logits, the sigmoid fused in (numerically stable); posWeight weighs the positives. */
export class BCEWithLogitsLoss extends Loss {
  // A buffer under PyTorch's name (its state-dict key); posWeight reads it.
  pos_weight!: Tensor | null;
  static override readonly options = ['reduction', 'posWeight'];
  constructor(opts: { reduction?: Reduction; posWeight?: Tensor | null } = {}) {
    super(opts);
    const { posWeight = null } = opts;
    if (posWeight !== null && !(posWeight instanceof Tensor)) throw new TypeError(`BCEWithLogitsLoss: posWeight must be a Tensor or null, got ${typeof posWeight}`);
    this.registerBuffer('pos_weight', posWeight);
  }
  get posWeight(): Tensor | null { return this.pos_weight; }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction, posWeight: this.posWeight });
  }
}
