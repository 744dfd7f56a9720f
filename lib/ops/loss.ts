/**
 * Loss functions. Each returns the per-element (or per-sample) losses for
 * reduction 'none', their sum for 'sum', their mean for 'mean' (the default).
 * crossEntropy is fused: one native pass computes log-softmax and the NLL,
 * and its gradient is (softmax(z) - onehot(target)) * g.
 */
import { PointLoss, ReduceOp } from '../../binding';
import { defineOp } from '../autograd/op';
import { isGradEnabled } from '../autograd/grad_mode';
import { native } from '../native';
import type { FloatArray } from '../native';
import { fmtShape, sameShape } from '../shape';
import { Tensor } from '../tensor';
import * as R from './reduce';
import * as U from './unary';
import * as S from './shape';
import { checkOptions, checkTensor, cont, fl } from './util';

export type Reduction = 'none' | 'mean' | 'sum';

export function checkReduction(op: string, r: unknown): Reduction {
  if (r === 'none' || r === 'mean' || r === 'sum') return r;
  throw new RangeError(`${op}: reduction must be 'none', 'mean' or 'sum'; got ${JSON.stringify(r)}`);
}

/** Sum or mean (in float64) of per-element losses into a fresh 0-d tensor; `losses` is disposed. */
function reduceInto(losses: Tensor, reduction: 'mean' | 'sum'): Tensor {
  const out = Tensor._empty([], losses.dtype);
  const n = losses.numel();
  native.reduce(reduction === 'mean' ? ReduceOp.Mean : ReduceOp.Sum, fl(losses), 1, n, 1, fl(out));
  losses.dispose();
  return out;
}

/** The upstream gradient of a reduced loss as one factor for every element: g, or g / count for a mean. */
function scalarGrad(g: Tensor, reduction: 'mean' | 'sum', count: number): FloatArray {
  const v = g.item();
  const a = g.dtype === 'float64' ? new Float64Array(1) : new Float32Array(1);
  a[0] = reduction === 'mean' ? v / count : v;
  return a;
}

// ---------------------------------------------------------------- cross-entropy
const crossEntropyOp = defineOp('nllLoss', {
  forward(ctx, logits: Tensor, target: Int32Array, n: number, c: number) {
    const lc = cont(logits);
    const losses = Tensor._empty([n], lc.dtype);
    const logProbs = Tensor._empty([n, c], lc.dtype);
    native.crossEntropyForward(fl(lc), target, n, c, fl(losses), fl(logProbs));
    ctx.save(logProbs);
    Object.assign(ctx, { target, n, c });
    return losses;
  },
  backward(ctx, g) {
    const [logProbs] = ctx.saved;
    const gl = Tensor._empty(logProbs._shape, logProbs.dtype);
    native.crossEntropyBackward(fl(logProbs), ctx.target as Int32Array, ctx.n as number, ctx.c as number, fl(cont(g)), fl(gl));
    return [gl];
  },
});

// The mean / sum of a loss as one op: the reduction happens in the same
// native pass family, the backward scales the per-element gradient by a
// single factor. One node and one output per loss, as PyTorch's fused losses.
const crossEntropyReducedOp = defineOp('nllLoss', {
  forward(ctx, logits: Tensor, target: Int32Array, n: number, c: number, reduction: 'mean' | 'sum') {
    const lc = cont(logits);
    const losses = Tensor._empty([n], lc.dtype);
    const logProbs = Tensor._empty([n, c], lc.dtype);
    native.crossEntropyForward(fl(lc), target, n, c, fl(losses), fl(logProbs));
    ctx.save(logProbs);
    Object.assign(ctx, { target, n, c, reduction });
    return reduceInto(losses, reduction);
  },
  backward(ctx, g) {
    const [logProbs] = ctx.saved;
    const gl = Tensor._empty(logProbs._shape, logProbs.dtype);
    const n = ctx.n as number;
    native.crossEntropyBackward(fl(logProbs), ctx.target as Int32Array, n, ctx.c as number,
      scalarGrad(g, ctx.reduction as 'mean' | 'sum', n), fl(gl));
    return [gl];
  },
});

/** Sum of a typed array in double. */
function sumOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function floatScalar(v: number, dtype: string): Tensor {
  const t = Tensor._empty([], dtype === 'float64' ? 'float64' : 'float32');
  t._storage.data[0] = v;
  return t;
}

interface ClassTargets {
  target: Int32Array;
  weight: Tensor | null;
  ignoreIndex: number;
  labelSmoothing: number;
}

/**
 * Cross-entropy with class weights, ignoreIndex and label smoothing (one native
 * pass each way). The mean divides by the summed weights of the kept rows.
 * PyTorch's grad_fn: NllLossBackward0, or AddBackward0 with label smoothing.
 */
function crossEntropyExOp(name: string) {
  return defineOp(name, {
    forward(ctx, logits: Tensor, t: ClassTargets, n: number, c: number, reduction: Reduction) {
      const losses = Tensor._empty([n], logits.dtype);
      const rowW = Tensor._empty([n], logits.dtype);
      const logProbs = Tensor._empty([n, c], logits.dtype);
      native.crossEntropyExForward(fl(logits), t.target, t.weight && fl(t.weight), t.ignoreIndex, t.labelSmoothing, n, c,
        fl(losses), fl(rowW), fl(logProbs));
      ctx.save(logProbs);
      const wsum = sumOf(fl(rowW));
      rowW.dispose();
      Object.assign(ctx, { t, n, c, reduction, wsum });
      if (reduction === 'none') return losses;
      const total = sumOf(fl(losses));
      losses.dispose();
      return floatScalar(reduction === 'sum' ? total : total / wsum, logits.dtype);
    },
    backward(ctx, g) {
      const [logProbs] = ctx.saved;
      const t = ctx.t as ClassTargets;
      const gl = Tensor._empty(logProbs._shape, logProbs.dtype);
      const reduction = ctx.reduction as Reduction;
      const gArr = reduction === 'none'
        ? fl(cont(g))
        : fl(floatScalar(reduction === 'sum' ? g.item() : g.item() / (ctx.wsum as number), logProbs.dtype));
      native.crossEntropyExBackward(fl(logProbs), t.target, t.weight && fl(t.weight), t.ignoreIndex, t.labelSmoothing,
        ctx.n as number, ctx.c as number, gArr, fl(gl));
      return [gl];
    },
  });
}
const crossEntropyExNll = crossEntropyExOp('nllLoss');
const crossEntropyExSmooth = crossEntropyExOp('add');

/**
 * Cross-entropy against probability targets (same shape as the input). The
 * mean divides by N (PyTorch's rule for probability targets). grad_fn names as
 * PyTorch 1.13: DivBackward0 for the mean, NegBackward0 otherwise.
 */
function softCrossEntropyOp(name: string) {
  return defineOp(name, {
    forward(ctx, logits: Tensor, q: { q: Tensor; weight: Tensor | null }, n: number, c: number, reduction: Reduction) {
      const losses = Tensor._empty([n], logits.dtype);
      const logProbs = Tensor._empty([n, c], logits.dtype);
      native.softCrossEntropyForward(fl(logits), fl(q.q), q.weight && fl(q.weight), n, c, fl(losses), fl(logProbs));
      ctx.save(logProbs);
      Object.assign(ctx, { q, n, c, reduction });
      if (reduction === 'none') return losses;
      const total = sumOf(fl(losses));
      losses.dispose();
      return floatScalar(reduction === 'sum' ? total : total / n, logits.dtype);
    },
    backward(ctx, g) {
      const [logProbs] = ctx.saved;
      const q = ctx.q as { q: Tensor; weight: Tensor | null };
      const gl = Tensor._empty(logProbs._shape, logProbs.dtype);
      const reduction = ctx.reduction as Reduction;
      const gArr = reduction === 'none'
        ? fl(cont(g))
        : fl(floatScalar(reduction === 'sum' ? g.item() : g.item() / (ctx.n as number), logProbs.dtype));
      native.softCrossEntropyBackward(fl(logProbs), fl(q.q), q.weight && fl(q.weight), ctx.n as number, ctx.c as number,
        gArr, fl(gl));
      return [gl];
    },
  });
}
const softCrossEntropyMean = softCrossEntropyOp('div');
const softCrossEntropyOther = softCrossEntropyOp('neg');

/** Class weights: null, or a float tensor of shape (C) with the input's dtype. */
function checkClassWeight(op: string, weight: unknown, c: number, input: Tensor): Tensor | null {
  if (weight === null || weight === undefined) return null;
  checkTensor(op, 'weight', weight);
  const w = weight as Tensor;
  if (w.ndim !== 1 || w._shape[0] !== c)
    throw new RangeError(`${op}: weight must be a 1-D tensor of ${c} class weights (one per class); got ${fmtShape(w._shape)}`);
  if (w.dtype === 'int32') throw new TypeError(`${op}: weight must be floating point, got int32`);
  // As PyTorch: an error rather than a gradient silently missing.
  if (w.requiresGrad && isGradEnabled())
    throw new Error(`${op}: not differentiable with respect to 'weight'; the class weights must not require grad (pass weight.detach())`);
  return cont(w.dtype === input.dtype ? w : w.to(input.dtype)).detach();
}

export interface CrossEntropyOptions {
  reduction?: Reduction;
  /** One weight per class (C): each row's loss is scaled by its target's weight. */
  weight?: Tensor | null;
  /** Rows whose target is this class index are left out (loss 0, not counted in the mean). Default -100. */
  ignoreIndex?: number;
  /** eps in [0, 1]: the target becomes (1 - eps) * onehot + eps / C. Default 0. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy between logits (N, C) (or (C) for one sample) and either class
 * indices target (N) of dtype int32 — -log softmax(z)[target] — or class
 * probabilities of the input's shape (a float target): -sum_j p_j log softmax(z)_j.
 * Options as PyTorch: weight (the mean divides by the summed weights of the kept
 * rows), ignoreIndex (default -100), labelSmoothing.
 * @example crossEntropy(randn([4, 10]), tensor([1, 0, 9, 3], { dtype: 'int32' })).shape  // []
 */
export function crossEntropy(input: Tensor, target: Tensor,
                             opts: CrossEntropyOptions = {}): Tensor {
  let { reduction = 'mean', weight = null, ignoreIndex = -100, labelSmoothing = 0 } = checkOptions('crossEntropy', opts, ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing'], "{ reduction: 'sum' }");
  checkTensor('crossEntropy', 'input', input);
  checkTensor('crossEntropy', 'target', target);
  reduction = checkReduction('crossEntropy', reduction);
  if (input.dtype === 'int32') throw new TypeError('crossEntropy: input must be floating point logits, got int32');
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1))
    throw new RangeError(`crossEntropy: labelSmoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
  if (!Number.isInteger(ignoreIndex) || ignoreIndex < -(2 ** 31) || ignoreIndex >= 2 ** 31)
    throw new RangeError(`crossEntropy: ignoreIndex must be an int32 integer, got ${ignoreIndex}`);
  let x = input, single = false;
  if (x.ndim === 1) { x = S.unsqueeze(x, 0); single = true; }
  if (x.ndim !== 2)
    throw new RangeError(`crossEntropy: input must be (N, C) logits or (C); got ${fmtShape(input._shape)}`);
  const [n, c] = x._shape;
  const w = checkClassWeight('crossEntropy', weight, c, input);
  if (target.dtype !== 'int32') {
    if (sameShape(target._shape, input._shape)) return softCrossEntropy(x, target, w, labelSmoothing, ignoreIndex, reduction, single);
    throw new TypeError(
      `crossEntropy: target must hold class indices of dtype int32, or class probabilities of the input's shape ${fmtShape(input._shape)}; ` +
        `got dtype ${target.dtype} ${fmtShape(target._shape)}` +
        (sameShape(target._shape, single ? [] : [n]) ? ' (class indices: use target.int())' : ''),
    );
  }
  const expected = single ? [] : [n];
  if (!sameShape(target._shape, expected))
    throw new RangeError(
      `crossEntropy: target must be (N) class indices with N = ${n}; got ${fmtShape(target._shape)} for input ${fmtShape(input._shape)}` +
        (target.ndim === 2 && target._shape[1] === c ? ' — did you pass one-hot targets?' : ''),
    );
  const t = Int32Array.from(cont(target)._flat() as Int32Array);
  let ignored = false;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === ignoreIndex) { ignored = true; continue; }
    if (t[i] < 0 || t[i] >= c) throw new RangeError(`crossEntropy: target ${t[i]} out of range for ${c} classes`);
  }
  const xc = cont(x);
  if (w || ignored || labelSmoothing > 0) {
    const op = labelSmoothing > 0 ? crossEntropyExSmooth : crossEntropyExNll;
    const out = op(xc, { target: t, weight: w, ignoreIndex, labelSmoothing }, n, c, reduction);
    return single && reduction === 'none' ? S.reshape(out, []) : out;
  }
  if (reduction !== 'none') return crossEntropyReducedOp(xc, t, n, c, reduction);
  const losses = crossEntropyOp(xc, t, n, c);
  return single ? S.reshape(losses, []) : losses;
}

function softCrossEntropy(x: Tensor, target: Tensor, w: Tensor | null, eps: number, ignoreIndex: number,
                          reduction: Reduction, single: boolean): Tensor {
  if (ignoreIndex >= 0) throw new RangeError('crossEntropy: ignoreIndex is not supported for floating point target');
  const [n, c] = x._shape;
  let q = target.dtype === x.dtype ? target : target.to(x.dtype);
  if (single) q = S.unsqueeze(q, 0);
  if (eps > 0) q = q.mul(1 - eps).add(eps / c);
  let out: Tensor;
  if (target.requiresGrad) {
    // Differentiable in the target too: compose from ops.
    let prod = x.logSoftmax(1).mul(q);
    if (w) prod = prod.mul(w);
    const losses = prod.sum(1).neg();
    out = reduction === 'none' ? losses : reduction === 'sum' ? R.sum(losses) : R.sum(losses).div(n);
  } else {
    const op = reduction === 'mean' ? softCrossEntropyMean : softCrossEntropyOther;
    out = op(cont(x), { q: cont(q).detach(), weight: w }, n, c, reduction);
  }
  return single && reduction === 'none' ? S.reshape(out, []) : out;
}

export interface NllLossOptions {
  reduction?: Reduction;
  weight?: Tensor | null;
  ignoreIndex?: number;
}

const nllOp = defineOp('nllLoss', {
  forward(ctx, x: Tensor, t: Int32Array, w: Float64Array | null, ignoreIndex: number, reduction: Reduction) {
    const [n, c] = x._shape;
    const xd = fl(x);
    const losses = Tensor._empty([n], x.dtype);
    const ld = fl(losses);
    const rowW = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ti = t[i];
      if (ti === ignoreIndex) { ld[i] = 0; continue; }
      const wt = w ? w[ti] : 1;
      rowW[i] = wt;
      ld[i] = -wt * xd[i * c + ti];
    }
    const wsum = sumOf(rowW);
    Object.assign(ctx, { t, rowW, n, c, reduction, wsum, dtype: x.dtype });
    if (reduction === 'none') return losses;
    const total = sumOf(ld);
    losses.dispose();
    return floatScalar(reduction === 'sum' ? total : total / wsum, x.dtype);
  },
  backward(ctx, g) {
    const n = ctx.n as number, c = ctx.c as number, t = ctx.t as Int32Array, rowW = ctx.rowW as Float64Array;
    const reduction = ctx.reduction as Reduction;
    const gx = Tensor._empty([n, c], ctx.dtype as 'float32' | 'float64');
    const gd = fl(gx);
    native.fill(gd, 0);
    const gv = reduction === 'none' ? fl(cont(g)) : null;
    const g0 = reduction === 'none' ? 0 : reduction === 'sum' ? g.item() : g.item() / (ctx.wsum as number);
    // Ignored rows (and rows of weight 0) have rowW 0: their gradient stays 0.
    for (let i = 0; i < n; i++) if (rowW[i] !== 0) gd[i * c + t[i]] = -rowW[i] * (gv ? gv[i] : g0);
    return [gx];
  },
});

/**
 * Negative log-likelihood of log-probabilities input (N, C) (or (C)) at int32
 * class indices target (N): -weight[t] * input[i, t]. The mean divides by the
 * summed weights of the kept rows; rows whose target is ignoreIndex (default
 * -100) are left out. Use it after logSoftmax (crossEntropy fuses the two).
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  let { reduction = 'mean', weight = null, ignoreIndex = -100 } = checkOptions('nllLoss', opts, ['reduction', 'weight', 'ignoreIndex'], "{ reduction: 'sum' }");
  const op = 'nllLoss';
  checkTensor(op, 'input', input);
  checkTensor(op, 'target', target);
  reduction = checkReduction(op, reduction);
  if (input.dtype === 'int32') throw new TypeError(`${op}: input must be floating point log-probabilities, got int32`);
  if (target.dtype !== 'int32') throw new TypeError(`${op}: target must hold class indices of dtype int32; got dtype ${target.dtype}`);
  if (!Number.isInteger(ignoreIndex)) throw new RangeError(`${op}: ignoreIndex must be an integer, got ${ignoreIndex}`);
  let x = input, single = false;
  if (x.ndim === 1) { x = S.unsqueeze(x, 0); single = true; }
  if (x.ndim !== 2) throw new RangeError(`${op}: input must be (N, C) log-probabilities or (C); got ${fmtShape(input._shape)}`);
  const [n, c] = x._shape;
  if (!sameShape(target._shape, single ? [] : [n]))
    throw new RangeError(`${op}: target must be (N) class indices with N = ${n}; got ${fmtShape(target._shape)} for input ${fmtShape(input._shape)}`);
  const w = checkClassWeight(op, weight, c, input);
  const t = Int32Array.from(cont(target)._flat() as Int32Array);
  for (let i = 0; i < t.length; i++)
    if (t[i] !== ignoreIndex && (t[i] < 0 || t[i] >= c)) throw new RangeError(`${op}: target ${t[i]} out of range for ${c} classes`);
  const out = nllOp(cont(x), t, w ? Float64Array.from(w._flat()) : null, ignoreIndex, reduction);
  return single && reduction === 'none' ? S.reshape(out, []) : out;
}

// ---------------------------------------------------------------- pointwise losses
/**
 * d loss / d target times g (g has one value per element, or one for all).
 * The losses of d = x - y take PyTorch's formula with the arguments swapped;
 * BCE: max(ln(1-x), -100) - max(ln x, -100); BCE with logits: -x.
 */
function pointLossTargetGrad(kind: PointLoss, x: Tensor, y: Tensor, g: FloatArray, param: number): Tensor {
  const gy = Tensor._empty(y._shape, y.dtype);
  const out = fl(gy);
  if (kind !== PointLoss.Bce && kind !== PointLoss.BceLogits) {
    native.pointLossBackward(kind, fl(y), fl(x), g, out, param);
    return gy;
  }
  const xs = fl(x);
  for (let i = 0; i < out.length; i++) {
    const a = xs[i], gi = g.length === 1 ? g[0] : g[i];
    out[i] = gi * (kind === PointLoss.Bce ? Math.max(Math.log(1 - a), -100) - Math.max(Math.log(a), -100) : -a);
  }
  return gy;
}

// `param` is SmoothL1's beta or Huber's delta (ignored by the other kinds).
function pointLossOp(name: string, kind: PointLoss) {
  return defineOp(name, {
    forward(ctx, x: Tensor, y: Tensor, param: number) {
      const out = Tensor._empty(x._shape, x.dtype);
      native.pointLoss(kind, fl(x), fl(y), fl(out), param);
      ctx.save(x, y);
      ctx.param = param;
      return out;
    },
    backward(ctx, g) {
      const [x, y] = ctx.saved;
      const gx = Tensor._empty(x._shape, x.dtype);
      const ga = fl(cont(g));
      native.pointLossBackward(kind, fl(x), fl(y), ga, fl(gx), ctx.param as number);
      return [gx, ctx.needsInputGrad[1] ? pointLossTargetGrad(kind, x, y, ga, ctx.param as number) : null];
    },
  });
}

/** A point loss reduced to its mean or sum in the same op. */
function reducedPointLossOp(name: string, kind: PointLoss) {
  return defineOp(name, {
    forward(ctx, x: Tensor, y: Tensor, param: number, reduction: 'mean' | 'sum') {
      const losses = Tensor._empty(x._shape, x.dtype);
      native.pointLoss(kind, fl(x), fl(y), fl(losses), param);
      ctx.save(x, y);
      ctx.reduction = reduction;
      ctx.param = param;
      return reduceInto(losses, reduction);
    },
    backward(ctx, g) {
      const [x, y] = ctx.saved;
      const gx = Tensor._empty(x._shape, x.dtype);
      const ga = scalarGrad(g, ctx.reduction as 'mean' | 'sum', x.numel());
      native.pointLossBackward(kind, fl(x), fl(y), ga, fl(gx), ctx.param as number);
      return [gx, ctx.needsInputGrad[1] ? pointLossTargetGrad(kind, x, y, ga, ctx.param as number) : null];
    },
  });
}

type PlainLoss = (x: Tensor, y: Tensor, param: number) => Tensor;
type ReducedLoss = (x: Tensor, y: Tensor, param: number, r: 'mean' | 'sum') => Tensor;
const mseOp = pointLossOp('mseLoss', PointLoss.Mse);
const bceOp = pointLossOp('binaryCrossEntropy', PointLoss.Bce);
const bceLogitsOp = pointLossOp('binaryCrossEntropyWithLogits', PointLoss.BceLogits);
// grad_fn names as PyTorch 1.13, whose l1_loss is (x - y).abs() then mean / sum.
const l1Op = pointLossOp('abs', PointLoss.L1);
const smoothL1Op = pointLossOp('smoothL1Loss', PointLoss.SmoothL1);
const huberOp = pointLossOp('huberLoss', PointLoss.Huber);
const mseReducedOp = reducedPointLossOp('mseLoss', PointLoss.Mse);
const bceReducedOp = reducedPointLossOp('binaryCrossEntropy', PointLoss.Bce);
const bceLogitsReducedOp = reducedPointLossOp('binaryCrossEntropyWithLogits', PointLoss.BceLogits);
const l1MeanOp = reducedPointLossOp('mean', PointLoss.L1);
const l1SumOp = reducedPointLossOp('sum', PointLoss.L1);
const l1ReducedOp: ReducedLoss = (x, y, param, r) => (r === 'mean' ? l1MeanOp : l1SumOp)(x, y, param, r);
const smoothL1ReducedOp = reducedPointLossOp('smoothL1Loss', PointLoss.SmoothL1);
const huberReducedOp = reducedPointLossOp('huberLoss', PointLoss.Huber);

function pointLoss(plain: PlainLoss, reduced: ReducedLoss, x: Tensor, y: Tensor, reduction: Reduction, param = 0): Tensor {
  return reduction === 'none' ? plain(x, y, param) : reduced(x, y, param, reduction);
}

function pairOperands(op: string, input: Tensor, target: Tensor): [Tensor, Tensor] {
  checkTensor(op, 'input', input);
  checkTensor(op, 'target', target);
  if (input.dtype === 'int32') throw new TypeError(`${op}: input must be floating point, got int32`);
  if (!sameShape(input._shape, target._shape))
    throw new RangeError(
      `${op}: target size ${fmtShape(target._shape)} must be the same as input size ${fmtShape(input._shape)}` +
        (input.numel() === target.numel() ? ' (reshape one of them, e.g. view(-1, 1))' : ''),
    );
  const t = target.dtype === input.dtype ? target : target.to(input.dtype);
  return [cont(input), cont(t)];
}

/** Mean squared error (x - y)^2. Input and target must have the same shape. */
export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  let { reduction = 'mean' } = checkOptions('mseLoss', opts, ['reduction'], "{ reduction: 'sum' }");
  reduction = checkReduction('mseLoss', reduction);
  const [x, y] = pairOperands('mseLoss', input, target);
  return pointLoss(mseOp, mseReducedOp, x, y, reduction);
}

/** Binary cross-entropy on probabilities in [0, 1], logs clamped at -100 like PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  let { reduction = 'mean' } = checkOptions('binaryCrossEntropy', opts, ['reduction'], "{ reduction: 'sum' }");
  reduction = checkReduction('binaryCrossEntropy', reduction);
  const [x, y] = pairOperands('binaryCrossEntropy', input, target);
  const d = x._flat();
  for (let i = 0; i < d.length; i++)
    if (!(d[i] >= 0 && d[i] <= 1))
      throw new RangeError(`binaryCrossEntropy: all elements of input should be between 0 and 1; got ${d[i]} at index ${i}`);
  return pointLoss(bceOp, bceReducedOp, x, y, reduction);
}

/**
 * Binary cross-entropy on logits: sigmoid fused in, stable for any logit.
 * posWeight (broadcast to the input, usually one per class (C)) weighs the
 * positive term: -(pw y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor,
                                             opts: { reduction?: Reduction; posWeight?: Tensor | null } = {}): Tensor {
  let { reduction = 'mean', posWeight = null } = checkOptions('binaryCrossEntropyWithLogits', opts, ['reduction', 'posWeight'], "{ reduction: 'sum' }");
  const op = 'binaryCrossEntropyWithLogits';
  reduction = checkReduction(op, reduction);
  const [x, y] = pairOperands(op, input, target);
  if (posWeight === null || posWeight === undefined) return pointLoss(bceLogitsOp, bceLogitsReducedOp, x, y, reduction);
  checkTensor(op, 'posWeight', posWeight);
  if (posWeight.dtype === 'int32') throw new TypeError(`${op}: posWeight must be floating point, got int32`);
  if (!broadcastsTo(posWeight._shape, x._shape))
    throw new RangeError(`${op}: posWeight of shape ${fmtShape(posWeight._shape)} does not broadcast to the input's shape ${fmtShape(x._shape)} (use one weight per class, shape [C])`);
  const pw = posWeight.dtype === x.dtype ? posWeight : posWeight.to(x.dtype);
  return bceLogitsPosWeightOp(x, y, pw, reduction);
}

/** Whether `from` broadcasts to exactly `to`. */
function broadcastsTo(from: number[], to: number[]): boolean {
  if (from.length > to.length) return false;
  for (let i = 1; i <= from.length; i++) {
    const a = from[from.length - i], b = to[to.length - i];
    if (a !== b && a !== 1) return false;
  }
  return true;
}

/** Mean absolute error |x - y|. Shapes must match. grad sign(x - y) (0 at 0). */
export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  let { reduction = 'mean' } = checkOptions('l1Loss', opts, ['reduction'], "{ reduction: 'sum' }");
  reduction = checkReduction('l1Loss', reduction);
  const [x, y] = pairOperands('l1Loss', input, target);
  return pointLoss(l1Op, l1ReducedOp, x, y, reduction);
}

/**
 * Smooth L1: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = x - y).
 * beta = 0 is the L1 loss, with PyTorch 1.13's gradient -1 (not 0) at d = 0;
 * beta < 0 is an error.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; beta?: number } = {}): Tensor {
  let { reduction = 'mean', beta = 1.0 } = checkOptions('smoothL1Loss', opts, ['reduction', 'beta'], "{ reduction: 'sum' }");
  reduction = checkReduction('smoothL1Loss', reduction);
  if (typeof beta !== 'number' || !(beta >= 0) || !Number.isFinite(beta))
    throw new RangeError(`smoothL1Loss: beta must be a finite number >= 0 (smooth_l1_loss does not support negative values for beta), got ${beta}`);
  const [x, y] = pairOperands('smoothL1Loss', input, target);
  return pointLoss(smoothL1Op, smoothL1ReducedOp, x, y, reduction, beta);
}

/** Huber: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta). delta > 0. */
export function huberLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; delta?: number } = {}): Tensor {
  let { reduction = 'mean', delta = 1.0 } = checkOptions('huberLoss', opts, ['reduction', 'delta'], "{ reduction: 'sum' }");
  reduction = checkReduction('huberLoss', reduction);
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta))
    throw new RangeError(`huberLoss: delta must be a finite number > 0 (huber_loss does not support non-positive values for delta), got ${delta}`);
  const [x, y] = pairOperands('huberLoss', input, target);
  return pointLoss(huberOp, huberReducedOp, x, y, reduction, delta);
}

/**
 * BCE with logits and pos_weight (PyTorch's formula): with lw = 1 + (pw - 1) y,
 * m = max(-x, 0) and sp = softplus(-x) = log(e^-m + e^(-x-m)) + m,
 * loss = (1 - y) x + lw sp; d/dx = lw sigmoid(x) - pw y;
 * d/dy = (pw - 1) sp - x; d/dpw = y sp (the engine sums it to pw's shape).
 */
const bceLogitsPosWeightOp = defineOp('binaryCrossEntropyWithLogits', {
  forward(ctx, x: Tensor, y: Tensor, pw: Tensor, reduction: Reduction) {
    const lw = pw.sub(1).mul(y).add(1);
    const m = x.neg().clamp(0);
    const sp = m.neg().exp().add(x.neg().sub(m).exp()).log().add(m);
    const losses = U.rsubScalar(y, 1).mul(x).add(lw.mul(sp));
    ctx.save(x, y, pw);
    Object.assign(ctx, { lw, sp, reduction });
    if (reduction === 'none') return cont(losses);
    return reduceInto(cont(losses), reduction);
  },
  backward(ctx, g) {
    const [x, y, pw] = ctx.saved;
    const { lw, sp } = ctx as unknown as { lw: Tensor; sp: Tensor };
    const reduction = ctx.reduction as Reduction;
    const gs = reduction === 'none' ? g : reduction === 'sum' ? g.item() : g.item() / x.numel();
    const [needX, needY, needPw] = ctx.needsInputGrad;
    return [
      needX ? cont(lw.mul(x.sigmoid()).sub(pw.mul(y)).mul(gs)) : null,
      needY ? cont(pw.sub(1).mul(sp).sub(x).mul(gs)) : null,
      needPw ? cont(y.mul(sp).mul(gs)) : null,
    ];
  },
});
