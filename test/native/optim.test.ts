import { native } from '../../lib/native';
import { FLOATS, SIZES, expectClose, expectThrow, seq } from './util';

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
