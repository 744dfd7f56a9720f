/** Activation modules: each forward is the functional op. Shape: (*) -> (*). */
import * as U from '../ops/unary';
import * as SM from '../ops/softmax';
import { Tensor } from '../tensor';
import { Module } from './module';

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
