/**
 * The native thread pool (runtime/thread_pool.cc): setNumThreads, results
 * that do not depend on the thread count, concurrent callers from several JS
 * threads, denormal flushing, and the FMA peak measurement.
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as torch from '../../lib';
import { native } from '../../lib/native';
import { expectThrow, seq } from './util';

const initialThreads = native.getNumThreads();
const initialIsa = native.activeIsa();
afterEach(() => {
  native.setNumThreads(initialThreads);
  native.setFlushDenormal(true);
  native.setIsa(initialIsa);
});

type Arr = Float32Array | Float64Array;
/** The same operands for every thread count; returns C's bytes for an exact comparison. */
function gemmOnce(ops: { a: Arr; b: Arr; c0: Arr; bias: Arr }, transA: boolean, transB: boolean,
                  m: number, n: number, k: number): Buffer {
  const c = ops.c0.slice();
  native.gemm(transA, transB, m, n, k, 0.75, ops.a, 0, transA ? m : k, ops.b, 0, transB ? k : n, 0.5, c, 0, n, ops.bias);
  return Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

describe('thread count', () => {
  test('defaults to the CPUs this process may use; setNumThreads checks its argument', () => {
    const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    if (!process.env.TORCHLET_NUM_THREADS) expect(initialThreads).toBe(cpus);
    expect(torch.getNumThreads()).toBe(initialThreads);
    torch.setNumThreads(3);
    expect(torch.getNumThreads()).toBe(3);
    expect(() => torch.setNumThreads(0)).toThrow(/^setNumThreads: n must be a positive integer, got 0$/);
    expect(() => torch.setNumThreads(1.5)).toThrow(/^setNumThreads: n must be a positive integer, got 1.5$/);
    expectThrow(() => native.setNumThreads(0), 'RangeError', /setNumThreads: argument 'n' must be an integer in \[1, 256\]/);
    expectThrow(() => native.setNumThreads('2' as unknown as number), 'TypeError', /setNumThreads: argument 'n' must be a number/);
    // A string is a TypeError (not coerced), as the other flags.
    expect(() => torch.setNumThreads('2' as unknown as number)).toThrow(TypeError);
    expect(() => torch.setNumThreads('2' as unknown as number)).toThrow(/^setNumThreads: n must be a number, got string$/);
    expect(() => torch.setNumThreads(NaN)).toThrow(RangeError);
    expect(() => torch.setFlushDenormal('yes' as unknown as boolean)).toThrow(TypeError);
    expect(torch.getNumThreads()).toBe(3);
  });

  // Big enough to be split across threads (>= 2 MFLOP), with edges that are not
  // multiples of any register tile, in every ISA, transposed or not; rows split
  // (B packed once, shared by the tasks) and columns split; k cut into KC
  // pieces (2100), C wider than NC with several row blocks (1100 x 1040), and
  // a plain B read in place by one thread but packed by column-split tasks
  // (200 x 300 x 100).
  const shapes: [number, number, number][] = [
    [301, 67, 129], [67, 301, 129], [1, 4099, 300], [4099, 1, 300], [200, 200, 200], [150, 130, 2100], [1100, 1040, 40],
    [200, 300, 100],
  ];
  for (const isa of native.availableIsas())
    test.each(shapes)(`${isa}: gemm %i x %i x %i is bit-identical with 1, 2, 3 and 7 threads`, (m, n, k) => {
      native.setIsa(isa);
      for (const T of [Float32Array, Float64Array]) {
        const ops = { a: T.from(seq(m * k, -1, 1, 3)), b: T.from(seq(k * n, -1, 1, 5)), c0: T.from(seq(m * n, -1, 1, 7)), bias: T.from(seq(n, -1, 1, 11)) };
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
          native.setNumThreads(1);
          const ref = gemmOnce(ops, ta, tb, m, n, k);
          for (const t of [2, 3, 7]) {
            native.setNumThreads(t);
            if (!gemmOnce(ops, ta, tb, m, n, k).equals(ref)) throw new Error(`${T.name} transA ${ta} transB ${tb}: ${t} threads differ from 1`);
          }
        }
      }
    });

  test('a bias that aliases C is read before the tasks write C', () => {
    native.setNumThreads(2);
    const m = 128, n = 96, k = 256;
    const a = Float32Array.from(seq(m * k, -1, 1, 1)), b = Float32Array.from(seq(k * n, -1, 1, 2));
    const c = new Float32Array(m * n);
    c.set(seq(n, -1, 1, 3)); // row 0 of C holds the bias
    const bias = c.subarray(0, n);
    const expected = new Float32Array(m * n);
    native.gemm(false, false, m, n, k, 1, a, 0, k, b, 0, n, 0, expected, 0, n, Float32Array.from(bias));
    native.gemm(false, false, m, n, k, 1, a, 0, k, b, 0, n, 0, c, 0, n, bias);
    expect(c).toEqual(expected);
  });
});

describe('concurrency', () => {
  test('worker_threads calling gemm at once get correct results (the pool serves one region at a time)', async () => {
    native.setNumThreads(2);
    const addon = process.env.TORCHLET_ADDON ? path.resolve(process.env.TORCHLET_ADDON) : path.resolve(__dirname, '../../build/Release/torchlet.node');
    const code = `const { parentPort, workerData } = require('worker_threads');
      const n = require(workerData.addon);
      const m = 160, k = 192, N = 144;
      const a = new Float32Array(m * k).map((_, i) => ((i * 7) % 13) / 13 - 0.5);
      const b = new Float32Array(k * N).map((_, i) => ((i * 5) % 11) / 11 - 0.5);
      let sum = 0;
      for (let r = 0; r < 30; r++) {
        const c = new Float32Array(m * N);
        n.gemm(false, false, m, N, k, 1, a, 0, k, b, 0, N, 0, c, 0, N, null);
        for (const v of c) sum += v;
      }
      parentPort.postMessage(sum);`;
    const run = () => new Promise<number>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { addon } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    const sums = await Promise.all([run(), run(), run(), run()]);
    expect(new Set(sums).size).toBe(1);
    expect(Number.isFinite(sums[0])).toBe(true);
  });
});

describe('denormals', () => {
  test('flushed to zero inside kernels by default, kept when turned off; JS arithmetic is never affected', () => {
    const tiny = 1e-39; // a float32 denormal
    const run = () => {
      const a = new Float32Array([tiny]), b = new Float32Array([1]), c = new Float32Array(1);
      native.gemm(false, false, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, null);
      return c[0];
    };
    expect(torch.getFlushDenormal()).toBe(true);
    expect(run()).toBe(0);
    expect(tiny * 0.5).toBeGreaterThan(0); // the JS thread's own floating point mode is untouched
    torch.setFlushDenormal(false);
    expect(run()).toBeCloseTo(Math.fround(tiny), 45);
    expect(run()).toBeGreaterThan(0);
    expect(() => torch.setFlushDenormal(1 as unknown as boolean)).toThrow(/^setFlushDenormal: expects a boolean, got number$/);
  });
});

describe('fmaPeak', () => {
  test.each(native.availableIsas())('%s: a positive GFLOP/s figure', (isa) => {
    const one = native.fmaPeak(isa, 1, 0.02);
    expect(one).toBeGreaterThan(0.5);
    expect(torch.backend.fmaPeak(isa, 1, 0.02)).toBeGreaterThan(0.5);
  });
  test('bad arguments', () => {
    expectThrow(() => native.fmaPeak('sse9', 1, 0.1), 'RangeError', /fmaPeak: unknown instruction set 'sse9'/);
    expectThrow(() => native.fmaPeak('scalar', 0, 0.1), 'RangeError', /fmaPeak: argument 'threads'/);
    expectThrow(() => native.fmaPeak('scalar', 1, 0), 'RangeError', /fmaPeak: argument 'seconds' must be in \(0, 5\], got 0$/);
    expectThrow(() => native.fmaPeak('scalar', 1, 11), 'RangeError', /fmaPeak: argument 'seconds' must be in \(0, 5\], got 11$/);
    expectThrow(() => native.fmaPeak('scalar', 1, NaN), 'RangeError', /fmaPeak: argument 'seconds' must be finite, got NaN$/);
    expectThrow(() => native.fmaPeak('scalar', 1, '1' as unknown as number), 'TypeError', /fmaPeak: argument 'seconds' must be a number, got string$/);
    expectThrow(() => native.fmaPeak('scalar', 1.5, 0.1), 'RangeError', /fmaPeak: argument 'threads' must be an integer in \[1, 256\], got 1.5$/);
    native.setNumThreads(2);
    expectThrow(() => native.fmaPeak('scalar', 3, 0.1), 'RangeError', /fmaPeak: argument 'threads' is 3 but the thread pool has 2 \(setNumThreads\)$/);
  });

  test('lasts the time asked for with any thread count, also with more threads than cores', () => {
    // More threads than cores: each thread gets a share of a core. A run sized on one thread took n/cores times longer.
    const n = Math.min(256, 8 * os.cpus().length);
    native.setNumThreads(n);
    const t0 = process.hrtime.bigint();
    expect(native.fmaPeak(native.activeIsa(), n, 0.2)).toBeGreaterThan(0.5);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(ms).toBeGreaterThan(190);
    expect(ms).toBeLessThan(800);
  });
});
