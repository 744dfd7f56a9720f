/**
 * Samplers, as torch.utils.data: which dataset indices an epoch visits, in
 * which order, and (BatchSampler) how they group into batches.
 *
 * Random samplers take an optional `seed` (their own stream, advancing each
 * epoch); without one they draw their start from torch's generator at the
 * beginning of each epoch, so torch.manualSeed makes them reproducible. The
 * permutations are not PyTorch's: its samplers use its own generator.
 */
import { drawSeed, SplitMix } from './random';

/** Anything with a length: a Dataset, an array, a Sampler. */
export interface Sized {
  readonly length: number;
}

/** Base class of samplers: an iterable of indices (or of index lists, for a batch sampler) with a length. */
export abstract class Sampler<I = number> implements Iterable<I> {
  abstract [Symbol.iterator](): Iterator<I>;
  abstract get length(): number;
}

function checkSeed(op: string, seed: number | undefined): void {
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER))
    throw new RangeError(`${op}: seed must be a non-negative integer, got ${seed}`);
}

/** Fisher-Yates over `idx` in place, drawing from `next` (uniform 32-bit integers). */
function shuffleInPlace(idx: Int32Array, next: () => number): void {
  for (let i = idx.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
}

/** The 32-bit stream of one epoch: the sampler's own, or one started from torch's generator. */
function epochStream(own: SplitMix | null): () => number {
  if (own) return () => own.next();
  const r = new SplitMix(drawSeed());
  return () => r.next();
}

/** 0, 1, ..., n-1 in order (n = the data source's length when iterated). */
export class SequentialSampler extends Sampler<number> {
  constructor(readonly dataSource: Sized) {
    super();
  }
  get length(): number {
    return this.dataSource.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    for (let i = 0; i < n; i++) yield i;
  }
}

export interface RandomSamplerOptions {
  /** Draw with replacement (numSamples independent draws); default false: a permutation. */
  replacement?: boolean;
  /** Samples per epoch; default the data source's length. Without replacement, more than that repeats whole permutations. */
  numSamples?: number;
  /** Seed of the sampler's own stream; default: torch's generator. */
  seed?: number;
}

/**
 * Random order: a new permutation of the indices each epoch, or (replacement)
 * numSamples independent uniform draws. As PyTorch, an empty data source is
 * an error ("num_samples should be a positive integer value").
 */
export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  private readonly _numSamples: number | undefined;
  private readonly rng: SplitMix | null;

  constructor(readonly dataSource: Sized, { replacement = false, numSamples, seed }: RandomSamplerOptions = {}) {
    super();
    if (typeof replacement !== 'boolean')
      throw new TypeError(`RandomSampler: replacement should be a boolean value, but got replacement=${String(replacement)}`);
    checkSeed('RandomSampler', seed);
    this.replacement = replacement;
    this._numSamples = numSamples;
    const n = this.numSamples;
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`RandomSampler: num_samples should be a positive integer value, but got num_samples=${n}`);
    this.rng = seed === undefined ? null : new SplitMix(seed);
  }
  get numSamples(): number {
    return this._numSamples ?? this.dataSource.length;
  }
  /** Where a seeded sampler's stream is, so that a resumed run draws the same orders (null without a seed). */
  stateDict(): { rng: string | null } {
    return { rng: this.rng ? this.rng.state : null };
  }
  loadStateDict(sd: { rng: string | null }): void {
    if (!sd || typeof sd !== 'object') throw new TypeError('RandomSampler.loadStateDict: expects { rng }');
    if ((sd.rng === null) !== (this.rng === null))
      throw new RangeError(`RandomSampler.loadStateDict: the state is of a ${sd.rng === null ? 'seedless' : 'seeded'} sampler, this one is ${this.rng ? 'seeded' : 'seedless'}`);
    if (this.rng) this.rng.state = sd.rng as string;
  }
  get length(): number {
    return this.numSamples;
  }
  *[Symbol.iterator](): Iterator<number> {
    yield* this.epoch();
  }
  /** One epoch's indices, drawn at once (the stream advances when the epoch starts). */
  epoch(): Int32Array {
    const n = this.dataSource.length, m = this.numSamples;
    const next = epochStream(this.rng);
    const out = new Int32Array(m);
    if (this.replacement) {
      if (n <= 0) throw new RangeError(`RandomSampler: cannot draw ${m} samples from an empty data source`);
      // Multiply-shift maps a 32-bit draw to [0, n) with bias below n / 2^32.
      for (let i = 0; i < m; i++) out[i] = Math.floor((next() * n) / 4294967296);
      return out;
    }
    const perm = new Int32Array(n);
    for (let at = 0; at < m; at += n) {
      for (let i = 0; i < n; i++) perm[i] = i;
      shuffleInPlace(perm, next);
      out.set(perm.subarray(0, Math.min(n, m - at)), at);
    }
    return out;
  }
}

/** The given indices in a new random order each epoch (without replacement). */
export class SubsetRandomSampler extends Sampler<number> {
  readonly indices: Int32Array;
  private readonly rng: SplitMix | null;
  constructor(indices: ArrayLike<number>, { seed }: { seed?: number } = {}) {
    super();
    checkSeed('SubsetRandomSampler', seed);
    this.indices = checkIndices('SubsetRandomSampler', indices);
    this.rng = seed === undefined ? null : new SplitMix(seed);
  }
  get length(): number {
    return this.indices.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    const perm = Int32Array.from(this.indices);
    shuffleInPlace(perm, epochStream(this.rng));
    yield* perm;
  }
}

/** Indices drawn with probabilities proportional to `weights` (with replacement by default). */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Float64Array;
  readonly numSamples: number;
  readonly replacement: boolean;
  private readonly rng: SplitMix | null;
  constructor(weights: ArrayLike<number>, numSamples: number, { replacement = true, seed }: { replacement?: boolean; seed?: number } = {}) {
    super();
    if (!Number.isInteger(numSamples) || numSamples <= 0)
      throw new RangeError(`WeightedRandomSampler: num_samples should be a positive integer value, but got num_samples=${numSamples}`);
    if (typeof replacement !== 'boolean')
      throw new TypeError(`WeightedRandomSampler: replacement should be a boolean value, but got replacement=${String(replacement)}`);
    checkSeed('WeightedRandomSampler', seed);
    if (!weights || typeof weights.length !== 'number') throw new TypeError('WeightedRandomSampler: weights must be an array of numbers');
    this.weights = Float64Array.from(weights);
    this.weights.forEach((w, i) => {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`WeightedRandomSampler: weight ${i} is ${w}; weights must be finite and >= 0`);
    });
    const positive = this.weights.filter((w) => w > 0).length;
    if (positive === 0) throw new RangeError('WeightedRandomSampler: the weights sum to 0');
    if (!replacement && numSamples > positive)
      throw new RangeError(`WeightedRandomSampler: cannot draw ${numSamples} samples without replacement from ${positive} non-zero weights`);
    this.numSamples = numSamples;
    this.replacement = replacement;
    this.rng = seed === undefined ? null : new SplitMix(seed);
  }
  get length(): number {
    return this.numSamples;
  }
  *[Symbol.iterator](): Iterator<number> {
    const next = epochStream(this.rng);
    const u = () => (next() + 0.5) / 4294967296;
    const w = Float64Array.from(this.weights);
    const cdf = new Float64Array(w.length);
    const build = () => {
      let s = 0;
      for (let i = 0; i < w.length; i++) cdf[i] = s += w[i];
      return s;
    };
    let total = build();
    for (let k = 0; k < this.numSamples; k++) {
      const target = u() * total;
      let lo = 0, hi = cdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] > target) hi = mid;
        else lo = mid + 1;
      }
      while (w[lo] === 0) lo++; // never pick a zero weight at a boundary
      yield lo;
      if (!this.replacement) {
        w[lo] = 0;
        total = build();
      }
    }
  }
}

/**
 * Groups the indices of another sampler into lists of batchSize (the last
 * one shorter unless dropLast).
 * @example [...new BatchSampler(new SequentialSampler({ length: 10 }), 3, false)]  // [[0,1,2],[3,4,5],[6,7,8],[9]]
 */
export class BatchSampler extends Sampler<number[]> {
  constructor(readonly sampler: Iterable<number> & Partial<Sized>, readonly batchSize: number, readonly dropLast: boolean) {
    super();
    if (!sampler || typeof (sampler as Iterable<number>)[Symbol.iterator] !== 'function')
      throw new TypeError('BatchSampler: sampler must be an iterable of indices (a Sampler or an array)');
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize <= 0)
      throw new RangeError(`BatchSampler: batch_size should be a positive integer value, but got batch_size=${String(batchSize)}`);
    if (typeof dropLast !== 'boolean')
      throw new TypeError(`BatchSampler: drop_last should be a boolean value, but got drop_last=${String(dropLast)}`);
  }
  get length(): number {
    const n = this.sampler.length;
    if (typeof n !== 'number') throw new TypeError('BatchSampler: the wrapped sampler has no length');
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}

/** Validates a list of indices (integers, >= 0) into an Int32Array. */
export function checkIndices(op: string, indices: ArrayLike<number>): Int32Array {
  if (!indices || typeof indices.length !== 'number') throw new TypeError(`${op}: indices must be an array of integers`);
  const out = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i > 2147483647) throw new RangeError(`${op}: index ${k} is ${String(i)}; indices must be non-negative integers`);
    out[k] = i;
  }
  return out;
}
