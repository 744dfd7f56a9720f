import { native } from '../../lib/native';
import { FLOATS, FloatCtor, SIZES, expectClose, expectThrow, seq } from './util';

interface Hp { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean }

/** torch.optim.SGD's rule, one step, rounding each operation to the array type like the kernel does. */
function refStep(p: number[], g: number[], buf: number[] | null, hp: Hp, first: boolean, r: (v: number) => number) {
  const lr = r(hp.lr), m = r(hp.momentum), d = r(hp.dampening), wd = r(hp.weightDecay);
  for (let i = 0; i < p.length; i++) {
    let gi = r(g[i] + r(wd * p[i]));
    if (m !== 0) {
      buf![i] = first ? gi : r(r(m * buf![i]) + r(r(1 - d) * gi));
      gi = hp.nesterov ? r(gi + r(m * buf![i])) : buf![i];
    }
    p[i] = r(p[i] - r(lr * gi));
  }
}

const HPS: [string, Hp][] = [
  ['plain', { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false }],
  ['weight decay', { lr: 0.05, momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false }],
  ['momentum', { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false }],
  ['momentum + dampening + decay', { lr: 0.02, momentum: 0.8, dampening: 0.3, weightDecay: 1e-3, nesterov: false }],
  ['nesterov', { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true }],
];

describe('sgdStep', () => {
  for (const [tname, T] of FLOATS) {
    const r = T === Float32Array ? Math.fround : (v: number) => v;
    for (const [hname, hp] of HPS) {
      test.each(SIZES)(`${tname} ${hname}: three steps n=%i match PyTorch's rule`, (n) => {
        const p = new T(seq(n, -1, 1, 3)), buf = hp.momentum !== 0 ? new T(n) : null;
        const rp = Array.from(p), rb = buf ? new Array<number>(n).fill(0) : null;
        for (let step = 0; step < 3; step++) {
          const g = new T(seq(n, -1, 1, 10 + step));
          native.sgdStep(p, g, buf, hp.lr, hp.momentum, hp.dampening, hp.weightDecay, hp.nesterov, step === 0);
          refStep(rp, Array.from(g), rb, hp, step === 0, r);
        }
        expectClose(p, rp, T === Float32Array ? 1e-6 : 1e-15, 1e-7);
        if (buf) expectClose(buf, rb!, T === Float32Array ? 1e-6 : 1e-15, 1e-7);
      });
    }
    test(`${tname} the first step copies the undamped gradient into the buffer (PyTorch)`, () => {
      const p = new T([1, 2]), g = new T([0.5, -1]), buf = new T([99, 99]);
      native.sgdStep(p, g, buf, 0.1, 0.9, 0.5, 0, false, true);
      expect(Array.from(buf)).toEqual([0.5, -1]);
      expectClose(p, [r(1 - r(0.1 * 0.5)), r(2 + r(0.1))], 0, 0);
    });
    test(`${tname} grad is not modified and momentumBuf may be null when momentum == 0`, () => {
      const p = new T([1, 2]), g = new T([0.5, -1]);
      native.sgdStep(p, g, null, 0.1, 0, 0, 0.1, false, false);
      expect(Array.from(g)).toEqual([0.5, -1]);
      expectClose(p, [r(1 - r(0.1 * r(0.5 + 0.1))), r(2 - r(0.1 * r(-1 + r(0.1 * 2))))], 0, 0);
    });
  }
  describe('bad input', () => {
    const p = new Float32Array(4), g = new Float32Array(4), b = new Float32Array(4);
    const call = (o: Partial<{ p: any; g: any; b: any; lr: any; m: any; d: any; wd: any; nes: any; first: any }>) => () => {
      const a = { p, g, b, lr: 0.1, m: 0.9, d: 0, wd: 0, nes: false, first: false, ...o };
      native.sgdStep(a.p, a.g, a.b, a.lr, a.m, a.d, a.wd, a.nes, a.first);
    };
    test('baseline works', () => call({})());
    test.each([
      ['param type', call({ p: [1] }), 'TypeError', /sgdStep: argument 'param' must be a Float32Array or Float64Array, got Array/],
      ['grad missing', call({ g: undefined }), 'TypeError', /sgdStep: argument 'grad' .* got undefined/],
      ['mixed dtypes', call({ g: new Float64Array(4) }), 'TypeError', /sgdStep: arguments 'param' and 'grad' must have the same type/],
      ['grad length', call({ g: new Float32Array(3) }), 'RangeError', /sgdStep: arguments 'param' and 'grad' must have the same length, got 4 and 3/],
      ['buf null with momentum', call({ b: null }), 'TypeError', /sgdStep: argument 'momentumBuf' must be a Float32Array or Float64Array when momentum != 0, got null/],
      ['buf dtype', call({ b: new Float64Array(4) }), 'TypeError', /sgdStep: arguments 'param' and 'momentumBuf' must have the same type/],
      ['buf length', call({ b: new Float32Array(5) }), 'RangeError', /sgdStep: arguments 'param' and 'momentumBuf' must have the same length/],
      ['buf wrong kind', call({ b: 3 }), 'TypeError', /sgdStep: argument 'momentumBuf' must be a Float32Array or Float64Array, got number/],
      ['lr NaN', call({ lr: NaN }), 'RangeError', /sgdStep: argument 'lr' must be finite/],
      ['momentum string', call({ m: '0.9' }), 'TypeError', /sgdStep: argument 'momentum' must be a number, got string/],
      ['weightDecay inf', call({ wd: Infinity }), 'RangeError', /sgdStep: argument 'weightDecay' must be finite/],
      ['nesterov number', call({ nes: 1 }), 'TypeError', /sgdStep: argument 'nesterov' must be a boolean, got number/],
      ['firstStep missing', call({ first: undefined }), 'TypeError', /sgdStep: argument 'firstStep' must be a boolean, got undefined/],
      ['param aliases grad', call({ g: p }), 'RangeError', /sgdStep: arguments 'param' and 'grad' overlap in memory/],
      ['buf aliases param', call({ b: p }), 'RangeError', /sgdStep: argument 'momentumBuf' overlaps 'param' or 'grad' in memory/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
  });
});

describe('sgdStepMany: every parameter of a step in one call', () => {
  const sizes = [1, 7, 16, 100, 40000, 3];
  const make = (T: Float32ArrayConstructor | Float64ArrayConstructor, seed: number) =>
    sizes.map((n, i) => { const a = new T(n); for (let j = 0; j < n; j++) a[j] = Math.sin(seed + 0.37 * j + i); return a; });

  test.each([[Float32Array], [Float64Array]] as const)('%p: identical to sgdStep on each parameter, for 1 and 2 threads', (T) => {
    const threads = native.getNumThreads();
    try {
      for (const [momentum, dampening, wd, nesterov] of [[0, 0, 0, false], [0.9, 0, 1e-4, false], [0.9, 0, 0, true], [0.5, 0.25, 0.01, false]] as const) {
        const ref = make(T, 1), grads = make(T, 2), refBufs = sizes.map((n) => new T(n));
        for (let step = 0; step < 3; step++)
          ref.forEach((p, i) => native.sgdStep(p, grads[i], momentum ? refBufs[i] : null, 0.1, momentum, dampening, wd, nesterov, step === 0));
        for (const t of [1, 2]) {
          native.setNumThreads(t);
          const ps = make(T, 1), bufs = sizes.map((n) => new T(n));
          for (let step = 0; step < 3; step++)
            native.sgdStepMany(ps, grads, momentum ? bufs : sizes.map(() => null), sizes.map(() => step === 0), 0.1, momentum, dampening, wd, nesterov);
          ps.forEach((p, i) => expect(Buffer.from(p.buffer).equals(Buffer.from(ref[i].buffer))).toBe(true));
        }
      }
    } finally {
      native.setNumThreads(threads);
    }
  });

  test('lists of different lengths, missing buffers, mixed dtypes and overlapping arrays are refused', () => {
    const p = new Float32Array(8), g = new Float32Array(8), b = new Float32Array(8);
    expectThrow(() => native.sgdStepMany([p], [g, g], [b], [true], 0.1, 0.9, 0, 0, false), 'RangeError', /sgdStepMany: argument 'grads' has 2 entries, 'params' has 1/);
    expectThrow(() => native.sgdStepMany([p], [g], [null], [true], 0.1, 0.9, 0, 0, false), 'TypeError', /sgdStepMany: argument 'momentumBufs\[0\]' must be a Float32Array or Float64Array when momentum != 0/);
    expectThrow(() => native.sgdStepMany([p, new Float64Array(8)], [g, new Float64Array(8)], [null, null], [true, true], 0.1, 0, 0, 0, false), 'TypeError', /sgdStepMany: arguments 'params\[0\]' and 'params\[1\]' must have the same type/);
    expectThrow(() => native.sgdStepMany([p], [p.subarray(4)], [null], [true], 0.1, 0, 0, 0, false), 'RangeError', /sgdStepMany: arguments 'params\[0\]' and 'grads\[0\]' must have the same length/);
    const big = new Float32Array(16);
    expectThrow(() => native.sgdStepMany([big.subarray(0, 8), big.subarray(4, 12)], [g, new Float32Array(8)], [null, null], [true, true], 0.1, 0, 0, 0, false), 'RangeError', /sgdStepMany: 'params\[0\]' and 'params\[1\]' overlap in memory/);
    // Shared (read-only) grads are fine; a param reaching into another's grad is not, whatever the sort order.
    const q = new Float32Array(8);
    native.sgdStepMany([p, q], [g, g], [null, null], [true, true], 0.1, 0, 0, 0, false);
    const wide = new Float32Array(32);
    expectThrow(() => native.sgdStepMany([wide.subarray(4, 12), q], [wide.subarray(0, 8), wide.subarray(0, 8)], [null, null], [true, true], 0.1, 0, 0, 0, false), 'RangeError',
      /sgdStepMany: 'grads\[\d\]' and 'params\[0\]' overlap in memory/);
    const grad16 = wide.subarray(0, 16);
    expectThrow(() => native.sgdStepMany([new Float32Array(16), wide.subarray(12, 28)], [grad16, new Float32Array(16)], [null, null], [true, true], 0.1, 0, 0, 0, false), 'RangeError',
      /sgdStepMany: 'grads\[0\]' and 'params\[1\]' overlap in memory/);
    expectThrow(() => native.sgdStepMany([p], [g], [null], ['yes' as unknown as boolean], 0.1, 0, 0, 0, false), 'TypeError', /sgdStepMany: argument 'firstSteps\[0\]' must be a boolean, got string/);
    expectThrow(() => native.sgdStepMany(p as unknown as Float32Array[], [g], [null], [true], 0.1, 0, 0, 0, false), 'TypeError', /sgdStepMany: argument 'params' must be an Array, got Float32Array\(8\)/);
  });

  test('a getter in a list that detaches an array runs before any pointer is taken', () => {
    const p = new Float32Array(1 << 16), g = new Float32Array(1 << 16);
    const grads: Float32Array[] = [];
    Object.defineProperty(grads, 0, { get() { structuredClone(p.buffer, { transfer: [p.buffer] }); return g; }, enumerable: true });
    Object.defineProperty(grads, 'length', { value: 1 });
    // p is detached by the time the typed arrays are unpacked: it has length 0 now.
    expectThrow(() => native.sgdStepMany([p], grads, [null], [true], 0.1, 0, 0, 0, false), 'RangeError', /sgdStepMany: arguments 'params\[0\]' and 'grads\[0\]' must have the same length, got 0 and 65536/);
  });
});

// ---------------------------------------------------------------- Adam / AdamW
interface AdamHp { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean; maximize: boolean; decoupled: boolean }

/** PyTorch 1.13's Adam / AdamW rule, one step, each operation rounded to the array type in the kernel's order. */
function refAdam(p: number[], g: number[], m: number[], v: number[], vmax: number[] | null, step: number, h: AdamHp, r: (x: number) => number) {
  const b1 = r(h.beta1), b2 = r(h.beta2), omb1 = r(1 - h.beta1), omb2 = r(1 - h.beta2), eps = r(h.eps), wd = r(h.weightDecay);
  const decay = r(1 - h.lr * h.weightDecay);
  const nss = r(-(h.lr / (1 - h.beta1 ** step))), bc2s = r(Math.sqrt(1 - h.beta2 ** step));
  for (let i = 0; i < p.length; i++) {
    let gi = h.maximize ? -g[i] : g[i];
    let pi = p[i];
    if (h.decoupled) pi = r(pi * decay);
    else if (wd !== 0) gi = r(gi + r(wd * pi));
    m[i] = r(r(m[i] * b1) + r(omb1 * gi));
    v[i] = r(r(v[i] * b2) + r(r(omb2 * gi) * gi));
    let vv = v[i];
    if (h.amsgrad) vv = vmax![i] = Math.max(vmax![i], v[i]);
    const denom = r(r(r(Math.sqrt(vv)) / bc2s) + eps);
    p[i] = r(pi + r(r(nss * m[i]) / denom));
  }
}

const ADAM_HPS: [string, AdamHp][] = [
  ['adam', { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupled: false }],
  ['adam L2 + amsgrad', { lr: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1, amsgrad: true, maximize: false, decoupled: false }],
  ['adam maximize', { lr: 0.01, beta1: 0.5, beta2: 0.9, eps: 1e-8, weightDecay: 0.01, amsgrad: false, maximize: true, decoupled: false }],
  ['adamw', { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: false, maximize: false, decoupled: true }],
  ['adamw amsgrad maximize', { lr: 0.1, beta1: 0.7, beta2: 0.99, eps: 1e-7, weightDecay: 0.3, amsgrad: true, maximize: true, decoupled: true }],
];

describe('adamStep', () => {
  for (const [tname, T] of FLOATS) {
    const r = T === Float32Array ? Math.fround : (v: number) => v;
    for (const [hname, h] of ADAM_HPS) {
      test.each(SIZES)(`${tname} ${hname}: three steps n=%i follow PyTorch's rule operation by operation`, (n) => {
        const p = new T(seq(n, -1, 1, 3)), m = new T(n), v = new T(n), vmax = h.amsgrad ? new T(n) : null;
        const rp = Array.from(p), rm = new Array<number>(n).fill(0), rv = rm.slice(), rx = h.amsgrad ? rm.slice() : null;
        for (let step = 1; step <= 3; step++) {
          const g = new T(seq(n, -1, 1, 10 + step));
          native.adamStep(p, g, m, v, vmax, step, h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.amsgrad, h.maximize, h.decoupled);
          refAdam(rp, Array.from(g), rm, rv, rx, step, h, r);
        }
        // float32: bit for bit; float64: up to an ulp of pow (V8's ** and glibc's pow).
        const tol = T === Float32Array ? 0 : 1e-15;
        expectClose(p, rp, tol, tol);
        expectClose(m, rm, tol, tol);
        expectClose(v, rv, tol, tol);
        if (vmax) expectClose(vmax, rx!, tol, tol);
      });
    }
  }

  test('the bias corrections use the given step: step 1 moves by lr * sign(g) (up to eps)', () => {
    const p = new Float64Array([0, 0]), g = new Float64Array([3, -0.5]);
    native.adamStep(p, g, new Float64Array(2), new Float64Array(2), null, 1, 0.1, 0.9, 0.999, 0, 0, false, false, false);
    expectClose(p, [-0.1, 0.1], 1e-15);
  });

  test('amsgrad keeps NaN in max_exp_avg_sq (torch.maximum propagates NaN)', () => {
    const p = new Float32Array([0, 0]), vmax = new Float32Array([1, 1]);
    native.adamStep(p, new Float32Array([NaN, 1]), new Float32Array(2), new Float32Array(2), vmax, 1, 0.1, 0.9, 0.999, 1e-8, 0, true, false, false);
    expect(Number.isNaN(vmax[0])).toBe(true);
    expect(vmax[1]).toBe(1);
  });

  describe('bad input', () => {
    const F = Float32Array;
    const base = () => ({ p: new F(4), g: new F(4), m: new F(4), v: new F(4), x: new F(4) as any, step: 1 as any, lr: 0.1 as any, amsgrad: true as any });
    const call = (o: Partial<ReturnType<typeof base>>) => () => {
      const a = { ...base(), ...o };
      native.adamStep(a.p, a.g, a.m, a.v, a.x, a.step, a.lr, 0.9, 0.999, 1e-8, 0, a.amsgrad, false, false);
    };
    test('baseline works', () => call({})());
    test.each([
      ['param type', call({ p: [1] as any }), 'TypeError', /adamStep: argument 'param' must be a Float32Array or Float64Array, got Array/],
      ['grad length', call({ g: new F(3) }), 'RangeError', /adamStep: arguments 'param' and 'grad' must have the same length, got 4 and 3/],
      ['expAvg dtype', call({ m: new Float64Array(4) as any }), 'TypeError', /adamStep: arguments 'param' and 'expAvg' must have the same type, got Float32Array and Float64Array/],
      ['expAvgSq length', call({ v: new F(5) }), 'RangeError', /adamStep: arguments 'param' and 'expAvgSq' must have the same length, got 4 and 5/],
      ['no max buffer with amsgrad', call({ x: null }), 'TypeError', /adamStep: argument 'maxExpAvgSq' must be a Float32Array or Float64Array when amsgrad is true, got null/],
      ['max buffer length', call({ x: new F(2) }), 'RangeError', /adamStep: arguments 'param' and 'maxExpAvgSq' must have the same length, got 4 and 2/],
      ['step 0', call({ step: 0 }), 'RangeError', /adamStep: argument 'step' must be a finite number >= 1, got 0/],
      ['step NaN', call({ step: NaN }), 'RangeError', /adamStep: argument 'step' must be a finite number >= 1, got NaN/],
      ['step string', call({ step: '1' }), 'TypeError', /adamStep: argument 'step' must be a number, got string/],
      ['lr infinite', call({ lr: Infinity }), 'RangeError', /adamStep: argument 'lr' must be finite/],
      ['amsgrad number', call({ amsgrad: 1 }), 'TypeError', /adamStep: argument 'amsgrad' must be a boolean, got number/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
    test('overlapping arrays are refused, whichever two', () => {
      const buf = new F(16);
      const [a, b, c, d, e] = [0, 4, 8, 12].map((o) => buf.subarray(o, o + 4)).concat([new F(4)]);
      expectThrow(() => native.adamStep(a, b, c, d, a, 1, 0.1, 0.9, 0.999, 1e-8, 0, true, false, false), 'RangeError',
        /adamStep: arguments 'param' and 'maxExpAvgSq' overlap in memory/);
      expectThrow(() => native.adamStep(a, b, buf.subarray(2, 6), d, e, 1, 0.1, 0.9, 0.999, 1e-8, 0, true, false, false), 'RangeError',
        /adamStep: arguments 'param' and 'expAvg' overlap in memory/);
      // Without amsgrad the max buffer is ignored, whatever it is.
      native.adamStep(a, b, c, d, a, 1, 0.1, 0.9, 0.999, 1e-8, 0, false, false, false);
    });
  });
});

describe('adamStepMany: every parameter of a step in one call', () => {
  const sizes = [1, 7, 16, 100, 40000, 3];
  const make = (T: FloatCtor, seed: number) =>
    sizes.map((n, i) => { const a = new T(n); for (let j = 0; j < n; j++) a[j] = Math.sin(seed + 0.37 * j + i); return a; });

  test.each([[Float32Array], [Float64Array]] as const)('%p: identical to adamStep on each parameter, for 1 and 2 threads, per-parameter steps', (T) => {
    const threads = native.getNumThreads();
    try {
      for (const [, h] of ADAM_HPS) {
        const grads = make(T, 2);
        const steps = (k: number) => sizes.map((_, i) => k + (i % 3)); // the parameters' counts differ
        const ref = make(T, 1), rm = make(T, 3).map((a) => a.map(Math.abs)), rv = make(T, 4).map((a) => a.map(Math.abs)), rx = make(T, 5).map((a) => a.map(Math.abs));
        for (let k = 1; k <= 3; k++)
          ref.forEach((p, i) => native.adamStep(p, grads[i], rm[i], rv[i], h.amsgrad ? rx[i] : null, steps(k)[i], h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.amsgrad, h.maximize, h.decoupled));
        for (const t of [1, 2]) {
          native.setNumThreads(t);
          const ps = make(T, 1), ms = make(T, 3).map((a) => a.map(Math.abs)), vs = make(T, 4).map((a) => a.map(Math.abs)), xs = make(T, 5).map((a) => a.map(Math.abs));
          for (let k = 1; k <= 3; k++)
            native.adamStepMany(ps, grads, ms, vs, h.amsgrad ? xs : sizes.map(() => null), steps(k), h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.amsgrad, h.maximize, h.decoupled);
          const same = (a: ArrayLike<number>[], b: ArrayLike<number>[]) =>
            a.forEach((x, i) => expect(Buffer.from((x as Float32Array).buffer).equals(Buffer.from((b[i] as Float32Array).buffer))).toBe(true));
          same(ps, ref); same(ms, rm); same(vs, rv);
          if (h.amsgrad) same(xs, rx);
        }
      }
    } finally {
      native.setNumThreads(threads);
    }
  });

  test('lists of different lengths, missing buffers, bad steps, mixed dtypes and overlapping arrays are refused', () => {
    const F = Float32Array;
    const a = () => new F(8);
    const call = (o: Record<string, any>) => () => {
      const x = { ps: [a()], gs: [a()], ms: [a()], vs: [a()], xs: [null] as any[], steps: [1] as any[], amsgrad: false, ...o };
      native.adamStepMany(x.ps, x.gs, x.ms, x.vs, x.xs, x.steps, 0.1, 0.9, 0.999, 1e-8, 0, x.amsgrad, false, false);
    };
    call({})();
    expectThrow(call({ steps: [1, 2] }), 'RangeError', /adamStepMany: argument 'steps' has 2 entries, 'params' has 1/);
    expectThrow(call({ ms: [] }), 'RangeError', /adamStepMany: argument 'expAvgs' has 0 entries, 'params' has 1/);
    expectThrow(call({ amsgrad: true }), 'TypeError', /adamStepMany: argument 'maxExpAvgSqs\[0\]' must be a Float32Array or Float64Array when amsgrad is true, got null/);
    expectThrow(call({ steps: [0.5] }), 'RangeError', /adamStepMany: argument 'steps\[0\]' must be a finite number >= 1, got 0.5/);
    expectThrow(call({ steps: [null] }), 'TypeError', /adamStepMany: argument 'steps\[0\]' must be a number, got null/);
    expectThrow(call({ vs: [new F(7)] }), 'RangeError', /adamStepMany: arguments 'params\[0\]' and 'expAvgSqs\[0\]' must have the same length, got 8 and 7/);
    expectThrow(call({ ps: [a(), new Float64Array(8)], gs: [a(), new Float64Array(8)], ms: [a(), a()], vs: [a(), a()], xs: [null, null], steps: [1, 1] }), 'TypeError',
      /adamStepMany: arguments 'params\[0\]' and 'params\[1\]' must have the same type/);
    const big = new F(32);
    expectThrow(call({ ps: [big.subarray(0, 8), big.subarray(16, 24)], gs: [a(), a()], ms: [a(), big.subarray(20, 28)], vs: [a(), a()], xs: [null, null], steps: [1, 1] }), 'RangeError',
      /adamStepMany: 'params\[1\]' and 'expAvgs\[1\]' overlap in memory/);
    // The grads are only read: two parameters may share one (PyTorch allows it); a param or buffer aliasing a grad is refused.
    const shared = F.from({ length: 8 }, (_, i) => i - 3);
    const ps = [a(), a()];
    call({ ps, gs: [shared, shared.subarray(0, 8)], ms: [a(), a()], vs: [a(), a()], xs: [null, null], steps: [1, 1] })();
    const ref = [a()];
    call({ ps: ref, gs: [shared.slice()] })();
    ps.forEach((p) => expect(Array.from(p)).toEqual(Array.from(ref[0])));
    expectThrow(call({ ps: [a(), a()], gs: [shared, shared], ms: [a(), shared], vs: [a(), a()], xs: [null, null], steps: [1, 1] }), 'RangeError',
      /adamStepMany: '(grads|expAvgs)\[\d\]' and '(grads|expAvgs)\[\d\]' overlap in memory/);
    expectThrow(call({ ps: new F(8) }), 'TypeError', /adamStepMany: argument 'params' must be an Array, got Float32Array\(8\)/);
    // Nothing at all is fine.
    native.adamStepMany([], [], [], [], [], [], 0.1, 0.9, 0.999, 1e-8, 0, true, false, false);
  });

  test('without amsgrad maxExpAvgSqs is never read or written: null or any float array (shorter, overlapping) gives the same step; anything else is a TypeError', () => {
    const F = Float32Array;
    const run = (x: (p: Float32Array) => any) => {
      const p = new F(seq(40000, -1, 1, 3)), g = new F(seq(40000, 1, -1, 5)), m = new F(40000), v = new F(40000);
      native.adamStepMany([p], [g], [m], [v], [x(p)], [1], 0.1, 0.9, 0.999, 1e-8, 0.01, false, false, true);
      return [p, m, v];
    };
    const want = run(() => null);
    const sentinel = new F([7]);
    for (const x of [() => undefined, () => sentinel, () => new F(0), (p: Float32Array) => p, () => new Float64Array(3)]) {
      const got = run(x);
      got.forEach((a, i) => expect(Buffer.from(a.buffer).equals(Buffer.from(want[i].buffer))).toBe(true));
    }
    expect(Array.from(sentinel)).toEqual([7]);
    const a = () => new F(8);
    for (const [bad, what] of [[3, 'number'], ['x', 'string'], [new Int32Array(8), 'Int32Array\\(8\\)'], [{}, 'object']] as [unknown, string][])
      expectThrow(() => native.adamStepMany([a()], [a()], [a()], [a()], [bad as any], [1], 0.1, 0.9, 0.999, 1e-8, 0, false, false, false), 'TypeError',
        new RegExp(`adamStepMany: argument 'maxExpAvgSqs\\[0\\]' is not used when amsgrad is false and must be null \\(or a Float32Array or Float64Array, ignored\\), got ${what}$`));
    // The same for the other optional buffers of the fused steps.
    expectThrow(() => native.sgdStepMany([a()], [a()], ['buf' as any], [true], 0.1, 0, 0, 0, false), 'TypeError',
      /sgdStepMany: argument 'momentumBufs\[0\]' is not used when momentum == 0 and must be null/);
    expectThrow(() => native.rmspropStepMany([a()], [a()], [a()], [null], [1 as any], 0.01, 0.99, 1e-8, 0, 0, false, false), 'TypeError',
      /rmspropStepMany: argument 'momentumBuffers\[0\]' is not used when momentum <= 0 and must be null/);
    expectThrow(() => native.rmspropStepMany([a()], [a()], [a()], [true as any], [null], 0.01, 0.99, 1e-8, 0, 0, false, false), 'TypeError',
      /rmspropStepMany: argument 'gradAvgs\[0\]' is not used when centered is false and must be null/);
  });

  test('a getter in a list that detaches an array runs before any pointer is taken', () => {
    const p = new Float32Array(1 << 16), g = new Float32Array(1 << 16);
    const steps: number[] = [];
    Object.defineProperty(steps, 0, { get() { structuredClone(p.buffer, { transfer: [p.buffer] }); return 1; }, enumerable: true });
    Object.defineProperty(steps, 'length', { value: 1 });
    expectThrow(() => native.adamStepMany([p], [g], [new Float32Array(1 << 16)], [new Float32Array(1 << 16)], [null], steps, 0.1, 0.9, 0.999, 1e-8, 0, false, false, false),
      'RangeError', /adamStepMany: arguments 'params\[0\]' and 'grads\[0\]' must have the same length, got 0 and 65536/);
  });
});

// ---------------------------------------------------------------- RMSprop
interface RmsHp { lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean; maximize: boolean }

/** PyTorch 1.13's RMSprop rule, one step, each operation rounded in the kernel's order. */
function refRms(p: number[], g: number[], sa: number[], ga: number[] | null, buf: number[] | null, h: RmsHp, r: (x: number) => number) {
  const alpha = r(h.alpha), oma = r(1 - h.alpha), eps = r(h.eps), wd = r(h.weightDecay), mom = r(h.momentum), nlr = r(-h.lr);
  for (let i = 0; i < p.length; i++) {
    let gi = h.maximize ? -g[i] : g[i];
    if (wd !== 0) gi = r(gi + r(wd * p[i]));
    sa[i] = r(r(sa[i] * alpha) + r(r(oma * gi) * gi));
    let avg: number;
    if (h.centered) {
      ga![i] = r(r(ga![i] * alpha) + r(oma * gi));
      avg = r(Math.sqrt(r(sa[i] + r(-ga![i] * ga![i]))));
    } else avg = r(Math.sqrt(sa[i]));
    avg = r(avg + eps);
    if (h.momentum > 0) {
      buf![i] = r(r(buf![i] * mom) + r(gi / avg));
      p[i] = r(p[i] + r(nlr * buf![i]));
    } else p[i] = r(p[i] + r(r(nlr * gi) / avg));
  }
}

const RMS_HPS: [string, RmsHp][] = [
  ['plain', { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }],
  ['momentum + decay', { lr: 0.005, alpha: 0.9, eps: 1e-6, weightDecay: 0.05, momentum: 0.9, centered: false, maximize: false }],
  ['centered', { lr: 0.01, alpha: 0.95, eps: 1e-8, weightDecay: 0, momentum: 0, centered: true, maximize: true }],
  ['centered + momentum', { lr: 0.003, alpha: 0.8, eps: 1e-7, weightDecay: 0.01, momentum: 0.5, centered: true, maximize: false }],
];

describe('rmspropStep', () => {
  for (const [tname, T] of FLOATS) {
    const r = T === Float32Array ? Math.fround : (v: number) => v;
    for (const [hname, h] of RMS_HPS) {
      test.each(SIZES)(`${tname} ${hname}: three steps n=%i follow PyTorch's rule operation by operation`, (n) => {
        const p = new T(seq(n, -1, 1, 3)), sa = new T(n), ga = h.centered ? new T(n) : null, buf = h.momentum > 0 ? new T(n) : null;
        const rp = Array.from(p), rs = new Array<number>(n).fill(0), rg = ga ? rs.slice() : null, rb = buf ? rs.slice() : null;
        for (let step = 1; step <= 3; step++) {
          const g = new T(seq(n, -1, 1, 20 + step));
          native.rmspropStep(p, g, sa, ga, buf, h.lr, h.alpha, h.eps, h.weightDecay, h.momentum, h.centered, h.maximize);
          refRms(rp, Array.from(g), rs, rg, rb, h, r);
        }
        expectClose(p, rp, 0, 0);
        expectClose(sa, rs, 0, 0);
        if (ga) expectClose(ga, rg!, 0, 0);
        if (buf) expectClose(buf, rb!, 0, 0);
      });
    }
  }

  describe('bad input', () => {
    const F = Float32Array;
    const call = (o: Record<string, any>) => () => {
      const a = { p: new F(4), g: new F(4), s: new F(4), ga: new F(4) as any, b: new F(4) as any, momentum: 0.9, centered: true, ...o };
      native.rmspropStep(a.p, a.g, a.s, a.ga, a.b, 0.01, 0.99, 1e-8, 0, a.momentum, a.centered, false);
    };
    test('baseline works', () => call({})());
    test.each([
      ['squareAvg type', call({ s: 'x' }), 'TypeError', /rmspropStep: argument 'squareAvg' must be a Float32Array or Float64Array, got string/],
      ['squareAvg length', call({ s: new F(3) }), 'RangeError', /rmspropStep: arguments 'param' and 'squareAvg' must have the same length, got 4 and 3/],
      ['no gradAvg when centered', call({ ga: undefined }), 'TypeError', /rmspropStep: argument 'gradAvg' must be a Float32Array or Float64Array when centered is true, got undefined/],
      ['no buffer with momentum', call({ b: null }), 'TypeError', /rmspropStep: argument 'momentumBuffer' must be a Float32Array or Float64Array when momentum > 0, got null/],
      ['buffer dtype', call({ b: new Float64Array(4) }), 'TypeError', /rmspropStep: arguments 'param' and 'momentumBuffer' must have the same type/],
      ['centered string', call({ centered: 'true' }), 'TypeError', /rmspropStep: argument 'centered' must be a boolean, got string/],
      ['momentum NaN', call({ momentum: NaN }), 'RangeError', /rmspropStep: argument 'momentum' must be finite/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
    test('overlaps are refused; unused buffers are ignored', () => {
      const p = new F(4);
      expectThrow(call({ p, ga: p }), 'RangeError', /rmspropStep: arguments 'param' and 'gradAvg' overlap in memory/);
      call({ p, ga: p, b: p, momentum: 0, centered: false })();
    });
  });
});

describe('rmspropStepMany: every parameter of a step in one call', () => {
  const sizes = [1, 7, 16, 100, 40000, 3];
  const make = (T: FloatCtor, seed: number) =>
    sizes.map((n, i) => { const a = new T(n); for (let j = 0; j < n; j++) a[j] = Math.sin(seed + 0.37 * j + i); return a; });

  test.each([[Float32Array], [Float64Array]] as const)('%p: identical to rmspropStep on each parameter, for 1 and 2 threads', (T) => {
    const threads = native.getNumThreads();
    try {
      for (const [, h] of RMS_HPS) {
        const grads = make(T, 2);
        const ref = make(T, 1), rs = make(T, 3).map((a) => a.map(Math.abs)), rg = make(T, 4), rb = make(T, 5);
        for (let k = 0; k < 3; k++)
          ref.forEach((p, i) => native.rmspropStep(p, grads[i], rs[i], h.centered ? rg[i] : null, h.momentum > 0 ? rb[i] : null, h.lr, h.alpha, h.eps, h.weightDecay, h.momentum, h.centered, h.maximize));
        for (const t of [1, 2]) {
          native.setNumThreads(t);
          const ps = make(T, 1), ss = make(T, 3).map((a) => a.map(Math.abs)), gs = make(T, 4), bs = make(T, 5);
          for (let k = 0; k < 3; k++)
            native.rmspropStepMany(ps, grads, ss, h.centered ? gs : sizes.map(() => null), h.momentum > 0 ? bs : sizes.map(() => null), h.lr, h.alpha, h.eps, h.weightDecay, h.momentum, h.centered, h.maximize);
          const same = (a: ArrayLike<number>[], b: ArrayLike<number>[]) =>
            a.forEach((x, i) => expect(Buffer.from((x as Float32Array).buffer).equals(Buffer.from((b[i] as Float32Array).buffer))).toBe(true));
          same(ps, ref); same(ss, rs);
          if (h.centered) same(gs, rg);
          if (h.momentum > 0) same(bs, rb);
        }
      }
    } finally {
      native.setNumThreads(threads);
    }
  });

  test('bad lists are refused', () => {
    const F = Float32Array, a = () => new F(8);
    expectThrow(() => native.rmspropStepMany([a()], [a()], [a()], [null, null], [null], 0.01, 0.99, 1e-8, 0, 0, false, false), 'RangeError',
      /rmspropStepMany: argument 'gradAvgs' has 2 entries, 'params' has 1/);
    expectThrow(() => native.rmspropStepMany([a()], [a()], [a()], [null], [null], 0.01, 0.99, 1e-8, 0, 0.9, false, false), 'TypeError',
      /rmspropStepMany: argument 'momentumBuffers\[0\]' must be a Float32Array or Float64Array when momentum > 0, got null/);
    expectThrow(() => native.rmspropStepMany([a()], [a()], [a()], [3 as any], [null], 0.01, 0.99, 1e-8, 0, 0, true, false), 'TypeError',
      /rmspropStepMany: argument 'gradAvgs\[0\]' must be a Float32Array or Float64Array, got number/);
    const p = a();
    expectThrow(() => native.rmspropStepMany([p], [a()], [p], [null], [null], 0.01, 0.99, 1e-8, 0, 0, false, false), 'RangeError',
      /rmspropStepMany: '(params|squareAvgs)\[0\]' and '(params|squareAvgs)\[0\]' overlap in memory/);
  });
});
