import { native } from '../../lib/native';
import { BinaryOp, UnaryOp } from '../../binding';
import { FLOATS, FloatCtor, SIZES, expectClose, expectThrow, seq } from './util';

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : x);

interface UnaryCase {
  op: UnaryOp; name: string; alpha?: number; beta?: number; lo?: number; hi?: number;
  f: (x: number, a: number, b: number) => number;
  d: (x: number, y: number, a: number, b: number) => number;  // d op / dx
}
const UNARY: UnaryCase[] = [
  { op: UnaryOp.Neg, name: 'neg', f: (x) => -x, d: () => -1 },
  { op: UnaryOp.Exp, name: 'exp', f: Math.exp, d: (x, y) => y },
  { op: UnaryOp.Log, name: 'log', lo: 0.01, hi: 10, f: Math.log, d: (x) => 1 / x },
  { op: UnaryOp.Abs, name: 'abs', f: Math.abs, d: (x) => sign(x) },
  { op: UnaryOp.Sqrt, name: 'sqrt', lo: 0.01, hi: 10, f: Math.sqrt, d: (x, y) => 1 / (2 * y) },
  { op: UnaryOp.Tanh, name: 'tanh', f: Math.tanh, d: (x, y) => 1 - y * y },
  { op: UnaryOp.Sigmoid, name: 'sigmoid', lo: -20, hi: 20, f: sigmoid, d: (x, y) => y * (1 - y) },
  { op: UnaryOp.Relu, name: 'relu', f: (x) => Math.max(x, 0), d: (x) => (x > 0 ? 1 : 0) },
  { op: UnaryOp.Sign, name: 'sign', f: sign, d: () => 0 },
  { op: UnaryOp.PowScalar, name: 'pow 2.5', alpha: 2.5, lo: 0.01, hi: 4, f: (x, a) => x ** a, d: (x, y, a) => a * x ** (a - 1) },
  { op: UnaryOp.PowScalar, name: 'pow 2', alpha: 2, f: (x) => x * x, d: (x) => 2 * x },
  { op: UnaryOp.PowScalar, name: 'pow 3', alpha: 3, f: (x) => x ** 3, d: (x) => 3 * x * x },
  { op: UnaryOp.PowScalar, name: 'pow 0.5', alpha: 0.5, lo: 0.01, hi: 4, f: Math.sqrt, d: (x) => 0.5 / Math.sqrt(x) },
  { op: UnaryOp.PowScalar, name: 'pow -0.5', alpha: -0.5, lo: 0.01, hi: 4, f: (x) => 1 / Math.sqrt(x), d: (x) => -0.5 * x ** -1.5 },
  { op: UnaryOp.PowScalar, name: 'pow -1', alpha: -1, lo: 0.1, hi: 4, f: (x) => 1 / x, d: (x) => -1 / (x * x) },
  { op: UnaryOp.PowScalar, name: 'pow -2', alpha: -2, lo: 0.1, hi: 4, f: (x) => 1 / (x * x), d: (x) => -2 / x ** 3 },
  { op: UnaryOp.PowScalar, name: 'pow 0', alpha: 0, f: () => 1, d: () => 0 },
  { op: UnaryOp.Clamp, name: 'clamp', alpha: -1, beta: 1, f: (x, a, b) => Math.min(Math.max(x, a), b), d: (x, y, a, b) => (x >= a && x <= b ? 1 : 0) },
  { op: UnaryOp.AddScalar, name: 'add', alpha: 1.5, f: (x, a) => x + a, d: () => 1 },
  { op: UnaryOp.MulScalar, name: 'mul', alpha: -2.25, f: (x, a) => x * a, d: (x, y, a) => a },
  { op: UnaryOp.RsubScalar, name: 'rsub', alpha: 3, f: (x, a) => a - x, d: () => -1 },
  { op: UnaryOp.RdivScalar, name: 'rdiv', alpha: 2, lo: 0.1, hi: 4, f: (x, a) => a / x, d: (x, y, a) => -a / (x * x) },
  { op: UnaryOp.Square, name: 'square', f: (x) => x * x, d: (x) => 2 * x },
  { op: UnaryOp.Reciprocal, name: 'reciprocal', lo: 0.1, hi: 4, f: (x) => 1 / x, d: (x, y) => -y * y },
  { op: UnaryOp.Log1p, name: 'log1p', lo: -0.9, hi: 4, f: Math.log1p, d: (x) => 1 / (1 + x) },
  { op: UnaryOp.Expm1, name: 'expm1', f: Math.expm1, d: (x, y) => y + 1 },
  { op: UnaryOp.Sin, name: 'sin', f: Math.sin, d: (x) => Math.cos(x) },
  { op: UnaryOp.Cos, name: 'cos', f: Math.cos, d: (x) => -Math.sin(x) },
];

function rtol(T: FloatCtor) {
  return T === Float32Array ? 1e-5 : 1e-12;
}

describe('unary', () => {
  for (const [tname, T] of FLOATS) {
    for (const c of UNARY) {
      const a = c.alpha ?? 0, b = c.beta ?? 0;
      test.each(SIZES)(`${tname} ${c.name} n=%i matches the float64 reference`, (n) => {
        const x = new T(seq(n, c.lo ?? -3, c.hi ?? 3, n + 1));
        const out = new T(n);
        native.unary(c.op, x, out, a, b);
        // The kernel rounds alpha/beta to the array type first, as PyTorch's float kernels do.
        const aT = T === Float32Array ? Math.fround(a) : a, bT = T === Float32Array ? Math.fround(b) : b;
        const ref = Array.from(x, (v) => c.f(v, aT, bT));
        expectClose(out, T === Float32Array ? ref.map(Math.fround) : ref, rtol(T), rtol(T));
      });
      test(`${tname} ${c.name} backward matches the analytic derivative and finite differences`, () => {
        const n = 33;
        const x = new T(seq(n, c.lo ?? -3, c.hi ?? 3, 7));
        const y = new T(n), gy = new T(seq(n, -2, 2, 9)), gx = new T(n);
        native.unary(c.op, x, y, a, b);
        native.unaryBackward(c.op, x, y, gy, gx, a, b);
        const ref = Array.from(x, (v, i) => gy[i] * c.d(v, y[i], a, b));
        expectClose(gx, ref, T === Float32Array ? 1e-5 : 1e-11, T === Float32Array ? 1e-5 : 1e-11);
        if (T === Float64Array) {
          // Central differences away from kinks (clamp/relu/abs/sign are piecewise).
          const h = 1e-6;
          for (let i = 0; i < n; i++) {
            const xs = new Float64Array([x[i] - h, x[i] + h]), ys = new Float64Array(2);
            native.unary(c.op, xs, ys, a, b);
            const fd = (ys[1] - ys[0]) / (2 * h);
            const nearKink = [0, a, b].some((k) => Math.abs(x[i] - k) < 1e-4) && ['clamp', 'relu', 'abs', 'sign'].includes(c.name);
            if (!nearKink) expect(Math.abs(gx[i] - gy[i] * fd)).toBeLessThan(1e-5 * (1 + Math.abs(gx[i])));
          }
        }
      });
    }
    test(`${tname} out may alias x`, () => {
      const x = new T(seq(17));
      const ref = Array.from(x, Math.exp);
      native.unary(UnaryOp.Exp, x, x, 0, 0);
      expectClose(x, T === Float32Array ? ref.map(Math.fround) : ref, rtol(T));
    });
    test(`${tname} sigmoid is stable for large |x| and tanh saturates`, () => {
      const x = new T([-1000, -100, -88.8, 0, 88.8, 100, 1000, -Infinity, Infinity]);
      const y = new T(x.length);
      native.unary(UnaryOp.Sigmoid, x, y, 0, 0);
      expect(Array.from(y).some(Number.isNaN)).toBe(false);
      expect(y[0]).toBe(0);
      expect(y[3]).toBe(0.5);
      expect(y[6]).toBe(1);
      expect(y[7]).toBe(0);
      expect(y[8]).toBe(1);
      // e^-100 is representable in both types (3.7e-44 is a float32 subnormal): kernels flush
      // denormals by default (setFlushDenormal), so look at it with flushing off.
      const flush = native.getFlushDenormal();
      native.setFlushDenormal(false);
      try {
        native.unary(UnaryOp.Sigmoid, x, y, 0, 0);
        expect(y[1]).toBeGreaterThan(0);
      } finally {
        native.setFlushDenormal(flush);
      }
      native.unary(UnaryOp.Tanh, x, y, 0, 0);
      expect(y[0]).toBe(-1);
      expect(y[6]).toBe(1);
    });
    test(`${tname} NaN propagates through relu, clamp, sign, sigmoid, abs`, () => {
      const x = new T([NaN, 1, -1]);
      const y = new T(3);
      for (const [op, a, b] of [[UnaryOp.Relu, 0, 0], [UnaryOp.Clamp, -0.5, 0.5], [UnaryOp.Sign, 0, 0],
        [UnaryOp.Sigmoid, 0, 0], [UnaryOp.Abs, 0, 0], [UnaryOp.Exp, 0, 0]] as const) {
        native.unary(op, x, y, a, b);
        expect(Number.isNaN(y[0])).toBe(true);
        expect(Number.isNaN(y[1])).toBe(false);
      }
    });
    test(`${tname} clamp with one-sided infinite bounds, and min > max gives max (PyTorch)`, () => {
      const x = new T([-5, 0, 5]);
      const y = new T(3);
      native.unary(UnaryOp.Clamp, x, y, -Infinity, 1);
      expect(Array.from(y)).toEqual([-5, 0, 1]);
      native.unary(UnaryOp.Clamp, x, y, 3, 2);
      expect(Array.from(y)).toEqual([2, 2, 2]);
    });
    test(`${tname} gradient conventions at kinks (PyTorch)`, () => {
      const at = (op: UnaryOp, xs: number[], a = 0, b = 0) => {
        const x = new T(xs), y = new T(xs.length), g = new T(xs.length).fill(1), gx = new T(xs.length);
        native.unary(op, x, y, a, b);
        native.unaryBackward(op, x, y, g, gx, a, b);
        return Array.from(gx);
      };
      expect(at(UnaryOp.Relu, [0, -1, 2])).toEqual([0, 0, 1]);
      expect(at(UnaryOp.Abs, [0, -1, 2])).toEqual([0, -1, 1]);
      expect(at(UnaryOp.Clamp, [0, 1, 2, 3], 1, 2)).toEqual([0, 1, 1, 0]);
      expect(at(UnaryOp.Sqrt, [0, 4])).toEqual([Infinity, 0.25]);
      expect(at(UnaryOp.PowScalar, [0, 4], 0)).toEqual([0, 0]);
      expect(at(UnaryOp.Sign, [0, -3, NaN])).toEqual([0, 0, 0]);
      // relu's backward follows its output: a NaN input passes the gradient (threshold_backward).
      expect(at(UnaryOp.Relu, [NaN])[0]).toBe(1);
    });
  }

  describe('bad input', () => {
    const x = new Float32Array(4), out = new Float32Array(4);
    test.each([
      ['opcode -1', () => native.unary(-1 as any, x, out, 0, 0), 'RangeError', /unary: argument 'op' must be an integer in \[0, 25\], got -1/],
      ['opcode 26', () => native.unary(26 as any, x, out, 0, 0), 'RangeError', /unary: argument 'op' must be an integer in \[0, 25\], got 26/],
      ['opcode 1.5', () => native.unary(1.5 as any, x, out, 0, 0), 'RangeError', /unary: argument 'op'/],
      ['opcode NaN', () => native.unary(NaN as any, x, out, 0, 0), 'RangeError', /unary: argument 'op'.*got NaN/],
      ['opcode string', () => native.unary('exp' as any, x, out, 0, 0), 'TypeError', /unary: argument 'op' must be a number, got string/],
      ['x Int32Array', () => native.unary(0, new Int32Array(4) as any, out, 0, 0), 'TypeError', /unary: argument 'x' must be a Float32Array or Float64Array, got Int32Array\(4\)/],
      ['mixed dtypes', () => native.unary(0, x, new Float64Array(4), 0, 0), 'TypeError', /unary: arguments 'x' and 'out' must have the same type, got Float32Array and Float64Array/],
      ['length mismatch', () => native.unary(0, x, new Float32Array(5), 0, 0), 'RangeError', /unary: arguments 'x' and 'out' must have the same length, got 4 and 5/],
      ['alpha missing', () => (native.unary as any)(0, x, out), 'TypeError', /unary: expected 5 arguments, got 3/],
      ['alpha undefined', () => (native.unary as any)(0, x, out, undefined, 0), 'TypeError', /unary: argument 'alpha' must be a number, got undefined/],
      ['backward opcode', () => native.unaryBackward(99 as any, x, x, x, out, 0, 0), 'RangeError', /unaryBackward: argument 'op'/],
      ['backward gy type', () => native.unaryBackward(0, x, x, null as any, out, 0, 0), 'TypeError', /unaryBackward: argument 'gy' must be a Float32Array or Float64Array, got null/],
      ['backward mixed', () => native.unaryBackward(0, x, new Float64Array(4), x, out, 0, 0), 'TypeError', /unaryBackward: arguments 'x' and 'y' must have the same type/],
      ['backward length', () => native.unaryBackward(0, x, x, x, new Float32Array(3), 0, 0), 'RangeError', /unaryBackward: arguments 'x' and 'gx' must have the same length, got 4 and 3/],
      ['backward beta', () => native.unaryBackward(0, x, x, x, out, 0, {} as any), 'TypeError', /unaryBackward: argument 'beta' must be a number, got object/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
  });
});

// ---------------------------------------------------------------- binary

type AnyArr = Float32Array | Float64Array | Int32Array;
const BIN: [BinaryOp, string, (a: number, b: number) => number][] = [
  [BinaryOp.Add, 'add', (a, b) => a + b],
  [BinaryOp.Sub, 'sub', (a, b) => a - b],
  [BinaryOp.Mul, 'mul', (a, b) => a * b],
  [BinaryOp.Div, 'div', (a, b) => a / b],
  [BinaryOp.Pow, 'pow', (a, b) => Math.abs(a) ** b],
  [BinaryOp.Maximum, 'maximum', (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b))],
  [BinaryOp.Minimum, 'minimum', (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b))],
  [BinaryOp.Eq, 'eq', (a, b) => +(a === b)],
  [BinaryOp.Ne, 'ne', (a, b) => +(a !== b)],
  [BinaryOp.Lt, 'lt', (a, b) => +(a < b)],
  [BinaryOp.Le, 'le', (a, b) => +(a <= b)],
  [BinaryOp.Gt, 'gt', (a, b) => +(a > b)],
  [BinaryOp.Ge, 'ge', (a, b) => +(a >= b)],
];

function refBinary(f: (a: number, b: number) => number, shape: number[], a: ArrayLike<number>, ao: number, as: number[],
  b: ArrayLike<number>, bo: number, bs: number[], round: (v: number) => number): number[] {
  const n = shape.reduce((x, y) => x * y, 1);
  const idx = shape.map(() => 0);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let pa = ao, pb = bo;
    for (let d = 0; d < shape.length; d++) { pa += idx[d] * as[d]; pb += idx[d] * bs[d]; }
    out.push(round(f(a[pa], b[pb])));
    for (let d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
  }
  return out;
}

const contig = (shape: number[]) => {
  const s = shape.map(() => 0);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; }
  return s;
};

// [label, shape, aOffset, aStrides, bOffset, bStrides]
const LAYOUTS: [string, number[], number, number[], number, number[]][] = [
  ...SIZES.map((n) => [`same shape n=${n}`, [n], 0, [1], 0, [1]] as [string, number[], number, number[], number, number[]]),
  ['row bias (N,C)+(C)', [7, 9], 0, [9, 1], 0, [0, 1]],
  ['column (N,C)+(N,1)', [7, 9], 0, [9, 1], 0, [1, 0]],
  ['scalar b', [33], 0, [1], 3, [0]],
  ['scalar a', [33], 2, [0], 0, [1]],
  ['both broadcast (outer product)', [5, 17], 0, [1, 0], 0, [0, 1]],
  ['transposed a', [6, 4], 0, [1, 6], 0, [4, 1]],
  ['offsets and gaps', [3, 5], 2, [10, 2], 1, [7, 1]],
  ['4-D broadcast', [2, 3, 4, 5], 0, [60, 20, 5, 1], 0, [0, 5, 0, 1]],
  ['5-D with size-1 dims', [2, 1, 3, 1, 8], 1, [24, 99, 8, 99, 1], 0, [0, 0, 8, 0, 1]],
  ['0-d', [], 4, [], 2, []],
  ['empty dim', [3, 0, 2], 0, [0, 0, 0], 0, [0, 0, 0]],
];

describe('binary', () => {
  for (const [tname, T] of FLOATS) {
    for (const [op, name, f] of BIN) {
      test.each(LAYOUTS)(`${tname} ${name} %s`, (_l, shape, ao, as, bo, bs) => {
        const a = new T(seq(5000, -3, 3, 11)), b = new T(seq(5000, -3, 3, 12));
        if (op === BinaryOp.Pow) a.forEach((v, i) => { a[i] = Math.abs(v); });
        if (op === BinaryOp.Eq || op === BinaryOp.Ne || op === BinaryOp.Le || op === BinaryOp.Ge)
          for (let i = 0; i < 5000; i += 3) b[i] = a[i];  // make some equal pairs
        const n = shape.reduce((x, y) => x * y, 1);
        const out = new T(n);
        native.binary(op, shape, a, ao, as, b, bo, bs, out);
        const round = T === Float32Array ? Math.fround : (v: number) => v;
        expectClose(out, refBinary(f, shape, a, ao, as, b, bo, bs, round), T === Float32Array ? 2e-6 : 1e-14, 1e-30);
      });
    }
    test(`${tname} maximum/minimum propagate NaN from either side`, () => {
      const a = new T([NaN, 1, NaN, 2]), b = new T([1, NaN, NaN, 3]), out = new T(4);
      native.binary(BinaryOp.Maximum, [4], a, 0, [1], b, 0, [1], out);
      expect(Array.from(out, (v) => (Number.isNaN(v) ? 'nan' : v))).toEqual(['nan', 'nan', 'nan', 3]);
      native.binary(BinaryOp.Minimum, [4], a, 0, [1], b, 0, [1], out);
      expect(Array.from(out, (v) => (Number.isNaN(v) ? 'nan' : v))).toEqual(['nan', 'nan', 'nan', 2]);
      native.binary(BinaryOp.Eq, [4], a, 0, [1], b, 0, [1], out);
      expect(Array.from(out)).toEqual([0, 0, 0, 0]);
      native.binary(BinaryOp.Ne, [4], a, 0, [1], b, 0, [1], out);
      expect(Array.from(out)).toEqual([1, 1, 1, 1]);
    });
    test(`${tname} out may alias a (in-place add of a broadcast bias)`, () => {
      const a = new T(seq(63)), bias = new T(seq(9, -1, 1, 5));
      const ref = Array.from(a, (v, i) => v + bias[i % 9]);
      native.binary(BinaryOp.Add, [7, 9], a, 0, [9, 1], bias, 0, [0, 1], a);
      expectClose(a, T === Float32Array ? ref.map(Math.fround) : ref, 1e-7, 0);
    });
    test(`${tname} out overlapping an operand as a different view is refused`, () => {
      const buf = new T(20);
      expectThrow(() => native.binary(BinaryOp.Add, [10], buf, 1, [1], buf, 0, [1], buf.subarray(0, 10)), 'RangeError',
        /binary: 'out' overlaps 'a' in memory but is not the same contiguous view/);
      expectThrow(() => native.binary(BinaryOp.Add, [2, 5], buf, 0, [1, 2], buf, 10, [5, 1], buf.subarray(0, 10)), 'RangeError',
        /binary: 'out' overlaps 'a'/);
      expectThrow(() => native.binary(BinaryOp.Add, [10], buf, 10, [1], buf, 0, [0], buf.subarray(0, 10)), 'RangeError',
        /binary: 'out' overlaps 'b'/);
    });
  }

  describe('int32', () => {
    const I = (xs: number[]) => new Int32Array(xs);
    const run = (op: BinaryOp, a: number[], b: number[]) => {
      const out = new Int32Array(a.length);
      native.binary(op, [a.length], I(a), 0, [1], I(b), 0, [1], out);
      return Array.from(out);
    };
    test('add/sub/mul wrap around like int32', () => {
      expect(run(BinaryOp.Add, [2147483647, -5], [1, 3])).toEqual([-2147483648, -2]);
      expect(run(BinaryOp.Sub, [-2147483648], [1])).toEqual([2147483647]);
      expect(run(BinaryOp.Mul, [65536, -7], [65536, 6])).toEqual([0, -42]);
    });
    test('div truncates toward zero; INT32_MIN / -1 wraps', () => {
      expect(run(BinaryOp.Div, [7, -7, 7, -7, -2147483648], [2, 2, -2, -2, -1])).toEqual([3, -3, -3, 3, -2147483648]);
    });
    test('maximum, minimum and comparisons', () => {
      expect(run(BinaryOp.Maximum, [1, 5, -3], [2, 4, -3])).toEqual([2, 5, -3]);
      expect(run(BinaryOp.Minimum, [1, 5, -3], [2, 4, -3])).toEqual([1, 4, -3]);
      expect(run(BinaryOp.Le, [1, 5, -3], [2, 4, -3])).toEqual([1, 0, 1]);
    });
    test.each(LAYOUTS)('add with layout %s', (_l, shape, ao, as, bo, bs) => {
      const a = new Int32Array(seq(5000, -1000, 1000, 3).map(Math.round)), b = new Int32Array(seq(5000, -1000, 1000, 4).map(Math.round));
      const out = new Int32Array(shape.reduce((x, y) => x * y, 1));
      native.binary(BinaryOp.Add, shape, a, ao, as, b, bo, bs, out);
      expect(Array.from(out)).toEqual(refBinary((x, y) => x + y, shape, a, ao, as, b, bo, bs, (v) => v));
    });
    test('division by zero and pow are refused', () => {
      expectThrow(() => run(BinaryOp.Div, [1, 2], [1, 0]), 'RangeError', /binary: integer division by zero/);
      expectThrow(() => run(BinaryOp.Pow, [1, 2], [1, 2]), 'TypeError', /binary: Pow is not defined for Int32Array operands/);
    });
  });

  describe('bad input', () => {
    const a = new Float32Array(12), b = new Float32Array(12), out = new Float32Array(12);
    const ok = (over: Partial<{ op: any; shape: any; a: any; ao: any; as: any; b: any; bo: any; bs: any; out: any }>) => () => {
      const p = { op: BinaryOp.Add, shape: [3, 4], a, ao: 0, as: [4, 1], b, bo: 0, bs: [4, 1], out, ...over };
      native.binary(p.op, p.shape, p.a, p.ao, p.as, p.b, p.bo, p.bs, p.out);
    };
    test('the baseline call works', () => ok({})());
    test.each([
      ['opcode 13', ok({ op: 13 }), 'RangeError', /binary: argument 'op' must be an integer in \[0, 12\], got 13/],
      ['opcode -1', ok({ op: -1 }), 'RangeError', /binary: argument 'op'/],
      ['opcode NaN', ok({ op: NaN }), 'RangeError', /binary: argument 'op'.*NaN/],
      ['shape not array', ok({ shape: 12 }), 'TypeError', /binary: argument 'shape' must be an Array of integers, got number/],
      ['shape negative', ok({ shape: [-3, 4] }), 'RangeError', /binary: argument 'shape'\[0\] must be an integer/],
      ['a wrong type', ok({ a: [1, 2] }), 'TypeError', /binary: argument 'a' must be a Float32Array or Float64Array or Int32Array, got Array/],
      ['b missing', ok({ b: undefined }), 'TypeError', /binary: argument 'b' .* got undefined/],
      ['mixed dtypes a/b', ok({ b: new Float64Array(12) }), 'TypeError', /binary: arguments 'a' and 'b' must have the same type, got Float32Array and Float64Array/],
      ['mixed dtypes a/out', ok({ out: new Int32Array(12) }), 'TypeError', /binary: arguments 'a' and 'out' must have the same type/],
      ['aStrides rank', ok({ as: [1] }), 'RangeError', /binary: shape has 2 dims but 'a' strides has 1/],
      ['bStrides rank', ok({ bs: [4, 1, 1] }), 'RangeError', /binary: shape has 2 dims but 'b' strides has 3/],
      ['a out of bounds', ok({ as: [5, 1] }), 'RangeError', /binary: argument 'a'.*reaches element 13 but the array has length 12/],
      ['b offset out of bounds', ok({ bo: 1 }), 'RangeError', /binary: argument 'b'.*reaches element 12/],
      ['negative offset', ok({ ao: -1 }), 'RangeError', /binary: argument 'aOffset' must be an integer in \[0,/],
      ['huge offset', ok({ bo: 2 ** 60 }), 'RangeError', /binary: argument 'bOffset' must be an integer/],
      ['NaN offset', ok({ ao: NaN }), 'RangeError', /binary: argument 'aOffset'/],
      ['negative stride', ok({ as: [4, -1] }), 'RangeError', /binary: argument 'aStrides'\[1\] must be an integer/],
      ['out length', ok({ out: new Float32Array(11) }), 'RangeError', /binary: argument 'out' has length 11, expected 12/],
      ['too many dims', ok({ shape: new Array(17).fill(1), as: new Array(17).fill(0), bs: new Array(17).fill(0), out: new Float32Array(1) }),
        'RangeError', /binary: argument 'shape' has 17 entries, at most 16 allowed/],
    ] as const)('%s', (_n, fn, cls, re) => expectThrow(fn, cls, re));
  });
});
