// The normalisation kernels against a float64 JS reference: batch norm over
// (outer, c, inner) views in both modes with and without affine / running
// stats, layer norm over rows; in-place forms (y = x, gx = gy); thread-count
// independence; and the binding's checks (types, lengths, overlap, modes).
import { native } from '../../lib/native';
import { FLOATS, expectClose, expectThrow, seq } from './util';

interface BnRef { y: number[]; mean: number[]; invstd: number[]; rm: number[]; rv: number[] }

function refBatchNorm(x: ArrayLike<number>, outer: number, c: number, inner: number, w: ArrayLike<number> | null,
                      b: ArrayLike<number> | null, rm0: ArrayLike<number>, rv0: ArrayLike<number>, batch: boolean,
                      momentum: number, eps: number): BnRef {
  const y = new Array<number>(x.length), mean: number[] = [], invstd: number[] = [], rm: number[] = [], rv: number[] = [];
  const at = (o: number, k: number, j: number) => (o * c + k) * inner + j;
  const count = outer * inner;
  for (let k = 0; k < c; k++) {
    let m: number, v: number;
    if (batch) {
      let s = 0;
      for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) s += x[at(o, k, j)];
      m = s / count;
      let ss = 0;
      for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) ss += (x[at(o, k, j)] - m) ** 2;
      v = ss / count;
      rm.push((1 - momentum) * rm0[k] + momentum * m);
      rv.push((1 - momentum) * rv0[k] + momentum * (ss / (count - 1)));
    } else {
      m = rm0[k];
      v = rv0[k];
      rm.push(rm0[k]);
      rv.push(rv0[k]);
    }
    const is = 1 / Math.sqrt(v + eps);
    mean.push(m);
    invstd.push(is);
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < inner; j++) y[at(o, k, j)] = (x[at(o, k, j)] - m) * is * (w ? w[k] : 1) + (b ? b[k] : 0);
  }
  return { y, mean, invstd, rm, rv };
}

function refBatchNormBackward(x: ArrayLike<number>, gy: ArrayLike<number>, outer: number, c: number, inner: number,
                              w: ArrayLike<number> | null, mean: number[], invstd: number[], batch: boolean) {
  const gx = new Array<number>(x.length), gw: number[] = [], gb: number[] = [];
  const at = (o: number, k: number, j: number) => (o * c + k) * inner + j;
  const n = outer * inner;
  for (let k = 0; k < c; k++) {
    let sg = 0, sgx = 0;
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < inner; j++) { sg += gy[at(o, k, j)]; sgx += gy[at(o, k, j)] * (x[at(o, k, j)] - mean[k]) * invstd[k]; }
    gb.push(sg);
    gw.push(sgx);
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < inner; j++) {
        const i = at(o, k, j), xh = (x[i] - mean[k]) * invstd[k];
        gx[i] = (batch ? gy[i] - sg / n - xh * sgx / n : gy[i]) * invstd[k] * (w ? w[k] : 1);
      }
  }
  return { gx, gw, gb };
}

function refLayerNorm(x: ArrayLike<number>, m: number, n: number, w: ArrayLike<number> | null, b: ArrayLike<number> | null,
                      gy: ArrayLike<number>, eps: number) {
  const y: number[] = [], gx: number[] = [], gw = new Array<number>(n).fill(0), gb = new Array<number>(n).fill(0);
  for (let r = 0; r < m; r++) {
    const row = Array.from({ length: n }, (_, j) => x[r * n + j]);
    const mean = row.reduce((a, v) => a + v, 0) / n;
    const v = row.reduce((a, t) => a + (t - mean) ** 2, 0) / n;
    const rs = 1 / Math.sqrt(v + eps);
    const xh = row.map((t) => (t - mean) * rs);
    const g = xh.map((_, j) => gy[r * n + j] * (w ? w[j] : 1));
    const a = g.reduce((s, t) => s + t, 0) / n, bb = g.reduce((s, t, j) => s + t * xh[j], 0) / n;
    for (let j = 0; j < n; j++) {
      y.push(xh[j] * (w ? w[j] : 1) + (b ? b[j] : 0));
      gx.push(rs * (g[j] - a - xh[j] * bb));
      gw[j] += gy[r * n + j] * xh[j];
      gb[j] += gy[r * n + j];
    }
  }
  return { y, gx, gw, gb };
}

const BN_VIEWS: [number, number, number][] = [[6, 3, 1], [4, 3, 5], [1, 2, 2], [2, 1, 7], [300, 5, 40], [3, 64, 1]];

describe('batchNormForward / batchNormBackward', () => {
  for (const [tname, T] of FLOATS) {
    const tol = T === Float32Array ? 3e-6 : 1e-12;
    for (const batch of [true, false])
      for (const affine of [true, false])
        test.each(BN_VIEWS)(`${tname} ${batch ? 'batch' : 'running'} stats, affine ${affine}, (%i, %i, %i)`, (outer, c, inner) => {
          const x = new T(seq(outer * c * inner, -2, 5, outer + c + inner));
          const w = affine ? new T(seq(c, 0.5, 1.5, 3)) : null, b = affine ? new T(seq(c, -1, 1, 4)) : null;
          const rm = new T(seq(c, -0.5, 0.5, 5)), rv = new T(seq(c, 0.5, 2, 6));
          const ref = refBatchNorm(x, outer, c, inner, w, b, rm, rv, batch, 0.1, 1e-5);
          const y = new T(x.length), sm = new Float64Array(c), si = new Float64Array(c);
          native.batchNormForward(x, outer, c, inner, w, b, rm, rv, batch, 0.1, 1e-5, y, sm, si);
          expectClose(y, ref.y, tol * 10, tol * 10);
          expectClose(sm, ref.mean, 1e-12, 1e-12);
          expectClose(si, ref.invstd, 1e-12, 1e-12);
          expectClose(rm, ref.rm, tol, tol);
          expectClose(rv, ref.rv, tol, tol);
          const gy = new T(seq(x.length, -1, 1, 9));
          const gx = new T(x.length), gw = new T(c), gb = new T(c);
          native.batchNormBackward(x, gy, outer, c, inner, w, sm, si, batch, gx, gw, gb);
          const g = refBatchNormBackward(x, gy, outer, c, inner, w, ref.mean, ref.invstd, batch);
          expectClose(gx, g.gx, tol * 10, tol * 10);
          expectClose(gw, g.gw, tol * 10, tol * 10);
          expectClose(gb, g.gb, tol * 10, tol * 10);
        });
  }

  test('without running stats in training; in place (y = x, gx = gy); only some gradients', () => {
    const x = new Float64Array(seq(24, -3, 3, 2)), x0 = Float64Array.from(x);
    const sm = new Float64Array(3), si = new Float64Array(3);
    const ref = refBatchNorm(x0, 4, 3, 2, null, null, [0, 0, 0], [1, 1, 1], true, 0.1, 1e-5);
    native.batchNormForward(x, 4, 3, 2, null, null, null, null, true, 0.1, 1e-5, x, sm, si);
    expectClose(x, ref.y, 1e-12);
    const gy = new Float64Array(seq(24, -1, 1, 3)), gy0 = Float64Array.from(gy);
    const gb = new Float64Array(3);
    native.batchNormBackward(x0, gy, 4, 3, 2, null, sm, si, true, gy, null, gb);
    const g = refBatchNormBackward(x0, gy0, 4, 3, 2, null, ref.mean, ref.invstd, true);
    expectClose(gy, g.gx, 1e-12);
    expectClose(gb, g.gb, 1e-12);
  });

  test('large inputs: the result does not depend on the thread count', () => {
    // 200 channels = 4 blocks of 64 channels; 64*30 elements each: several tasks.
    const x = new Float32Array(seq(64 * 200 * 30, -1, 1, 11)), gy = new Float32Array(seq(x.length, -1, 1, 12));
    const run = (threads: number) => {
      native.setNumThreads(threads);
      const y = new Float32Array(x.length), sm = new Float64Array(200), si = new Float64Array(200);
      native.batchNormForward(x, 64, 200, 30, null, null, null, null, true, 0.1, 1e-5, y, sm, si);
      const gx = new Float32Array(x.length), gw = new Float32Array(200);
      native.batchNormBackward(x, gy, 64, 200, 30, null, sm, si, true, gx, gw, null);
      const ref = refBatchNorm(x, 64, 200, 30, null, null, new Array(200).fill(0), new Array(200).fill(1), true, 0.1, 1e-5);
      expectClose(y, ref.y, 3e-6, 3e-6);
      return new Float32Array([...y, ...gx, ...gw]);
    };
    const n0 = native.getNumThreads();
    const a = run(1), b = run(4);
    native.setNumThreads(n0);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  describe('bad input', () => {
    const F = Float32Array, D = Float64Array;
    const x = new F(12), y = new F(12), sm = new D(3), si = new D(3);
    test.each([
      ['x type', () => native.batchNormForward(new Int32Array(12) as any, 4, 3, 1, null, null, null, null, true, 0.1, 1e-5, y, sm, si),
        'TypeError', /batchNormForward: argument 'x' must be a Float32Array or Float64Array/],
      ['x length', () => native.batchNormForward(new F(11), 4, 3, 1, null, null, null, null, true, 0.1, 1e-5, y, sm, si),
        'RangeError', /batchNormForward: argument 'x' has length 11, expected 12/],
      ['weight length', () => native.batchNormForward(x, 4, 3, 1, new F(2), null, null, null, true, 0.1, 1e-5, y, sm, si),
        'RangeError', /batchNormForward: argument 'weight' has length 2, expected 3/],
      ['weight dtype', () => native.batchNormForward(x, 4, 3, 1, new D(3) as any, null, null, null, true, 0.1, 1e-5, y, sm, si),
        'TypeError', /batchNormForward: arguments 'x' and 'weight' must have the same type/],
      ['save dtype', () => native.batchNormForward(x, 4, 3, 1, null, null, null, null, true, 0.1, 1e-5, y, new F(3) as any, si),
        'TypeError', /batchNormForward: argument 'saveMean' must be a Float64Array, got Float32Array/],
      ['eval without running stats', () => native.batchNormForward(x, 4, 3, 1, null, null, null, null, false, 0.1, 1e-5, y, sm, si),
        'TypeError', /batchNormForward: runningMean and runningVar are required when useBatchStats is false/],
      ['only one running stat', () => native.batchNormForward(x, 4, 3, 1, null, null, new F(3), null, true, 0.1, 1e-5, y, sm, si),
        'TypeError', /batchNormForward: pass both runningMean and runningVar, or neither/],
      ['momentum', () => native.batchNormForward(x, 4, 3, 1, null, null, null, null, true, 1.5, 1e-5, y, sm, si),
        'RangeError', /batchNormForward: argument 'momentum' must be in \[0, 1\], got 1.5/],
      ['eps', () => native.batchNormForward(x, 4, 3, 1, null, null, null, null, true, 0.1, -1, y, sm, si),
        'RangeError', /batchNormForward: argument 'eps' must be >= 0/],
      ['y partially overlaps x', () => { const buf = new F(13); native.batchNormForward(buf.subarray(0, 12), 4, 3, 1, null, null, null, null, true, 0.1, 1e-5, buf.subarray(1), sm, si); },
        'RangeError', /batchNormForward: argument 'y' partially overlaps 'x'/],
      ['running mean is x', () => native.batchNormForward(x, 4, 3, 1, null, null, x.subarray(0, 3), new F(3), true, 0.1, 1e-5, y, sm, si),
        'RangeError', /batchNormForward: arguments 'x' and 'runningMean' overlap in memory/],
      ['size product', () => native.batchNormForward(x, 2 ** 40, 2 ** 20, 2 ** 10, null, null, null, null, true, 0.1, 1e-5, y, sm, si),
        'RangeError', /batchNormForward: outer\*c\*inner = .* is more than 2\^53/],
      ['backward gx length', () => native.batchNormBackward(x, y, 4, 3, 1, null, sm, si, true, new F(3), null, null),
        'RangeError', /batchNormBackward: argument 'gx' has length 3, expected 12/],
      ['backward gweight overlaps gy', () => native.batchNormBackward(x, y, 4, 3, 1, null, sm, si, true, null, y.subarray(0, 3), null),
        'RangeError', /batchNormBackward: arguments 'gweight' and 'gy' overlap in memory/],
      ['backward missing args', () => (native.batchNormBackward as any)(x, y, 4, 3, 1, null, sm, si, true, null, null),
        'TypeError', /batchNormBackward: expected 12 arguments, got 11/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
  });
});

describe('layerNormForward / layerNormBackward', () => {
  for (const [tname, T] of FLOATS) {
    const tol = T === Float32Array ? 3e-6 : 1e-12;
    for (const affine of [true, false])
      test.each([[4, 5], [1, 1], [3, 64], [200, 300], [2, 1000], [0, 4]])(`${tname} affine ${affine} (%i, %i)`, (m, n) => {
        const x = new T(seq(m * n, -3, 6, m + n));
        const w = affine ? new T(seq(n, 0.5, 1.5, 2)) : null, b = affine ? new T(seq(n, -1, 1, 3)) : null;
        const gy = new T(seq(m * n, -1, 1, 4));
        const ref = refLayerNorm(x, m, n, w, b, gy, 1e-5);
        const y = new T(m * n), sm = new Float64Array(m), sr = new Float64Array(m);
        native.layerNormForward(x, m, n, w, b, 1e-5, y, sm, sr);
        expectClose(y, ref.y, tol * 10, tol * 10);
        const gx = new T(m * n), gw = new T(n), gb = new T(n);
        native.layerNormBackward(x, gy, m, n, w, sm, sr, gx, gw, gb);
        expectClose(gx, ref.gx, tol * 30, tol * 30);
        if (m > 0) {
          expectClose(gw, ref.gw, tol * 30, tol * 30);
          expectClose(gb, ref.gb, tol * 30, tol * 30);
        }
      });
  }

  test('float32 rows near 1e4 with unit spread: no cancellation', () => {
    const vals = seq(256, -1, 1, 7).map((v) => 1e4 + v);
    const x = new Float32Array(vals);
    const y = new Float32Array(256), sm = new Float64Array(1), sr = new Float64Array(1);
    native.layerNormForward(x, 1, 256, null, null, 1e-5, y, sm, sr);
    const ref = refLayerNorm(Float64Array.from(x), 1, 256, null, null, new Array(256).fill(0), 1e-5).y;
    expectClose(y, ref, 2e-7, 2e-7);
  });

  test('in place: y = x and gx = gy', () => {
    const x = new Float64Array(seq(12, -1, 1, 5)), x0 = Float64Array.from(x);
    const gy = new Float64Array(seq(12, -1, 1, 6)), gy0 = Float64Array.from(gy);
    const sm = new Float64Array(3), sr = new Float64Array(3);
    native.layerNormForward(x, 3, 4, null, null, 1e-5, x, sm, sr);
    const ref = refLayerNorm(x0, 3, 4, null, null, gy0, 1e-5);
    expectClose(x, ref.y, 1e-12);
    const gb = new Float64Array(4);
    native.layerNormBackward(x0, gy, 3, 4, null, sm, sr, gy, null, gb);
    expectClose(gy, ref.gx, 1e-12);
    expectClose(gb, ref.gb, 1e-12);
  });

  describe('bad input', () => {
    const F = Float32Array, D = Float64Array;
    const x = new F(12), y = new F(12), sm = new D(3), sr = new D(3);
    test.each([
      ['x length', () => native.layerNormForward(new F(10), 3, 4, null, null, 1e-5, y, sm, sr), 'RangeError', /layerNormForward: argument 'x' has length 10, expected 12/],
      ['weight length', () => native.layerNormForward(x, 3, 4, new F(3), null, 1e-5, y, sm, sr), 'RangeError', /layerNormForward: argument 'weight' has length 3, expected 4/],
      ['bias type', () => native.layerNormForward(x, 3, 4, null, [1, 2, 3, 4] as any, 1e-5, y, sm, sr), 'TypeError', /layerNormForward: argument 'bias' must be a Float32Array or Float64Array/],
      ['saveRstd length', () => native.layerNormForward(x, 3, 4, null, null, 1e-5, y, sm, new D(2)), 'RangeError', /layerNormForward: argument 'saveRstd' has length 2, expected 3/],
      ['eps NaN', () => native.layerNormForward(x, 3, 4, null, null, NaN, y, sm, sr), 'RangeError', /layerNormForward: argument 'eps' must be finite/],
      ['y overlaps weight', () => native.layerNormForward(x, 3, 4, y.subarray(0, 4), null, 1e-5, y, sm, sr), 'RangeError', /layerNormForward: arguments 'y' and 'weight' overlap in memory/],
      ['size product', () => native.layerNormForward(x, 2 ** 30, 2 ** 30, null, null, 1e-5, y, sm, sr), 'RangeError', /layerNormForward: m\*n = .* is more than 2\^53/],
      ['backward gweight length', () => native.layerNormBackward(x, y, 3, 4, null, sm, sr, null, new F(3), null), 'RangeError', /layerNormBackward: argument 'gweight' has length 3, expected 4/],
      ['backward gx partially overlaps gy', () => { const buf = new F(13); native.layerNormBackward(x, buf.subarray(0, 12), 3, 4, null, sm, sr, buf.subarray(1), null, null); },
        'RangeError', /layerNormBackward: argument 'gx' partially overlaps 'gy'/],
      ['backward dtype', () => native.layerNormBackward(x, new D(12) as any, 3, 4, null, sm, sr, null, null, null), 'TypeError', /layerNormBackward: arguments 'x' and 'gy' must have the same type/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
  });
});

describe('crossEntropyEx / softCrossEntropy kernels', () => {
  test('ignored rows, weights and smoothing, against a float64 reference', () => {
    const n = 4, c = 3;
    const z = new Float64Array(seq(n * c, -2, 2, 3)), t = new Int32Array([2, -100, 0, 1]), w = new Float64Array([0.5, 2, 1]);
    const losses = new Float64Array(n), rw = new Float64Array(n), lp = new Float64Array(n * c);
    native.crossEntropyExForward(z, t, w, -100, 0.1, n, c, losses, rw, lp);
    for (let i = 0; i < n; i++) {
      const row = Array.from(z.subarray(i * c, i * c + c));
      const mx = Math.max(...row), lse = mx + Math.log(row.reduce((a, v) => a + Math.exp(v - mx), 0));
      const l = row.map((v) => v - lse);
      if (t[i] === -100) { expect([losses[i], rw[i]]).toEqual([0, 0]); continue; }
      const smooth = -l.reduce((a, v, j) => a + w[j] * v, 0);
      expect(losses[i]).toBeCloseTo(0.9 * -w[t[i]] * l[t[i]] + (0.1 / c) * smooth, 12);
      expect(rw[i]).toBe(w[t[i]]);
    }
    const gl = new Float64Array(n * c);
    native.crossEntropyExBackward(lp, t, w, -100, 0.1, n, c, new Float64Array([1]), gl);
    expect(Array.from(gl.subarray(c, 2 * c))).toEqual([0, 0, 0]);
  });
  test('bad input', () => {
    const z = new Float32Array(6), lp = new Float32Array(6), l = new Float32Array(2), rw = new Float32Array(2);
    expectThrow(() => native.crossEntropyExForward(z, new Int32Array([0, 3]), null, -100, 0, 2, 3, l, rw, lp), 'RangeError',
      /crossEntropy: target 3 out of range for 3 classes/);
    expectThrow(() => native.crossEntropyExForward(z, new Int32Array([0, 1]), null, -100, 2, 2, 3, l, rw, lp), 'RangeError',
      /crossEntropyExForward: argument 'labelSmoothing' must be in \[0, 1\], got 2/);
    expectThrow(() => native.crossEntropyExForward(z, new Int32Array([0, 1]), new Float32Array(2), -100, 0, 2, 3, l, rw, lp), 'RangeError',
      /crossEntropyExForward: argument 'weight' has length 2, expected 3/);
    expectThrow(() => native.crossEntropyExForward(z, new Int32Array([0, 1]), null, -100, 0, 2, 3, l, l, lp), 'RangeError',
      /crossEntropyExForward: arguments 'losses' and 'rowWeights' overlap in memory/);
    expectThrow(() => native.softCrossEntropyForward(z, new Float32Array(5), null, 2, 3, l, lp), 'RangeError',
      /softCrossEntropyForward: argument 'target' has length 5, expected 6/);
    expectThrow(() => native.softCrossEntropyBackward(lp, new Float32Array(6), null, 2, 3, new Float32Array(3), lp), 'RangeError',
      /softCrossEntropyBackward: argument 'gLoss' has length 3, expected 1 or 2/);
  });
});
