import { native } from '../../lib/native';
import { ReduceOp } from '../../binding';
import { FLOATS, SIZES, expectClose, expectThrow, seq } from './util';

const OPS: [ReduceOp, string][] = [
  [ReduceOp.Sum, 'sum'], [ReduceOp.Mean, 'mean'], [ReduceOp.Max, 'max'], [ReduceOp.Min, 'min'], [ReduceOp.Prod, 'prod'],
];

/** float64 reference over the (outer, n, inner) view. */
function ref(op: ReduceOp, x: ArrayLike<number>, outer: number, n: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      const v: number[] = [];
      for (let k = 0; k < n; k++) v.push(x[(o * n + k) * inner + j]);
      const nan = v.some(Number.isNaN);
      switch (op) {
        case ReduceOp.Sum: out.push(v.reduce((a, b) => a + b, 0)); break;
        case ReduceOp.Mean: out.push(v.reduce((a, b) => a + b, 0) / n); break;
        case ReduceOp.Prod: out.push(v.reduce((a, b) => a * b, 1)); break;
        case ReduceOp.Max: out.push(nan ? NaN : Math.max(...v)); break;
        case ReduceOp.Min: out.push(nan ? NaN : Math.min(...v)); break;
      }
    }
  return out;
}

function refArg(isMax: boolean, x: ArrayLike<number>, outer: number, n: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      let best = 0;
      for (let k = 0; k < n; k++) {
        const v = x[(o * n + k) * inner + j], b = x[(o * n + best) * inner + j];
        if (Number.isNaN(b)) break;
        if (Number.isNaN(v) || (isMax ? v > b : v < b)) best = k;
      }
      out.push(best);
    }
  return out;
}

const VIEWS: [number, number, number][] = [
  ...SIZES.map((n) => [1, n, 1] as [number, number, number]),
  [3, 5, 1], [4, 17, 1], [3, 5, 7], [2, 9, 300], [2, 3, 513], [1, 1, 33], [5, 1, 1], [2, 33, 8], [0, 4, 3], [3, 4, 0],
];

describe('reduce', () => {
  for (const [tname, T] of FLOATS) {
    for (const [op, name] of OPS) {
      test.each(VIEWS)(`${tname} ${name} (outer, n, inner) = (%i, %i, %i)`, (outer, n, inner) => {
        if (n === 0 && (op === ReduceOp.Max || op === ReduceOp.Min)) return;
        const lo = op === ReduceOp.Prod ? 0.9 : -3, hi = op === ReduceOp.Prod ? 1.1 : 3;
        const x = new T(seq(outer * n * inner, lo, hi, n + inner));
        const out = new T(outer * inner);
        native.reduce(op, x, outer, n, inner, out);
        const r = ref(op, x, outer, n, inner);
        const exact = op === ReduceOp.Max || op === ReduceOp.Min;
        // Sum/Mean accumulate in float64, so even float32 results are the rounded exact value (up to order).
        expectClose(out, T === Float32Array ? r.map(Math.fround) : r, exact ? 0 : T === Float32Array ? 1e-6 : 1e-12,
          exact ? 0 : 1e-9);
      });
    }
    test(`${tname} float32 sums accumulate in float64`, () => {
      // 1e4 copies of 0.1f sum to exactly 1e4 * fround(0.1) in float64; a float32 running sum drifts visibly.
      const n = 10000, x = new T(n).fill(0.1), out = new T(1);
      native.reduce(ReduceOp.Sum, x, 1, n, 1, out);
      const exact = n * (T === Float32Array ? Math.fround(0.1) : 0.1);
      expect(Math.abs(out[0] - exact)).toBeLessThanOrEqual(T === Float32Array ? Math.abs(Math.fround(exact) - exact) : 1e-9);
    });
    test(`${tname} n = 0: sum 0, prod 1, mean NaN`, () => {
      const out = new T(6);
      native.reduce(ReduceOp.Sum, new T(0), 2, 0, 3, out);
      expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
      native.reduce(ReduceOp.Prod, new T(0), 2, 0, 3, out);
      expect(Array.from(out)).toEqual([1, 1, 1, 1, 1, 1]);
      native.reduce(ReduceOp.Mean, new T(0), 2, 0, 3, out);
      expect(Array.from(out).every(Number.isNaN)).toBe(true);
    });
    test(`${tname} max/min propagate NaN in rows and columns`, () => {
      for (const [outer, n, inner] of [[1, 20, 1], [2, 9, 3], [1, 3, 300]]) {
        const x = new T(seq(outer * n * inner));
        x[5] = NaN;
        const out = new T(outer * inner);
        for (const op of [ReduceOp.Max, ReduceOp.Min, ReduceOp.Sum]) {
          native.reduce(op, x, outer, n, inner, out);
          expectClose(out, ref(op, x, outer, n, inner).map((v) => (T === Float32Array ? Math.fround(v) : v)),
            op === ReduceOp.Sum ? 1e-6 : 0, 1e-9);
        }
      }
    });
  }
  describe('bad input', () => {
    const x = new Float32Array(12), out = new Float32Array(3);
    test.each([
      ['opcode 5', () => native.reduce(5 as any, x, 3, 4, 1, out), 'RangeError', /reduce: argument 'op' must be an integer in \[0, 4\], got 5/],
      ['opcode -1', () => native.reduce(-1 as any, x, 3, 4, 1, out), 'RangeError', /reduce: argument 'op'/],
      ['x Int32Array', () => native.reduce(0, new Int32Array(12) as any, 3, 4, 1, out), 'TypeError', /reduce: argument 'x' must be a Float32Array or Float64Array, got Int32Array\(12\)/],
      ['mixed dtypes', () => native.reduce(0, x, 3, 4, 1, new Float64Array(3)), 'TypeError', /reduce: arguments 'x' and 'out' must have the same type/],
      ['view does not match x', () => native.reduce(0, x, 3, 5, 1, out), 'RangeError', /reduce: argument 'x' has length 12, expected outer\*n\*inner = 3\*5\*1/],
      ['out wrong length', () => native.reduce(0, x, 3, 4, 1, new Float32Array(4)), 'RangeError', /reduce: argument 'out' has length 4, expected 3/],
      ['negative n', () => native.reduce(0, x, 3, -4, -1, out), 'RangeError', /reduce: argument 'n' must be an integer in \[0,/],
      ['NaN outer', () => native.reduce(0, x, NaN, 4, 1, out), 'RangeError', /reduce: argument 'outer'.*NaN/],
      ['huge sizes overflow', () => native.reduce(0, x, 2 ** 52, 2 ** 52, 2 ** 52, out), 'RangeError', /reduce: outer\*n\*inner = 4503599627370496\*4503599627370496\*4503599627370496 is more than 2\^53/],
      ['inner missing', () => (native.reduce as any)(0, x, 3, 4), 'TypeError', /reduce: expected 6 arguments, got 4/],
      ['inner undefined', () => (native.reduce as any)(0, x, 3, 4, undefined, out), 'TypeError', /reduce: argument 'inner' must be a number, got undefined/],
      ['max over n = 0', () => native.reduce(ReduceOp.Max, new Float32Array(0), 3, 0, 1, out), 'RangeError', /reduce: max over an empty dimension \(n = 0\)/],
      ['min over n = 0', () => native.reduce(ReduceOp.Min, new Float32Array(0), 3, 0, 1, out), 'RangeError', /reduce: min over an empty dimension/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
  });
});

describe('argReduce', () => {
  for (const [tname, T] of FLOATS) {
    for (const isMax of [true, false]) {
      test.each(VIEWS.filter(([, n]) => n > 0))(`${tname} ${isMax ? 'argmax' : 'argmin'} (%i, %i, %i)`, (outer, n, inner) => {
        // Few distinct values so that ties occur: the first index must win.
        const x = new T(seq(outer * n * inner, 0, 6, n * 3 + inner).map(Math.floor));
        const values = new T(outer * inner), idx = new Int32Array(outer * inner);
        native.argReduce(isMax, x, outer, n, inner, values, idx);
        const r = refArg(isMax, x, outer, n, inner);
        expect(Array.from(idx)).toEqual(r);
        expect(Array.from(values)).toEqual(r.map((k, i) => x[(Math.floor(i / inner) * n + k) * inner + (i % inner)]));
        const idx2 = new Int32Array(outer * inner);
        native.argReduce(isMax, x, outer, n, inner, null, idx2);
        expect(Array.from(idx2)).toEqual(r);
      });
    }
    test(`${tname} the first NaN counts as the max and the min (PyTorch)`, () => {
      const x = new T([1, NaN, 3, NaN, 9]);
      const v = new T(1), i = new Int32Array(1);
      native.argReduce(true, x, 1, 5, 1, v, i);
      expect(i[0]).toBe(1);
      expect(Number.isNaN(v[0])).toBe(true);
      native.argReduce(false, x, 1, 5, 1, v, i);
      expect(i[0]).toBe(1);
      const cols = new T([1, 5, NaN, 2, NaN, 7, 0, 9]);  // (n = 4, inner = 2)
      const ii = new Int32Array(2);
      native.argReduce(true, cols, 1, 4, 2, null, ii);
      expect(Array.from(ii)).toEqual([1, 3]);
    });
  }
  describe('bad input', () => {
    const x = new Float32Array(12), v = new Float32Array(3), idx = new Int32Array(3);
    test.each([
      ['isMax not boolean', () => native.argReduce(1 as any, x, 3, 4, 1, v, idx), 'TypeError', /argReduce: argument 'isMax' must be a boolean, got number/],
      ['x wrong type', () => native.argReduce(true, 'x' as any, 3, 4, 1, v, idx), 'TypeError', /argReduce: argument 'x' must be a Float32Array or Float64Array, got string/],
      ['n = 0', () => native.argReduce(true, new Float32Array(0), 3, 0, 1, v, idx), 'RangeError', /argReduce: argument 'n' must be >= 1/],
      ['view mismatch', () => native.argReduce(true, x, 2, 4, 1, v, idx), 'RangeError', /argReduce: argument 'x' has length 12, expected outer\*n\*inner = 2\*4\*1/],
      ['indices Float32Array', () => native.argReduce(true, x, 3, 4, 1, v, new Float32Array(3) as any), 'TypeError', /argReduce: argument 'indices' must be a Int32Array, got Float32Array\(3\)/],
      ['indices length', () => native.argReduce(true, x, 3, 4, 1, v, new Int32Array(4)), 'RangeError', /argReduce: argument 'indices' has length 4, expected 3/],
      ['values dtype', () => native.argReduce(true, x, 3, 4, 1, new Float64Array(3), idx), 'TypeError', /argReduce: arguments 'x' and 'values' must have the same type/],
      ['values length', () => native.argReduce(true, x, 3, 4, 1, new Float32Array(2), idx), 'RangeError', /argReduce: argument 'values' has length 2, expected 3/],
      ['values Int32Array', () => native.argReduce(true, x, 3, 4, 1, new Int32Array(3) as any, idx), 'TypeError', /argReduce: argument 'values' must be a Float32Array or Float64Array/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
  });
});
