/**
 * Loss functions. Each returns the per-element (or per-sample) losses for
 * reduction 'none', their sum for 'sum', their mean for 'mean' (the default).
 * crossEntropy is fused: one native pass computes log-softmax and the NLL,
 * and its gradient is (softmax(z) - onehot(target)) * g.
 */
import { PointLoss, ReduceOp } from '../../binding';
import { defineOp } from '../autograd/op';
import { native } from '../native';
import type { FloatArray } from '../native';
import { fmtShape, sameShape } from '../shape';
import { Tensor } from '../tensor';
import * as R from './reduce';
import * as S from './shape';
import { checkTensor, cont, fl } from './util';

export type Reduction = 'none' | 'mean' | 'sum';

export function checkReduction(op: string, r: unknown): Reduction {
  if (r === 'none' || r === 'mean' || r === 'sum') return r;
  throw new RangeError(`${op}: reduction must be 'none', 'mean' or 'sum'; got ${JSON.stringify(r)}`);
}

function reduce(losses: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? R.sum(losses) : R.mean(losses);
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

/**
 * Cross-entropy between logits (N, C) (or (C) for one sample) and class
 * indices target (N) of dtype int32: -log softmax(z)[target].
 * @example crossEntropy(randn([4, 10]), tensor([1, 0, 9, 3], { dtype: 'int32' })).shape  // []
 */
export function crossEntropy(input: Tensor, target: Tensor, { reduction = 'mean' as Reduction } = {}): Tensor {
  checkTensor('crossEntropy', 'input', input);
  checkTensor('crossEntropy', 'target', target);
  reduction = checkReduction('crossEntropy', reduction);
  if (input.dtype === 'int32') throw new TypeError('crossEntropy: input must be floating point logits, got int32');
  if (target.dtype !== 'int32') {
    if (sameShape(target._shape, input._shape))
      throw new TypeError(
        `crossEntropy: target must be (N) class indices of dtype int32; got ${target.dtype} ${fmtShape(target._shape)}, ` +
          'the shape of the input: did you pass one-hot targets? Use target.argmax(1).',
      );
    throw new TypeError(`crossEntropy: target must hold class indices of dtype int32; got dtype ${target.dtype}`);
  }
  let x = input, single = false;
  if (x.ndim === 1) { x = S.unsqueeze(x, 0); single = true; }
  if (x.ndim !== 2)
    throw new RangeError(`crossEntropy: input must be (N, C) logits or (C); got ${fmtShape(input._shape)}`);
  const [n, c] = x._shape;
  const expected = single ? [] : [n];
  if (!sameShape(target._shape, expected))
    throw new RangeError(
      `crossEntropy: target must be (N) class indices with N = ${n}; got ${fmtShape(target._shape)} for input ${fmtShape(input._shape)}` +
        (target.ndim === 2 && target._shape[1] === c ? ' — did you pass one-hot targets?' : ''),
    );
  const t = cont(target)._flat() as Int32Array;
  for (let i = 0; i < t.length; i++)
    if (t[i] < 0 || t[i] >= c) throw new RangeError(`crossEntropy: target ${t[i]} out of range for ${c} classes`);
  if (reduction !== 'none') return crossEntropyReducedOp(x, Int32Array.from(t), n, c, reduction);
  const losses = crossEntropyOp(x, Int32Array.from(t), n, c);
  return single ? S.reshape(losses, []) : losses;
}

// ---------------------------------------------------------------- pointwise losses
function pointLossOp(name: string, kind: PointLoss) {
  return defineOp(name, {
    forward(ctx, x: Tensor, y: Tensor) {
      const out = Tensor._empty(x._shape, x.dtype);
      native.pointLoss(kind, fl(x), fl(y), fl(out));
      ctx.save(x, y);
      return out;
    },
    backward(ctx, g) {
      const [x, y] = ctx.saved;
      const gx = Tensor._empty(x._shape, x.dtype);
      native.pointLossBackward(kind, fl(x), fl(y), fl(cont(g)), fl(gx));
      // The target's gradient (rarely wanted) is left out: PyTorch gives it for MSE only.
      return [gx, null];
    },
  });
}

/** A point loss reduced to its mean or sum in the same op. */
function reducedPointLossOp(name: string, kind: PointLoss) {
  return defineOp(name, {
    forward(ctx, x: Tensor, y: Tensor, reduction: 'mean' | 'sum') {
      const losses = Tensor._empty(x._shape, x.dtype);
      native.pointLoss(kind, fl(x), fl(y), fl(losses));
      ctx.save(x, y);
      ctx.reduction = reduction;
      return reduceInto(losses, reduction);
    },
    backward(ctx, g) {
      const [x, y] = ctx.saved;
      const gx = Tensor._empty(x._shape, x.dtype);
      native.pointLossBackward(kind, fl(x), fl(y), scalarGrad(g, ctx.reduction as 'mean' | 'sum', x.numel()), fl(gx));
      return [gx, null];
    },
  });
}

const mseOp = pointLossOp('mseLoss', PointLoss.Mse);
const bceOp = pointLossOp('binaryCrossEntropy', PointLoss.Bce);
const bceLogitsOp = pointLossOp('binaryCrossEntropyWithLogits', PointLoss.BceLogits);
const mseReducedOp = reducedPointLossOp('mseLoss', PointLoss.Mse);
const bceReducedOp = reducedPointLossOp('binaryCrossEntropy', PointLoss.Bce);
const bceLogitsReducedOp = reducedPointLossOp('binaryCrossEntropyWithLogits', PointLoss.BceLogits);

function pointLoss(plain: (x: Tensor, y: Tensor) => Tensor, reduced: (x: Tensor, y: Tensor, r: 'mean' | 'sum') => Tensor,
                   x: Tensor, y: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? plain(x, y) : reduced(x, y, reduction);
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
export function mseLoss(input: Tensor, target: Tensor, { reduction = 'mean' as Reduction } = {}): Tensor {
  reduction = checkReduction('mseLoss', reduction);
  const [x, y] = pairOperands('mseLoss', input, target);
  if (target.requiresGrad) {
    // Differentiable in both arguments: compose from ops.
    const d = x.sub(y);
    return reduce(d.mul(d), reduction);
  }
  return pointLoss(mseOp, mseReducedOp, x, y, reduction);
}

/** Binary cross-entropy on probabilities in [0, 1], logs clamped at -100 like PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, { reduction = 'mean' as Reduction } = {}): Tensor {
  reduction = checkReduction('binaryCrossEntropy', reduction);
  const [x, y] = pairOperands('binaryCrossEntropy', input, target);
  const d = x._flat();
  for (let i = 0; i < d.length; i++)
    if (!(d[i] >= 0 && d[i] <= 1))
      throw new RangeError(`binaryCrossEntropy: all elements of input should be between 0 and 1; got ${d[i]} at index ${i}`);
  return pointLoss(bceOp, bceReducedOp, x, y, reduction);
}

/** Binary cross-entropy on logits: sigmoid fused in, stable for any logit. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, { reduction = 'mean' as Reduction } = {}): Tensor {
  reduction = checkReduction('binaryCrossEntropyWithLogits', reduction);
  const [x, y] = pairOperands('binaryCrossEntropyWithLogits', input, target);
  return pointLoss(bceLogitsOp, bceLogitsReducedOp, x, y, reduction);
}
