/** Datasets: anything with a length and an indexable item, as torch.utils.data.Dataset. */
import { Tensor, fromTypedArray, randperm, manualSeed, getRngState, setRngState } from '../tensor';
import { arrayCtor, DType, TypedArray } from '../dtype';
import { fmtShape, numelOf } from '../shape';
import { checkIndices } from './sampler';
import { datasetSpec, registerKind, Spec, build } from './spec';
import type { WorkerRecipe } from './spec';

export abstract class Dataset<T = Tensor[]> {
  abstract get length(): number;
  abstract getItem(index: number): T;
  /**
   * Optional: how a worker thread rebuilds this dataset (DataLoader numWorkers > 0).
   * Built-in datasets know it; a user's class returns `{ module: __filename, export: 'MyDataset', args: [...] }`.
   */
  workerRecipe?(): WorkerRecipe;
}

/** Checks an index against a length (negative counts from the end) and returns it as >= 0. */
export function checkIndex(op: string, index: number, n: number): number {
  if (!Number.isInteger(index) || index < -n || index >= n) throw new RangeError(`${op}: index ${index} out of range for ${n} samples`);
  return index < 0 ? index + n : index;
}

/** A tensor's contiguous data copied into a SharedArrayBuffer that every worker reads. */
export interface SharedTensor {
  dtype: DType;
  shape: number[];
  buffer: SharedArrayBuffer;
}
function shareTensor(t: Tensor): SharedTensor {
  const src = t.contiguous().data;
  const buffer = new SharedArrayBuffer(src.byteLength);
  new (arrayCtor(t.dtype))(buffer as unknown as ArrayBuffer).set(src);
  return { dtype: t.dtype, shape: t.shape, buffer };
}

/** Wraps tensors that share their first dim; item i is [t0[i], t1[i], ...]. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new RangeError('TensorDataset: expects at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} is not a Tensor`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: tensor ${i} is 0-d; tensors need a first (sample) dimension`);
    });
    const n = tensors[0].size(0);
    tensors.forEach((t, i) => {
      if (t.size(0) !== n)
        throw new RangeError(`TensorDataset: size mismatch between tensors: tensor 0 has ${n} samples (shape ${fmtShape(tensors[0].shape)}), tensor ${i} has ${t.size(0)} (shape ${fmtShape(t.shape)})`);
    });
    this.tensors = tensors.map((t) => t.detach());
  }

  get length(): number {
    return this.tensors[0].size(0);
  }

  getItem(index: number): Tensor[] {
    if (!Number.isInteger(index) || index < -this.length || index >= this.length)
      throw new RangeError(`TensorDataset: index ${index} out of range for ${this.length} samples`);
    return this.tensors.map((t) => t.get(index));
  }

  /** Fast path for the DataLoader: gathers a whole batch with one native call per tensor. */
  getBatch(indices: Int32Array): Tensor[] {
    return this.tensors.map((t) => t.indexSelect(0, indices));
  }

  /** @internal The tensors go to the workers in SharedArrayBuffers (one copy, read by all). */
  _workerSpec(dry: boolean): Spec {
    return { kind: 'TensorDataset', tensors: dry ? [] : this.tensors.map(shareTensor) };
  }
}

/**
 * TensorDataset's counterpart in a worker: reads the shared buffers and
 * copies the rows it is asked for into fresh tensors (the native kernels
 * take ordinary buffers only).
 */
class SharedTensorDataset extends Dataset<Tensor[]> {
  private readonly arrays: TypedArray[];
  constructor(private readonly shared: SharedTensor[]) {
    super();
    this.arrays = shared.map((s) => new (arrayCtor(s.dtype))(s.buffer as unknown as ArrayBuffer));
  }
  get length(): number {
    return this.shared[0].shape[0];
  }
  getItem(index: number): Tensor[] {
    const i = checkIndex('TensorDataset', index, this.length);
    return this.shared.map((s, k) => {
      const row = numelOf(s.shape.slice(1));
      return fromTypedArray(this.arrays[k].subarray(i * row, (i + 1) * row), s.shape.slice(1));
    });
  }
  getBatch(indices: Int32Array): Tensor[] {
    return this.shared.map((s, k) => {
      const row = numelOf(s.shape.slice(1));
      const src = this.arrays[k];
      const out = new (arrayCtor(s.dtype))(indices.length * row);
      indices.forEach((i, j) => {
        const r = checkIndex('TensorDataset', i, this.length);
        out.set(src.subarray(r * row, (r + 1) * row), j * row);
      });
      return fromTypedArray(out, [indices.length, ...s.shape.slice(1)]);
    });
  }
}
registerKind('TensorDataset', (s) => new SharedTensorDataset(s.tensors as SharedTensor[]));

/** The batch fetcher of a dataset that can gather a whole batch at once (TensorDataset, and Subsets of it), else null. */
export function batchFetcher(ds: unknown): ((ids: Int32Array) => Tensor[]) | null {
  if (ds instanceof TensorDataset || ds instanceof SharedTensorDataset) return (ids) => ds.getBatch(ids);
  if (ds instanceof Subset) {
    const inner = batchFetcher(ds.dataset);
    if (!inner) return null;
    return (ids) => inner(ids.map((i) => ds.indices[checkIndex('Subset', i, ds.indices.length)]));
  }
  return null;
}

/**
 * The items of `dataset` at `indices`, in that order (torch.utils.data.Subset).
 * @example new Subset(ds, [0, 2, 4]).getItem(1)  // ds.getItem(2)
 */
export class Subset<T = Tensor[]> extends Dataset<T> {
  readonly indices: Int32Array;
  constructor(readonly dataset: Dataset<T>, indices: ArrayLike<number>) {
    super();
    if (!dataset || typeof dataset.getItem !== 'function') throw new TypeError('Subset: dataset must be a Dataset (with length and getItem)');
    this.indices = checkIndices('Subset', indices);
    const n = dataset.length;
    this.indices.forEach((i, k) => {
      if (i >= n) throw new RangeError(`Subset: index ${i} (position ${k}) out of range for a dataset of ${n} samples`);
    });
  }
  get length(): number {
    return this.indices.length;
  }
  getItem(index: number): T {
    return this.dataset.getItem(this.indices[checkIndex('Subset', index, this.indices.length)]);
  }
  /** @internal */
  _workerSpec(dry: boolean): Spec {
    return { kind: 'Subset', dataset: datasetSpec(this.dataset, dry), indices: this.indices };
  }
}
registerKind('Subset', (s) => {
  const inner = build(s.dataset as Spec);
  if (inner instanceof Promise) return inner.then((d) => new Subset(d as Dataset<unknown>, s.indices as Int32Array));
  return new Subset(inner as Dataset<unknown>, s.indices as Int32Array);
});

/** Datasets one after another (torch.utils.data.ConcatDataset). */
export class ConcatDataset<T = Tensor[]> extends Dataset<T> {
  readonly datasets: Dataset<T>[];
  readonly cumulativeSizes: number[];
  constructor(datasets: Dataset<T>[]) {
    super();
    if (!Array.isArray(datasets) || datasets.length === 0) throw new RangeError('ConcatDataset: datasets should not be an empty iterable');
    datasets.forEach((d, i) => {
      if (!d || typeof d.getItem !== 'function') throw new TypeError(`ConcatDataset: element ${i} is not a Dataset (with length and getItem)`);
    });
    this.datasets = datasets.slice();
    let s = 0;
    this.cumulativeSizes = this.datasets.map((d) => (s += d.length));
  }
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }
  getItem(index: number): T {
    const i = checkIndex('ConcatDataset', index, this.length);
    let d = 0;
    while (this.cumulativeSizes[d] <= i) d++;
    return this.datasets[d].getItem(d === 0 ? i : i - this.cumulativeSizes[d - 1]);
  }
  /** @internal */
  _workerSpec(dry: boolean): Spec {
    return { kind: 'ConcatDataset', datasets: this.datasets.map((d) => datasetSpec(d, dry)) };
  }
}
registerKind('ConcatDataset', (s) => {
  const parts = (s.datasets as Spec[]).map(build);
  if (parts.some((p) => p instanceof Promise)) return Promise.all(parts).then((ds) => new ConcatDataset(ds as Dataset<unknown>[]));
  return new ConcatDataset(parts as Dataset<unknown>[]);
});

/**
 * Splits a dataset at random into non-overlapping Subsets of the given
 * lengths, or of fractions summing to 1 (floor(frac * n) each, the remainder
 * handed out one by one from the first split), as torch.utils.data.random_split.
 *
 * The permutation is torch.randperm's: without a seed it draws from torch's
 * generator; with `seed` it is PyTorch's `generator=torch.Generator().manual_seed(seed)`
 * (and torch's generator is left as it was), so the same seed gives the same split as PyTorch.
 * @example randomSplit(ds, [0.8, 0.2], { seed: 42 })  // [train, test]
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: number[], { seed }: { seed?: number } = {}): Subset<T>[] {
  if (!dataset || typeof dataset.getItem !== 'function') throw new TypeError('randomSplit: dataset must be a Dataset (with length and getItem)');
  if (!Array.isArray(lengths) || lengths.length === 0) throw new TypeError('randomSplit: lengths must be a non-empty array of lengths or fractions');
  lengths.forEach((l, i) => {
    if (typeof l !== 'number' || !Number.isFinite(l) || l < 0) throw new RangeError(`randomSplit: length at index ${i} is ${String(l)}; lengths must be non-negative numbers`);
  });
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new RangeError(`randomSplit: seed must be a non-negative integer, got ${seed}`);
  const n = dataset.length;
  let sizes = lengths.slice();
  const total = sizes.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    sizes = lengths.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new RangeError(`randomSplit: Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]++;
    sizes.forEach((s, i) => {
      if (s === 0) process.emitWarning(`randomSplit: Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  sizes.forEach((s, i) => {
    if (!Number.isInteger(s)) throw new RangeError(`randomSplit: length at index ${i} is ${s}; give integer lengths, or fractions that sum to 1`);
  });
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== n)
    throw new RangeError(`randomSplit: Sum of input lengths does not equal the length of the input dataset! (lengths [${sizes.join(', ')}] sum to ${sum}, the dataset has ${n})`);
  let perm: Int32Array;
  if (seed === undefined) perm = randperm(n).data as Int32Array;
  else {
    const saved = getRngState();
    try {
      manualSeed(seed);
      perm = randperm(n).data as Int32Array;
    } finally {
      setRngState(saved);
    }
  }
  let at = 0;
  return sizes.map((s) => {
    const part = new Subset(dataset, perm.subarray(at, at + s));
    at += s;
    return part;
  });
}
