/**
 * Elementwise unary ops. Shape: (*) -> (*). Each is one native call forward
 * and one backward (native unaryBackward, which knows every op's derivative).
 * Gradient conventions follow PyTorch: relu'(0) = 0, abs'(0) = 0, sign' = 0,
 * clamp' = 1 on [min, max] inclusive.
 */
import { UnaryOp } from '../../binding';
import { defineOp } from '../autograd/op';
import { native } from '../native';
import { Tensor } from '../tensor';
import { checkOptions, checkTensor, cont, fl, floatInput } from './util';

function unaryForward(x: Tensor, op: UnaryOp, alpha = 0, beta = 0): Tensor {
  const xc = cont(floatInput(x));
  const out = Tensor._empty(xc._shape, xc.dtype);
  native.unary(op, fl(xc), fl(out), alpha, beta);
  return out;
}

function unaryBackward(op: UnaryOp, x: Tensor, y: Tensor, g: Tensor, alpha = 0, beta = 0): Tensor {
  const gc = cont(g.dtype === x.dtype ? g : g.to(x.dtype));
  const gx = Tensor._empty(x._shape, x.dtype);
  native.unaryBackward(op, fl(x), fl(y), fl(gc), fl(gx), alpha, beta);
  return gx;
}

/**
 * int32 in, int32 out, for the ops that PyTorch keeps integer (neg, abs, relu,
 * sign, square, clamp with integer bounds, pow with a non-negative integer
 * exponent): computed exactly in float64, then cast back. Not differentiable
 * (integer tensors never require grad).
 */
export function intUnary(x: Tensor, op: UnaryOp, alpha = 0, beta = 0): Tensor {
  return unaryForward(x.to('float64'), op, alpha, beta).to('int32');
}
const INT_PRESERVING = new Set<UnaryOp>([UnaryOp.Neg, UnaryOp.Abs, UnaryOp.Relu, UnaryOp.Sign, UnaryOp.Square]);

/** Defines an op y = f(x) whose derivative the native unaryBackward knows. */
function unaryOp(name: string, op: UnaryOp, differentiable = true): (x: Tensor) => Tensor {
  const f = defineOp(name, {
    forward(ctx, x: Tensor) {
      const y = unaryForward(x, op);
      ctx.save(cont(floatInput(x)), y);
      return y;
    },
    backward: differentiable
      ? (ctx, g) => {
          const [x, y] = ctx.saved;
          return [unaryBackward(op, x, y, g)];
        }
      : undefined,
  });
  const keepsInt = INT_PRESERVING.has(op);
  return (x: Tensor) => {
    checkTensor(name, 'input', x);
    return keepsInt && x.dtype === 'int32' ? intUnary(x, op) : f(x);
  };
}

/** -x */
export const neg = unaryOp('neg', UnaryOp.Neg);
/** e^x */
export const exp = unaryOp('exp', UnaryOp.Exp);
/** ln x (NaN below 0, -inf at 0) */
export const log = unaryOp('log', UnaryOp.Log);
/** ln(1 + x), accurate near 0 */
export const log1p = unaryOp('log1p', UnaryOp.Log1p);
/** e^x - 1, accurate near 0 */
export const expm1 = unaryOp('expm1', UnaryOp.Expm1);
/** |x|; d/dx at 0 is 0 */
export const abs = unaryOp('abs', UnaryOp.Abs);
/** sqrt x */
export const sqrt = unaryOp('sqrt', UnaryOp.Sqrt);
/** tanh x; backward uses the output: 1 - y^2 */
export const tanh = unaryOp('tanh', UnaryOp.Tanh);
/** 1 / (1 + e^-x); backward y (1 - y) */
export const sigmoid = unaryOp('sigmoid', UnaryOp.Sigmoid);
/** max(x, 0); d/dx at 0 is 0 */
export const relu = unaryOp('relu', UnaryOp.Relu);
/** -1, 0 or 1; its gradient is 0 everywhere */
export const sign = unaryOp('sign', UnaryOp.Sign);
/** x * x */
export const square = unaryOp('square', UnaryOp.Square);
/** 1 / x */
export const reciprocal = unaryOp('reciprocal', UnaryOp.Reciprocal);
export const sin = unaryOp('sin', UnaryOp.Sin);
export const cos = unaryOp('cos', UnaryOp.Cos);

/** Ops with a scalar parameter: x^p, x + s, x * s, s - x, s / x. */
function scalarOp(name: string, op: UnaryOp): (x: Tensor, s: number) => Tensor {
  const f = defineOp(name, {
    forward(ctx, x: Tensor, s: number) {
      const y = unaryForward(x, op, s);
      ctx.save(cont(floatInput(x)), y);
      ctx.s = s;
      return y;
    },
    backward(ctx, g) {
      const [x, y] = ctx.saved;
      return [unaryBackward(op, x, y, g, ctx.s as number)];
    },
  });
  return (x: Tensor, s: number) => {
    checkTensor(name, 'input', x);
    if (typeof s !== 'number') throw new TypeError(`${name}: the scalar must be a number, got ${typeof s}`);
    return f(x, s);
  };
}

export const powScalar = scalarOp('pow', UnaryOp.PowScalar);
export const addScalar = scalarOp('add', UnaryOp.AddScalar);
export const mulScalar = scalarOp('mul', UnaryOp.MulScalar);
export const rsubScalar = scalarOp('rsub', UnaryOp.RsubScalar);
export const rdivScalar = scalarOp('rdiv', UnaryOp.RdivScalar);

const clampOp = defineOp('clamp', {
  forward(ctx, x: Tensor, lo: number, hi: number) {
    const y = unaryForward(x, UnaryOp.Clamp, lo, hi);
    ctx.save(cont(floatInput(x)), y);
    ctx.lo = lo;
    ctx.hi = hi;
    return y;
  },
  backward(ctx, g) {
    const [x, y] = ctx.saved;
    return [unaryBackward(UnaryOp.Clamp, x, y, g, ctx.lo as number, ctx.hi as number)];
  },
});

/** min(max(x, lo), hi); a null bound is open. Gradient 1 where lo <= x <= hi, else 0. */
export function clamp(x: Tensor, lo: number | null, hi: number | null = null): Tensor {
  checkTensor('clamp', 'input', x);
  if (lo === null && hi === null) throw new RangeError('clamp: at least one of min and max must not be null');
  if (lo !== null && typeof lo !== 'number') throw new TypeError(`clamp: min must be a number or null, got ${typeof lo}`);
  if (hi !== null && typeof hi !== 'number') throw new TypeError(`clamp: max must be a number or null, got ${typeof hi}`);
  if (x.dtype === 'int32' && (lo === null || Number.isInteger(lo)) && (hi === null || Number.isInteger(hi)))
    return intUnary(x, UnaryOp.Clamp, lo ?? -Infinity, hi ?? Infinity);
  return clampOp(x, lo ?? -Infinity, hi ?? Infinity);
}

// ---------------------------------------------------------------- parametrised activations
/** An activation y = f(x; alpha, beta) whose derivative the native unaryBackward knows. */
function activationOp(name: string): (x: Tensor, op: UnaryOp, alpha: number, beta: number) => Tensor {
  return defineOp(name, {
    forward(ctx, x: Tensor, op: UnaryOp, alpha: number, beta: number) {
      const y = unaryForward(x, op, alpha, beta);
      ctx.save(cont(floatInput(x)), y);
      Object.assign(ctx, { op, alpha, beta });
      return y;
    },
    backward(ctx, g) {
      const [x, y] = ctx.saved;
      return [unaryBackward(ctx.op as UnaryOp, x, y, g, ctx.alpha as number, ctx.beta as number)];
    },
  });
}
const leakyReluOp = activationOp('leakyRelu');
const geluOp = activationOp('gelu');
const eluOp = activationOp('elu');
const softplusOp = activationOp('softplus');

function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number, got ${v === null ? 'null' : typeof v}`);
  if (Number.isNaN(v)) throw new RangeError(`${op}: ${name} must not be NaN`);
  return v;
}

/** x > 0 ? x : negativeSlope * x (PyTorch's F.leaky_relu, slope 0.01 by default). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor('leakyRelu', 'input', x);
  return leakyReluOp(x, UnaryOp.LeakyRelu, checkNumber('leakyRelu', 'negativeSlope', negativeSlope), 0);
}

/**
 * GELU: x * Phi(x) with the exact erf form (approximate 'none', the default) or
 * PyTorch's tanh approximation x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
 */
export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  checkTensor('gelu', 'input', x);
  const { approximate = 'none' } = checkOptions('gelu', opts, ['approximate'], "{ approximate: 'tanh' }");
  if (approximate !== 'none' && approximate !== 'tanh')
    throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  return geluOp(x, approximate === 'tanh' ? UnaryOp.GeluTanh : UnaryOp.Gelu, 0, 0);
}

/** x > 0 ? x : alpha * (e^x - 1) (PyTorch's F.elu, alpha 1 by default). */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkTensor('elu', 'input', x);
  return eluOp(x, UnaryOp.Elu, checkNumber('elu', 'alpha', alpha), 0);
}

/**
 * log(1 + e^(beta x)) / beta, and x itself where beta * x > threshold (PyTorch's
 * F.softplus: beta 1, threshold 20 by default).
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkTensor('softplus', 'input', x);
  checkNumber('softplus', 'beta', beta);
  checkNumber('softplus', 'threshold', threshold);
  if (beta === 0) throw new RangeError('softplus: beta must not be 0');
  return softplusOp(x, UnaryOp.Softplus, beta, threshold);
}
