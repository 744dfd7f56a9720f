import { execFileSync } from 'child_process';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { native } from '../../lib/native';
import { expectThrow } from './util';

// PyTorch 1.13's outputs, written by test/fixtures/gen_random.py.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const fixture = require('../fixtures/random.json') as {
  torch: string; cpu_capability: string;
  cases: Case[];
  portable: Case[];  // PyTorch run with ATEN_CPU_CAPABILITY=default
};
interface Case {
  name: string; seed: number; dtype: 'float32' | 'float64' | 'int32'; op: string; n: number; a?: number; b?: number;
  bits?: string[]; values?: number[];
}

function fromBits(dtype: string, bits: string[]): Float32Array | Float64Array {
  const size = dtype === 'float32' ? 4 : 8;
  const bytes = new Uint8Array(bits.length * size);
  bits.forEach((h, i) => { for (let k = 0; k < size; k++) bytes[i * size + k] = parseInt(h.substr(2 * k, 2), 16); });
  return dtype === 'float32' ? new Float32Array(bytes.buffer) : new Float64Array(bytes.buffer);
}

function make(dtype: string, n: number) {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'float64' ? new Float64Array(n) : new Int32Array(n);
}

// float32 normal for n >= 16 went through PyTorch's AVX2 Box-Muller (avx_mathfun) when the fixture was
// written on an AVX2 machine; the kernel reproduces that bit for bit. A fixture from a non-AVX2 PyTorch
// would differ by an ulp or so there, so only then is a tolerance used.
const exactF32Normal = fixture.cpu_capability === 'AVX2';

describe('random matches PyTorch 1.13 (test/fixtures/random.json)', () => {
  test('the fixture comes from torch 1.13', () => expect(fixture.torch).toMatch(/^1\.13/));
  test.each(fixture.cases.filter((c) => c.op !== 'normal-split').map((c) => [c.name + ` seed ${c.seed}`, c] as const))('%s', (_name, c) => {
    native.manualSeed(c.seed);
    const out = make(c.dtype, c.n);
    switch (c.op) {
      case 'uniform': native.uniform(out as Float32Array, c.a!, c.b!); break;
      case 'normal': native.normal(out as Float32Array, c.a!, c.b!); break;
      case 'bernoulli': native.bernoulli(out as Float32Array, c.a!); break;
      case 'randint': native.randint(out, c.a!, c.b!); break;
      case 'randperm': native.randperm(out as Int32Array); break;
      default: throw new Error(`unknown op ${c.op}`);
    }
    if (c.values) {
      expect(Array.from(out)).toEqual(c.values);
      return;
    }
    const want = fromBits(c.dtype, c.bits!);
    if (c.op === 'normal' && c.dtype === 'float32' && c.n >= 16 && !exactF32Normal) {
      for (let i = 0; i < c.n; i++) expect(Math.abs(out[i] - want[i])).toBeLessThan(2e-6 * (1 + Math.abs(want[i])));
    } else {
      // Bit-exact (toEqual on typed arrays compares every element with Object.is semantics).
      expect(out).toEqual(want);
    }
  });

  test('the cached second Box-Muller sample carries over to the next call (n < 16)', () => {
    const c = fixture.cases.find((k) => k.op === 'normal-split')!;
    native.manualSeed(c.seed);
    const a = new Float64Array(3), b = new Float64Array(2);
    native.normal(a, 0, 1);
    native.normal(b, 0, 1);
    expect(new Float64Array([...a, ...b])).toEqual(fromBits('float64', c.bits!));
  });

  test('manualSeed resets the cached normal sample', () => {
    native.manualSeed(5);
    const a = new Float64Array(1), b = new Float64Array(1);
    native.normal(a, 0, 1);  // leaves r sin(t) cached
    native.manualSeed(5);
    native.normal(b, 0, 1);
    expect(b[0]).toBe(a[0]);
  });

  test('seeds: only the low 32 bits drive mt19937; negative seeds wrap like torch', () => {
    const draw = (s: number) => { native.manualSeed(s); const a = new Float32Array(4); native.uniform(a, 0, 1); return Array.from(a); };
    expect(draw(2 ** 32 + 5)).toEqual(draw(5));
    expect(draw(-1)).toEqual(draw(2 ** 32 - 1));
  });
});

describe('random distributions', () => {
  test.each([['float32', Float32Array], ['float64', Float64Array]] as const)('%s uniform stays in [from, to)', (_n, T) => {
    native.manualSeed(1);
    const a = new T(10000);
    native.uniform(a, -2, 3);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...a)).toBeLessThan(3);
    const mean = Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
  test.each([16, 17, 1000, 100003])('normal n=%i has the right mean and spread', (n) => {
    native.manualSeed(2);
    const a = new Float32Array(n);
    native.normal(a, 1, 0.5);
    const mean = a.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    expect(Math.abs(mean - 1)).toBeLessThan(n > 100 ? 0.05 : 0.5);
    expect(Math.abs(sd - 0.5)).toBeLessThan(n > 100 ? 0.05 : 0.4);
    expect(Array.from(a).some(Number.isNaN)).toBe(false);
  });
  test('std = 0 gives the mean; empty outputs are fine', () => {
    const a = new Float64Array(20);
    native.normal(a, 3, 0);
    expect(Array.from(a).every((v) => v === 3)).toBe(true);
    native.normal(new Float32Array(0), 0, 1);
    native.uniform(new Float64Array(0), 0, 1);
    native.randperm(new Int32Array(0));
  });
  test.each([1, 2, 1000])('randperm(%i) is a permutation', (n) => {
    const p = new Int32Array(n);
    native.randperm(p);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
  });
  test('bernoulli: p = 0 and 1 are exact, 0.3 is about right', () => {
    const a = new Float32Array(20000);
    native.bernoulli(a, 0);
    expect(a.every((v) => v === 0)).toBe(true);
    native.bernoulli(a, 1);
    expect(a.every((v) => v === 1)).toBe(true);
    native.bernoulli(a, 0.3);
    expect(Math.abs(a.reduce((s, v) => s + v, 0) / a.length - 0.3)).toBeLessThan(0.02);
  });
  test('randint covers [from, to) for int32, float32 and float64, including wide float64 ranges', () => {
    for (const out of [new Int32Array(5000), new Float32Array(5000), new Float64Array(5000)]) {
      native.randint(out, -3, 4);
      expect(new Set(Array.from(out))).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    }
    const wide = new Float64Array(1000);
    native.randint(wide, 0, 2 ** 40);  // >= 2^32: random64, as PyTorch
    expect(Math.max(...wide)).toBeGreaterThan(2 ** 33);
    const full = new Int32Array(1000);
    native.randint(full, -(2 ** 31), 2 ** 31);
    expect(Math.min(...full)).toBeLessThan(-(2 ** 29));
  });
});

describe('rng state', () => {
  test('getRngState / setRngState round-trip, including the cached normal', () => {
    native.manualSeed(11);
    native.normal(new Float64Array(3), 0, 1);  // leaves a cached sample
    const s = native.getRngState();
    expect(s).toBeInstanceOf(Uint8Array);
    expect(s.length).toBe(2536);
    expect(String.fromCharCode(...s.subarray(0, 4))).toBe('TLRG');
    const a = new Float64Array(7), b = new Float64Array(7);
    native.normal(a, 0, 1);
    native.setRngState(s);
    native.normal(b, 0, 1);
    expect(b).toEqual(a);
    // A state taken mid-stream resumes exactly (mt position inside the 624-word block).
    native.uniform(new Float32Array(1000), 0, 1);
    const s2 = native.getRngState();
    const c = new Float32Array(2000), d = new Float32Array(2000);
    native.uniform(c, 0, 1);
    native.setRngState(s2);
    native.uniform(d, 0, 1);
    expect(d).toEqual(c);
  });

  test('a state equals the stream after manualSeed', () => {
    native.manualSeed(0);
    const s = native.getRngState();
    native.uniform(new Float32Array(100), 0, 1);
    native.setRngState(s);
    const a = new Float32Array(5);
    native.uniform(a, 0, 1);
    expect(Array.from(a)).toEqual([0.49625658988952637, 0.7682217955589294, 0.08847743272781372, 0.13203048706054688, 0.30742281675338745]);
  });

  describe('bad states are rejected and leave the generator unchanged', () => {
    const good = () => { native.manualSeed(9); return native.getRngState(); };
    const corrupt = (f: (s: Uint8Array) => Uint8Array) => f(good().slice());
    const le32 = (s: Uint8Array, at: number, v: number) => { new DataView(s.buffer, s.byteOffset).setUint32(at, v, true); return s; };
    test.each([
      ['empty', () => new Uint8Array(0), /setRngState: argument 'state' is not a generator state: it has the wrong length/],
      ['truncated', () => corrupt((s) => s.subarray(0, 2535)), /it has the wrong length \(length 2535, expected 2536\)/],
      ['too long', () => { const s = new Uint8Array(2537); s.set(good()); return s; }, /it has the wrong length/],
      ['bad magic', () => corrupt((s) => { s[0] = 88; return s; }), /its header is not 'TLRG'/],
      ['bad version', () => corrupt((s) => le32(s, 4, 2)), /its version is not 1/],
      ['position past 624', () => corrupt((s) => le32(s, 16, 625)), /its mt19937 position is past 624/],
      ['bad flags', () => corrupt((s) => le32(s, 20, 4)), /its flags are invalid/],
      ['nonzero padding', () => corrupt((s) => le32(s, 28, 1)), /its padding is not zero/],
      ['all-zero words', () => corrupt((s) => { s.fill(0, 40); return s; }), /its mt19937 words are all zero/],
    ] as const)('%s', (_n, make, re) => {
      const bad = make();
      native.manualSeed(123);
      const before = native.getRngState();
      expectThrow(() => native.setRngState(bad), 'RangeError', re);
      expect(native.getRngState()).toEqual(before);
    });
    test('wrong types', () => {
      expectThrow(() => native.setRngState(new Float32Array(634) as any), 'TypeError', /setRngState: argument 'state' must be a Uint8Array, got Float32Array\(634\)/);
      expectThrow(() => native.setRngState(null as any), 'TypeError', /setRngState: argument 'state' must be a Uint8Array, got null/);
      expectThrow(() => (native.setRngState as any)(), 'TypeError', /setRngState: expected 1 argument, got 0/);
      expectThrow(() => (native.setRngState as any)(undefined), 'TypeError', /got undefined/);
      expectThrow(() => native.setRngState(Array.from(good()) as any), 'TypeError', /got Array/);
    });
    test('a state inside a larger buffer (subarray) loads', () => {
      const big = new Uint8Array(3000);
      big.set(good(), 100);
      native.manualSeed(1);
      native.setRngState(big.subarray(100, 100 + 2536));
      expect(native.getRngState()).toEqual(good());
    });
  });
});

describe('random bad input', () => {
  test.each([
    ['manualSeed fractional', () => native.manualSeed(1.5), 'RangeError', /manualSeed: argument 'seed' must be an integer in \[-2\^63, 2\^64\), got 1.5/],
    ['manualSeed NaN', () => native.manualSeed(NaN), 'RangeError', /manualSeed: argument 'seed' must be an integer.*got NaN/],
    ['manualSeed 2^64', () => native.manualSeed(2 ** 64), 'RangeError', /manualSeed: argument 'seed'/],
    ['manualSeed -2^64', () => native.manualSeed(-(2 ** 64)), 'RangeError', /manualSeed: argument 'seed'/],
    ['manualSeed string', () => native.manualSeed('1' as any), 'TypeError', /manualSeed: argument 'seed' must be a number, got string/],
    ['uniform out Int32Array', () => native.uniform(new Int32Array(3) as any, 0, 1), 'TypeError', /uniform: argument 'out' must be a Float32Array or Float64Array, got Int32Array\(3\)/],
    ['uniform from > to', () => native.uniform(new Float32Array(3), 2, 1), 'RangeError', /uniform: expects from <= to, got from=2 and to=1/],
    ['uniform NaN', () => native.uniform(new Float32Array(3), NaN, 1), 'RangeError', /uniform: argument 'from' must be finite/],
    ['uniform infinite', () => native.uniform(new Float64Array(3), 0, Infinity), 'RangeError', /uniform: argument 'to' must be finite/],
    ['uniform float32 overflow', () => native.uniform(new Float32Array(3), -3e38, 3e38), 'RangeError', /uniform: to - from must be finite in float32/],
    ['normal std < 0', () => native.normal(new Float32Array(3), 0, -1), 'RangeError', /normal: expects std >= 0, got -1/],
    ['normal mean missing', () => (native.normal as any)(new Float32Array(3)), 'TypeError', /normal: expected 3 arguments, got 1/],
    ['normal mean undefined', () => (native.normal as any)(new Float32Array(3), undefined, 1), 'TypeError', /normal: argument 'mean' must be a number, got undefined/],
    ['normal out number', () => native.normal(3 as any, 0, 1), 'TypeError', /normal: argument 'out' must be a Float32Array or Float64Array, got number/],
    ['randint from >= to', () => native.randint(new Int32Array(3), 5, 5), 'RangeError', /randint: expects from < to, got from=5 and to=5/],
    ['randint fractional', () => native.randint(new Int32Array(3), 0.5, 5), 'RangeError', /randint: argument 'from' must be an integer/],
    ['randint int32 range', () => native.randint(new Int32Array(3), 0, 2 ** 32), 'RangeError', /randint: argument 'to' must be an integer in \[-2147483647, 2147483648\]/],
    ['randint float32 range', () => native.randint(new Float32Array(3), 0, 2 ** 25), 'RangeError', /randint: argument 'to' must be an integer in \[-16777215, 16777217\]/],
    ['randint Uint8Array', () => native.randint(new Uint8Array(3) as any, 0, 2), 'TypeError', /randint: argument 'out' must be a Float32Array or Float64Array or Int32Array/],
    ['randperm Float32Array', () => native.randperm(new Float32Array(3) as any), 'TypeError', /randperm: argument 'out' must be a Int32Array, got Float32Array\(3\)/],
    ['bernoulli p > 1', () => native.bernoulli(new Float32Array(3), 1.5), 'RangeError', /bernoulli: expects 0 <= p <= 1, got 1.5/],
    ['bernoulli p NaN', () => native.bernoulli(new Float32Array(3), NaN), 'RangeError', /bernoulli: expects 0 <= p <= 1, got NaN/],
    ['bernoulli out Int32Array', () => native.bernoulli(new Int32Array(3) as any, 0.5), 'TypeError', /bernoulli: argument 'out' must be a Float32Array or Float64Array/],
  ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
});

describe('one generator per JS thread', () => {
  const addon = process.env.TORCHLET_ADDON
    ? path.resolve(process.env.TORCHLET_ADDON)
    : path.resolve(__dirname, '../../build/Release/torchlet.node');
  const runWorker = (code: string) => new Promise<number[]>((resolve, reject) => {
    const w = new Worker(`const { parentPort, workerData } = require('worker_threads');
      const n = require(workerData.addon);
      ${code}`, { eval: true, workerData: { addon } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  test('a worker starts from the default seed 67280421310721 whatever the main thread did', async () => {
    native.manualSeed(99);
    const main = new Float32Array(5);
    native.uniform(main, 0, 1);
    const got = await runWorker('const a = new Float32Array(5); n.uniform(a, 0, 1); parentPort.postMessage(Array.from(a));');
    const def = fixture.cases.find((c) => c.name === 'default seed rand 5')!;
    expect(new Float32Array(got)).toEqual(fromBits('float32', def.bits!));
    // The main thread's stream was not disturbed by the worker.
    native.manualSeed(99);
    const again = new Float32Array(5);
    native.uniform(again, 0, 1);
    expect(again).toEqual(main);
  });
  test("TORCHLET_RNG_KERNELS=default reproduces PyTorch's portable kernels (ATEN_CPU_CAPABILITY=default)", () => {
    // The flavour is read from the process environment (getenv) when a generator is created. jest
    // gives each test file a copy of process.env that never reaches getenv, so run a child process.
    const code = `const n = require(process.argv[1]);
      const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
      process.stdout.write(JSON.stringify(cases.map((c) => {
        n.manualSeed(c.seed);
        if (c.op === 'normal-split') {
          const a = new Float64Array(3), b = new Float64Array(2);
          n.normal(a, 0, 1); n.normal(b, 0, 1);
          return [...a, ...b];
        }
        const out = c.dtype === 'float32' ? new Float32Array(c.n) : new Float64Array(c.n);
        if (c.op === 'uniform') n.uniform(out, c.a, c.b); else n.normal(out, c.a, c.b);
        return Array.from(out);
      })));`;
    const got = JSON.parse(execFileSync(process.execPath, ['-e', code, addon], {
      input: JSON.stringify(fixture.portable),
      env: { ...process.env, TORCHLET_RNG_KERNELS: 'default' },
      encoding: 'utf8',
    })) as number[][];
    expect(fixture.portable.length).toBeGreaterThan(20);
    fixture.portable.forEach((c, i) => {
      const T = c.dtype === 'float32' ? Float32Array : Float64Array;
      expect([c.name, new T(got[i])]).toEqual([c.name, fromBits(c.dtype, c.bits!)]);
    });
    // ... and they do differ from the AVX2 flavour somewhere (else this test would prove nothing).
    const differs = fixture.portable.some((c) => {
      const avx = fixture.cases.find((k) => k.name === c.name && k.seed === c.seed);
      return avx && avx.bits!.some((h, j) => h !== c.bits![j]);
    });
    expect(differs).toBe(true);
  });

  test('workers seeded alike draw alike, independently of each other', async () => {
    const code = 'n.manualSeed(4); const a = new Float64Array(20); n.normal(a, 0, 1); parentPort.postMessage(Array.from(a));';
    const [a, b] = await Promise.all([runWorker(code), runWorker(code)]);
    expect(a).toEqual(b);
    native.manualSeed(4);
    const m = new Float64Array(20);
    native.normal(m, 0, 1);
    expect(Array.from(m)).toEqual(a);
  });
});
