/** Loss modules. reduction: 'mean' (default) | 'sum' | 'none'. */
import * as L from '../ops/loss';
import { Reduction, checkReduction } from '../ops/loss';
import { Tensor } from '../tensor';
import { Module } from './module';

abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor({ reduction = 'mean' as Reduction } = {}) {
    super();
    this.reduction = checkReduction(this.constructor.name, reduction);
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
/** Softmax + negative log-likelihood on logits (N, C) and int32 class indices (N). */
export class CrossEntropyLoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor { return L.crossEntropy(input, target, { reduction: this.reduction }); }
}
/** Binary cross-entropy on probabilities (after a sigmoid). */
export class BCELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor { return L.binaryCrossEntropy(input, target, { reduction: this.reduction }); }
}
/** Binary cross-entropy on logits, the sigmoid fused in (numerically stable). */
export class BCEWithLogitsLoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor { return L.binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction }); }
}
