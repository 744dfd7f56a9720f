/**
 * Random streams of the data pipeline.
 *
 * - SplitMix: the loader's and the samplers' own stream when given a seed
 *   (shuffling order), 32-bit outputs.
 * - Generator: the per-sample stream that random transforms draw from. The
 *   DataLoader gives sample number `pos` of epoch `epoch` the generator
 *   seeded by (base seed, epoch, pos) before it loads that sample, in the main
 *   thread and in a worker alike, so an augmentation never depends on which
 *   thread ran it or in which order the threads finished.
 *
 * Outside a DataLoader (dataset.getItem(i) called by hand) random transforms
 * draw a generator seeded from torch's generator, so torch.manualSeed makes
 * them reproducible too.
 */
import { native } from '../native';

/** SplitMix64 (32-bit outputs): the loader's shuffling stream. */
export class SplitMix {
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
  /** The stream's position, as a decimal string (for checkpoints). */
  get state(): string {
    return this.s.toString();
  }
  set state(v: string) {
    if (typeof v !== 'string' || !/^[0-9]{1,20}$/.test(v)) throw new TypeError(`generator state must be a decimal string, got ${JSON.stringify(v)}`);
    this.s = BigInt.asUintN(64, BigInt(v));
  }
}

/** A 32-bit integer drawn from torch's generator (what an unseeded loader or sampler starts from). */
export function drawSeed(): number {
  const draw = new Int32Array(1);
  native.randint(draw, 0, 2147483647);
  return draw[0];
}

/** The murmur3 finaliser: a bijective 32-bit mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds a non-negative integer up to 2^53 into 32 bits. */
export function fold32(x: number): number {
  return (fmix32(Math.floor(x / 4294967296) ^ 0x9e3779b9) ^ (x >>> 0)) >>> 0;
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast chaotic generator): the per-sample
 * stream. Seeded with three words, each mixed, so nearby (epoch, pos) pairs
 * start far apart; the first 15 outputs are discarded as usual for sfc32.
 */
export class Generator {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;
  private spare: number | null = null;

  constructor(seed: number, stream1 = 0, stream2 = 0) {
    this.a = fmix32(fold32(seed) ^ 0x2545f491);
    this.b = fmix32((stream1 >>> 0) ^ 0x6a09e667);
    this.c = fmix32((stream2 >>> 0) ^ 0xbb67ae85);
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** U[0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5, lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }
  /** U[lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.random();
  }
  /** An integer uniform in [lo, hi) (hi > lo), without modulo bias. */
  randint(lo: number, hi: number): number {
    const n = hi - lo;
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`Generator.randint: expects integers lo < hi, got lo=${lo}, hi=${hi}`);
    return lo + Math.floor(this.random() * n);
  }
  /** N(mean, std^2) by the Box-Muller transform (pairs of draws, the second kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }
}

let current: Generator | null = null;

/**
 * The generator that random transforms draw from: the one the DataLoader set
 * for the sample being loaded, or (outside a loader) a fresh one seeded from
 * torch's generator. User transforms that need randomness should draw from it
 * too, so that workers give the same batches as the main thread.
 * @example const g = data.sampleGenerator(); const angle = g.uniform(-10, 10);
 */
export function sampleGenerator(): Generator {
  return current ?? new Generator(drawSeed());
}

/** Runs fn with the per-sample generator of (base, epoch, pos) in place. */
export function withSampleGenerator<R>(base: number, epoch: number, pos: number, fn: () => R): R {
  const saved = current;
  current = new Generator(base, epoch, pos);
  try {
    return fn();
  } finally {
    current = saved;
  }
}
