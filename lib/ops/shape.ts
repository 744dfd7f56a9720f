/**
 * Views and copies: view/reshape, transpose/permute, expand, squeeze/unsqueeze,
 * narrow/slice/select, indexSelect, cat/stack, contiguous/clone/cast.
 * Views share storage; their backward maps the gradient back to the input's layout.
 */
import { DType } from '../dtype';
import { defineOp } from '../autograd/op';
import { native } from '../native';
import { broadcastShapes, broadcastStrides, contiguousStrides, fmtShape, normDim, numelOf, sameShape, Shape } from '../shape';
import { Tensor } from '../tensor';
import { checkTensor, cont } from './util';

// ---------------------------------------------------------------- raw helpers (no autograd)
/** A view of a contiguous tensor with another shape of the same numel (internal). */
export function viewRaw(x: Tensor, shape: number[]): Tensor {
  if (!x.isContiguous()) x = contiguousRaw(x);
  return new Tensor(x._storage, shape.slice(), contiguousStrides(shape), x._offset);
}

function contiguousRaw(x: Tensor): Tensor {
  const out = Tensor._empty(x._shape, x.dtype);
  native.stridedCopy(x._storage.data, x._offset, x._shape, x._strides, out._flat());
  return out;
}

/** A contiguous tensor of `shape` filled with `value` (internal). */
export function fullOf(shape: Shape, value: number, dtype: DType): Tensor {
  const t = Tensor._empty(shape, dtype);
  native.fill(t._flat(), value);
  return t;
}

/** Writes src (broadcast to dst's shape, cast to its dtype) into the view dst. Not recorded. */
export function assignInto(dst: Tensor, src: Tensor): void {
  dst._live('copy_');
  src._live('copy_');
  const shape = broadcastShapes('copy_', dst._shape, src._shape);
  if (!sameShape(shape, dst._shape))
    throw new RangeError(`copy_: source of shape ${fmtShape(src._shape)} cannot be broadcast to ${fmtShape(dst._shape)}`);
  let s = src;
  if (s._storage === dst._storage) s = contiguousRaw(s); // may overlap: copy first
  native.assign(shape, s._storage.data, s._offset, broadcastStrides(s._shape, s._strides, shape),
    dst._storage.data, dst._offset, dst._strides);
}

// ---------------------------------------------------------------- view / reshape
function inferShape(op: string, x: Tensor, shape: number[]): number[] {
  const n = x.numel();
  let infer = -1, known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (s === -1) {
      if (infer >= 0) throw new RangeError(`${op}: only one dimension can be -1; got ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new RangeError(`${op}: invalid size ${s} in shape ${fmtShape(shape)}`);
    } else known *= s;
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || n % known !== 0)
      throw new RangeError(`${op}: shape ${fmtShape(shape)} is invalid for input of size ${n} (shape ${fmtShape(x._shape)})`);
    out[infer] = n / known;
  } else if (known !== n) {
    throw new RangeError(`${op}: shape ${fmtShape(shape)} is invalid for input of size ${n} (shape ${fmtShape(x._shape)})`);
  }
  return out;
}

/** Strides for viewing (shape, strides) as newShape without a copy, or null (PyTorch's computeStride). */
function viewStrides(shape: Shape, strides: readonly number[], newShape: number[]): number[] | null {
  const n = numelOf(shape);
  // A 0-d tensor (one element) views as any all-ones shape; the chunk walk below needs >= 1 dim.
  if (n === 0 || shape.length === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1, viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

const viewOp = defineOp('view', {
  forward(ctx, x: Tensor, shape: number[]) {
    ctx.inShape = x.shape;
    const st = viewStrides(x._shape, x._strides, shape);
    if (!st)
      throw new RangeError(
        `view: size ${fmtShape(shape)} is not compatible with input's size and stride (shape ${fmtShape(x._shape)}, ` +
          `strides ${fmtShape(x._strides)}): at least one dimension spans across two contiguous subspaces. Use reshape() instead.`,
      );
    return new Tensor(x._storage, shape, st, x._offset);
  },
  backward(ctx, g) {
    return [reshape(g, ctx.inShape as number[])];
  },
});

/** A view with another shape of the same number of elements; one dim may be -1. */
export function view(x: Tensor, shape: number[]): Tensor {
  checkTensor('view', 'input', x);
  return viewOp(x, inferShape('view', x, shape));
}

/** view when the strides allow it, else a contiguous copy with the new shape. */
export function reshape(x: Tensor, shape: number[]): Tensor {
  checkTensor('reshape', 'input', x);
  const s = inferShape('reshape', x, shape);
  if (viewStrides(x._shape, x._strides, s)) return viewOp(x, s);
  return viewOp(contiguous(x), s);
}

// ---------------------------------------------------------------- permutations
const permuteOp = defineOp('permute', {
  forward(ctx, x: Tensor, dims: number[]) {
    ctx.dims = dims;
    return new Tensor(x._storage, dims.map((d) => x._shape[d]), dims.map((d) => x._strides[d]), x._offset);
  },
  backward(ctx, g) {
    const dims = ctx.dims as number[];
    const inv = new Array<number>(dims.length);
    dims.forEach((d, i) => (inv[d] = i));
    return [permute(g, inv)];
  },
});

export function permute(x: Tensor, dims: number[]): Tensor {
  checkTensor('permute', 'input', x);
  if (dims.length !== x.ndim)
    throw new RangeError(`permute: number of dims ${dims.length} does not match the tensor's ${x.ndim} (shape ${fmtShape(x._shape)})`);
  const nd = dims.map((d) => normDim('permute', d, x.ndim));
  if (new Set(nd).size !== nd.length) throw new RangeError(`permute: repeated dim in ${fmtShape(dims)}`);
  return permuteOp(x, nd);
}

export function transpose(x: Tensor, d0: number, d1: number): Tensor {
  checkTensor('transpose', 'input', x);
  const a = normDim('transpose', d0, x.ndim), b = normDim('transpose', d1, x.ndim);
  if (x.ndim === 0) return x;
  const dims = x._shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permuteOp(x, dims);
}

// ---------------------------------------------------------------- expand / squeeze
const expandOp = defineOp('expand', {
  forward(_ctx, x: Tensor, shape: number[]) {
    return new Tensor(x._storage, shape, broadcastStrides(x._shape, x._strides, shape), x._offset);
  },
  // The engine sums the gradient back to the input's shape.
  backward: (_ctx, g) => [g],
});

/** A broadcast view to `shape` (size-1 dims repeat with stride 0; -1 keeps a size). */
export function expand(x: Tensor, shape: number[]): Tensor {
  checkTensor('expand', 'input', x);
  if (shape.length < x.ndim)
    throw new RangeError(`expand: the target shape ${fmtShape(shape)} has fewer dims than the tensor's ${fmtShape(x._shape)}`);
  const lead = shape.length - x.ndim;
  const out = shape.map((s, i) => {
    const cur = i >= lead ? x._shape[i - lead] : 1;
    if (!Number.isInteger(s) || s < -1)
      throw new RangeError(`expand: invalid size ${s} at dim ${i} in ${fmtShape(shape)} (sizes are integers >= 0, or -1 to keep one)`);
    if (s === -1) {
      if (i < lead) throw new RangeError(`expand: -1 is not allowed in a new leading dimension (${fmtShape(shape)})`);
      return cur;
    }
    if (cur !== s && cur !== 1)
      throw new RangeError(`expand: the expanded size ${s} must match the existing size ${cur} at dim ${i} (tensor ${fmtShape(x._shape)}, target ${fmtShape(shape)})`);
    return s;
  });
  if (sameShape(out, x._shape)) return x;
  return expandOp(x, out);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  checkTensor('squeeze', 'input', x);
  if (dim === undefined) return view(x, x._shape.filter((s) => s !== 1));
  if (x.ndim === 0) return x;
  const d = normDim('squeeze', dim, x.ndim);
  if (x._shape[d] !== 1) return x;
  return view(x, x._shape.filter((_, i) => i !== d));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor('unsqueeze', 'input', x);
  const d = normDim('unsqueeze', dim, x.ndim + 1);
  const s = x.shape;
  s.splice(d, 0, 1);
  return view(x, s);
}

export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  checkTensor('flatten', 'input', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const a = normDim('flatten', start, x.ndim), b = normDim('flatten', end, x.ndim);
  if (a > b) throw new RangeError(`flatten: startDim ${start} cannot come after endDim ${end}`);
  const s = [...x._shape.slice(0, a), numelOf(x._shape.slice(a, b + 1)), ...x._shape.slice(b + 1)];
  return reshape(x, s);
}

// ---------------------------------------------------------------- slicing
const sliceOp = defineOp('slice', {
  forward(ctx, x: Tensor, d: number, start: number, len: number, step: number) {
    ctx.inShape = x.shape;
    Object.assign(ctx, { d, start, len, step });
    const shape = x.shape, strides = x._strides.slice();
    shape[d] = len;
    strides[d] = x._strides[d] * step;
    return new Tensor(x._storage, shape, strides, x._offset + start * x._strides[d]);
  },
  backward(ctx, g) {
    const out = fullOf(ctx.inShape as number[], 0, g.dtype);
    const region = sliceRaw(out, ctx.d as number, ctx.start as number, ctx.len as number, ctx.step as number);
    assignInto(region, g);
    return [out];
  },
});

function sliceRaw(x: Tensor, d: number, start: number, len: number, step: number): Tensor {
  const shape = x.shape, strides = x._strides.slice();
  shape[d] = len;
  strides[d] = x._strides[d] * step;
  return new Tensor(x._storage, shape, strides, x._offset + start * x._strides[d]);
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('narrow', 'input', x);
  const d = normDim('narrow', dim, x.ndim, false);
  const size = x._shape[d];
  if (!Number.isInteger(start) || start < -size || start > size)
    throw new RangeError(`narrow: start ${start} out of range for dim ${d} of size ${size}`);
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0 || s + length > size)
    throw new RangeError(`narrow: start (${s}) + length (${length}) exceeds dimension size (${size})`);
  return sliceOp(x, d, s, length, 1);
}

/** Python's x[start:end:step] along dim; bounds clamp like Python's. */
export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  checkTensor('slice', 'input', x);
  const d = normDim('slice', dim, x.ndim, false);
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  const size = x._shape[d];
  const norm = (v: number | null | undefined, dflt: number): number => {
    if (v === null || v === undefined) return dflt;
    if (!Number.isInteger(v)) throw new RangeError(`slice: bounds must be integers, got ${v}`);
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const a = norm(start, 0), b = Math.max(norm(end, size), norm(start, 0));
  const len = Math.ceil((b - a) / step);
  return sliceOp(x, d, a, len, step);
}

export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor('select', 'input', x);
  const d = normDim('select', dim, x.ndim, false);
  const size = x._shape[d];
  if (typeof index !== 'number' || !Number.isInteger(index))
    throw new TypeError(`select: index must be an integer, got ${typeof index === 'number' ? index : typeof index}`);
  if (index < -size || index >= size)
    throw new RangeError(`select: index ${index} is out of bounds for dimension ${d} with size ${size}`);
  const i = index < 0 ? index + size : index;
  const s = x.shape;
  s.splice(d, 1);
  return view(sliceOp(x, d, i, 1, 1), s);
}

const indexSelectOp = defineOp('indexSelect', {
  forward(ctx, x: Tensor, d: number, idx: Int32Array) {
    const xc = cont(x);
    const shape = x._shape;
    const outer = numelOf(shape.slice(0, d)), n = shape[d], inner = numelOf(shape.slice(d + 1));
    const outShape = shape.slice();
    outShape[d] = idx.length;
    const out = Tensor._empty(outShape, x.dtype);
    native.indexSelect(xc._flat(), outer, n, inner, idx, out._flat());
    Object.assign(ctx, { d, idx, inShape: shape.slice(), outer, n, inner });
    return out;
  },
  backward(ctx, g) {
    const out = fullOf(ctx.inShape as number[], 0, g.dtype);
    native.indexAdd(out._flat(), ctx.outer as number, ctx.n as number, ctx.inner as number, ctx.idx as Int32Array, cont(g)._flat());
    return [out];
  },
});

/** Slices along dim picked by indices (int32 tensor or array); repeated indices repeat. */
export function indexSelect(x: Tensor, dim: number, index: Tensor | number[] | Int32Array): Tensor {
  checkTensor('indexSelect', 'input', x);
  const d = normDim('indexSelect', dim, x.ndim);
  let idx: Int32Array;
  if (index instanceof Tensor) {
    if (index.dtype !== 'int32') throw new TypeError(`indexSelect: index must be an int32 tensor, got ${index.dtype}`);
    if (index.ndim > 1) throw new RangeError(`indexSelect: index must be 0-d or 1-d, got shape ${fmtShape(index._shape)}`);
    idx = index.contiguous()._flat() as Int32Array;
  } else if (index instanceof Int32Array) idx = index;
  else if (Array.isArray(index)) {
    idx = new Int32Array(index.length);
    index.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2147483647)
        throw new TypeError(`indexSelect: index[${i}] must be an integer, got ${typeof v === 'number' ? v : typeof v}`);
      idx[i] = v;
    });
  }
  else throw new TypeError('indexSelect: index must be an int32 Tensor, an Int32Array or an array of integers');
  const n = x.ndim ? x._shape[d] : 1;
  for (let i = 0; i < idx.length; i++)
    if (idx[i] < 0 || idx[i] >= n) throw new RangeError(`indexSelect: index ${idx[i]} is out of range for dim ${d} of size ${n}`);
  if (x.ndim === 0) {
    // PyTorch: a 0-d input gives a 0-d result and takes at most one index.
    if (idx.length !== 1) throw new RangeError(`indexSelect: a 0-d input takes exactly one index, got ${idx.length}`);
    return clone(x);
  }
  return indexSelectOp(x, d, Int32Array.from(idx));
}

export function split(x: Tensor, size: number, dim = 0): Tensor[] {
  checkTensor('split', 'input', x);
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`split: split size must be a positive integer, got ${size}`);
  const d = normDim('split', dim, x.ndim, false);
  const out: Tensor[] = [];
  for (let s = 0; s < x._shape[d]; s += size) out.push(narrow(x, d, s, Math.min(size, x._shape[d] - s)));
  return out;
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor('chunk', 'input', x);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normDim('chunk', dim, x.ndim, false);
  return split(x, Math.max(1, Math.ceil(x._shape[d] / chunks)), d);
}

// ---------------------------------------------------------------- cat / stack
const catOp = defineOp('cat', {
  forward(ctx, d: number, ...xs: Tensor[]) {
    const shape = xs[0].shape;
    shape[d] = xs.reduce((p, t) => p + t._shape[d], 0);
    const out = Tensor._empty(shape, xs[0].dtype);
    let at = 0;
    const sizes: number[] = [];
    for (const t of xs) {
      assignInto(sliceRaw(out, d, at, t._shape[d], 1), t);
      at += t._shape[d];
      sizes.push(t._shape[d]);
    }
    Object.assign(ctx, { d, sizes });
    return out;
  },
  backward(ctx, g) {
    const d = ctx.d as number;
    let at = 0;
    return (ctx.sizes as number[]).map((s) => {
      const part = narrow(g, d, at, s);
      at += s;
      return part;
    });
  },
});

/** Concatenates tensors along dim (all other dims must match). */
export function cat(tensors: Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('cat: expected a non-empty array of tensors');
  tensors.forEach((t, i) => checkTensor('cat', `tensors[${i}]`, t));
  const first = tensors[0];
  const zeroD = tensors.findIndex((t) => t.ndim === 0);
  if (zeroD >= 0) throw new RangeError(`cat: zero-dimensional tensor (at position ${zeroD}) cannot be concatenated; use stack()`);
  const d = normDim('cat', dim, first.ndim);
  const dtype = tensors.some((t) => t.dtype === 'float64') ? 'float64' : tensors.some((t) => t.dtype === 'float32') ? 'float32' : 'int32';
  for (let i = 1; i < tensors.length; i++) {
    const t = tensors[i];
    if (t.ndim !== first.ndim || t._shape.some((s, k) => k !== d && s !== first._shape[k]))
      throw new RangeError(`cat: sizes of tensors must match except in dimension ${d}; got ${fmtShape(first._shape)} and ${fmtShape(t._shape)} (tensor ${i})`);
  }
  return catOp(d, ...tensors.map((t) => (t.dtype === dtype ? t : t.to(dtype))));
}

/** Stacks same-shape tensors along a new dim. */
export function stack(tensors: Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('stack: expected a non-empty array of tensors');
  tensors.forEach((t, i) => checkTensor('stack', `tensors[${i}]`, t));
  const first = tensors[0];
  for (let i = 1; i < tensors.length; i++)
    if (!sameShape(tensors[i]._shape, first._shape))
      throw new RangeError(`stack: expects each tensor to be equal size, but got ${fmtShape(first._shape)} at entry 0 and ${fmtShape(tensors[i]._shape)} at entry ${i}`);
  const d = normDim('stack', dim, first.ndim + 1);
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

// ---------------------------------------------------------------- copies
const contiguousOp = defineOp('contiguous', {
  forward: (_ctx, x: Tensor) => contiguousRaw(x),
  backward: (_ctx, g) => [g],
});

/** A contiguous copy (the tensor itself when already contiguous). */
export function contiguous(x: Tensor): Tensor {
  checkTensor('contiguous', 'input', x);
  return x.isContiguous() ? x : contiguousOp(x);
}

const cloneOp = defineOp('clone', {
  forward: (_ctx, x: Tensor) => contiguousRaw(x),
  backward: (_ctx, g) => [g],
});

/** A copy with its own contiguous storage. */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', 'input', x);
  return cloneOp(x);
}

const castOp = defineOp('to', {
  forward(ctx, x: Tensor, dtype: DType) {
    ctx.from = x.dtype;
    const out = Tensor._empty(x._shape, dtype);
    native.stridedCopy(x._storage.data, x._offset, x._shape, x._strides, out._flat());
    return out;
  },
  backward: (ctx, g) => [ctx.from === 'int32' ? null : cast(g, ctx.from as DType)],
});

/** A copy converted to dtype (float -> int32 truncates toward zero). */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('to', 'input', x);
  return castOp(x, dtype);
}
