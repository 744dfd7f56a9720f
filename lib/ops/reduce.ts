/**
 * Reductions over all elements or over dims, with keepdim. Shape: (*) -> the
 * input's shape without the reduced dims (kept as 1 with keepdim).
 * Sum and mean accumulate in float64 in the kernel.
 */
import { ReduceOp } from '../../binding';
import { isFloat } from '../dtype';
import { defineOp } from '../autograd/op';
import { native } from '../native';
import { fmtShape, normDim, numelOf, Shape } from '../shape';
import { Tensor } from '../tensor';
import * as B from './binary';
import * as S from './shape';
import * as U from './unary';
import { checkBool, checkTensor, cont, fl } from './util';

/** Sorted, unique, non-negative dims; null/undefined means all. */
export function normDims(op: string, dim: number | number[] | null | undefined, ndim: number): number[] {
  if (dim === null || dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = Array.isArray(dim) ? dim : [dim];
  const out = [...new Set(list.map((d) => normDim(op, d, ndim)))];
  if (out.length !== list.length) throw new RangeError(`${op}: dim ${JSON.stringify(dim)} appears more than once`);
  // A 0-d tensor accepts dim 0 / -1 (PyTorch) but has no dim to reduce: its one element is the result.
  if (ndim === 0) return [];
  return out.sort((a, b) => a - b);
}

function keptShape(shape: Shape, dims: number[]): number[] {
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

/** One native reduce over one dim of a contiguous tensor, keeping it as size 1. */
function reduceDim(x: Tensor, d: number, op: ReduceOp): Tensor {
  const shape = x._shape;
  const outer = numelOf(shape.slice(0, d)), n = shape[d], inner = numelOf(shape.slice(d + 1));
  const outShape = shape.slice();
  outShape[d] = 1;
  const out = Tensor._empty(outShape, x.dtype);
  native.reduce(op, fl(x), outer, n, inner, fl(out));
  return out;
}

/** Reduces the given dims (keepdim shape), one native pass per dim, last dim first. */
function reduceKeep(x: Tensor, dims: number[], op: ReduceOp): Tensor {
  let cur = cont(x);
  if (dims.length === x.ndim) {
    // Everything at once: one pass over the flat data.
    const out = Tensor._empty(x._shape.map(() => 1), x.dtype);
    native.reduce(op, fl(cur), 1, cur.numel(), 1, fl(out));
    return out;
  }
  if (op === ReduceOp.Mean) {
    // Mean over several dims = sum over them / count (exact in float64 accumulation per pass).
    let s = cur;
    for (let i = dims.length - 1; i >= 0; i--) s = reduceDim(s, dims[i], i === 0 && dims.length === 1 ? ReduceOp.Mean : ReduceOp.Sum);
    if (dims.length === 1) return s;
    const count = dims.reduce((p, d) => p * x._shape[d], 1);
    return B.div(s, count);
  }
  for (let i = dims.length - 1; i >= 0; i--) cur = reduceDim(cur, dims[i], op);
  return cur;
}

function finalShape(x: Tensor, dims: number[], keepdim: boolean): number[] {
  return keepdim ? keptShape(x._shape, dims) : x._shape.filter((_, i) => !dims.includes(i));
}

/**
 * An integer reduction's float64 result back to int32. PyTorch would return
 * int64, which torchlet lacks: a value outside int32 is an error, not a wrap.
 */
function backToInt32(op: string, r: Tensor): Tensor {
  const d = r._flat();
  for (let i = 0; i < d.length; i++)
    if (!(d[i] >= -2147483648 && d[i] <= 2147483647))
      throw new RangeError(`${op}: the int32 result ${d[i]} overflows int32 (torchlet has no int64); reduce x.double() instead`);
  return r.to('int32');
}

function floatOnly(op: string, x: Tensor): Tensor {
  // Integer reductions are done in float64 (exact below 2^53) and cast back by the caller.
  return isFloat(x.dtype) ? x : x.to('float64');
}

const sumOp = defineOp('sum', {
  forward(ctx, x: Tensor, dims: number[], keepdim: boolean) {
    ctx.shape = x.shape;
    ctx.dims = dims;
    const r = reduceKeep(floatOnly('sum', x), dims, ReduceOp.Sum);
    const out = S.viewRaw(r, finalShape(x, dims, keepdim));
    return x.dtype === 'int32' ? backToInt32('sum', out) : out;
  },
  backward(ctx, g) {
    const shape = ctx.shape as number[];
    return [S.expand(S.reshape(g, keptShape(shape, ctx.dims as number[])), shape)];
  },
});

/** Sum of all elements, or over dim(s). */
export function sum(x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor {
  checkTensor('sum', 'input', x);
  checkBool('sum', 'keepdim', keepdim);
  return sumOp(x, normDims('sum', dim, x.ndim), keepdim);
}

const meanOp = defineOp('mean', {
  forward(ctx, x: Tensor, dims: number[], keepdim: boolean) {
    ctx.shape = x.shape;
    ctx.dims = dims;
    ctx.count = dims.reduce((p, d) => p * x._shape[d], 1);
    const r = reduceKeep(x, dims, ReduceOp.Mean);
    return S.viewRaw(r, finalShape(x, dims, keepdim));
  },
  backward(ctx, g) {
    const shape = ctx.shape as number[];
    return [S.expand(S.reshape(B.div(g, ctx.count as number), keptShape(shape, ctx.dims as number[])), shape)];
  },
});

/** Mean of all elements, or over dim(s). Floating point only, like PyTorch. */
export function mean(x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor {
  checkTensor('mean', 'input', x);
  checkBool('mean', 'keepdim', keepdim);
  if (!isFloat(x.dtype))
    throw new TypeError(`mean: could not infer output dtype; input dtype must be floating point, got ${x.dtype}. Use x.float().mean()`);
  return meanOp(x, normDims('mean', dim, x.ndim), keepdim);
}

const prodOp = defineOp('prod', {
  forward(ctx, x: Tensor, dims: number[], keepdim: boolean) {
    const r = reduceKeep(floatOnly('prod', x), dims, ReduceOp.Prod);
    ctx.save(x, r);
    ctx.dims = dims;
    const out = S.viewRaw(r, finalShape(x, dims, keepdim));
    return x.dtype === 'int32' ? backToInt32('prod', out) : out;
  },
  backward(ctx, g) {
    // d prod / dx_i = the product of the other elements of x_i's slice: prefix
    // times suffix products, not prod / x_i, so that zeros in x are handled (PyTorch).
    const [x, r] = ctx.saved;
    const dims = ctx.dims as number[];
    const xc = cont(x);
    const shape = xc._shape;
    let outer = 1, n = xc.numel(), inner = 1;
    if (dims.length === 1 && shape.length > 1) {
      const d = dims[0];
      outer = numelOf(shape.slice(0, d));
      n = shape[d];
      inner = numelOf(shape.slice(d + 1));
    }
    const gx = Tensor._empty(shape, xc.dtype);
    const xs = xc._flat(), gs = cont(S.reshape(g, r._shape))._flat(), out = gx._flat();
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < inner; j++) {
        const base = o * n * inner + j;
        let p = 1;
        for (let k = 0; k < n; k++) { out[base + k * inner] = p; p *= xs[base + k * inner]; }
        p = gs[o * inner + j];
        for (let k = n - 1; k >= 0; k--) { out[base + k * inner] *= p; p *= xs[base + k * inner]; }
      }
    return [gx];
  },
});

export function prod(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  checkTensor('prod', 'input', x);
  checkBool('prod', 'keepdim', keepdim);
  return prodOp(x, normDims('prod', dim, x.ndim), keepdim);
}

// ---------------------------------------------------------------- max / min
const extremeAllOp = defineOp('max', {
  forward(ctx, x: Tensor, isMax: boolean) {
    if (x.numel() === 0)
      throw new RangeError(`${isMax ? 'max' : 'min'}: expected a non-empty tensor; got shape ${fmtShape(x._shape)}`);
    const xc = cont(floatOnly('max', x));
    const out = Tensor._empty([], xc.dtype);
    native.reduce(isMax ? ReduceOp.Max : ReduceOp.Min, fl(xc), 1, xc.numel(), 1, fl(out));
    ctx.save(xc, out);
    return x.dtype === 'int32' ? out.to('int32') : out;
  },
  backward(ctx, g) {
    // The gradient is shared evenly between the elements equal to the extreme (PyTorch).
    // When the extreme is NaN it is shared between the NaN elements (x == NaN is never true).
    const [x, m] = ctx.saved;
    const mask = Number.isNaN(m.item()) ? B.ne(x, x) : B.eq(x, m);
    return [B.mul(mask, B.div(g, sum(mask)))];
  },
});

export function maxAll(x: Tensor): Tensor {
  checkTensor('max', 'input', x);
  return extremeAllOp(x, true);
}
export function minAll(x: Tensor): Tensor {
  checkTensor('min', 'input', x);
  return extremeAllOp(x, false);
}

/** Values and indices of max/min along d (keepdim shapes), computed once. */
function extremeDim(x: Tensor, d: number, isMax: boolean): { values: Tensor; indices: Tensor } {
  const name = isMax ? 'max' : 'min';
  const shape = x._shape;
  if (shape.length > 0 && shape[d] === 0)
    throw new RangeError(`${name}: cannot reduce over dim ${d} of size 0 (shape ${fmtShape(shape)})`);
  const xc = cont(floatOnly(name, x));
  const outer = numelOf(shape.slice(0, d)), n = shape.length ? shape[d] : 1, inner = numelOf(shape.slice(d + 1));
  const kept = shape.slice();
  if (kept.length) kept[d] = 1;
  const values = Tensor._empty(kept, xc.dtype);
  const indices = Tensor._empty(kept, 'int32');
  native.argReduce(isMax, fl(xc), outer, n, inner, fl(values), indices._flat() as Int32Array);
  return { values, indices };
}

const extremeDimOp = defineOp('max', {
  // `r` carries the precomputed values and indices (an object, so not an input).
  forward(ctx, x: Tensor, r: { values: Tensor; indices: Tensor }, d: number) {
    ctx.indices = r.indices;
    ctx.shape = x.shape;
    ctx.d = d;
    return r.values;
  },
  backward(ctx, g) {
    const indices = ctx.indices as Tensor;
    const shape = ctx.shape as number[];
    const d = ctx.d as number;
    // Scatter g into the positions of the extremes.
    const gk = cont(S.reshape(g, indices._shape));
    const out = Tensor._empty(shape, g.dtype);
    out._flat().fill(0);
    const outer = numelOf(shape.slice(0, d)), n = shape.length ? shape[d] : 1, inner = numelOf(shape.slice(d + 1));
    const o = out._flat(), gi = gk._flat(), idx = indices._flat();
    for (let a = 0; a < outer; a++)
      for (let j = 0; j < inner; j++) o[(a * n + idx[a * inner + j]) * inner + j] = gi[a * inner + j];
    return [out];
  },
});

/** max(dim) / min(dim): values and int32 indices of the first extreme along dim. */
export function maxDim(x: Tensor, dim: number, keepdim: boolean, isMax: boolean): { values: Tensor; indices: Tensor } {
  const name = isMax ? 'max' : 'min';
  checkTensor(name, 'input', x);
  checkBool(name, 'keepdim', keepdim);
  const d = x.ndim === 0 ? 0 : normDim(name, dim, x.ndim);
  const r = extremeDim(x, d, isMax);
  const squeezed = x._shape.filter((_, i) => i !== d);
  let values = extremeDimOp(x, r, d);
  let indices = r.indices;
  if (!keepdim) {
    values = S.reshape(values, squeezed);
    indices = S.viewRaw(indices, squeezed);
  }
  if (x.dtype === 'int32') values = values.to('int32');
  return { values, indices };
}

/** amax / amin over dims (gradient split evenly between ties, like PyTorch). */
export function amax(x: Tensor, dim: number | number[], keepdim: boolean, isMax: boolean): Tensor {
  const name = isMax ? 'amax' : 'amin';
  checkTensor(name, 'input', x);
  checkBool(name, 'keepdim', keepdim);
  const dims = normDims(name, dim, x.ndim);
  return amaxOp(x, dims, keepdim, isMax);
}

const amaxOp = defineOp('amax', {
  forward(ctx, x: Tensor, dims: number[], keepdim: boolean, isMax: boolean) {
    for (const d of dims)
      if (x._shape[d] === 0) throw new RangeError(`${isMax ? 'amax' : 'amin'}: cannot reduce over dim ${d} of size 0`);
    const r = reduceKeep(floatOnly('amax', x), dims, isMax ? ReduceOp.Max : ReduceOp.Min);
    ctx.save(cont(x), r);
    ctx.dims = dims;
    const out = S.viewRaw(r, finalShape(x, dims, keepdim));
    return x.dtype === 'int32' ? out.to('int32') : out;
  },
  backward(ctx, g) {
    const [x, r] = ctx.saved;
    const mask = B.eq(x, r);
    const count = sum(mask, ctx.dims as number[], true);
    return [B.div(B.mul(mask, S.reshape(g, r._shape)), count)];
  },
});

/** argmax/argmin over all elements (flattened) or along dim; int32 (PyTorch gives int64). */
export function argReduce(x: Tensor, dim: number | undefined, keepdim: boolean, isMax: boolean): Tensor {
  const name = isMax ? 'argmax' : 'argmin';
  checkTensor(name, 'input', x);
  checkBool(name, 'keepdim', keepdim);
  if (x.numel() === 0) throw new RangeError(`${name}: expected a non-empty tensor; got shape ${fmtShape(x._shape)}`);
  const xc = cont(floatOnly(name, x));
  if (dim === undefined || dim === null) {
    const idx = Tensor._empty(keepdim ? x._shape.map(() => 1) : [], 'int32');
    native.argReduce(isMax, fl(xc), 1, xc.numel(), 1, null, idx._flat() as Int32Array);
    return idx;
  }
  const d = x.ndim === 0 ? 0 : normDim(name, dim, x.ndim);
  const shape = x._shape;
  const outer = numelOf(shape.slice(0, d)), n = shape.length ? shape[d] : 1, inner = numelOf(shape.slice(d + 1));
  const kept = shape.slice();
  if (kept.length) kept[d] = 1;
  const idx = Tensor._empty(keepdim ? kept : shape.filter((_, i) => i !== d), 'int32');
  native.argReduce(isMax, fl(xc), outer, n, inner, null, idx._flat() as Int32Array);
  return idx;
}

// ---------------------------------------------------------------- composites
/** p-norm: (sum |x|^p)^(1/p); p = Infinity is max |x|. The gradient at x = 0 is 0. */
export function norm(x: Tensor, p = 2, dim: number | number[] | null = null, keepdim = false): Tensor {
  checkTensor('norm', 'input', x);
  checkBool('norm', 'keepdim', keepdim);
  if (typeof p !== 'number' || Number.isNaN(p)) throw new TypeError(`norm: p must be a number, got ${p}`);
  const dims = normDims('norm', dim, x.ndim);
  if (p === Infinity) return amax(U.abs(x), dims, keepdim, true);
  if (p === -Infinity) return amax(U.abs(x), dims, keepdim, false);
  if (p === 2) return norm2Op(x, dims, keepdim);
  if (p === 1) return sum(U.abs(x), dims, keepdim);
  if (p === 0) return sum(B.ne(x, 0), dims, keepdim);
  return normRootOp(sum(U.powScalar(U.abs(x), p), dims, keepdim), 1 / p);
}

/**
 * v^e for the root that ends a p-norm or std. Its gradient is 0 where v is 0
 * (a zero vector, a constant input), as PyTorch masks it, rather than
 * inf * 0 = NaN from the chain rule.
 */
function rootOp(name: string) {
  return defineOp(name, {
    forward(ctx, v: Tensor, e: number) {
      const y = U.powScalar(v, e);
      ctx.save(v, y);
      ctx.e = e;
      return y;
    },
    backward(ctx, g) {
      const [v, y] = ctx.saved;
      // d v^e / dv = e v^(e-1) = e y / v
      const d = B.div(B.mul(y, ctx.e as number), v);
      return [B.where(B.eq(v, 0), 0, B.mul(g, d))];
    },
  });
}
const normRootOp = rootOp('norm');
const stdRootOp = rootOp('std');

const norm2Op = defineOp('norm', {
  forward(ctx, x: Tensor, dims: number[], keepdim: boolean) {
    const sq = reduceKeep(U.square(x), dims, ReduceOp.Sum);
    const r = U.sqrt(sq);
    ctx.save(x, r);
    return S.viewRaw(r, finalShape(x, dims, keepdim));
  },
  backward(ctx, g) {
    const [x, r] = ctx.saved;
    // x / ||x||, with 0 where the norm is 0 (PyTorch's convention).
    const safe = B.where(B.eq(r, 0), 1, r);
    return [B.mul(S.reshape(g, r._shape), B.div(x, safe))];
  },
});

/** Variance over dims with Bessel's correction (correction = 1) by default. */
export function variance(x: Tensor, dim: number | number[] | null | undefined, correction: number, keepdim: boolean): Tensor {
  checkTensor('var', 'input', x);
  checkBool('var', 'keepdim', keepdim);
  const dims = normDims('var', dim, x.ndim);
  const n = dims.reduce((p, d) => p * x._shape[d], 1);
  const mu = mean(x, dims, true);
  const dev = B.sub(x, mu);
  return B.div(sum(U.square(dev), dims, keepdim), Math.max(n - correction, 0));
}

/** Standard deviation: sqrt of the variance (correction 1 by default); its gradient is 0 for a constant input. */
export function std(x: Tensor, dim: number | number[] | null | undefined, correction: number, keepdim: boolean): Tensor {
  checkTensor('std', 'input', x);
  checkBool('std', 'keepdim', keepdim);
  return stdRootOp(variance(x, dim, correction, keepdim), 0.5);
}

/** log(sum(exp(x))) over dim, max-subtracted so that it does not overflow. */
export function logsumexp(x: Tensor, dim: number, keepdim = false): Tensor {
  checkTensor('logsumexp', 'input', x);
  checkBool('logsumexp', 'keepdim', keepdim);
  const d = normDim('logsumexp', dim, x.ndim);
  if (x.ndim > 0 && x._shape[d] === 0) {
    // log(sum of nothing) = log 0 = -inf, as PyTorch.
    const shape = x.shape;
    shape[d] = 1;
    const r = S.fullOf(shape, -Infinity, isFloat(x.dtype) ? x.dtype : 'float32');
    return keepdim ? r : S.squeeze(r, d);
  }
  const m = amax(x, d, true, true).detach();
  const finiteM = B.where(B.eq(U.abs(m), Infinity), 0, m);
  const r = B.add(U.log(sum(U.exp(B.sub(x, finiteM)), d, true)), finiteM);
  return keepdim ? r : S.squeeze(r, d);
}

/**
 * Sums a broadcast gradient back to `shape`: over leading dims that broadcasting
 * added and over dims where shape has 1. Used by the engine.
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && g._shape[i] !== 1) dims.push(i);
  }
  const r = dims.length ? sum(g, dims, true) : g;
  return S.reshape(r, shape as number[]);
}
