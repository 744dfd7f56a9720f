/**
 * Elementwise binary ops with broadcasting. Shape: (*a), (*b) -> broadcast(a, b).
 * Operands may be strided views (the kernel reads them through strides) and
 * numbers (a 0-d operand). The engine reduces each gradient to its input's shape.
 */
import { BinaryOp, UnaryOp } from '../../binding';
import { isFloat } from '../dtype';
import { defineOp } from '../autograd/op';
import { native } from '../native';
import { broadcastShapes, broadcastStrides } from '../shape';
import { Tensor } from '../tensor';
import { asOperand, checkTensor, resultType } from './util';
import * as U from './unary';

/** out = a (op) b for tensors of the same dtype, broadcast. */
export function binaryKernel(name: string, op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(name, a._shape, b._shape);
  const out = Tensor._empty(shape, a.dtype);
  native.binary(op, shape, a._storage.data, a._offset, broadcastStrides(a._shape, a._strides, shape),
    b._storage.data, b._offset, broadcastStrides(b._shape, b._strides, shape), out._flat());
  return out;
}

type Grad2 = (ctx: { saved: Tensor[] }, g: Tensor, a: Tensor, b: Tensor) => [Tensor | null, Tensor | null];

/** `readsInputs`: whether the gradient needs the operands' values (add and sub do not, so they save nothing). */
function binaryOp(name: string, op: BinaryOp, grad: Grad2 | null, readsInputs = true) {
  const f = defineOp(name, {
    forward(ctx, a: Tensor, b: Tensor) {
      if (readsInputs) ctx.save(a, b);
      return binaryKernel(name, op, a, b);
    },
    backward: grad
      ? (ctx, g) => {
          const [a, b] = ctx.saved as (Tensor | undefined)[];
          const [ga, gb] = grad(ctx, g, a!, b!);
          return [ctx.needsInputGrad[0] ? ga : null, ctx.needsInputGrad[1] ? gb : null];
        }
      : undefined,
  });
  return (a: Tensor | number, b: Tensor | number): Tensor => {
    if (!(a instanceof Tensor)) checkTensor(name, 'other', b);
    else a._live(name);
    if (b instanceof Tensor) b._live(name);
    else if (typeof b !== 'number') throw new TypeError(`${name}: argument 'other' must be a Tensor or a number, got ${b === null ? 'null' : typeof b}`);
    if (typeof a !== 'number' && !(a instanceof Tensor)) throw new TypeError(`${name}: argument 'input' must be a Tensor or a number, got ${typeof a}`);
    const dt = resultType(a, b);
    return f(asOperand(a, dt), asOperand(b, dt));
  };
}

// Gradients. `a`, `b` are the (dtype-promoted) inputs; shapes are reduced by the engine.
const addFn = binaryOp('add', BinaryOp.Add, (_c, g) => [g, g], false);
const subFn = binaryOp('sub', BinaryOp.Sub, (_c, g) => [g, U.neg(g)], false);
const mulFn = binaryOp('mul', BinaryOp.Mul, (_c, g, a, b) => [mul(g, b), mul(g, a)]);
const divFn = binaryOp('div', BinaryOp.Div, (_c, g, a, b) => [div(g, b), U.neg(div(mul(g, a), mul(b, b)))]);
const powFn = binaryOp('pow', BinaryOp.Pow, (_c, g, a, b) => {
  // d/da a^b = b a^(b-1), 0 where b == 0; d/db a^b = a^b ln a, 0 where a == 0 and b >= 0
  // (PyTorch's masks: without them 0^0 gives 0 * inf = NaN).
  const zero = asOperand(0, a.dtype);
  const bZero = binaryKernel('pow', BinaryOp.Eq, b, zero);
  const aZeroBNonNeg = binaryKernel('pow', BinaryOp.Mul, binaryKernel('pow', BinaryOp.Eq, a, zero), binaryKernel('pow', BinaryOp.Ge, b, zero));
  return [
    where(bZero, 0, mul(g, mul(b, pow(a, sub(b, 1))))),
    where(aZeroBNonNeg, 0, mul(g, mul(pow(a, b), U.log(a)))),
  ];
});
const maxFn = binaryOp('maximum', BinaryOp.Maximum, (_c, g, a, b) => splitTies(g, a, b, BinaryOp.Gt));
const minFn = binaryOp('minimum', BinaryOp.Minimum, (_c, g, a, b) => splitTies(g, a, b, BinaryOp.Lt));

/**
 * Gradient of max/min (PyTorch's rule): each operand gets g unless it lost the
 * comparison, and half of g on a tie. Where one operand is NaN neither loses,
 * so both get the whole of g, as in PyTorch.
 */
function splitTies(g: Tensor, a: Tensor, b: Tensor, cmp: BinaryOp): [Tensor, Tensor] {
  const tie = mul(binaryKernel('maximum', BinaryOp.Eq, a, b), 0.5);
  const aLoses = binaryKernel('maximum', cmp, b, a);
  const bLoses = binaryKernel('maximum', cmp, a, b);
  return [mul(g, sub(sub(1, aLoses), tie)), mul(g, sub(sub(1, bLoses), tie))];
}

/** a + b (broadcast). */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  if (typeof b === 'number' && a instanceof Tensor && isFloat(a.dtype)) return U.addScalar(a, b);
  if (typeof a === 'number' && b instanceof Tensor && isFloat(b.dtype)) return U.addScalar(b, a);
  return addFn(a, b);
}
/** a - b (broadcast). */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  if (typeof b === 'number' && a instanceof Tensor && isFloat(a.dtype)) return U.addScalar(a, -b);
  if (typeof a === 'number' && b instanceof Tensor && isFloat(b.dtype)) return U.rsubScalar(b, a);
  return subFn(a, b);
}
/** a * b (broadcast). */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  if (typeof b === 'number' && a instanceof Tensor && isFloat(a.dtype)) return U.mulScalar(a, b);
  if (typeof a === 'number' && b instanceof Tensor && isFloat(b.dtype)) return U.mulScalar(b, a);
  return mulFn(a, b);
}
/** a / b (broadcast); true division, so int32 operands give float32. */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  const ta = a instanceof Tensor ? a : null, tb = b instanceof Tensor ? b : null;
  if ((ta && ta.dtype === 'int32' && (!tb || tb.dtype === 'int32')) || (tb && tb.dtype === 'int32' && !ta))
    return divFn(ta ? ta.to('float32') : a, tb ? tb.to('float32') : b);
  if (typeof a === 'number' && b instanceof Tensor && isFloat(b.dtype)) return U.rdivScalar(b, a);
  return divFn(a, b);
}
/** a ** b; a number exponent takes the scalar path (x^2 is exact: x * x). */
export function pow(a: Tensor | number, b: Tensor | number): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) {
    if (b === 2 && isFloat(a.dtype)) return U.square(a);
    if (a.dtype === 'int32' && Number.isInteger(b) && b >= 0) return U.intUnary(a, UnaryOp.PowScalar, b);
    return U.powScalar(a.dtype === 'int32' ? a.to('float32') : a, b);
  }
  const ta = a instanceof Tensor ? a : null, tb = b instanceof Tensor ? b : null;
  if ((ta?.dtype ?? 'int32') === 'int32' && (tb?.dtype ?? 'int32') === 'int32')
    return powFn(ta ? ta.to('float32') : a, tb ? tb.to('float32') : b);
  return powFn(a, b);
}
export function maximum(a: Tensor, b: Tensor): Tensor { return maxFn(a, b); }
export function minimum(a: Tensor, b: Tensor): Tensor { return minFn(a, b); }

// Comparisons: not differentiable; 1 or 0 in the operands' common dtype.
const eqFn = binaryOp('eq', BinaryOp.Eq, null);
const neFn = binaryOp('ne', BinaryOp.Ne, null);
const ltFn = binaryOp('lt', BinaryOp.Lt, null);
const leFn = binaryOp('le', BinaryOp.Le, null);
const gtFn = binaryOp('gt', BinaryOp.Gt, null);
const geFn = binaryOp('ge', BinaryOp.Ge, null);
export const eq = (a: Tensor, b: Tensor | number): Tensor => eqFn(a, b);
export const ne = (a: Tensor, b: Tensor | number): Tensor => neFn(a, b);
export const lt = (a: Tensor, b: Tensor | number): Tensor => ltFn(a, b);
export const le = (a: Tensor, b: Tensor | number): Tensor => leFn(a, b);
export const gt = (a: Tensor, b: Tensor | number): Tensor => gtFn(a, b);
export const ge = (a: Tensor, b: Tensor | number): Tensor => geFn(a, b);

/** cond ? a : b elementwise (cond non-zero means true), broadcast. */
export function where(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  checkTensor('where', 'condition', cond);
  for (const [name, v] of [['input', a], ['other', b]] as const) {
    if (v instanceof Tensor) v._live('where');
    else if (typeof v !== 'number')
      throw new TypeError(`where: argument '${name}' must be a Tensor or a number, got ${v === null ? 'null' : typeof v}`);
  }
  // Two numbers: int32 when both are integers, else float32 (PyTorch: int64 / the default float dtype).
  const dt = typeof a === 'number' && typeof b === 'number'
    ? (Number.isInteger(a) && Number.isInteger(b) ? 'int32' : 'float32')
    : resultType(a, b);
  const ta = asOperand(a, dt), tb = asOperand(b, dt);
  const c = binaryKernel('where', BinaryOp.Ne, cond.dtype === dt ? cond : cond.to(dt), asOperand(0, dt));
  // a * c + b * (1 - c), but exact: pick, do not blend (inf * 0 would be NaN).
  return whereFn(c, ta, tb);
}

const whereFn = defineOp('where', {
  forward(ctx, c: Tensor, a: Tensor, b: Tensor) {
    ctx.save(c);
    const shape = broadcastShapes('where', broadcastShapes('where', c._shape, a._shape), b._shape);
    const out = Tensor._empty(shape, a.dtype);
    const cs = broadcastStrides(c._shape, c._strides, shape), as = broadcastStrides(a._shape, a._strides, shape);
    const bs = broadcastStrides(b._shape, b._strides, shape);
    const o = out._flat(), cd = c._storage.data, ad = a._storage.data, bd = b._storage.data;
    // Odometer walk; where is not a hot op (masks, losses' edge cases).
    const nd = shape.length, idx = new Array(nd).fill(0);
    let ci = c._offset, ai = a._offset, bi = b._offset;
    for (let k = 0; k < o.length; k++) {
      o[k] = cd[ci] !== 0 ? ad[ai] : bd[bi];
      for (let d = nd - 1; d >= 0; d--) {
        ci += cs[d]; ai += as[d]; bi += bs[d];
        if (++idx[d] < shape[d]) break;
        ci -= cs[d] * shape[d]; ai -= as[d] * shape[d]; bi -= bs[d] * shape[d];
        idx[d] = 0;
      }
    }
    return out;
  },
  backward(ctx, g) {
    const [c] = ctx.saved;
    const gc = binaryKernel('where', BinaryOp.Mul, g, c);
    const gn = binaryKernel('where', BinaryOp.Sub, g, gc);
    return [null, gc, gn];
  },
});
