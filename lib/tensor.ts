/**
 * Tensor: a strided view (shape, strides, offset) over a shared 64-byte
 * aligned Storage, with autograd bookkeeping. Math lives in lib/ops; the
 * methods here are thin forwards so that `x.add(y)` reads like PyTorch.
 */
import { checkDtype, DType, dtypeOfArray, isFloat, torchName, TypedArray } from './dtype';
import { formatTensor } from './format';
import { Storage, zeroStorage } from './memory';
import { native } from './native';
import { contiguousStrides, fmtShape, numelOf, Shape, checkShape, normDim, sameShape } from './shape';
import { isGradEnabled, noGrad } from './autograd/grad_mode';
import type { Node } from './autograd/node';
import * as U from './ops/unary';
import * as B from './ops/binary';
import * as R from './ops/reduce';
import * as S from './ops/shape';
import * as M from './ops/matmul';
import * as SM from './ops/softmax';
import { runBackward } from './autograd/engine';
import { checkBool, checkOptions, isOptionsObject } from './ops/util';

/** Most dims a tensor may have (the native strided kernels' limit). */
export const MAX_DIMS = 16;

export type NestedArray = number | boolean | NestedArray[];
export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}
export interface BackwardOptions {
  /** Keep the graph's saved tensors so that backward can run through it again. Default false. */
  retainGraph?: boolean;
}
/** @internal backward's options checked: { retainGraph } only, a boolean. */
export function retainGraphOption(options: unknown): boolean {
  const { retainGraph = false } = checkOptions('backward', options as BackwardOptions | undefined, ['retainGraph'], '{ retainGraph: true }');
  return checkBool('backward', 'retainGraph', retainGraph);
}
export type Scalar = number;
export type TensorOrScalar = Tensor | number;

export class Tensor {
  /** @internal */ _storage: Storage;
  /** @internal */ readonly _shape: number[];
  /** @internal */ readonly _strides: number[];
  /** @internal */ readonly _offset: number;
  /** @internal the gradient; read it through `grad` (or `_grad` inside the library) */
  _gradT: Tensor | null = null;
  /**
   * @internal true while `_gradT` is a buffer that backward() made for this
   * tensor alone and that no caller has seen through `grad`: zeroGrad() then
   * hands it back to the allocator, so the next backward reuses it instead of
   * allocating (and zero-filling) a new one every step.
   */
  _gradPrivate = false;
  /** The gradient accumulated by backward() (null until then, or after zeroGrad()). */
  get grad(): Tensor | null {
    this._gradPrivate = false;
    return this._gradT;
  }
  set grad(g: Tensor | null) {
    // PyTorch's checks on assignment: a gradient the same size and type as its tensor.
    if (g !== null) {
      if (!(g instanceof Tensor)) throw new TypeError(`grad: assigned grad must be a Tensor or null, got ${typeof g}`);
      if (g === this) throw new Error("grad: can't assign a tensor as its own grad");
      if (g.dtype !== this.dtype) throw new TypeError(`grad: assigned grad has dtype ${g.dtype}, but the tensor is ${this.dtype}`);
      if (!sameShape(g._shape, this._shape))
        throw new RangeError(`grad: assigned grad has shape ${fmtShape(g._shape)}, but the tensor has shape ${fmtShape(this._shape)}`);
    }
    this._gradT = g;
    this._gradPrivate = false;
  }
  /** @internal the gradient, for the library's own transient reads (optimizers, clipping); does not expose it. */
  get _grad(): Tensor | null {
    return this._gradT;
  }
  /** @internal backward's fresh gradient buffer, owned by this tensor only. */
  _setPrivateGrad(g: Tensor): void {
    this._gradT = g;
    this._gradPrivate = true;
  }
  /** @internal zeroGrad(setToNone): drops the gradient, recycling a buffer nobody else has seen. */
  _dropGrad(): void {
    if (this._gradT && this._gradPrivate) this._gradT.dispose();
    this._gradT = null;
    this._gradPrivate = false;
  }
  /** The node that made this tensor, for non-leaf tensors that require grad. */
  gradFn: Node | null = null;
  /** @internal */ _requiresGrad = false;
  /** @internal leaf accumulator node, shared by every use of this leaf. */
  _accNode: Node | null = null;
  /** @internal */ _retainsGrad = false;

  /** @internal Use the creation functions (tensor, zeros, ...) instead. */
  constructor(storage: Storage, shape: number[], strides: number[], offset: number) {
    if (shape.length > MAX_DIMS)
      throw new RangeError(`tensor: at most ${MAX_DIMS} dims are supported, got ${shape.length} (shape ${fmtShape(shape)})`);
    this._storage = storage;
    this._shape = shape;
    this._strides = strides;
    this._offset = offset;
  }

  /** @internal A fresh contiguous tensor (uninitialised when taken from the cache). */
  static _empty(shape: Shape, dtype: DType): Tensor {
    const s = shape.slice();
    return new Tensor(new Storage(dtype, numelOf(s)), s, contiguousStrides(s), 0);
  }

  // ------------------------------------------------------------------ metadata
  get shape(): number[] {
    return this._shape.slice();
  }
  get dtype(): DType {
    return this._storage.dtype;
  }
  get ndim(): number {
    return this._shape.length;
  }
  dim(): number {
    return this._shape.length;
  }
  numel(): number {
    return numelOf(this._shape);
  }
  /** size() is the shape; size(d) one dim (negative counts from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this.shape;
    return this._shape[normDim('size', dim, this._shape.length, false)];
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this._strides.slice();
    return this._strides[normDim('stride', dim, this._shape.length, false)];
  }
  storageOffset(): number {
    return this._offset;
  }
  isContiguous(): boolean {
    let expected = 1;
    for (let d = this._shape.length - 1; d >= 0; d--) {
      if (this._shape[d] !== 1 && this._strides[d] !== expected) return false;
      expected *= this._shape[d];
    }
    return true;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    this.requiresGrad_(v);
  }
  /** Sets requiresGrad in place and returns this (PyTorch's requires_grad_()). */
  requiresGrad_(v = true): this {
    if (!v && this.gradFn)
      throw new Error('requiresGrad: you can only change requiresGrad of leaf tensors; use detach() for a non-leaf');
    if (v && !isFloat(this.dtype))
      throw new TypeError(`requiresGrad: only floating point tensors can require gradients; got dtype ${this.dtype}`);
    this._requiresGrad = v;
    return this;
  }
  /** Keeps .grad on a non-leaf tensor after backward(). */
  retainGrad(): this {
    if (!this._requiresGrad) throw new Error("retainGrad: can't retain the gradient of a tensor that does not require grad");
    if (this.gradFn && !this._retainsGrad) {
      this._retainsGrad = true;
      (this.gradFn.retained ??= []).push(this);
    }
    return this;
  }

  /** @internal Throws if the storage was disposed. */
  _live(op: string): void {
    if (this._storage.disposed) throw new Error(`${op}: this tensor was disposed and can no longer be used`);
  }

  // ------------------------------------------------------------------ data access
  /**
   * The elements as a typed array in row-major order. For a contiguous tensor
   * this is a view of its storage (writes change the tensor); otherwise a copy.
   */
  get data(): TypedArray {
    this._live('data');
    const n = this.numel();
    if (this.isContiguous()) return this._storage.data.subarray(this._offset, this._offset + n);
    return S.contiguous(this.detach())._storage.data.subarray(0, n);
  }
  /** @internal the contiguous typed view; the tensor must be contiguous. */
  _flat(): TypedArray {
    this._live('tensor');
    const data = this._storage.data, n = this.numel();
    // A tensor over its whole storage (the common case) needs no new view.
    return this._offset === 0 && n === data.length ? data : data.subarray(this._offset, this._offset + n);
  }
  /** The single value of a one-element tensor as a JS number. */
  item(): number {
    this._live('item');
    if (this.numel() !== 1)
      throw new RangeError(`item: only one-element tensors can be converted to a number; got shape ${fmtShape(this._shape)}`);
    return this._storage.data[this._offset];
  }
  /** Nested JS arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const flat = this.data;
    if (this._shape.length === 0) return flat[0];
    const rec = (d: number, base: number): NestedArray[] => {
      const n = this._shape[d];
      const out: NestedArray[] = new Array(n);
      if (d === this._shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = flat[base + i];
        return out;
      }
      const step = numelOf(this._shape.slice(d + 1));
      for (let i = 0; i < n; i++) out[i] = rec(d + 1, base + i * step);
      return out;
    };
    return rec(0, 0);
  }
  /** PyTorch's name for toArray(). */
  tolist(): NestedArray {
    return this.toArray();
  }

  /** Frees the storage now (it returns to the allocator's cache). The tensor, and every view of it, becomes unusable. */
  dispose(): void {
    this._storage.dispose();
    this._gradT = null;
    this._gradPrivate = false;
    this.gradFn = null;
  }
  get isDisposed(): boolean {
    return this._storage.disposed;
  }

  toString(): string {
    if (this._storage.disposed) return 'tensor(<disposed>)';
    const suffixes: string[] = [];
    if (this.dtype !== 'float32') suffixes.push(`dtype=${torchName(this.dtype)}`);
    if (this.gradFn) suffixes.push(`grad_fn=<${this.gradFn.name}>`);
    else if (this._requiresGrad) suffixes.push('requires_grad=True');
    return formatTensor(this.data, this._shape, this.dtype, suffixes);
  }
  /** util.inspect / console.log show the repr (Node's well-known inspect symbol). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ------------------------------------------------------------------ autograd
  /**
   * Computes the gradient of this tensor with respect to the graph's leaves and
   * adds it into their .grad. A non-scalar tensor needs `gradient` (same shape).
   * Options: backward(gradient, { retainGraph: true }), or backward({ retainGraph: true }).
   */
  backward(gradient?: Tensor | null | BackwardOptions, options?: BackwardOptions): void {
    if (isOptionsObject(gradient) && options === undefined) [gradient, options] = [null, gradient];
    runBackward([this], [(gradient as Tensor | null | undefined) ?? null], retainGraphOption(options));
  }
  /** A tensor on the same storage, cut from the graph (requiresGrad false). */
  detach(): Tensor {
    return new Tensor(this._storage, this._shape.slice(), this._strides.slice(), this._offset);
  }
  /** Cuts this tensor from the graph in place. */
  detach_(): this {
    this.gradFn = null;
    this._requiresGrad = false;
    return this;
  }

  // ------------------------------------------------------------------ in place (never recorded)
  /**
   * @internal Throws if an in-place op would corrupt the graph, or write one
   * memory location through several elements (an expanded view), unless
   * `overlapOk` (fill_). Bumps the storage's version.
   */
  _checkInplace(op: string, overlapOk = false): void {
    this._live(op);
    if (isGradEnabled() && this._requiresGrad && this.isLeaf)
      throw new Error(`${op}: a leaf tensor that requires grad is being used in an in-place operation; wrap it in noGrad()`);
    if (isGradEnabled() && this.gradFn)
      throw new Error(`${op}: in-place operations on tensors that are part of a graph are not supported; use the out-of-place op`);
    if (!overlapOk && this._selfOverlaps())
      throw new Error(
        `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location ` +
          `(shape ${fmtShape(this._shape)}, strides ${fmtShape(this._strides)}). Please clone() the tensor before performing the operation.`,
      );
    this._storage.version++;
  }
  /** @internal True when a dim of size > 1 has stride 0 (PyTorch's has_internal_overlap); never with no element. */
  _selfOverlaps(): boolean {
    if (this.numel() === 0) return false;
    for (let d = 0; d < this._shape.length; d++) if (this._strides[d] === 0 && this._shape[d] > 1) return true;
    return false;
  }
  /** @internal Marks an in-place write done outside the in-place methods (optimizer steps). */
  _bumpVersion(): void {
    this._storage.version++;
  }
  /** Fills with a value in place (int32 tensors truncate the value toward zero, as PyTorch). */
  fill_(value: number): this {
    this._checkInplace('fill_', true);
    if (typeof value !== 'number') throw new TypeError(`fill_: value must be a number, got ${value === null ? 'null' : typeof value}`);
    if (this.dtype === 'int32') value = toInt32('fill_', value);
    if (this.isContiguous()) native.fill(this._flat(), value);
    else {
      // An expanded view: fill each memory location once (stride-0 dims collapse to size 1).
      const shape = this._shape.map((s, d) => (this._strides[d] === 0 ? 1 : s));
      S.assignInto(new Tensor(this._storage, shape, this._strides.slice(), this._offset), full(shape, value, { dtype: this.dtype }));
    }
    return this;
  }
  zero_(): this {
    return this.fill_(0);
  }
  /** Copies src (broadcast to this shape, cast to this dtype) into this tensor. */
  copy_(src: Tensor): this {
    this._checkInplace('copy_');
    S.assignInto(this, src);
    return this;
  }
  /** this += alpha * other, in place (used by optimizers and gradient accumulation). */
  add_(other: TensorOrScalar, alpha: number | { alpha?: number } = 1): this {
    this._checkInplace('add_');
    alpha = alphaArg('add_', alpha);
    const o = typeof other === 'number' ? other * alpha : alpha === 1 ? other : noGrad(() => B.mul(other, alpha));
    S.assignInto(this, noGrad(() => B.add(this, o)));
    return this;
  }
  sub_(other: TensorOrScalar, alpha: number | { alpha?: number } = 1): this {
    return this.add_(other, -alphaArg('sub_', alpha));
  }
  mul_(other: TensorOrScalar): this {
    this._checkInplace('mul_');
    S.assignInto(this, noGrad(() => B.mul(this, other)));
    return this;
  }
  div_(other: TensorOrScalar): this {
    this._checkInplace('div_');
    S.assignInto(this, noGrad(() => B.div(this, other)));
    return this;
  }
  clamp_(min: number | null, max: number | null = null): this {
    this._checkInplace('clamp_');
    S.assignInto(this, noGrad(() => U.clamp(this, min, max)));
    return this;
  }
  /** Fills with U[from, to) from torch's generator (same values as PyTorch for the same seed). */
  uniform_(from = 0, to = 1): this {
    this._checkInplace('uniform_');
    fillRandom(this, (a) => native.uniform(a, from, to));
    return this;
  }
  /** Fills with N(mean, std^2) from torch's generator. */
  normal_(mean = 0, std = 1): this {
    this._checkInplace('normal_');
    if (!(std >= 0)) throw new RangeError(`normal_: std must be >= 0, got ${std}`);
    fillRandom(this, (a) => native.normal(a, mean, std));
    return this;
  }
  /** Fills with 1 with probability p, else 0. */
  bernoulli_(p = 0.5): this {
    this._checkInplace('bernoulli_');
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli_: p must be in [0, 1], got ${p}`);
    fillRandom(this, (a) => native.bernoulli(a, p));
    return this;
  }

  // ------------------------------------------------------------------ math (see lib/ops)
  /** this + alpha * other; alpha positional or as PyTorch's keyword ({ alpha: 2 }). */
  add(other: TensorOrScalar, alpha: number | { alpha?: number } = 1): Tensor {
    alpha = alphaArg('add', alpha);
    return B.add(this, alpha === 1 || typeof other === 'number' ? (typeof other === 'number' ? other * alpha : other) : B.mul(other, alpha));
  }
  sub(other: TensorOrScalar, alpha: number | { alpha?: number } = 1): Tensor {
    alpha = alphaArg('sub', alpha);
    return B.sub(this, alpha === 1 || typeof other === 'number' ? (typeof other === 'number' ? other * alpha : other) : B.mul(other, alpha));
  }
  mul(other: TensorOrScalar): Tensor { return B.mul(this, other); }
  div(other: TensorOrScalar): Tensor { return B.div(this, other); }
  /** x ** exponent; a number exponent takes the fast scalar path. */
  pow(exponent: TensorOrScalar): Tensor { return B.pow(this, exponent); }
  maximum(other: Tensor): Tensor { return B.maximum(this, other); }
  minimum(other: Tensor): Tensor { return B.minimum(this, other); }
  eq(other: TensorOrScalar): Tensor { return B.eq(this, other); }
  ne(other: TensorOrScalar): Tensor { return B.ne(this, other); }
  lt(other: TensorOrScalar): Tensor { return B.lt(this, other); }
  le(other: TensorOrScalar): Tensor { return B.le(this, other); }
  gt(other: TensorOrScalar): Tensor { return B.gt(this, other); }
  ge(other: TensorOrScalar): Tensor { return B.ge(this, other); }
  neg(): Tensor { return U.neg(this); }
  exp(): Tensor { return U.exp(this); }
  log(): Tensor { return U.log(this); }
  log1p(): Tensor { return U.log1p(this); }
  expm1(): Tensor { return U.expm1(this); }
  abs(): Tensor { return U.abs(this); }
  sqrt(): Tensor { return U.sqrt(this); }
  rsqrt(): Tensor { return U.reciprocal(U.sqrt(this)); }
  square(): Tensor { return U.square(this); }
  reciprocal(): Tensor { return U.reciprocal(this); }
  sin(): Tensor { return U.sin(this); }
  cos(): Tensor { return U.cos(this); }
  sign(): Tensor { return U.sign(this); }
  tanh(): Tensor { return U.tanh(this); }
  sigmoid(): Tensor { return U.sigmoid(this); }
  relu(): Tensor { return U.relu(this); }
  /** min(max(x, min), max); either bound may be null. */
  clamp(min: number | null, max: number | null = null): Tensor { return U.clamp(this, min, max); }
  clip(min: number | null, max: number | null = null): Tensor { return U.clamp(this, min, max); }
  softmax(dim: number): Tensor { return SM.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return SM.logSoftmax(this, dim); }
  matmul(other: Tensor): Tensor { return M.matmul(this, other); }
  mm(other: Tensor): Tensor { return M.mm(this, other); }
  dot(other: Tensor): Tensor { return M.dot(this, other); }

  sum(dim?: number | number[] | null, keepdim = false): Tensor { return R.sum(this, dim, keepdim); }
  mean(dim?: number | number[] | null, keepdim = false): Tensor { return R.mean(this, dim, keepdim); }
  /** Variance; `correction` 1 (default) is the unbiased estimator like PyTorch. */
  var(dim?: number | number[] | null, opts: { correction?: number; keepdim?: boolean } = {}): Tensor {
    const { correction = 1, keepdim = false } = checkOptions('var', opts, ['correction', 'keepdim'], '{ keepdim: true }');
    return R.variance(this, dim, correction, keepdim);
  }
  std(dim?: number | number[] | null, opts: { correction?: number; keepdim?: boolean } = {}): Tensor {
    const { correction = 1, keepdim = false } = checkOptions('std', opts, ['correction', 'keepdim'], '{ keepdim: true }');
    return R.std(this, dim, correction, keepdim);
  }
  prod(dim?: number | null, keepdim = false): Tensor { return R.prod(this, dim, keepdim); }
  /** max() is the largest element; max(dim) gives { values, indices } along dim. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? R.maxAll(this) : R.maxDim(this, dim, keepdim, true);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? R.minAll(this) : R.maxDim(this, dim, keepdim, false);
  }
  amax(dim: number | number[], keepdim = false): Tensor { return R.amax(this, dim, keepdim, true); }
  amin(dim: number | number[], keepdim = false): Tensor { return R.amax(this, dim, keepdim, false); }
  /** Index of the largest element (flattened), or along dim; int32. */
  argmax(dim?: number, keepdim = false): Tensor { return R.argReduce(this, dim, keepdim, true); }
  argmin(dim?: number, keepdim = false): Tensor { return R.argReduce(this, dim, keepdim, false); }
  /** p-norm over all elements or dims (p = 2 by default, 1, Infinity and others). */
  norm(p: number = 2, dim?: number | number[] | null, keepdim = false): Tensor { return R.norm(this, p, dim, keepdim); }
  logsumexp(dim: number, keepdim = false): Tensor { return R.logsumexp(this, dim, keepdim); }

  // ------------------------------------------------------------------ shape
  /** A view with a new shape (one entry may be -1); the tensor must be viewable without a copy. */
  view(...shape: (number | number[])[]): Tensor { return S.view(this, flatShape(shape)); }
  /** Like view, but copies when the strides do not allow a view. */
  reshape(...shape: (number | number[])[]): Tensor { return S.reshape(this, flatShape(shape)); }
  viewAs(other: Tensor): Tensor { return S.view(this, other._shape); }
  transpose(dim0: number, dim1: number): Tensor { return S.transpose(this, dim0, dim1); }
  /** Transpose of a matrix (a 0-d or 1-d tensor is returned as is). */
  t(): Tensor {
    if (this._shape.length > 2) throw new RangeError(`t: expects a tensor with <= 2 dims, got ${this._shape.length} (shape ${fmtShape(this._shape)}); use transpose()`);
    return this._shape.length < 2 ? this : S.transpose(this, 0, 1);
  }
  get T(): Tensor { return S.permute(this, this._shape.map((_, i) => this._shape.length - 1 - i)); }
  permute(...dims: (number | number[])[]): Tensor { return S.permute(this, flatShape(dims)); }
  expand(...shape: (number | number[])[]): Tensor { return S.expand(this, flatShape(shape)); }
  expandAs(other: Tensor): Tensor { return S.expand(this, other._shape); }
  squeeze(dim?: number): Tensor { return S.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return S.unsqueeze(this, dim); }
  flatten(startDim = 0, endDim = -1): Tensor { return S.flatten(this, startDim, endDim); }
  /** Elements start..start+length-1 along dim (a view). */
  narrow(dim: number, start: number, length: number): Tensor { return S.narrow(this, dim, start, length); }
  /** Python's x[start:end:step] along dim (a view; negative bounds count from the end). */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor { return S.slice(this, dim, start, end, step); }
  /** The sub-tensor at `index` along dim, with that dim removed (x[i] for dim 0). */
  select(dim: number, index: number): Tensor { return S.select(this, dim, index); }
  /** x[i]: select along dim 0. */
  /** x.get(i) is x[i]; x.get(i, j) is x[i, j] (one index per leading dim). */
  get(...index: number[]): Tensor {
    if (index.length === 0) throw new TypeError('get: expects at least one index');
    if (index.length > this._shape.length)
      throw new RangeError(`get: too many indices (${index.length}) for a tensor of ${this._shape.length} dims (shape ${fmtShape(this._shape)})`);
    let t: Tensor = this;
    for (const i of index) t = S.select(t, 0, i);
    return t;
  }
  /** Rows (or slices along dim) picked by an int32 index tensor or array. */
  indexSelect(dim: number, index: Tensor | number[] | Int32Array): Tensor { return S.indexSelect(this, dim, index); }
  /** Splits into chunks of `size` along dim. */
  split(size: number, dim = 0): Tensor[] { return S.split(this, size, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return S.chunk(this, chunks, dim); }
  /** A contiguous tensor with the same values (this when already contiguous). */
  contiguous(): Tensor { return this.isContiguous() ? this : S.contiguous(this); }
  /** A copy with its own storage (recorded by autograd). */
  clone(): Tensor { return S.clone(this); }
  /** A tensor of another dtype (this when already of it). */
  to(dtype: DType): Tensor { return checkDtype('to', dtype) === this.dtype ? this : S.cast(this, dtype); }
  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  int(): Tensor { return this.to('int32'); }
}

/**
 * A number as an int32 element: truncated toward zero like PyTorch's cast;
 * NaN, infinities and values outside int32 are an error, not a wrap.
 */
export function toInt32(op: string, v: number): number {
  const t = Math.trunc(v);
  if (!(t >= -2147483648 && t <= 2147483647))
    throw new RangeError(`${op}: value ${v} cannot be converted to type int32 without overflow`);
  return t;
}

/** alpha of add / sub: a number, or PyTorch's keyword as an options object. */
function alphaArg(op: string, alpha: unknown): number {
  if (alpha !== null && typeof alpha === 'object' && !Array.isArray(alpha) && !(alpha instanceof Tensor)) {
    const extra = Object.keys(alpha).filter((k) => k !== 'alpha');
    if (extra.length) throw new TypeError(`${op}: unknown option '${extra[0]}' (the only one is alpha)`);
    alpha = (alpha as { alpha?: number }).alpha ?? 1;
  }
  if (typeof alpha !== 'number') throw new TypeError(`${op}: alpha must be a number, got ${alpha === null ? 'null' : typeof alpha}`);
  return alpha;
}

/**
 * The shape of a creation function: one array (zeros([2, 3])), or sizes as
 * separate numbers like PyTorch's torch.zeros(2, 3); options follow an array
 * shape (zeros([2, 3], { dtype })) or the last size.
 */
function shapeAndOptions(op: string, args: unknown[]): [unknown, TensorOptions] {
  if (typeof args[0] !== 'number') return [args[0], tensorOptions(op, args[1])];
  let i = 0;
  while (i < args.length && typeof args[i] === 'number') i++;
  const o = args[i];
  if (i < args.length - 1 || (o !== undefined && (o === null || typeof o !== 'object' || Array.isArray(o))))
    throw new TypeError(`${op}: pass the sizes either as one array or as separate numbers, then the options`);
  return [args.slice(0, i), tensorOptions(op, o)];
}

/** A creation function's options: { dtype, requiresGrad } and nothing else ({ dtyp } is a TypeError). */
function tensorOptions(op: string, opts: unknown): TensorOptions {
  const o = checkOptions(op, opts as TensorOptions | undefined, ['dtype', 'requiresGrad'], "{ dtype: 'float64' }");
  if (o.requiresGrad !== undefined) checkBool(op, 'requiresGrad', o.requiresGrad);
  return o;
}

function flatShape(args: (number | number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return args[0].slice();
  const out: number[] = [];
  for (const a of args) {
    if (Array.isArray(a)) throw new TypeError('shape: pass the sizes either as one array or as separate numbers');
    out.push(a);
  }
  return out;
}

function fillRandom(t: Tensor, fill: (a: Float32Array | Float64Array) => void): void {
  if (!isFloat(t.dtype)) throw new TypeError(`random fill: expects a floating point tensor, got ${t.dtype}`);
  if (t.isContiguous()) fill(t._flat() as Float32Array | Float64Array);
  else {
    const tmp = Tensor._empty(t._shape, t.dtype);
    fill(tmp._flat() as Float32Array | Float64Array);
    S.assignInto(t, tmp);
  }
}

// ==================================================================== creation
function finish(t: Tensor, opts: TensorOptions | undefined): Tensor {
  if (opts?.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** The shape of a nested array, from its first elements (ragged parts are caught while copying). */
function inferShape(data: NestedArray, shape: number[]): void {
  for (let x = data; Array.isArray(x); x = x[0]) {
    if (shape.length === MAX_DIMS)
      throw new RangeError(`tensor: nested array is more than ${MAX_DIMS} levels deep (torchlet tensors have at most ${MAX_DIMS} dims)`);
    shape.push(x.length);
    if (x.length === 0) break;
  }
}

/**
 * A tensor from nested arrays, a number or a typed array (copied).
 * Numbers give float32 unless `dtype` says otherwise (JS has one number type,
 * so integers are not told apart from floats); booleans become 1/0.
 * @example tensor([[1, 2], [3, 4]]).shape  // [2, 2]
 */
export function tensor(data: NestedArray | TypedArray | Tensor, opts?: TensorOptions): Tensor {
  opts = tensorOptions('tensor', opts);
  if (data instanceof Tensor) return finish(S.cast(data.detach(), opts?.dtype ?? data.dtype).detach().clone(), opts);
  if (ArrayBuffer.isView(data)) return fromTypedArray(data as TypedArray, [(data as TypedArray).length], opts);
  const dtype = checkDtype('tensor', opts?.dtype ?? 'float32');
  const shape: number[] = [];
  inferShape(data, shape);
  const out = Tensor._empty(shape, dtype);
  const flat = out._storage.data;
  let k = 0;
  const rec = (x: NestedArray, d: number, path: string): void => {
    if (d === shape.length) {
      if (Array.isArray(x))
        throw new RangeError(`tensor: ragged nested array: element at ${path || 'top'} is an array where a number was expected (shape so far ${fmtShape(shape)})`);
      let v: number;
      if (typeof x === 'number') v = x;
      else if (typeof x === 'boolean') v = x ? 1 : 0;
      else throw new TypeError(`tensor: element at ${path || 'top'} must be a number, got ${x === null ? 'null' : typeof x}`);
      flat[k++] = dtype === 'int32' ? toInt32('tensor', v) : v;
      return;
    }
    if (!Array.isArray(x))
      throw new RangeError(`tensor: ragged nested array: element at ${path} is a ${typeof x} where an array of length ${shape[d]} was expected`);
    if (x.length !== shape[d])
      throw new RangeError(`tensor: ragged nested array: element at ${path || 'top'} has length ${x.length}, expected ${shape[d]}`);
    for (let i = 0; i < x.length; i++) rec(x[i], d + 1, `${path}[${i}]`);
  };
  rec(data as NestedArray, 0, '');
  return finish(out, opts);
}

/** A tensor of `shape` whose data is a copy of `array` (Float32Array -> float32, ...). */
export function fromTypedArray(array: TypedArray, shape?: number[], opts?: TensorOptions): Tensor {
  opts = tensorOptions('fromTypedArray', opts);
  if (!(array instanceof Float32Array || array instanceof Float64Array || array instanceof Int32Array))
    throw new TypeError('fromTypedArray: expects a Float32Array, Float64Array or Int32Array');
  const sh = checkShape('fromTypedArray', shape ?? [array.length]);
  if (numelOf(sh) !== array.length)
    throw new RangeError(`fromTypedArray: shape ${fmtShape(sh)} holds ${numelOf(sh)} elements but the array has ${array.length}`);
  const src = dtypeOfArray(array);
  const out = Tensor._empty(sh, src);
  out._storage.data.set(array);
  return finish(opts?.dtype && opts.dtype !== src ? S.cast(out, opts.dtype) : out, opts);
}

/** Uninitialised tensor (values are whatever the allocator had). */
export function empty(shape: number[], opts?: TensorOptions): Tensor;
export function empty(...sizes: number[]): Tensor;
export function empty(...args: unknown[]): Tensor {
  const [shape, opts] = shapeAndOptions('empty', args);
  return finish(Tensor._empty(checkShape('empty', shape), checkDtype('empty', opts?.dtype ?? 'float32')), opts);
}
export function zeros(shape: number[], opts?: TensorOptions): Tensor;
export function zeros(...sizes: number[]): Tensor;
export function zeros(...args: unknown[]): Tensor {
  const [shape, opts] = shapeAndOptions('zeros', args);
  const sh = checkShape('zeros', shape);
  const dtype = checkDtype('zeros', opts?.dtype ?? 'float32');
  return finish(new Tensor(zeroStorage(dtype, numelOf(sh)), sh, contiguousStrides(sh), 0), opts);
}
export function ones(shape: number[], opts?: TensorOptions): Tensor;
export function ones(...sizes: number[]): Tensor;
export function ones(...args: unknown[]): Tensor {
  const [shape, opts] = shapeAndOptions('ones', args);
  return fullOf('ones', shape, 1, opts);
}
export function full(shape: number[], value: number, opts?: TensorOptions): Tensor {
  return fullOf('full', shape, value, tensorOptions('full', opts));
}
function fullOf(op: string, shape: unknown, value: unknown, opts?: TensorOptions): Tensor {
  if (typeof value !== 'number') throw new TypeError(`${op}: fill value must be a number, got ${value === null ? 'null' : typeof value}`);
  const t = Tensor._empty(checkShape(op, shape), checkDtype(op, opts?.dtype ?? 'float32'));
  native.fill(t._flat(), t.dtype === 'int32' ? toInt32(op, value) : value);
  return finish(t, opts);
}
export function zerosLike(t: Tensor, opts?: TensorOptions): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...tensorOptions('zerosLike', opts) });
}
export function onesLike(t: Tensor, opts?: TensorOptions): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...tensorOptions('onesLike', opts) });
}
export function fullLike(t: Tensor, value: number, opts?: TensorOptions): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...tensorOptions('fullLike', opts) });
}
/** Values start, start + step, ... below end (arange(end) starts at 0). Shape: (ceil((end - start) / step)). */
export function arange(end: number, opts?: TensorOptions): Tensor;
export function arange(start: number, end?: number, step?: number, opts?: TensorOptions): Tensor;
export function arange(start: number, endOrOpts?: number | TensorOptions, step = 1, opts?: TensorOptions): Tensor {
  let end: number;
  for (const [k, v] of [['start', start], ['end', endOrOpts], ['step', step]] as const)
    if (v !== undefined && typeof v !== 'number' && k !== 'end')
      throw new TypeError(`arange: ${k} must be a number, got ${typeof v}`);
  if (typeof endOrOpts === 'string') throw new TypeError(`arange: end must be a number, got string`);
  if (endOrOpts === undefined || (typeof endOrOpts === 'object' && endOrOpts !== null)) {
    opts = endOrOpts ?? opts;
    end = start;
    start = 0;
  } else end = endOrOpts;
  opts = tensorOptions('arange', opts);
  if (!Number.isFinite(start) || !Number.isFinite(end) || !Number.isFinite(step) || step === 0)
    throw new RangeError(`arange: start, end and step must be finite and step non-zero; got ${start}, ${end}, ${step}`);
  if ((end - start) / step < 0)
    throw new RangeError(`arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  const n = Math.ceil((end - start) / step);
  const t = Tensor._empty([n], checkDtype('arange', opts?.dtype ?? 'float32'));
  const d = t._storage.data;
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return finish(t, opts);
}
export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  opts = tensorOptions('linspace', opts);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const t = Tensor._empty([steps], checkDtype('linspace', opts?.dtype ?? 'float32'));
  const d = t._storage.data;
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the first half from start and the second from end.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) d[i] = i < half ? start + step * i : end - step * (steps - i - 1);
  return finish(t, opts);
}
export function eye(n: number, m = n, opts?: TensorOptions): Tensor {
  opts = tensorOptions('eye', opts);
  for (const [k, v] of [['n', n], ['m', m]] as const)
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`eye: ${k} must be a non-negative integer, got ${v}`);
  const t = zeros([n, m], { dtype: opts?.dtype });
  const d = t._storage.data;
  for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
  return finish(t, opts);
}

// ------------------------------------------------------------------ random
function randomShape(op: string, shape: unknown, opts?: TensorOptions): Tensor {
  const dtype = checkDtype(op, opts?.dtype ?? 'float32');
  if (!isFloat(dtype)) throw new TypeError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  return Tensor._empty(checkShape(op, shape), dtype);
}
/** U[0, 1) from torch's generator: the same values as torch.rand after the same manualSeed. */
export function rand(shape: number[], opts?: TensorOptions): Tensor;
export function rand(...sizes: number[]): Tensor;
export function rand(...args: unknown[]): Tensor {
  const [shape, opts] = shapeAndOptions('rand', args);
  const t = randomShape('rand', shape, opts);
  native.uniform(t._flat() as Float32Array, 0, 1);
  return finish(t, opts);
}
/** N(0, 1) from torch's generator: the same values as torch.randn after the same manualSeed. */
export function randn(shape: number[], opts?: TensorOptions): Tensor;
export function randn(...sizes: number[]): Tensor;
export function randn(...args: unknown[]): Tensor {
  const [shape, opts] = shapeAndOptions('randn', args);
  const t = randomShape('randn', shape, opts);
  native.normal(t._flat() as Float32Array, 0, 1);
  return finish(t, opts);
}
/** Integers uniform in [low, high), int32 by default; randint(high, shape) starts at 0, as in PyTorch. */
export function randint(high: number, shape: number[], opts?: TensorOptions): Tensor;
export function randint(low: number, high: number, shape: number[], opts?: TensorOptions): Tensor;
export function randint(a: number, b: number | number[], c?: number[] | TensorOptions, d?: TensorOptions): Tensor {
  const [low, high, shape, given] = Array.isArray(b) ? [0, a, b, c as TensorOptions | undefined] : [a, b, c, d];
  const opts = tensorOptions('randint', given);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low)
    throw new RangeError(`randint: expects integers low < high, got low=${low}, high=${high}`);
  const t = Tensor._empty(checkShape('randint', shape), checkDtype('randint', opts?.dtype ?? 'int32'));
  native.randint(t._flat(), low, high);
  return finish(t, opts);
}
/** A random permutation of 0..n-1 (int32), as torch.randperm. */
export function randperm(n: number): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randperm: n must be a non-negative integer, got ${n}`);
  const t = Tensor._empty([n], 'int32');
  native.randperm(t._flat() as Int32Array);
  return t;
}
/** Seeds torch's generator (per thread), like torch.manual_seed. */
export function manualSeed(seed: number): void {
  if (typeof seed !== 'number') throw new TypeError(`manualSeed: seed must be a number, got ${typeof seed}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER)
    throw new RangeError(`manualSeed: seed must be a non-negative integer, got ${seed}`);
  native.manualSeed(seed);
}
/** The generator's state, to restore with setRngState. */
export function getRngState(): Uint8Array {
  return native.getRngState();
}
export function setRngState(state: Uint8Array): void {
  native.setRngState(state);
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** Makes a tensor operand out of a number, with the dtype the other operand gives it. */
export function scalarTensor(v: number, dtype: DType): Tensor {
  const t = Tensor._empty([], dtype);
  t._storage.data[0] = v;
  return t;
}

export { noGrad };
