/**
 * Normalisation ops: batch norm and layer norm, each one native call forward
 * (statistics, normalisation, affine) and one backward (dx, dweight, dbias
 * together). PyTorch's grad_fn names: NativeBatchNormBackward0,
 * NativeLayerNormBackward0.
 */
import { defineOp } from '../autograd/op';
import { native } from '../native';
import { fmtShape, numelOf } from '../shape';
import { Tensor } from '../tensor';
import { checkBool, checkOptions, checkTensor, cont, fl } from './util';

type MaybeTensor = Tensor | null;

/** The running statistics a batch norm updates in place (not graph inputs). */
interface RunningStats {
  mean: MaybeTensor;
  var: MaybeTensor;
}

/** The gradients of the tensor inputs present, in argument order (weight/bias may be absent). */
function presentGrads(gx: MaybeTensor, gw: MaybeTensor, gb: MaybeTensor, hasW: boolean, hasB: boolean): MaybeTensor[] {
  const out: MaybeTensor[] = [gx];
  if (hasW) out.push(gw);
  if (hasB) out.push(gb);
  return out;
}

const batchNormOp = defineOp('nativeBatchNorm', {
  forward(ctx, x: Tensor, weight: MaybeTensor, bias: MaybeTensor, stats: RunningStats, useBatch: boolean,
          momentum: number, eps: number, outer: number, c: number, inner: number) {
    const y = Tensor._empty(x._shape, x.dtype);
    const saveMean = new Float64Array(c), saveInvstd = new Float64Array(c);
    native.batchNormForward(fl(x), outer, c, inner, weight && fl(weight), bias && fl(bias),
      stats.mean && fl(stats.mean), stats.var && fl(stats.var), useBatch, momentum, eps, fl(y), saveMean, saveInvstd);
    if (stats.mean && useBatch) { stats.mean._bumpVersion(); stats.var!._bumpVersion(); }
    ctx.save(x);
    if (weight) ctx.save(weight);
    Object.assign(ctx, { saveMean, saveInvstd, useBatch, outer, c, inner, hasW: weight !== null, hasB: bias !== null });
    return y;
  },
  backward(ctx, g) {
    const [x, weight] = ctx.saved;
    const hasW = ctx.hasW as boolean, hasB = ctx.hasB as boolean;
    const [needX, needW, needB] = [ctx.needsInputGrad[0], hasW && ctx.needsInputGrad[1], hasB && ctx.needsInputGrad[hasW ? 2 : 1]];
    const c = ctx.c as number;
    const gx = needX ? Tensor._empty(x._shape, x.dtype) : null;
    const gw = needW ? Tensor._empty([c], x.dtype) : null;
    const gb = needB ? Tensor._empty([c], x.dtype) : null;
    const gc = cont(g.dtype === x.dtype ? g : g.to(x.dtype));
    native.batchNormBackward(fl(x), fl(gc), ctx.outer as number, c, ctx.inner as number, hasW ? fl(weight) : null,
      ctx.saveMean as Float64Array, ctx.saveInvstd as Float64Array, ctx.useBatch as boolean,
      gx && fl(gx), gw && fl(gw), gb && fl(gb));
    return presentGrads(gx, gw, gb, hasW, hasB);
  },
});

function checkParam(op: string, name: string, t: unknown, c: number, x: Tensor, what: string): MaybeTensor {
  if (t === null || t === undefined) return null;
  checkTensor(op, name, t);
  const p = t as Tensor;
  if (p.ndim !== 1 || p._shape[0] !== c)
    throw new RangeError(`${op}: ${name} must have shape [${c}] (${what}), got ${fmtShape(p._shape)}`);
  if (p.dtype !== x.dtype)
    throw new TypeError(`${op}: ${name} has dtype ${p.dtype} but the input is ${x.dtype}`);
  return p.isContiguous() ? p : p.contiguous();
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Batch statistics (true) or the running ones (false). Default false, as F.batch_norm. */
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over dim 1 of (N, C) or (N, C, L) (PyTorch's F.batch_norm):
 * y = (x - mean) / sqrt(var + eps) * weight + bias. With training, mean and var
 * are the batch's (biased var) and runningMean/runningVar (when not null) are
 * updated in place: r = (1 - momentum) r + momentum * stat, with the unbiased
 * variance; else the running statistics are used.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
                          opts: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } =
    checkOptions(op, opts, ['weight', 'bias', 'training', 'momentum', 'eps'], '{ training: true }');
  checkTensor(op, 'input', input);
  if (input.dtype === 'int32') throw new TypeError(`${op}: input must be floating point, got int32`);
  checkBool(op, 'training', training);
  if (input.ndim < 2)
    throw new RangeError(`${op}: expected an input with at least 2 dims (N, C, *), got ${input.ndim}D input ${fmtShape(input._shape)}`);
  const c = input._shape[1];
  const n = input._shape[0];
  const inner = numelOf(input._shape.slice(2));
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))
    throw new RangeError(`${op}: momentum must be a number in [0, 1], got ${momentum}`);
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) throw new RangeError(`${op}: eps must be a finite number >= 0, got ${eps}`);
  const rm = checkParam(op, 'runningMean', runningMean, c, input, 'one per channel');
  const rv = checkParam(op, 'runningVar', runningVar, c, input, 'one per channel');
  if ((rm === null) !== (rv === null)) throw new TypeError(`${op}: pass both runningMean and runningVar, or neither`);
  if (rm && (rm !== runningMean || rv !== runningVar))
    throw new RangeError(`${op}: runningMean and runningVar must be contiguous (they are updated in place)`);
  if (!training && rm === null)
    throw new TypeError(`${op}: runningMean and runningVar are required when training is false`);
  if (training && n * inner <= 1)
    throw new RangeError(`${op}: Expected more than 1 value per channel when training, got input size ${fmtShape(input._shape)}`);
  const w = checkParam(op, 'weight', weight, c, input, 'one per channel');
  const b = checkParam(op, 'bias', bias, c, input, 'one per channel');
  return batchNormOp(cont(input), w, b, { mean: rm, var: rv }, training, momentum, eps, n, c, inner);
}

const layerNormOp = defineOp('nativeLayerNorm', {
  forward(ctx, x: Tensor, weight: MaybeTensor, bias: MaybeTensor, m: number, n: number, eps: number) {
    const y = Tensor._empty(x._shape, x.dtype);
    const saveMean = new Float64Array(m), saveRstd = new Float64Array(m);
    native.layerNormForward(fl(x), m, n, weight && fl(weight), bias && fl(bias), eps, fl(y), saveMean, saveRstd);
    ctx.save(x);
    if (weight) ctx.save(weight);
    Object.assign(ctx, { saveMean, saveRstd, m, n, hasW: weight !== null, hasB: bias !== null });
    return y;
  },
  backward(ctx, g) {
    const [x, weight] = ctx.saved;
    const hasW = ctx.hasW as boolean, hasB = ctx.hasB as boolean;
    const [needX, needW, needB] = [ctx.needsInputGrad[0], hasW && ctx.needsInputGrad[1], hasB && ctx.needsInputGrad[hasW ? 2 : 1]];
    const wShape = hasW ? weight._shape : [ctx.n as number];
    const gx = needX ? Tensor._empty(x._shape, x.dtype) : null;
    const gw = needW ? Tensor._empty(wShape, x.dtype) : null;
    const gb = needB ? Tensor._empty(wShape, x.dtype) : null;
    const gc = cont(g.dtype === x.dtype ? g : g.to(x.dtype));
    native.layerNormBackward(fl(x), fl(gc), ctx.m as number, ctx.n as number, hasW ? fl(weight) : null,
      ctx.saveMean as Float64Array, ctx.saveRstd as Float64Array, gx && fl(gx), gw && fl(gw), gb && fl(gb));
    return presentGrads(gx, gw, gb, hasW, hasB);
  },
});

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Layer normalisation over the trailing dims given by normalizedShape (PyTorch's
 * F.layer_norm): each slice is centred by its mean and divided by
 * sqrt(var + eps) (biased var), then scaled by weight and shifted by bias
 * (both of shape normalizedShape, or null).
 */
export function layerNorm(input: Tensor, normalizedShape: number | number[],
                          opts: LayerNormOptions = {}): Tensor {
  const op = 'layerNorm';
  const { weight = null, bias = null, eps = 1e-5 } = checkOptions(op, opts, ['weight', 'bias', 'eps'], '{ eps: 1e-6 }');
  checkTensor(op, 'input', input);
  if (input.dtype === 'int32') throw new TypeError(`${op}: input must be floating point, got int32`);
  const ns = checkNormalizedShape(op, normalizedShape);
  const k = ns.length;
  const trailing = input._shape.slice(input.ndim - k);
  if (input.ndim < k || trailing.some((s, i) => s !== ns[i]))
    throw new RangeError(
      `${op}: given normalizedShape=${fmtShape(ns)}, expected input with shape [*, ${ns.join(', ')}], but got input of size ${fmtShape(input._shape)}`,
    );
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) throw new RangeError(`${op}: eps must be a finite number >= 0, got ${eps}`);
  const params: MaybeTensor[] = [];
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t === null || t === undefined) { params.push(null); continue; }
    checkTensor(op, name, t);
    if (t._shape.length !== k || t._shape.some((s, i) => s !== ns[i]))
      throw new RangeError(`${op}: ${name} must have the shape normalizedShape ${fmtShape(ns)}, got ${fmtShape(t._shape)}`);
    if (t.dtype !== input.dtype) throw new TypeError(`${op}: ${name} has dtype ${t.dtype} but the input is ${input.dtype}`);
    params.push(cont(t));
  }
  const n = numelOf(ns);
  const m = n === 0 ? 0 : input.numel() / n;
  return layerNormOp(cont(input), params[0], params[1], m, n, eps);
}

export function checkNormalizedShape(op: string, s: unknown): number[] {
  const arr = typeof s === 'number' ? [s] : s;
  if (!Array.isArray(arr) || arr.length === 0 || !arr.every((v) => Number.isInteger(v) && v >= 0))
    throw new TypeError(`${op}: normalizedShape must be a non-negative integer or a non-empty array of them, got ${JSON.stringify(s)}`);
  return arr.slice();
}
