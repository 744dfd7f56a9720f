import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { native } from '../../lib/native';

// gemm: C = alpha * op(A) * op(B) + beta * C (+ bias), checked for every
// compiled instruction set against a float64 JS reference, at sizes around the
// register tiles (scalar 4x8 / 4x4, avx2 6x16 / 6x8, avx512 8x32 / 8x16 and
// 12x32 / 12x16 when m pads better to 12 rows) and the cache blocks, which
// come from the detected cache sizes (on a 1 MiB L2: KC <= 1024, k cut into
// near-equal pieces; MC 48-96; NC 512-1024; bounds KC [128, 1024], NC
// [512, 4096]).

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
type FloatArr = Float32Array | Float64Array;

const initialIsa = native.activeIsa();
// Leave the process as we found it (the best ISA unless TORCHLET_ISA lowered
// it): the addon is shared by every test file of this jest worker.
afterAll(() => native.setIsa(initialIsa));

/** mulberry32: a small deterministic PRNG so that failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  bias: boolean;
  pad: number; // extra elements per row beyond the minimum leading dimension
  off: number; // offset of each matrix inside its array
}

const SENTINEL = 12345.5; // outside C's view: must never change

function randomArray(Ctor: FloatCtor, len: number, next: () => number): FloatArr {
  const x = new Ctor(len);
  for (let i = 0; i < len; i++) x[i] = 2 * next() - 1;
  return x;
}

/** Runs one case on the active ISA and checks values, NaN handling and the untouched rest of C. */
function checkCase(Ctor: FloatCtor, cs: Case, seed: number): void {
  const { transA, transB, m, n, k, alpha, beta, pad, off } = cs;
  const next = rng(seed);
  const lda = (transA ? m : k) + pad;
  const ldb = (transB ? k : n) + pad;
  const ldc = n + pad + 1;
  const aRows = transA ? k : m;
  const bRows = transB ? n : k;
  const a = randomArray(Ctor, off + aRows * lda + 2, next);
  const b = randomArray(Ctor, off + 1 + bRows * ldb + 2, next);
  const bOff = off + 1;
  const cOff = off + 2;
  const c = new Ctor(cOff + m * ldc + 3).fill(SENTINEL);
  const c0 = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      // beta = 0 must ignore C: fill the view with NaN to prove it.
      const v = beta === 0 ? NaN : 2 * next() - 1;
      c[cOff + i * ldc + j] = v;
      c0[i * n + j] = c[cOff + i * ldc + j];
    }
  const bias = cs.bias ? randomArray(Ctor, n, next) : null;

  native.gemm(transA, transB, m, n, k, alpha, a, off, lda, b, bOff, ldb, beta, c, cOff, ldc, bias);

  const eps = Ctor === Float32Array ? 1e-5 : 1e-13;
  const tol = eps * Math.sqrt(k + 1);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let mag = 0; // sum of |terms|: the scale the rounding error is relative to
      for (let p = 0; p < k; p++) {
        const av = transA ? a[off + p * lda + i] : a[off + i * lda + p];
        const bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        sum += av * bv;
        mag += Math.abs(av * bv);
      }
      let want = alpha * sum;
      mag = Math.abs(alpha) * mag;
      if (beta !== 0) {
        want += beta * c0[i * n + j];
        mag += Math.abs(beta * c0[i * n + j]);
      }
      if (bias) {
        want += bias[j];
        mag += Math.abs(bias[j]);
      }
      const got = c[cOff + i * ldc + j];
      if (!(Math.abs(got - want) <= tol * (mag + 1e-30)))
        throw new Error(`C[${i},${j}] = ${got}, expected ${want} (tol ${tol * mag}) in ${JSON.stringify(cs)}`);
    }
  // Everything outside the m x n view (offset, row padding, tail) is untouched.
  for (let q = 0; q < c.length; q++) {
    const r = q - cOff;
    const inView = r >= 0 && Math.floor(r / ldc) < m && r % ldc < n;
    if (!inView && c[q] !== SENTINEL) throw new Error(`c[${q}] outside the view was written in ${JSON.stringify(cs)}`);
  }
}

// (m, n, k) covering: k = 0, m < MR, n < NR, exact tiles, tiles + 1, both
// row tiles of AVX-512 (m = 12, 33, 36 take the 12-row kernel), MC crossings
// (49, 97, 129, 193, 257), KC crossings (k = 1025, 1300 and 2100: 2 or 3
// pieces, the last one shorter; 129 when KC is the minimum 128), odd
// leftovers, and the direct small path.
const SHAPES: [number, number, number][] = [
  [0, 5, 7], [5, 0, 7], [5, 7, 0], [0, 0, 0], [1, 1, 1], [2, 3, 5], [3, 2, 1], [1, 17, 3], [5, 1, 8],
  [7, 8, 15], [8, 7, 16], [15, 16, 17], [16, 15, 31], [17, 33, 8], [31, 17, 64], [33, 31, 5], [12, 32, 2],
  [13, 33, 65], [64, 65, 33], [65, 64, 100], [100, 129, 65], [129, 100, 257], [257, 31, 129], [31, 257, 16],
  [1, 129, 257], [257, 1, 64], [193, 17, 7], [36, 40, 1025], [9, 35, 2100], [49, 17, 1300], [97, 3, 1030],
  // The direct path for m <= 8 (gemm_small.h): GEMV-like rows, its row blocks of 6, the
  // 4-row dot blocks of x W^T, and transposed B copied when n * k <= 8192 (or not).
  [1, 256, 784], [4, 33, 600], [8, 40, 97], [6, 70, 100], [7, 200, 50], [2, 5, 506],
];

function casesFor(transA: boolean, transB: boolean): Case[] {
  return SHAPES.map(([m, n, k], i) => ({
    transA,
    transB,
    m,
    n,
    k,
    alpha: [1, 0.5, 1, -1.5, 0][i % 5],
    beta: [0, 1, 0.5][i % 3],
    bias: i % 2 === 0,
    pad: [0, 3, 1][i % 3],
    off: [0, 5, 2, 7][i % 4],
  }));
}

const ISAS = native.availableIsas();
const DTYPES: [string, FloatCtor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];
const TRANS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

describe.each(ISAS)('gemm on %s', (isa) => {
  beforeAll(() => native.setIsa(isa));

  test('setIsa switched the kernels', () => {
    expect(native.activeIsa()).toBe(isa);
  });

  for (const [dname, Ctor] of DTYPES)
    for (const [ta, tb] of TRANS) {
      const cases = casesFor(ta, tb).map((c, i) => [`${c.m}x${c.n}x${c.k} a=${c.alpha} b=${c.beta}`, c, i] as const);
      test.each(cases)(`${dname} transA=${ta} transB=${tb} %s matches the float64 reference`, (_name, cs, i) => {
        checkCase(Ctor, cs, 1000 + i);
      });
    }

  test.each(DTYPES)('%s crosses the NC block (n = 4100, NC <= 4096) with a bias', (_d, Ctor) => {
    checkCase(Ctor, { transA: false, transB: true, m: 3, n: 4100, k: 5, alpha: 1, beta: 0.5, bias: true, pad: 2, off: 3 }, 7);
  });

  test.each(DTYPES)('%s beta = 0 never reads C (NaN and Infinity are overwritten)', (_d, Ctor) => {
    const m = 13, n = 33, k = 9;
    const a = new Ctor(m * k).fill(1), b = new Ctor(k * n).fill(2);
    const c = new Ctor(m * n);
    for (let i = 0; i < c.length; i++) c[i] = i % 2 ? NaN : -Infinity;
    native.gemm(false, false, m, n, k, 1, a, 0, k, b, 0, n, 0, c, 0, n, null);
    expect(Array.from(c).every((v) => v === 18)).toBe(true);
  });

  test.each(DTYPES)('%s k = 0 gives beta * C + bias, and beta = 0 there too ignores C', (_d, Ctor) => {
    const c = new Ctor([1, 2, 3, 4, 5, 6]);
    native.gemm(false, false, 2, 3, 0, 1, new Ctor(0), 0, 0, new Ctor(0), 0, 3, 0.5, c, 0, 3, new Ctor([10, 20, 30]));
    expect(Array.from(c)).toEqual([10.5, 21, 31.5, 12, 22.5, 33]);
    c.fill(NaN);
    native.gemm(false, false, 2, 3, 0, 1, new Ctor(0), 0, 0, new Ctor(0), 0, 3, 0, c, 0, 3, null);
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test.each(DTYPES)('%s alpha = 0 does not read A or B', (_d, Ctor) => {
    const a = new Ctor(4).fill(NaN), b = new Ctor(4).fill(NaN);
    const c = new Ctor([1, 2, 3, 4]);
    native.gemm(false, false, 2, 2, 2, 0, a, 0, 2, b, 0, 2, 2, c, 0, 2, new Ctor([1, 1]));
    expect(Array.from(c)).toEqual([3, 5, 7, 9]);
  });

  test.each(DTYPES)('%s works on subarray views and bias may alias C (read before C is written)', (_d, Ctor) => {
    const buf = new Ctor(64);
    const a = buf.subarray(3, 3 + 6); // 2 x 3
    const b = buf.subarray(20, 20 + 6); // 3 x 2
    const c = buf.subarray(40, 44); // 2 x 2
    a.set([1, 2, 3, 4, 5, 6]);
    b.set([1, 0, 0, 1, 1, 1]);
    c.set([100, 200, 7, 7]);
    native.gemm(false, false, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2, c.subarray(0, 2));
    expect(Array.from(c)).toEqual([4 + 100, 5 + 200, 10 + 100, 11 + 200]);
  });
});

/**
 * Errors thrown by the addon come from Node's main realm, not jest's sandbox,
 * so `toThrow(RangeError)` (an instanceof test) cannot match: check the name.
 */
function expectError(fn: () => void, name: 'TypeError' | 'RangeError', re: RegExp): void {
  let err: unknown = undefined;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeDefined();
  expect((err as Error).name).toBe(name);
  expect((err as Error).message).toMatch(re);
}

describe('gemm rejects bad arguments', () => {
  const f = (n: number) => new Float32Array(n).fill(1);
  // A valid 2x3 * 3x4 call; each test changes one argument.
  const args = (): unknown[] => [false, false, 2, 4, 3, 1, f(6), 0, 3, f(12), 0, 4, 0, f(8), 0, 4, null];
  const call = (edit: (x: unknown[]) => void) => () => {
    const x = args();
    edit(x);
    (native.gemm as (...a: unknown[]) => void)(...x);
  };

  test('the valid call passes', () => {
    expect(call(() => {})).not.toThrow();
  });

  test.each([
    ['transA not a boolean', (x: unknown[]) => (x[0] = 1), 'TypeError', /^gemm: argument 'transA' must be a boolean, got number$/],
    ['a is a number', (x: unknown[]) => (x[6] = 3), 'TypeError', /^gemm: argument 'a' must be a Float32Array or Float64Array, got number$/],
    ['b is a plain array', (x: unknown[]) => (x[9] = [1, 2]), 'TypeError', /^gemm: argument 'b' must be a Float32Array or Float64Array, got Array$/],
    ['c is an Int32Array', (x: unknown[]) => (x[13] = new Int32Array(8)), 'TypeError', /^gemm: argument 'c' must be a Float32Array or Float64Array, got Int32Array\(8\)$/],
    ['bias is a number', (x: unknown[]) => (x[16] = 0), 'TypeError', /^gemm: argument 'bias' must be a Float32Array or Float64Array, got number$/],
    ['a and b of different types', (x: unknown[]) => (x[9] = new Float64Array(12)), 'TypeError', /^gemm: arguments 'a' and 'b' must have the same type, got Float32Array and Float64Array$/],
    ['a and c of different types', (x: unknown[]) => (x[13] = new Float64Array(8)), 'TypeError', /^gemm: arguments 'a' and 'c' must have the same type/],
    ['bias of another type', (x: unknown[]) => (x[16] = new Float64Array(4)), 'TypeError', /^gemm: arguments 'a' and 'bias' must have the same type/],
    ['alpha not a number', (x: unknown[]) => (x[5] = '1'), 'TypeError', /^gemm: argument 'alpha' must be a number, got string$/],
    ['m negative', (x: unknown[]) => (x[2] = -1), 'RangeError', /^gemm: argument 'm' must be an integer in \[0, \d+\], got -1$/],
    ['k fractional', (x: unknown[]) => (x[4] = 1.5), 'RangeError', /^gemm: argument 'k' must be an integer in \[0, \d+\], got 1.5$/],
    ['beta NaN', (x: unknown[]) => (x[12] = NaN), 'RangeError', /^gemm: argument 'beta' must be finite/],
    ['aOffset negative', (x: unknown[]) => (x[7] = -1), 'RangeError', /^gemm: argument 'aOffset' must be an integer in \[0, /],
    ['aOffset past the end', (x: unknown[]) => (x[7] = 1), 'RangeError', /^gemm: argument 'a': a 2x3 matrix at offset 1 with ld 3 needs 7 elements, array has 6$/],
    ['bOffset past the end', (x: unknown[]) => (x[10] = 100), 'RangeError', /^gemm: argument 'b': a 3x4 matrix at offset 100/],
    ['cOffset past the end', (x: unknown[]) => (x[14] = 2), 'RangeError', /^gemm: argument 'c': a 2x4 matrix at offset 2 with ld 4 needs 10 elements, array has 8$/],
    ['lda below the row length', (x: unknown[]) => (x[8] = 2), 'RangeError', /^gemm: argument 'lda' is 2 but must be >= 3 \(the row length of a, stored m x k\)$/],
    ['lda too large for a', (x: unknown[]) => (x[8] = 4), 'RangeError', /^gemm: argument 'a': a 2x3 matrix at offset 0 with ld 4 needs 7 elements/],
    ['ldb below the row length (transposed)', (x: unknown[]) => ((x[1] = true), (x[11] = 2)), 'RangeError', /^gemm: argument 'ldb' is 2 but must be >= 3 \(the row length of b, stored n x k\)$/],
    ['ldc below n', (x: unknown[]) => (x[15] = 3), 'RangeError', /^gemm: argument 'ldc' is 3 but must be >= 4/],
    ['a too short for k', (x: unknown[]) => ((x[4] = 4), (x[8] = 4), (x[11] = 4), (x[9] = f(16))), 'RangeError', /^gemm: argument 'a': a 2x4 matrix/],
    ['bias of the wrong length', (x: unknown[]) => (x[16] = f(3)), 'RangeError', /^gemm: argument 'bias' has length 3, expected 4$/],
    ['an empty bias with n > 0', (x: unknown[]) => (x[16] = f(0)), 'RangeError', /^gemm: argument 'bias' has length 0, expected 4$/],
    ['c is a', (x: unknown[]) => ((x[3] = 3), (x[11] = 3), (x[9] = f(9)), (x[13] = x[6]), (x[15] = 3)), 'RangeError', /^gemm: output 'c' overlaps input 'a'; C must not share memory with A or B$/],
  ] as [string, (x: unknown[]) => void, 'TypeError' | 'RangeError', RegExp][])('%s', (_name, edit, kind, re) => {
    expectError(call(edit), kind, re);
  });

  test('c overlapping b through another view of the same buffer', () => {
    const buf = new Float64Array(32);
    const a = new Float64Array(6);
    const b = buf.subarray(0, 12); // 3 x 4, elements 0..11
    const c = buf.subarray(10, 18); // 2 x 4, elements 10..17: shares 10 and 11 with b
    expectError(() => native.gemm(false, false, 2, 4, 3, 1, a, 0, 3, b, 0, 4, 0, c, 0, 4, null), 'RangeError',
      /^gemm: output 'c' overlaps input 'b'/);
    // Disjoint views of one buffer are fine.
    const c2 = buf.subarray(12, 20);
    expect(() => native.gemm(false, false, 2, 4, 3, 1, a, 0, 3, b, 0, 4, 0, c2, 0, 4, null)).not.toThrow();
  });

  test('a failed call leaves C untouched', () => {
    const c = new Float32Array(8).fill(7);
    expectError(() => native.gemm(false, false, 2, 4, 3, 1, f(6), 0, 3, f(12), 0, 4, 0, c, 0, 4, f(5)), 'RangeError',
      /^gemm: argument 'bias' has length 5, expected 4$/);
    expect(Array.from(c)).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
  });
});

/**
 * The cache sizes the blocks come from: run the addon in a child with
 * TORCHLET_ISA_DEBUG=1, which logs the detected caches and, at a kernel's
 * first use, its blocks.
 */
describe('gemm cache blocks', () => {
  const addon = process.env.TORCHLET_ADDON ? path.resolve(process.env.TORCHLET_ADDON) : path.resolve(__dirname, '../../build/Release/torchlet.node');
  const script = `const n = require(${JSON.stringify(addon)});
    for (const isa of n.availableIsas()) {
      n.setIsa(isa);
      for (const T of [Float32Array, Float64Array])
        for (const m of [16, 36]) n.gemm(false, false, m, 4, 4, 1, new T(m * 4), 0, 4, new T(16), 0, 4, 0, new T(m * 4), 0, 4, null);
    }`;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'TORCHLET_ISA') env[k] = v;
  env.TORCHLET_ISA_DEBUG = '1';
  const r = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  const log = r.stderr ?? '';
  const KiB = 1024;

  test('the detected sizes are sane and match the OS where it reports them', () => {
    expect(r.status).toBe(0);
    const m = /caches L1d (\d+) KiB, L2 (\d+) KiB, L3 (\d+) KiB shared by (\d+) \(([^)]+)\)/.exec(log);
    if (!m) throw new Error(`no cache line in:\n${log}`);
    const [l1, l2, l3, sharing] = m.slice(1, 5).map(Number);
    expect(l1).toBeGreaterThanOrEqual(8);
    expect(l1).toBeLessThanOrEqual(1024);
    expect(l2).toBeGreaterThanOrEqual(Math.max(64, l1));
    expect(l2).toBeLessThanOrEqual(64 * KiB);
    if (l3 > 0) expect(l3).toBeGreaterThanOrEqual(l2);
    expect(sharing).toBeGreaterThanOrEqual(1);
    expect(['cpuid 4', 'cpuid 0x8000001d', 'cpuid 0x80000006', 'sysconf', 'default']).toContain(m[5]);
    // Linux lists the same caches in sysfs; CPUID leaf 4 / 0x8000001D are what it reads.
    const dir = '/sys/devices/system/cpu/cpu0/cache';
    if (m[5].startsWith('cpuid 4') || m[5] === 'cpuid 0x8000001d') {
      let entries: string[] = [];
      try { entries = fs.readdirSync(dir).filter((e) => e.startsWith('index')); } catch { /* not Linux */ }
      for (const e of entries) {
        const read = (f: string) => fs.readFileSync(path.join(dir, e, f), 'utf8').trim();
        const level = Number(read('level')), type = read('type'), size = /^(\d+)K$/.exec(read('size'));
        if (!size || type === 'Instruction') continue;
        if (level === 1) expect(l1).toBe(Number(size[1]));
        if (level === 2) expect(l2).toBe(Number(size[1]));
        if (level === 3) expect(l3).toBe(Number(size[1]));
      }
    }
  });

  test('every kernel gets blocks that fit those caches', () => {
    const lines = [...log.matchAll(/gemm (\w+): MR (\d+) NR (\d+) MC (\d+) KC (\d+) NC (\d+) \(L1d (\d+) KiB, L2 (\d+) KiB/g)];
    const isas = native.availableIsas();
    // one main kernel per ISA and type, plus the 12-row AVX-512 ones (m = 36)
    expect(lines.length).toBe(2 * isas.length + (isas.includes('avx512') ? 2 : 0));
    for (const l of lines) {
      const [mr, nr, mc, kc, nc, , l2] = l.slice(2).map(Number);
      const size = l[1].startsWith('d') ? 8 : 4;
      expect(mc % mr).toBe(0);
      expect(nc % nr).toBe(0);
      expect(kc).toBeGreaterThanOrEqual(128);
      expect(kc).toBeLessThanOrEqual(1024);
      expect(kc * nr * size).toBeLessThanOrEqual((l2 * KiB) / 8 + 128 * nr * size); // B micro-panel: 1/8 of L2 (or the minimum KC)
      expect(mc * kc * size).toBeLessThanOrEqual((l2 * KiB) / 2); // A block within L2 beside it
      expect(nc).toBeGreaterThanOrEqual(512);
      expect(nc).toBeLessThanOrEqual(4096 + nr);
    }
  });
});
