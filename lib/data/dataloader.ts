/**
 * DataLoader: batches of a dataset, as torch.utils.data.DataLoader.
 *
 * - Order: a sampler (SequentialSampler, or RandomSampler when shuffle) grouped
 *   into batches of batchSize (BatchSampler), or a batchSampler of your own.
 *   Shuffling draws from torch's generator (torch.manualSeed makes it
 *   reproducible) unless `seed` gives the loader its own stream.
 * - Iteration: `for (const b of loader)` and `for await (const b of loader)`;
 *   every iteration is one epoch.
 * - numWorkers > 0: samples are loaded and transformed in worker threads,
 *   numWorkers * prefetchFactor batches ahead, while the main thread computes.
 *   The batches are the same, in the same order, as with numWorkers 0: each
 *   sample's random transforms draw from the generator of (seed, epoch,
 *   position in the epoch), never from the worker that ran it. See docs/data.md.
 */
import { Tensor } from '../tensor';
import { checkBool } from '../ops/util';
import { Dataset } from './dataset';
import { Collated, defaultCollate } from './collate';
import { BatchSampler, RandomSampler, SequentialSampler, Sized } from './sampler';
import { drawSeed, fold32 } from './random';
import { fetchBatch, BatchTask, CollateMode } from './fetch';
import { checkRecipe, datasetSpec, NotSendableError, Spec, WorkerRecipe } from './spec';
import { WorkerPool, Poll } from './pool';
import { decode } from './wire';
import type { WorkerReply } from './protocol';

export { defaultCollate };
export type { Collated };

export interface DataLoaderOptions<T, B = Collated<T>> {
  /** Samples per batch (default 1); null yields the samples one by one, not batched (PyTorch's batch_size=None). */
  batchSize?: number | null;
  /** A new random order every epoch (a RandomSampler). Exclusive with sampler. */
  shuffle?: boolean;
  /** Which indices an epoch visits, in order (any iterable of indices with a length). Exclusive with shuffle. */
  sampler?: Iterable<number> & Partial<Sized>;
  /** Yields a list of indices per batch. Exclusive with batchSize, shuffle, sampler and dropLast. */
  batchSampler?: Iterable<number[]> & Partial<Sized>;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Seed of the loader's own stream: shuffling order and the per-sample generators of random transforms. */
  seed?: number;
  /** Turns a list of samples into a batch (default: stack each tensor field). Runs in the main thread. */
  collate?: (samples: T[]) => B;
  /** Worker threads that load and transform samples (default 0: in the main thread). */
  numWorkers?: number;
  /** Batches each worker loads ahead (default 2; only with numWorkers > 0). */
  prefetchFactor?: number;
  /** Keep the workers (and their copy of the dataset) from one epoch to the next; call close() to end them. */
  persistentWorkers?: boolean;
  /** Seconds to wait for a batch from the workers before throwing (default 0: no limit). */
  timeout?: number;
  /** How workers rebuild a Dataset they cannot receive: { module: absolute path, export?, args? }. */
  workerDataset?: WorkerRecipe;
}

const DONE = Symbol('done');
/** More loading threads than this cannot load faster; a larger numWorkers is a mistake (e.g. 1e6). */
export const MAX_WORKERS = 64;

/** Persistent worker pools end when their loader is garbage-collected; non-persistent ones when their iterator is. */
const reaper = new FinalizationRegistry<WorkerPool>((pool) => pool.terminate());

export class DataLoader<T = Tensor[], B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number | null;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly sampler: Iterable<number> & Partial<Sized>;
  readonly batchSampler: (Iterable<number[]> & Partial<Sized>) | null;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  readonly persistentWorkers: boolean;
  readonly timeout: number;
  readonly seed: number | undefined;
  private readonly collate: ((samples: T[]) => B) | null;
  private readonly workerDataset: WorkerRecipe | undefined;
  private epochs = 0;
  /** @internal the persistent workers, if any */
  _pool: WorkerPool | null = null;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const {
      batchSize = 1, shuffle = false, sampler, batchSampler, dropLast = false, seed, collate,
      numWorkers = 0, prefetchFactor, persistentWorkers = false, timeout = 0, workerDataset,
    } = options;
    if (!dataset || typeof (dataset as Dataset<T>).getItem !== 'function')
      throw new TypeError('DataLoader: dataset must be a Dataset (with length and getItem)');
    const n = dataset.length;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`DataLoader: the dataset's length must be a non-negative integer, got ${n}`);
    if (!Number.isInteger(numWorkers) || numWorkers < 0)
      throw new RangeError(`DataLoader: numWorkers option should be a non-negative integer; use numWorkers: 0 to load in the main thread (got ${numWorkers})`);
    if (numWorkers > MAX_WORKERS)
      throw new RangeError(`DataLoader: numWorkers option should be at most ${MAX_WORKERS} (got ${numWorkers}); more worker threads than cores do not load faster`);
    if (typeof timeout !== 'number' || !(timeout >= 0)) throw new RangeError(`DataLoader: timeout option should be non-negative (got ${timeout})`);
    if (numWorkers === 0 && prefetchFactor !== undefined)
      throw new RangeError('DataLoader: prefetchFactor option could only be specified with worker threads; let numWorkers > 0 to enable them, otherwise leave prefetchFactor unset');
    if (prefetchFactor !== undefined && (!Number.isInteger(prefetchFactor) || prefetchFactor <= 0))
      throw new RangeError(`DataLoader: prefetchFactor should be a positive integer, got ${prefetchFactor}`);
    for (const [name, v] of [['shuffle', shuffle], ['dropLast', dropLast], ['persistentWorkers', persistentWorkers]] as const)
      checkBool('DataLoader', `${name} option`, v);
    if (persistentWorkers && numWorkers === 0) throw new RangeError('DataLoader: persistentWorkers option needs numWorkers > 0');
    if (sampler !== undefined && shuffle) throw new RangeError('DataLoader: sampler option is mutually exclusive with shuffle');
    if (batchSampler !== undefined) {
      if (batchSize !== 1 || shuffle || sampler !== undefined || dropLast)
        throw new RangeError('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
      if (typeof (batchSampler as Iterable<number[]>)?.[Symbol.iterator] !== 'function')
        throw new TypeError('DataLoader: batchSampler must be an iterable of index lists (e.g. a BatchSampler)');
    } else if (batchSize === null) {
      if (dropLast) throw new RangeError('DataLoader: batchSize=null option disables auto-batching and is mutually exclusive with dropLast');
    } else if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize <= 0)
      throw new RangeError(`DataLoader: batchSize should be a positive integer value, but got batchSize=${batchSize}`);
    if (sampler !== undefined && typeof (sampler as Iterable<number>)?.[Symbol.iterator] !== 'function')
      throw new TypeError('DataLoader: sampler must be an iterable of indices (e.g. a Sampler or an array)');
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER))
      throw new RangeError(`DataLoader: seed must be a non-negative integer, got ${seed}`);
    if (collate !== undefined && typeof collate !== 'function') throw new TypeError(`DataLoader: collate must be a function, got ${typeof collate}`);

    this.dataset = dataset;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = seed;
    this.collate = collate ?? null;
    this.sampler = sampler ?? (shuffle ? new RandomSampler(dataset, { seed }) : new SequentialSampler(dataset));
    this.batchSampler = batchSampler ?? null;
    this.batchSize = batchSampler !== undefined ? null : batchSize;
    this.numWorkers = numWorkers;
    this.prefetchFactor = prefetchFactor ?? 2;
    this.persistentWorkers = persistentWorkers;
    this.timeout = timeout;
    this.workerDataset = workerDataset;
    if (numWorkers > 0) {
      if (workerDataset !== undefined) checkRecipe('DataLoader: workerDataset', workerDataset);
      else this.workerSpec(true); // fail now, not in the middle of the first epoch
    }
  }

  /** Number of batches per epoch (samples when batchSize is null). */
  get length(): number {
    if (this.batchSampler) return lengthOf(this.batchSampler, 'batchSampler');
    const n = lengthOf(this.sampler, 'sampler');
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** @internal The dataset's description for the workers (dry: check only). */
  workerSpec(dry: boolean): Spec {
    if (this.workerDataset) return { kind: 'recipe', recipe: this.workerDataset };
    try {
      return datasetSpec(this.dataset, dry);
    } catch (e) {
      if (e instanceof NotSendableError) throw new NotSendableError(`DataLoader (numWorkers: ${this.numWorkers}): ${e.message}`);
      throw e;
    }
  }

  /**
   * How many epochs the loader has run and where its sampler's stream is: with
   * loadStateDict, a resumed run gets the same shuffles and per-sample
   * randomness as a run that never stopped (checkpoint it with the model).
   */
  stateDict(): { epochs: number; sampler: unknown } {
    const s = this.sampler as { stateDict?: () => unknown };
    return { epochs: this.epochs, sampler: typeof s.stateDict === 'function' ? s.stateDict() : null };
  }
  loadStateDict(sd: { epochs: number; sampler: unknown }): void {
    if (!sd || typeof sd !== 'object' || !Number.isInteger(sd.epochs) || sd.epochs < 0)
      throw new TypeError('DataLoader.loadStateDict: expects { epochs, sampler } as stateDict() returns');
    const s = this.sampler as { loadStateDict?: (x: unknown) => void };
    if (sd.sampler !== null && sd.sampler !== undefined) {
      if (typeof s.loadStateDict !== 'function') throw new TypeError("DataLoader.loadStateDict: this loader's sampler keeps no state");
      s.loadStateDict(sd.sampler);
    }
    this.epochs = sd.epochs;
  }

  /** Ends persistent workers now (they also end when the loader is garbage-collected, and never keep the process alive). */
  close(): void {
    if (this._pool) {
      reaper.unregister(this);
      this._pool.terminate();
      this._pool = null;
    }
  }

  [Symbol.iterator](): Iterator<B> {
    const run = new EpochRun<T, B>(this, this.epochs++);
    const self = this;
    const gen = (function* (): Generator<B> {
      try {
        for (let b = run.nextSync(); b !== DONE; b = run.nextSync()) yield b as B;
      } finally {
        run.close();
      }
    })();
    run.onPool = (pool) => {
      if (!self.persistentWorkers) reaper.register(gen, pool, run);
    };
    return gen;
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    const run = new EpochRun<T, B>(this, this.epochs++);
    const self = this;
    const gen = (async function* (): AsyncGenerator<B> {
      try {
        for (let b = await run.nextAsync(); b !== DONE; b = await run.nextAsync()) yield b as B;
      } finally {
        run.close();
      }
    })();
    run.onPool = (pool) => {
      if (!self.persistentWorkers) reaper.register(gen, pool, run);
    };
    return gen;
  }

  /** @internal */
  _collate(): ((samples: T[]) => B) | null {
    return this.collate;
  }
  /** @internal A pool for an epoch: the persistent one, or a new one of `size` (<= numWorkers) workers. */
  _takePool(spec: () => Spec, mode: CollateMode, size: number): WorkerPool {
    if (this.persistentWorkers && this._pool && !this._pool.closed) return this._pool;
    const pool = new WorkerPool({ numWorkers: size, dataset: spec(), length: this.dataset.length, mode });
    if (this.persistentWorkers) {
      this._pool = pool;
      reaper.register(this, pool, this);
    }
    return pool;
  }
}

function lengthOf(s: Partial<Sized>, what: string): number {
  const n = s.length;
  if (typeof n !== 'number') throw new TypeError(`DataLoader: the ${what} has no length`);
  return n;
}

/** One epoch: where its batches come from, and (with workers) which are in flight. */
class EpochRun<T, B> {
  private readonly batches: Iterator<number[] | number>;
  private readonly mode: CollateMode;
  private readonly collate: ((samples: T[]) => B) | null;
  private base: number | null = null;
  private k = 0;
  private pos = 0;
  private exhausted = false;
  private pool: WorkerPool | null = null;
  private iter = 0;
  private readonly inflight: BatchTask[] = [];
  private closed = false;
  onPool: ((pool: WorkerPool) => void) | null = null;

  constructor(private readonly loader: DataLoader<T, B>, private readonly epoch: number) {
    this.collate = loader._collate();
    this.mode = loader.batchSize === null && !loader.batchSampler ? 'single' : this.collate ? 'samples' : 'default';
    if (loader.batchSampler) this.batches = loader.batchSampler[Symbol.iterator]();
    else if (loader.batchSize === null) this.batches = loader.sampler[Symbol.iterator]();
    else this.batches = new BatchSampler(loader.sampler, loader.batchSize, loader.dropLast)[Symbol.iterator]();
  }

  /** The next batch's indices, or null at the end of the epoch. */
  private nextTask(): BatchTask | null {
    if (this.exhausted) return null;
    const r = this.batches.next();
    if (r.done) {
      this.exhausted = true;
      return null;
    }
    const ids = typeof r.value === 'number' ? [r.value] : r.value;
    if (!ids || typeof (ids as ArrayLike<number>).length !== 'number')
      throw new TypeError(`DataLoader: the batchSampler yielded ${typeof ids}; it must yield arrays of indices`);
    // Checked before the Int32Array conversion, which would wrap 2^32 + 1 to 1 and turn '3' into 3.
    const n = this.loader.dataset.length;
    const raw = ids as ArrayLike<unknown>;
    const indices = new Int32Array(raw.length);
    for (let j = 0; j < raw.length; j++) {
      const i = raw[j];
      if (typeof i !== 'number' || !Number.isInteger(i))
        throw new TypeError(`DataLoader: the sampler yielded index ${typeof i === 'string' ? JSON.stringify(i) : String(i)} (${typeof i}); indices must be integers`);
      if (i < 0 || i >= n) throw new RangeError(`DataLoader: the sampler yielded index ${i}, out of range for a dataset of ${n} samples`);
      if (i > 0x7fffffff) throw new RangeError(`DataLoader: the sampler yielded index ${i}; indices above 2147483647 are not supported`);
      indices[j] = i;
    }
    // The per-sample base seed: after the sampler's own draw, so that the shuffle order is as before.
    if (this.base === null) this.base = this.loader.seed !== undefined ? fold32(this.loader.seed) : drawSeed();
    const task = { k: this.k++, indices, pos: this.pos };
    this.pos += indices.length;
    return task;
  }

  private finish(raw: unknown): B {
    if (this.mode === 'samples') return this.collate!(raw as T[]);
    return raw as B;
  }

  /** Workers for this epoch: numWorkers, but no more than it has batches. */
  private poolSize(): number {
    const L = this.loader;
    let batches = Infinity;
    try {
      batches = L.length;
    } catch {
      // a sampler without a length
    }
    return Math.max(1, Math.min(L.numWorkers, batches));
  }

  /** The worker of batch k. */
  private workerOf(k: number): number {
    return k % this.pool!.size;
  }

  /** Sends tasks until (workers * prefetchFactor) are in flight. */
  private fill(): void {
    const L = this.loader;
    while (this.inflight.length < (this.pool ? this.pool.size : L.numWorkers) * L.prefetchFactor) {
      const t = this.nextTask();
      if (!t) return;
      if (!this.pool) {
        this.pool = L._takePool(() => L.workerSpec(false), this.mode, this.poolSize());
        this.iter = this.pool.newIteration();
        this.onPool?.(this.pool);
      }
      this.pool.send(this.workerOf(t.k), { ...t, iter: this.iter, base: this.base!, epoch: this.epoch });
      this.inflight.push(t);
    }
  }

  private deadline(): number {
    return this.loader.timeout > 0 ? Date.now() + this.loader.timeout * 1000 : Infinity;
  }

  private received(p: Exclude<Poll, null> | null, t: BatchTask): B {
    const w = this.workerOf(t.k);
    if (p && 'reply' in p) {
      const r = p.reply as WorkerReply;
      if (!r.error) return this.finish(decode(r.ok));
      this.fail(); // the other workers too
      throw workerError(r, w, t);
    }
    // A superseded run fails alone: the persistent workers now serve the newer iteration.
    if (p && 'superseded' in p) {
      this.closed = true;
      throw new Error('DataLoader: this iteration was superseded by a newer iteration of the same loader (persistentWorkers share one set of workers); finish or break one loop before starting the next');
    }
    this.fail();
    if (p === null) throw new Error(`DataLoader timed out after ${this.loader.timeout} seconds (waiting for batch ${t.k} from worker ${w})`);
    throw new Error(`DataLoader worker ${w} exited unexpectedly${p.code !== null ? ` with code ${p.code}` : ''} (while loading batch ${t.k})`);
  }

  nextSync(): B | typeof DONE {
    if (this.closed) return DONE;
    if (this.loader.numWorkers === 0) {
      const t = this.nextTask();
      if (!t) return DONE;
      return this.finish(fetchBatch(this.loader.dataset as Dataset<unknown>, t, this.mode, this.base!, this.epoch));
    }
    this.fill();
    const t = this.inflight.shift();
    if (!t) return DONE;
    const b = this.received(this.pool!.waitSync(this.workerOf(t.k), this.iter, t.k, this.deadline()), t);
    this.fill();
    return b;
  }

  async nextAsync(): Promise<B | typeof DONE> {
    if (this.closed || this.loader.numWorkers === 0) return this.nextSync();
    this.fill();
    const t = this.inflight.shift();
    if (!t) return DONE;
    const b = this.received(await this.pool!.waitAsync(this.workerOf(t.k), this.iter, t.k, this.deadline()), t);
    this.fill();
    return b;
  }

  /** After an error: every worker goes, persistent or not. */
  private fail(): void {
    this.closed = true;
    if (this.pool) {
      this.pool.terminate();
      if (this.loader._pool === this.pool) this.loader._pool = null;
    }
  }

  close(): void {
    this.closed = true;
    if (this.pool && !this.loader.persistentWorkers) this.pool.terminate();
  }
}

function fmtIndices(ids: Int32Array): string {
  const a = Array.from(ids.subarray(0, 8)).join(', ');
  return `[${a}${ids.length > 8 ? `, ... (${ids.length})` : ''}]`;
}

/** The error of a worker, rethrown in the main thread with its message and the worker's stack. */
function workerError(r: WorkerReply, w: number, t: BatchTask): Error {
  const e = r.error!;
  const Ctor = ({ TypeError, RangeError, SyntaxError, ReferenceError } as Record<string, ErrorConstructor>)[e.name] ?? Error;
  const where = e.fatal ? `DataLoader worker ${w}` : `DataLoader worker ${w} (batch ${t.k}, dataset indices ${fmtIndices(t.indices)})`;
  const err = new Ctor(`Caught ${e.name} in ${where}: ${e.message}`) as Error & { workerStack: string };
  err.workerStack = e.stack;
  err.stack = `${err.stack}\nOriginal stack in the worker:\n${e.stack}`;
  return err;
}
