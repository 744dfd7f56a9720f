/** Shape and stride arithmetic shared by Tensor and the ops. */
export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = acc;
    acc *= shape[d];
  }
  return st;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Normalises a possibly negative dim index for a tensor of rank `ndim`. A 0-d
 * tensor accepts dim 0 or -1 where PyTorch wraps scalars (reductions, softmax,
 * transpose); ops that index into a dim pass wrapScalar = false.
 */
export function normDim(op: string, dim: number, ndim: number, wrapScalar = true): number {
  if (ndim === 0 && !wrapScalar)
    throw new RangeError(`${op}: dimension specified as ${dim} but the tensor has no dimensions (it is 0-d)`);
  const lo = -Math.max(ndim, 1), hi = Math.max(ndim, 1) - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi)
    throw new RangeError(`${op}: dimension ${dim} out of range for a tensor of ${ndim} dims (expected in [${lo}, ${hi}])`);
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Broadcast two shapes (numpy rules), or throw naming the op. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1)
      throw new RangeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together ` +
          `(dim ${i - n + Math.max(a.length, b.length)}: ${da} vs ${db})`,
      );
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of (shape, strides) broadcast to `out` (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], out: Shape): number[] {
  const n = out.length, k = shape.length;
  const res = new Array<number>(n).fill(0);
  for (let i = 0; i < k; i++) {
    const d = n - k + i;
    res[d] = shape[i] === 1 && out[d] !== 1 ? 0 : strides[i];
  }
  return res;
}

export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of sizes, got ${typeof shape}`);
  for (const s of shape)
    if (!Number.isInteger(s) || s < 0)
      throw new RangeError(`${op}: shape [${shape.map((v) => (typeof v === 'number' ? String(v) : typeof v)).join(', ')}] must hold non-negative integers`);
  return shape.slice();
}
