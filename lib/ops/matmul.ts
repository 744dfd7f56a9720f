/**
 * Matrix products on the native GEMM: mm (2-D), matmul (PyTorch's rules for
 * 1-D, 2-D and batched operands), linear (x W^T + b with the bias fused into
 * the GEMM), dot. Transposed views are handed to GEMM as transposed operands,
 * never copied.
 */
import { defineOp } from '../autograd/op';
import { native } from '../native';
import { UnaryOp } from '../../binding';
import { broadcastShapes, fmtShape, numelOf } from '../shape';
import { Tensor } from '../tensor';
import * as R from './reduce';
import * as S from './shape';
import { checkTensor, fl, resultType } from './util';
import type { FloatArray } from '../native';

/** How GEMM reads a 2-D view: transposed or not, its leading dim, or null if it needs a copy. */
function gemmOperand(t: Tensor): { trans: boolean; ld: number } | null {
  const [r, c] = t._shape;
  const [sr, sc] = t._strides;
  if ((sc === 1 || c <= 1) && (sr >= Math.max(c, 1) || r <= 1)) return { trans: false, ld: r <= 1 ? Math.max(c, 1) : sr };
  if ((sr === 1 || r <= 1) && (sc >= Math.max(r, 1) || c <= 1)) return { trans: true, ld: c <= 1 ? Math.max(r, 1) : sc };
  return null;
}

/** C (m x n, fresh) = A (m x k) B (k x n) [+ bias], for 2-D views of one float dtype. */
export function gemm2d(a: Tensor, b: Tensor, bias: Tensor | null = null, out?: Tensor): Tensor {
  let oa = gemmOperand(a);
  if (!oa) { a = S.contiguous(a); oa = { trans: false, ld: Math.max(a._shape[1], 1) }; }
  let ob = gemmOperand(b);
  if (!ob) { b = S.contiguous(b); ob = { trans: false, ld: Math.max(b._shape[1], 1) }; }
  const m = a._shape[0], k = a._shape[1], n = b._shape[1];
  const c = out ?? Tensor._empty([m, n], a.dtype);
  const ldc = m <= 1 ? Math.max(n, 1) : c._strides[0];
  native.gemm(oa.trans, ob.trans, m, n, k, 1, a._storage.data as FloatArray, a._offset, oa.ld,
    b._storage.data as FloatArray, b._offset, ob.ld, 0, c._storage.data as FloatArray, c._offset, ldc,
    bias ? fl(S.contiguous(bias)) : null);
  return c;
}

function checkFloatPair(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype === 'int32' || b.dtype === 'int32')
    throw new TypeError(`${op}: expects floating point tensors; got ${a.dtype} and ${b.dtype}`);
  if (a.dtype !== b.dtype)
    throw new TypeError(`${op}: expected both operands to have the same dtype, got ${a.dtype} and ${b.dtype}`);
}

const mmOp = defineOp('mm', {
  forward(ctx, a: Tensor, b: Tensor) {
    ctx.save(a, b);
    return gemm2d(a, b);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved;
    return [
      ctx.needsInputGrad[0] ? gemm2d(g, S.transpose(b, 0, 1)) : null, // dA = G B^T
      ctx.needsInputGrad[1] ? gemm2d(S.transpose(a, 0, 1), g) : null, // dB = A^T G
    ];
  },
});

/** Matrix product of 2-D tensors: (m, k) x (k, n) -> (m, n). */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkTensor('mm', 'input', a);
  checkTensor('mm', 'mat2', b);
  if (a.ndim !== 2 || b.ndim !== 2)
    throw new RangeError(`mm: expects 2-D tensors; got a ${fmtShape(a._shape)} and b ${fmtShape(b._shape)}`);
  if (a._shape[1] !== b._shape[0])
    throw new RangeError(`matmul: a.shape[-1] must equal b.shape[-2]; got a ${fmtShape(a._shape)} and b ${fmtShape(b._shape)} (${a._shape[1]} != ${b._shape[0]})`);
  checkFloatPair('mm', a, b);
  return mmOp(a, b);
}

const bmmOp = defineOp('bmm', {
  forward(ctx, a: Tensor, b: Tensor) {
    ctx.save(a, b);
    const [bs, m] = a._shape, n = b._shape[2];
    const out = Tensor._empty([bs, m, n], a.dtype);
    for (let i = 0; i < bs; i++) gemm2d(S.select(a, 0, i), S.select(b, 0, i), null, S.select(out, 0, i));
    return out;
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved;
    return [
      ctx.needsInputGrad[0] ? bmm(g, S.transpose(b, 1, 2)) : null,
      ctx.needsInputGrad[1] ? bmm(S.transpose(a, 1, 2), g) : null,
    ];
  },
});

/** Batched matrix product: (B, m, k) x (B, k, n) -> (B, m, n). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkTensor('bmm', 'input', a);
  checkTensor('bmm', 'mat2', b);
  if (a.ndim !== 3 || b.ndim !== 3 || a._shape[0] !== b._shape[0] || a._shape[2] !== b._shape[1])
    throw new RangeError(`bmm: expects (B, m, k) and (B, k, n); got ${fmtShape(a._shape)} and ${fmtShape(b._shape)}`);
  checkFloatPair('bmm', a, b);
  return bmmOp(a, b);
}

/** Inner product of two 1-D tensors of the same length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkTensor('dot', 'input', a);
  checkTensor('dot', 'other', b);
  if (a.ndim !== 1 || b.ndim !== 1 || a._shape[0] !== b._shape[0])
    throw new RangeError(`dot: expects two 1-D tensors of the same length; got ${fmtShape(a._shape)} and ${fmtShape(b._shape)}`);
  return S.reshape(mm(S.unsqueeze(a, 0), S.unsqueeze(b, 1)), []);
}

/**
 * PyTorch's matmul: 1-D x 1-D is a dot product; a 1-D operand is a row
 * (left) or column (right) vector, removed from the result; >= 3-D operands
 * are batches of matrices whose batch dims broadcast.
 * @example matmul(randn([64, 784]), randn([784, 10])).shape  // [64, 10]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', 'input', a);
  checkTensor('matmul', 'other', b);
  if (a.ndim === 0 || b.ndim === 0)
    throw new RangeError(`matmul: both arguments need at least 1 dimension; got ${fmtShape(a._shape)} and ${fmtShape(b._shape)}`);
  const ka = a._shape[a.ndim - 1], kb = b._shape[b.ndim === 1 ? 0 : b.ndim - 2];
  if (ka !== kb)
    throw new RangeError(`matmul: a.shape[-1] must equal b.shape[-2]; got a ${fmtShape(a._shape)} and b ${fmtShape(b._shape)} (${ka} != ${kb})`);
  const dt = resultType(a, b);
  if (a.dtype !== dt) a = a.to(dt);
  if (b.dtype !== dt) b = b.to(dt);
  checkFloatPair('matmul', a, b);
  if (a.ndim === 1 && b.ndim === 1) return dot(a, b);
  if (a.ndim <= 2 && b.ndim <= 2) {
    const a2 = a.ndim === 1 ? S.unsqueeze(a, 0) : a;
    const b2 = b.ndim === 1 ? S.unsqueeze(b, 1) : b;
    let r = mmOp(a2, b2);
    if (a.ndim === 1) r = S.squeeze(r, 0);
    if (b.ndim === 1) r = S.squeeze(r, -1);
    return r;
  }
  if (b.ndim <= 2 && a.ndim > 2) {
    // (..., m, k) x (k, n): one GEMM over the folded batch.
    const lead = a._shape.slice(0, -1);
    const b2 = b.ndim === 1 ? S.unsqueeze(b, 1) : b;
    const r = mmOp(S.reshape(a, [numelOf(lead), ka]), b2);
    return S.reshape(r, b.ndim === 1 ? lead : [...lead, b2._shape[1]]);
  }
  // Batched: broadcast the batch dims, fold them, bmm, unfold.
  const a3 = a.ndim === 1 ? S.unsqueeze(a, 0) : a;
  const b3 = b.ndim === 1 ? S.unsqueeze(b, 1) : b;
  const batch = broadcastShapes('matmul', a3._shape.slice(0, -2), b3._shape.slice(0, -2));
  const m = a3._shape[a3.ndim - 2], n = b3._shape[b3.ndim - 1];
  const bsz = numelOf(batch);
  const ae = S.reshape(S.expand(a3, [...batch, m, ka]), [bsz, m, ka]);
  const be = S.reshape(S.expand(b3, [...batch, ka, n]), [bsz, ka, n]);
  let r = S.reshape(bmm(ae, be), [...batch, m, n]);
  if (a.ndim === 1) r = S.squeeze(r, -2);
  if (b.ndim === 1) r = S.squeeze(r, -1);
  return r;
}

const linearOp = defineOp('linear', {
  forward(ctx, x: Tensor, w: Tensor, b: Tensor | null) {
    ctx.save(x, w);
    return gemm2d(x, S.transpose(w, 0, 1), b);
  },
  backward(ctx, g) {
    const [x, w] = ctx.saved;
    const [nx, nw, nb] = ctx.needsInputGrad;
    return [
      nx ? gemm2d(g, w) : null,                       // dX = G W
      nw ? gemm2d(S.transpose(g, 0, 1), x) : null,    // dW = G^T X
      nb ? R.sum(g, 0) : null,                        // db = column sums of G
    ];
  },
});

export type FusedActivation = 'relu' | 'tanh' | 'sigmoid';
const ACT_OPS: Record<FusedActivation, UnaryOp> = { relu: UnaryOp.Relu, tanh: UnaryOp.Tanh, sigmoid: UnaryOp.Sigmoid };

/**
 * act(x W^T + b) as one op: the activation runs in place on the GEMM's output
 * (no second buffer, no second node), and its derivative, which needs only
 * that output, is applied before the linear backward. The node is named after
 * the activation (ReluBackward0 ...), the grad_fn PyTorch shows for it.
 */
function linearActOp(act: FusedActivation) {
  const code = ACT_OPS[act];
  return defineOp(act, {
    forward(ctx, x: Tensor, w: Tensor, b: Tensor | null) {
      const y = gemm2d(x, S.transpose(w, 0, 1), b);
      native.unary(code, fl(y), fl(y), 0, 0);
      ctx.save(x, w, y);
      return y;
    },
    backward(ctx, g) {
      const [x, w, y] = ctx.saved;
      const [nx, nw, nb] = ctx.needsInputGrad;
      const gy = Tensor._empty(y._shape, y.dtype);
      native.unaryBackward(code, fl(y), fl(y), fl(g.isContiguous() ? g : S.contiguous(g)), fl(gy), 0, 0);
      return [
        nx ? gemm2d(gy, w) : null,
        nw ? gemm2d(S.transpose(gy, 0, 1), x) : null,
        nb ? R.sum(gy, 0) : null,
      ];
    },
  });
}
const linearActOps: Record<FusedActivation, ReturnType<typeof linearActOp>> = {
  relu: linearActOp('relu'), tanh: linearActOp('tanh'), sigmoid: linearActOp('sigmoid'),
};

/**
 * y = x W^T + b, the bias fused into the GEMM. Shape: x (*, in), W (out, in),
 * b (out) or null -> (*, out). With `activation`, act(x W^T + b) as one op
 * (nn.Sequential uses it for a Linear followed by ReLU, Tanh or Sigmoid).
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null, activation?: FusedActivation): Tensor {
  checkTensor('linear', 'input', x);
  checkTensor('linear', 'weight', weight);
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D (out, in); got ${fmtShape(weight._shape)}`);
  const inF = weight._shape[1], outF = weight._shape[0];
  if (x.ndim === 0 || x._shape[x.ndim - 1] !== inF)
    throw new RangeError(`linear: input's last dim ${x._shape[x.ndim - 1]} must equal inFeatures ${inF} (input ${fmtShape(x._shape)}, weight ${fmtShape(weight._shape)})`);
  if (bias !== null) {
    checkTensor('linear', 'bias', bias);
    if (bias.ndim !== 1 || bias._shape[0] !== outF)
      throw new RangeError(`linear: bias must have shape [${outF}]; got ${fmtShape(bias._shape)}`);
    checkFloatPair('linear', weight, bias);
  }
  checkFloatPair('linear', x, weight);
  const lead = x._shape.slice(0, -1);
  const x2 = x.ndim === 2 ? x : S.reshape(x, [numelOf(lead), inF]);
  const op = activation ? linearActOps[activation] : linearOp;
  if (activation && !op) throw new RangeError(`linear: unknown activation ${JSON.stringify(activation)}`);
  const y = op(x2, weight, bias as Tensor);
  return x.ndim === 2 ? y : S.reshape(y, [...lead, outF]);
}
