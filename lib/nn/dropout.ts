/**
 * Dropout (inverted): in training each element is kept with probability 1 - p
 * and scaled by 1 / (1 - p), so eval needs no rescaling and is the identity.
 *
 * Reproduces PyTorch 1.13's CPU dropout draw for draw: noise = bernoulli_(1 - p)
 * on a tensor of the input's dtype (from torch's generator: after
 * torch.manualSeed(s) the mask equals PyTorch's after torch.manual_seed(s)),
 * noise /= (1 - p) in that dtype, output = input * noise (grad_fn MulBackward0,
 * gradient = grad * noise). p = 0 (or eval, or an empty input) returns the input
 * itself and draws nothing; p = 1 multiplies by zeros (zero output and zero
 * gradients, never NaN) and draws nothing, as PyTorch.
 */
import { UnaryOp } from '../../binding';
import { native } from '../native';
import { Tensor } from '../tensor';
import * as B from '../ops/binary';
import { checkBool, checkTensor, fl } from '../ops/util';
import { Module } from './module';
import { pyFloat } from './normalization';

function checkP(op: string, p: unknown): number {
  if (typeof p !== 'number') throw new TypeError(`${op}: p must be a number, got ${p === null ? 'null' : typeof p}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability has to be between 0 and 1, but got p = ${p}`);
  return p;
}

/** F.dropout(input, p = 0.5, training = true). */
export function dropout(input: Tensor, p = 0.5, training = true): Tensor {
  checkTensor('dropout', 'input', input);
  checkP('dropout', p);
  checkBool('dropout', 'training', training);
  if (input.dtype === 'int32') throw new TypeError('dropout: input must be floating point, got int32');
  if (p === 0 || !training || input.numel() === 0) return input;
  const noise = Tensor._empty(input.shape, input.dtype);
  if (p === 1) native.fill(fl(noise), 0);
  else {
    native.bernoulli(fl(noise), 1 - p);
    // noise / (1 - p) in the input's dtype: 1 / float32(1 - p) rounded once, as PyTorch's div_.
    const scale = input.dtype === 'float32' ? Math.fround(1 / Math.fround(1 - p)) : 1 / (1 - p);
    native.unary(UnaryOp.MulScalar, fl(noise), fl(noise), scale, 0);
  }
  return B.mul(input, noise);
}

/** Zeroes elements with probability p during training (scaling the rest by 1/(1-p)); the identity in eval. */
export class Dropout extends Module {
  readonly p: number;
  constructor(p = 0.5) {
    super();
    this.p = checkP('Dropout', p);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
