/** Activation modules: each forward is the functional op. Shape: (*) -> (*). */
import * as U from '../ops/unary';
import * as SM from '../ops/softmax';
import { Tensor } from '../tensor';
import { checkOptions } from '../ops/util';
import { Module } from './module';
import { pyFloat } from './normalization';

/** max(x, 0) */
export class ReLU extends Module {
  forward(x: Tensor): Tensor { return U.relu(x); }
}
/** tanh x */
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return U.tanh(x); }
}
/** 1 / (1 + e^-x) */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return U.sigmoid(x); }
}
/** softmax along dim (default -1). */
export class Softmax extends Module {
  constructor(readonly dim: number = -1) { super(); }
  forward(x: Tensor): Tensor { return SM.softmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
/** log-softmax along dim (default -1). */
export class LogSoftmax extends Module {
  constructor(readonly dim: number = -1) { super(); }
  forward(x: Tensor): Tensor { return SM.logSoftmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
/** Returns its input. */
export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}
/** Flattens dims startDim..endDim (default 1..-1: everything but the batch). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor { return x.flatten(this.startDim, this.endDim); }
  override extraRepr(): string { return `start_dim=${this.startDim}, end_dim=${this.endDim}`; }
}
/** x > 0 ? x : negativeSlope * x (default slope 0.01). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    super();
    if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope))
      throw new TypeError(`LeakyReLU: negativeSlope must be a number, got ${negativeSlope}`);
    this.negativeSlope = negativeSlope;
  }
  forward(x: Tensor): Tensor { return U.leakyRelu(x, this.negativeSlope); }
  override extraRepr(): string { return `negative_slope=${pyFloat(this.negativeSlope)}`; }
}
/** x * Phi(x): exact (erf) by default, or PyTorch's tanh approximation with approximate: 'tanh'. */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(opts: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    const { approximate = 'none' } = checkOptions('GELU', opts, ['approximate'], "{ approximate: 'tanh' }");
    if (approximate !== 'none' && approximate !== 'tanh')
      throw new RangeError(`GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
    this.approximate = approximate;
  }
  forward(x: Tensor): Tensor { return U.gelu(x, { approximate: this.approximate }); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}
/** x > 0 ? x : alpha * (e^x - 1) (default alpha 1). */
export class ELU extends Module {
  readonly alpha: number;
  constructor(alpha = 1.0) {
    super();
    if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new TypeError(`ELU: alpha must be a number, got ${alpha}`);
    this.alpha = alpha;
  }
  forward(x: Tensor): Tensor { return U.elu(x, this.alpha); }
  override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}`; }
}
/** log(1 + e^(beta x)) / beta, linear (x) where beta * x > threshold (defaults 1 and 20). */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(beta = 1, threshold = 20) {
    super();
    if (typeof beta !== 'number' || !(beta !== 0) || Number.isNaN(beta)) throw new RangeError(`Softplus: beta must be a non-zero number, got ${beta}`);
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new TypeError(`Softplus: threshold must be a number, got ${threshold}`);
    this.beta = beta;
    this.threshold = threshold;
  }
  forward(x: Tensor): Tensor { return U.softplus(x, this.beta, this.threshold); }
  override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
}
