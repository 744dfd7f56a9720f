/**
 * Normalisation layers: BatchNorm1d and LayerNorm (PyTorch's names, defaults
 * and state-dict keys), over the fused native ops of lib/ops/norm.ts.
 */
import { noGrad } from '../autograd/grad_mode';
import { DType } from '../dtype';
import { fmtShape } from '../shape';
import { Tensor, ones, zeros } from '../tensor';
import { batchNorm, checkNormalizedShape, layerNorm } from '../ops/norm';
import { checkBool, checkOptions } from '../ops/util';
import { Module } from './module';
import { Parameter, checkLayerSize } from './parameter';

export interface BatchNormOptions {
  /** Added to the variance inside the square root. Default 1e-5. */
  eps?: number;
  /** Weight of the new batch statistic in the running averages; null = cumulative moving average. Default 0.1. */
  momentum?: number | null;
  /** Learnable weight (init 1) and bias (init 0). Default true. */
  affine?: boolean;
  /** Keep running statistics for eval; false = batch statistics in eval too. Default true. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/**
 * Batch normalisation over the channels of (N, C) or (N, C, L) inputs:
 * y = (x - mean) / sqrt(var + eps) * weight + bias per channel. In training,
 * mean and var are the batch's (var biased) and the running statistics are
 * updated with the unbiased var; in eval the running statistics are used.
 *
 * State dict (PyTorch's keys): weight, bias, running_mean, running_var,
 * num_batches_tracked. PyTorch keeps num_batches_tracked as int64; torchlet
 * has no int64 dtype and stores it as a 0-d int32 tensor (exact up to 2^31 - 1
 * batches), which loads from and saves to the same key.
 */
export class BatchNorm1d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  // Buffers under PyTorch's names (the state-dict keys); camelCase getters below.
  running_mean!: Tensor | null;
  running_var!: Tensor | null;
  num_batches_tracked!: Tensor | null;

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true, dtype = 'float32' } =
      checkOptions('BatchNorm1d', opts, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype'], '{ eps: 1e-3 }');
    if (!Number.isInteger(numFeatures) || numFeatures < 1)
      throw new RangeError(`BatchNorm1d: numFeatures must be a positive integer, got ${numFeatures}`);
    if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) throw new RangeError(`BatchNorm1d: eps must be a finite number >= 0, got ${eps}`);
    if (momentum !== null && (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)))
      throw new RangeError(`BatchNorm1d: momentum must be a number in [0, 1] or null, got ${momentum}`);
    checkBool('BatchNorm1d', 'affine', affine);
    checkBool('BatchNorm1d', 'trackRunningStats', trackRunningStats);
    checkLayerSize('BatchNorm1d', [
      ...(affine ? [['weight', [numFeatures]], ['bias', [numFeatures]]] as [string, number[]][] : []),
      ...(trackRunningStats ? [['running_mean', [numFeatures]], ['running_var', [numFeatures]]] as [string, number[]][] : []),
    ], dtype);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    this.registerBuffer('running_mean', trackRunningStats ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', trackRunningStats ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', trackRunningStats ? zeros([], { dtype: 'int32' }) : null);
  }

  get runningMean(): Tensor | null { return this.running_mean; }
  get runningVar(): Tensor | null { return this.running_var; }
  get numBatchesTracked(): Tensor | null { return this.num_batches_tracked; }

  /** Running mean 0, running variance 1, batch count 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.zero_();
    });
  }
  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) noGrad(() => { this.weight!.fill_(1); this.bias!.fill_(0); });
  }

  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new TypeError(`BatchNorm1d.forward: expects a Tensor, got ${x === null ? 'null' : typeof x}`);
    if (x.ndim !== 2 && x.ndim !== 3)
      throw new RangeError(`BatchNorm1d: expected 2D or 3D input (got ${x.ndim}D input of shape ${fmtShape(x.shape)})`);
    if (x.size(1) !== this.numFeatures)
      throw new RangeError(
        `BatchNorm1d: expected input with ${this.numFeatures} channels in dim 1 (numFeatures), got ${x.size(1)} (input ${fmtShape(x.shape)})`,
      );
    if (this.training && x.shape[0] * (x.ndim === 3 ? x.size(2) : 1) <= 1)
      throw new RangeError(`BatchNorm1d: Expected more than 1 value per channel when training, got input size ${fmtShape(x.shape)}`);
    // Batch statistics in training, and in eval when no running statistics are kept.
    const useBatch = this.training || !this.trackRunningStats;
    const updateRunning = this.training && this.trackRunningStats;
    // The batch is counted only once batchNorm has accepted it (PyTorch counts it before its checks throw):
    // a refused call leaves every statistic as it was.
    const factor = updateRunning && this.momentum === null ? 1 / (this.num_batches_tracked!.item() + 1) : this.momentum ?? 0;
    const y = batchNorm(x, updateRunning || !useBatch ? this.running_mean : null, updateRunning || !useBatch ? this.running_var : null, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum: factor, eps: this.eps,
    });
    if (updateRunning) noGrad(() => this.num_batches_tracked!.add_(1));
    return y;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${this.affine ? 'True' : 'False'}, track_running_stats=${this.trackRunningStats ? 'True' : 'False'}`;
  }
}

export interface LayerNormOptions {
  eps?: number;
  /** Learnable weight (init 1) and bias (init 0) of shape normalizedShape. Default true. */
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/**
 * Layer normalisation over the trailing dims normalizedShape of each example:
 * y = (x - mean) / sqrt(var + eps) * weight + bias, mean and (biased) var
 * computed per example in double with two passes (no cancellation for inputs
 * far from 0).
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | number[], opts: LayerNormOptions = {}) {
    super();
    const { eps = 1e-5, elementwiseAffine = true, dtype = 'float32' } =
      checkOptions('LayerNorm', opts, ['eps', 'elementwiseAffine', 'dtype'], '{ eps: 1e-3 }');
    this.normalizedShape = checkNormalizedShape('LayerNorm', normalizedShape);
    if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) throw new RangeError(`LayerNorm: eps must be a finite number >= 0, got ${eps}`);
    checkBool('LayerNorm', 'elementwiseAffine', elementwiseAffine);
    if (elementwiseAffine) checkLayerSize('LayerNorm', [['weight', this.normalizedShape], ['bias', this.normalizedShape]], dtype);
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    this.weight = elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = elementwiseAffine ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  resetParameters(): void {
    if (this.elementwiseAffine) noGrad(() => { this.weight!.fill_(1); this.bias!.fill_(0); });
  }

  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new TypeError(`LayerNorm.forward: expects a Tensor, got ${x === null ? 'null' : typeof x}`);
    const ns = this.normalizedShape;
    const trailing = x.shape.slice(Math.max(0, x.ndim - ns.length));
    if (x.ndim < ns.length || trailing.some((s, i) => s !== ns[i]))
      throw new RangeError(
        `LayerNorm: given normalizedShape=${fmtShape(ns)}, expected input with shape [*, ${ns.join(', ')}], but got input of size ${fmtShape(x.shape)}`,
      );
    return layerNorm(x, ns, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')}${this.normalizedShape.length === 1 ? ',' : ''}), eps=${pyFloat(this.eps)}, elementwise_affine=${this.elementwiseAffine ? 'True' : 'False'}`;
  }
}

/** A number as Python's repr of a float prints it (1e-05, 0.1, 1.0), for reprs that read like PyTorch's. */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e16) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2').replace('e+', 'e+');
  return String(v);
}
