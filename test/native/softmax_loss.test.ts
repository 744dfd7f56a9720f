import { native } from '../../lib/native';
import { PointLoss } from '../../binding';
import { FLOATS, SIZES, expectClose, expectThrow, seq } from './util';

/** float64 softmax / log-softmax over the middle axis of (outer, n, inner). */
function refSoftmax(x: ArrayLike<number>, outer: number, n: number, inner: number, log: boolean): number[] {
  const out = new Array<number>(outer * n * inner);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      const at = (k: number) => (o * n + k) * inner + j;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, x[at(k)]);
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(x[at(k)] - m);
      for (let k = 0; k < n; k++) out[at(k)] = log ? x[at(k)] - m - Math.log(s) : Math.exp(x[at(k)] - m) / s;
    }
  return out;
}

function refSoftmaxBackward(y: ArrayLike<number>, gy: ArrayLike<number>, outer: number, n: number, inner: number,
  log: boolean): number[] {
  const out = new Array<number>(outer * n * inner);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      const at = (k: number) => (o * n + k) * inner + j;
      let s = 0;
      for (let k = 0; k < n; k++) s += log ? gy[at(k)] : gy[at(k)] * y[at(k)];
      for (let k = 0; k < n; k++) out[at(k)] = log ? gy[at(k)] - Math.exp(y[at(k)]) * s : y[at(k)] * (gy[at(k)] - s);
    }
  return out;
}

const VIEWS: [number, number, number][] = [
  ...SIZES.filter((n) => n > 0).map((n) => [2, n, 1] as [number, number, number]),
  [3, 10, 1], [2, 5, 7], [2, 3, 300], [1, 1, 1], [4, 2, 3], [0, 3, 2],
];

describe('softmax', () => {
  for (const [tname, T] of FLOATS) {
    const tol = T === Float32Array ? 2e-6 : 1e-13;
    for (const log of [false, true]) {
      const name = log ? 'logSoftmax' : 'softmax';
      test.each(VIEWS)(`${tname} ${name} (%i, %i, %i)`, (outer, n, inner) => {
        const x = new T(seq(outer * n * inner, -5, 5, n + inner));
        const out = new T(x.length);
        native.softmax(x, outer, n, inner, out, log);
        expectClose(out, refSoftmax(x, outer, n, inner, log), tol * 4, tol * 4);
      });
      test.each(VIEWS)(`${tname} ${name} backward (%i, %i, %i)`, (outer, n, inner) => {
        const x = new T(seq(outer * n * inner, -5, 5, n + inner + 1));
        const y = new T(x.length), gy = new T(seq(x.length, -1, 1, 3)), gx = new T(x.length);
        native.softmax(x, outer, n, inner, y, log);
        native.softmaxBackward(y, gy, outer, n, inner, gx, log);
        expectClose(gx, refSoftmaxBackward(y, gy, outer, n, inner, log), tol * 10, tol * 10);
      });
      test(`${tname} ${name} is stable for logits of +-1e4 and may write in place`, () => {
        const x = new T([1e4, -1e4, 0, 1e4 - 1, -1e4, 1e4]);
        const ref = refSoftmax(x, 2, 3, 1, log);
        native.softmax(x, 2, 3, 1, x, log);
        expect(Array.from(x).some(Number.isNaN)).toBe(false);
        expectClose(x, ref, tol, tol);
        if (log) expect(x[0]).toBe(0);
      });
    }
    test(`${tname} softmax backward matches finite differences of sum(w * softmax)`, () => {
      if (T !== Float64Array) return;
      const n = 9, x = new Float64Array(seq(n, -2, 2, 5)), w = new Float64Array(seq(n, -1, 1, 6));
      for (const log of [false, true]) {
        const y = new Float64Array(n), gx = new Float64Array(n);
        native.softmax(x, 1, n, 1, y, log);
        native.softmaxBackward(y, w, 1, n, 1, gx, log);
        const f = (xs: Float64Array) => { const o = new Float64Array(n); native.softmax(xs, 1, n, 1, o, log); return o.reduce((s, v, i) => s + v * w[i], 0); };
        for (let i = 0; i < n; i++) {
          const xp = x.slice(), xm = x.slice();
          xp[i] += 1e-6; xm[i] -= 1e-6;
          expect(Math.abs((f(xp) - f(xm)) / 2e-6 - gx[i])).toBeLessThan(1e-7);
        }
      }
    });
    test(`${tname} a NaN logit gives a NaN row only`, () => {
      const x = new T([1, NaN, 2, 1, 2, 3]), out = new T(6);
      native.softmax(x, 2, 3, 1, out, false);
      expect(Array.from(out.subarray(0, 3)).every(Number.isNaN)).toBe(true);
      expect(Array.from(out.subarray(3)).some(Number.isNaN)).toBe(false);
    });
  }
  describe('bad input', () => {
    const x = new Float32Array(6), out = new Float32Array(6);
    test.each([
      ['x wrong type', () => native.softmax(null as any, 2, 3, 1, out, false), 'TypeError', /softmax: argument 'x' must be a Float32Array or Float64Array, got null/],
      ['mixed dtypes', () => native.softmax(x, 2, 3, 1, new Float64Array(6), false), 'TypeError', /softmax: arguments 'x' and 'out' must have the same type/],
      ['view mismatch', () => native.softmax(x, 2, 4, 1, out, false), 'RangeError', /softmax: argument 'x' has length 6, expected outer\*n\*inner = 2\*4\*1/],
      ['out length', () => native.softmax(x, 2, 3, 1, new Float32Array(5), false), 'RangeError', /softmax: arguments 'x' and 'out' must have the same length, got 6 and 5/],
      ['log not boolean', () => native.softmax(x, 2, 3, 1, out, 0 as any), 'TypeError', /softmax: argument 'log' must be a boolean, got number/],
      ['negative inner', () => native.softmax(x, 2, 3, -1, out, false), 'RangeError', /softmax: argument 'inner' must be an integer/],
      ['backward mixed', () => native.softmaxBackward(x, new Float64Array(6), 2, 3, 1, out, false), 'TypeError', /softmaxBackward: arguments 'y' and 'gy' must have the same type/],
      ['backward gx length', () => native.softmaxBackward(x, x, 2, 3, 1, new Float32Array(7), true), 'RangeError', /softmaxBackward: arguments 'y' and 'gx' must have the same length/],
      ['backward view', () => native.softmaxBackward(x, x, 1, 3, 1, out, true), 'RangeError', /softmaxBackward: argument 'y' has length 6, expected outer\*n\*inner = 1\*3\*1/],
      ['backward n NaN', () => native.softmaxBackward(x, x, 2, NaN, 1, out, true), 'RangeError', /softmaxBackward: argument 'n'/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
  });
});

describe('crossEntropy', () => {
  for (const [tname, T] of FLOATS) {
    const tol = T === Float32Array ? 5e-6 : 1e-13;
    test.each([[1, 1], [4, 10], [17, 3], [33, 9], [2, 1000]])(`${tname} forward and backward n=%i c=%i`, (n, c) => {
      const logits = new T(seq(n * c, -4, 4, c));
      const target = new Int32Array(n).map((_, i) => (i * 7) % c);
      const losses = new T(n), lp = new T(n * c);
      native.crossEntropyForward(logits, target, n, c, losses, lp);
      const rlp = refSoftmax(logits, n, c, 1, true);
      expectClose(lp, rlp, tol, tol);
      expectClose(losses, Array.from(target, (t, i) => -rlp[i * c + t]), tol, tol);
      // 'mean' reduction: one factor 1/n for every row.
      const g = new T([1 / n]), gl = new T(n * c);
      native.crossEntropyBackward(lp, target, n, c, g, gl);
      const ref = rlp.map((v, k) => (Math.exp(v) - (k % c === target[Math.floor(k / c)] ? 1 : 0)) / n);
      expectClose(gl, ref, tol * 10, tol);
      // Per-row factors ('none' reduction).
      const gr = new T(seq(n, 0.5, 2, 4)), gl2 = new T(n * c);
      native.crossEntropyBackward(lp, target, n, c, gr, gl2);
      expectClose(gl2, rlp.map((v, k) => gr[Math.floor(k / c)] * (Math.exp(v) - (k % c === target[Math.floor(k / c)] ? 1 : 0))), tol * 10, tol);
    });
    test(`${tname} large logits are stable`, () => {
      const logits = new T([1e4, -1e4, 0, -1e4, 1e4, 1e4]), target = new Int32Array([0, 0]);
      const losses = new T(2), lp = new T(6);
      native.crossEntropyForward(logits, target, 2, 3, losses, lp);
      expect(losses[0] === 0).toBe(true);  // -0 (the negated log-prob 0), as in torch
      expectClose([losses[1]], [2e4 + Math.log(2)], tol, 0);
      expectClose(Array.from(lp.subarray(3)), [-2e4 - Math.log(2), -Math.log(2), -Math.log(2)], tol, 0);
    });
    test(`${tname} a target out of range throws before anything is written`, () => {
      const logits = new T(seq(30)), losses = new T(3).fill(7), lp = new T(30).fill(7);
      expectThrow(() => native.crossEntropyForward(logits, new Int32Array([1, 12, 0]), 3, 10, losses, lp), 'RangeError',
        /crossEntropy: target 12 out of range for 10 classes$/);
      expectThrow(() => native.crossEntropyForward(logits, new Int32Array([-1, 0, 0]), 3, 10, losses, lp), 'RangeError',
        /crossEntropy: target -1 out of range for 10 classes/);
      expect(Array.from(losses)).toEqual([7, 7, 7]);
      expect(Array.from(lp).every((v) => v === 7)).toBe(true);
      const gl = new T(30).fill(7);
      expectThrow(() => native.crossEntropyBackward(lp, new Int32Array([0, 10, 0]), 3, 10, new T([1]), gl), 'RangeError',
        /crossEntropyBackward: target 10 out of range for 10 classes/);
      expect(Array.from(gl).every((v) => v === 7)).toBe(true);
    });
  }
  describe('bad input', () => {
    const logits = new Float32Array(6), t = new Int32Array(2), l = new Float32Array(2), lp = new Float32Array(6);
    test.each([
      ['logits type', () => native.crossEntropyForward([] as any, t, 2, 3, l, lp), 'TypeError', /crossEntropyForward: argument 'logits' must be a Float32Array or Float64Array, got Array/],
      ['target Float32Array', () => native.crossEntropyForward(logits, new Float32Array(2) as any, 2, 3, l, lp), 'TypeError', /crossEntropyForward: argument 'target' must be a Int32Array, got Float32Array\(2\)/],
      ['mixed dtypes', () => native.crossEntropyForward(logits, t, 2, 3, new Float64Array(2), lp), 'TypeError', /crossEntropyForward: arguments 'logits' and 'losses' must have the same type/],
      ['logits length', () => native.crossEntropyForward(logits, t, 2, 4, l, lp), 'RangeError', /crossEntropyForward: argument 'logits' has length 6, expected 8/],
      ['target length', () => native.crossEntropyForward(logits, new Int32Array(3), 2, 3, l, lp), 'RangeError', /crossEntropyForward: argument 'target' has length 3, expected 2/],
      ['losses length', () => native.crossEntropyForward(logits, t, 2, 3, new Float32Array(1), lp), 'RangeError', /crossEntropyForward: argument 'losses' has length 1, expected 2/],
      ['logProbs length', () => native.crossEntropyForward(logits, t, 2, 3, l, new Float32Array(5)), 'RangeError', /crossEntropyForward: argument 'logProbs' has length 5, expected 6/],
      ['n negative', () => native.crossEntropyForward(logits, t, -2, 3, l, lp), 'RangeError', /crossEntropyForward: argument 'n' must be an integer/],
      ['c NaN', () => native.crossEntropyForward(logits, t, 2, NaN, l, lp), 'RangeError', /crossEntropyForward: argument 'c'/],
      ['n*c overflow', () => native.crossEntropyForward(logits, t, 2 ** 40, 2 ** 40, l, lp), 'RangeError', /crossEntropyForward: n\*c = .* is too large/],
      ['c = 0 with rows', () => native.crossEntropyForward(new Float32Array(0), t, 2, 0, l, new Float32Array(0)), 'RangeError', /crossEntropy: target 0 out of range for 0 classes/],
      ['backward gLoss length', () => native.crossEntropyBackward(lp, t, 2, 3, new Float32Array(3), lp), 'RangeError', /crossEntropyBackward: argument 'gLoss' has length 3, expected 1 or 2/],
      ['backward gLoss type', () => native.crossEntropyBackward(lp, t, 2, 3, 1 as any, lp), 'TypeError', /crossEntropyBackward: argument 'gLoss' must be a Float32Array or Float64Array, got number/],
      ['backward mixed', () => native.crossEntropyBackward(lp, t, 2, 3, new Float32Array(1), new Float64Array(6)), 'TypeError', /crossEntropyBackward: arguments 'logProbs' and 'gLogits' must have the same type/],
      ['backward gLogits length', () => native.crossEntropyBackward(lp, t, 2, 3, new Float32Array(1), new Float32Array(5)), 'RangeError', /crossEntropyBackward: argument 'gLogits' has length 5, expected 6/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
  });
});

describe('pointLoss', () => {
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const B = 0.75, D = 1.25;  // SmoothL1's beta, Huber's delta (the kernels' param)
  const KINDS: [PointLoss, string, number, number, (x: number, y: number) => number, (x: number, y: number) => number, number][] = [
    [PointLoss.Mse, 'mse', -3, 3, (x, y) => (x - y) ** 2, (x, y) => 2 * (x - y), 0],
    [PointLoss.Bce, 'bce', 0.01, 0.99, (x, y) => -(y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log(1 - x), -100)),
      (x, y) => (x - y) / Math.max((1 - x) * x, Math.fround(1e-12)), 0],
    [PointLoss.BceLogits, 'bceWithLogits', -6, 6, (x, y) => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))), (x, y) => sig(x) - y, 0],
    [PointLoss.L1, 'l1', -3, 3, (x, y) => Math.abs(x - y), (x, y) => Math.sign(x - y), 0],
    [PointLoss.SmoothL1, 'smoothL1', -3, 3, (x, y) => (Math.abs(x - y) < B ? (0.5 * (x - y) ** 2) / B : Math.abs(x - y) - 0.5 * B),
      (x, y) => Math.max(-1, Math.min(1, (x - y) / B)), B],
    [PointLoss.Huber, 'huber', -3, 3, (x, y) => (Math.abs(x - y) < D ? 0.5 * (x - y) ** 2 : D * (Math.abs(x - y) - 0.5 * D)),
      (x, y) => Math.max(-D, Math.min(D, x - y)), D],
  ];
  for (const [tname, T] of FLOATS) {
    const tol = T === Float32Array ? 1e-5 : 1e-12;
    for (const [kind, name, lo, hi, f, d, param] of KINDS) {
      test.each(SIZES)(`${tname} ${name} forward/backward n=%i`, (n) => {
        const x = new T(seq(n, lo, hi, n + 2)), y = new T(seq(n, 0, 1, n + 3));
        const out = new T(n);
        native.pointLoss(kind, x, y, out, param);
        expectClose(out, Array.from(x, (v, i) => f(v, y[i])), tol, tol);
        const g1 = new T([0.5]), gx = new T(n);
        native.pointLossBackward(kind, x, y, g1, gx, param);
        expectClose(gx, Array.from(x, (v, i) => 0.5 * d(v, y[i])), tol, tol);
        const g = new T(seq(n, -1, 1, 5));
        native.pointLossBackward(kind, x, y, g, gx, param);
        expectClose(gx, Array.from(x, (v, i) => g[i] * d(v, y[i])), tol, tol);
      });
    }
    test(`${tname} BCE matches torch 1.13 at the clamps (values from torch)`, () => {
      const x = new T([0, 1e-14, 0.3, 0.5, 1]), y = new T([1, 0, 0.2, 0.5, 0]);
      const out = new T(5), g = new T([1]), gx = new T(5);
      native.pointLoss(PointLoss.Bce, x, y, out, 0);
      native.pointLossBackward(PointLoss.Bce, x, y, g, gx, 0);
      if (T === Float64Array) {
        expectClose(out, [100.0, 9.99200722162646e-15, 0.5261345160161732, 0.6931471805599453, 100.0], 1e-14, 0);
        // torch's eps is the float 1e-12f, hence -1.000000004e12 rather than -1e12.
        expectClose(gx, [-1000000003995.8029, 0.010000000039958028, 0.4761904761904761, 0.0, 1000000003995.8029], 1e-14, 0);
      } else {
        expect(out[0]).toBe(100);
        expect(out[4]).toBe(100);
        expectClose([gx[0], gx[4]], [-1000000003995.8029, 1000000003995.8029], 1e-6, 0);
      }
    });
    test(`${tname} BCE with logits is stable for large |x| (values from torch)`, () => {
      const x = new T([-100, -3, 0, 2, 50]), y = new T([0, 1, 0.5, 1, 0]);
      const out = new T(5), g = new T([1]), gx = new T(5);
      native.pointLoss(PointLoss.BceLogits, x, y, out, 0);
      native.pointLossBackward(PointLoss.BceLogits, x, y, g, gx, 0);
      expectClose(out, [0.0, 3.048587351573742, 0.6931471805599453, 0.1269280110429726, 50.0], tol, 1e-30);
      expectClose(gx, [3.7200759760208356e-44, -0.9525741268224333, 0.0, -0.11920292202211769, 1.0], tol, T === Float32Array ? 1e-44 : 1e-30);
    });
  }
  describe('bad input', () => {
    const x = new Float32Array(4), y = new Float32Array(4), out = new Float32Array(4);
    test.each([
      ['kind 6', () => native.pointLoss(6 as any, x, y, out, 0), 'RangeError', /pointLoss: argument 'kind' must be an integer in \[0, 5\], got 6/],
      ['kind string', () => native.pointLoss('mse' as any, x, y, out, 0), 'TypeError', /pointLoss: argument 'kind' must be a number/],
      ['input type', () => native.pointLoss(0, new Int32Array(4) as any, y, out, 0), 'TypeError', /pointLoss: argument 'input' must be a Float32Array or Float64Array/],
      ['mixed dtypes', () => native.pointLoss(0, x, new Float64Array(4), out, 0), 'TypeError', /pointLoss: arguments 'input' and 'target' must have the same type/],
      ['length', () => native.pointLoss(0, x, y, new Float32Array(3), 0), 'RangeError', /pointLoss: arguments 'input' and 'out' must have the same length, got 4 and 3/],
      ['target length', () => native.pointLoss(0, x, new Float32Array(5), out, 0), 'RangeError', /pointLoss: arguments 'input' and 'target' must have the same length/],
      ['param missing', () => (native.pointLoss as any)(0, x, y, out), 'TypeError', /pointLoss: expected 5 arguments, got 4/],
      ['param string', () => native.pointLoss(0, x, y, out, '1' as any), 'TypeError', /pointLoss: argument 'param' must be a number, got string/],
      ['param NaN', () => native.pointLoss(PointLoss.Huber, x, y, out, NaN), 'RangeError', /pointLoss: argument 'param' must be finite/],
      ['smoothL1 beta < 0', () => native.pointLoss(PointLoss.SmoothL1, x, y, out, -1), 'RangeError', /pointLoss: argument 'param' \(beta\) must be >= 0, got -1/],
      ['huber delta 0', () => native.pointLoss(PointLoss.Huber, x, y, out, 0), 'RangeError', /pointLoss: argument 'param' \(delta\) must be > 0, got 0/],
      ['backward huber delta', () => native.pointLossBackward(PointLoss.Huber, x, y, out, out, -2), 'RangeError', /pointLossBackward: argument 'param' \(delta\) must be > 0/],
      ['backward kind', () => native.pointLossBackward(-1 as any, x, y, out, out, 0), 'RangeError', /pointLossBackward: argument 'kind'/],
      ['backward gOut length', () => native.pointLossBackward(0, x, y, new Float32Array(2), out, 0), 'RangeError', /pointLossBackward: argument 'gOut' has length 2, expected 1 or 4/],
      ['backward gOut empty', () => native.pointLossBackward(0, x, y, new Float32Array(0), out, 0), 'RangeError', /pointLossBackward: argument 'gOut' has length 0, expected 1 or 4/],
      ['backward gIn mixed', () => native.pointLossBackward(0, x, y, out, new Float64Array(4), 0), 'TypeError', /pointLossBackward: arguments 'input' and 'gIn' must have the same type/],
      ['backward gIn missing', () => (native.pointLossBackward as any)(0, x, y, out), 'TypeError', /pointLossBackward: expected 6 arguments, got 4/],
      ['backward gIn undefined', () => (native.pointLossBackward as any)(0, x, y, out, undefined, 0), 'TypeError', /pointLossBackward: argument 'gIn' .* got undefined/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
  });
});
