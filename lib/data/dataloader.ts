/**
 * DataLoader: batches of a dataset, in order or shuffled (a new permutation
 * each epoch), with dropLast and a custom collate. Iterate it with for...of.
 *
 * Shuffling draws from torch's generator (so torch.manualSeed makes it
 * reproducible) unless `seed` gives the loader its own stream. The
 * permutations are not PyTorch's (its RandomSampler seeds a private generator).
 */
import { native } from '../native';
import { Tensor, tensor } from '../tensor';
import { stack } from '../ops/shape';
import { Dataset, TensorDataset } from './dataset';

/** The batch that defaultCollate makes of samples of type T: tensors and numbers stack into a Tensor, tuples field by field. */
export type Collated<T> = T extends Tensor | number
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Collated<T[K]> }
    : unknown;

export interface DataLoaderOptions<T, B = Collated<T>> {
  batchSize?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  /** Seed of the loader's own shuffling stream. */
  seed?: number;
  /** Turns a list of samples into a batch (default: stack each tensor field). */
  collate?: (samples: T[]) => B;
}

/** SplitMix64-based generator for the loader's own stream (32-bit outputs). */
class SplitMix {
  private s: bigint;
  constructor(seed: number) {
    this.s = BigInt.asUintN(64, BigInt(seed));
  }
  next(): number {
    this.s = BigInt.asUintN(64, this.s + 0x9e3779b97f4a7c15n);
    let z = this.s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return Number((z ^ (z >> 31n)) & 0xffffffffn);
  }
}

/** Stacks samples field by field: [x, y] samples -> [X, Y] batch. */
export function defaultCollate(samples: unknown[]): unknown {
  const first = samples[0];
  if (first instanceof Tensor) return stack(samples as Tensor[]);
  if (typeof first === 'number') return tensor(samples as number[]);
  if (Array.isArray(first)) return first.map((_, i) => defaultCollate(samples.map((s) => (s as unknown[])[i])));
  throw new TypeError(`DataLoader: defaultCollate cannot batch items of type ${typeof first}; pass a collate function`);
}

export class DataLoader<T = Tensor[], B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly collate: ((samples: T[]) => B) | null;
  private readonly rng: SplitMix | null;

  constructor(dataset: Dataset<T>, { batchSize = 1, shuffle = false, dropLast = false, seed, collate }: DataLoaderOptions<T, B> = {}) {
    if (!dataset || typeof (dataset as Dataset<T>).getItem !== 'function')
      throw new TypeError('DataLoader: dataset must be a Dataset (with length and getItem)');
    if (!Number.isInteger(batchSize) || batchSize <= 0)
      throw new RangeError(`DataLoader: batchSize should be a positive integer value, but got batchSize=${batchSize}`);
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new RangeError(`DataLoader: seed must be a non-negative integer, got ${seed}`);
    const n = dataset.length;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`DataLoader: the dataset's length must be a non-negative integer, got ${n}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.collate = collate ?? null;
    this.rng = seed === undefined ? null : new SplitMix(seed);
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  private order(): Int32Array {
    const n = this.dataset.length;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    if (!this.shuffle) return idx;
    let next: () => number;
    if (this.rng) next = () => this.rng!.next();
    else {
      const draw = new Int32Array(1);
      native.randint(draw, 0, 2147483647);
      const r = new SplitMix(draw[0]);
      next = () => r.next();
    }
    for (let i = n - 1; i > 0; i--) {
      const j = next() % (i + 1);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.order();
    const n = order.length;
    const fast = this.collate === null && this.dataset instanceof TensorDataset;
    for (let start = 0; start < n; start += this.batchSize) {
      const end = Math.min(start + this.batchSize, n);
      if (this.dropLast && end - start < this.batchSize) break;
      const ids = order.subarray(start, end);
      if (fast) yield (this.dataset as unknown as TensorDataset).getBatch(ids) as B;
      else {
        const samples: T[] = [];
        for (const i of ids) samples.push(this.dataset.getItem(i));
        yield this.collate ? this.collate(samples) : (defaultCollate(samples) as B);
      }
    }
  }
}
