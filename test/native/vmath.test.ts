/**
 * The SIMD float32 exp, log, tanh and sigmoid (native/kernels/vmath.h), on
 * every instruction set this CPU has: the error bound against the float64
 * result over each function's whole range, special values identical to the
 * scalar reference, and every tail length around the vector widths.
 */
import { native } from '../../lib/native';
import { UnaryOp } from '../../binding';

const isas = native.availableIsas();
const initialIsa = native.activeIsa();
afterEach(() => {
  native.setIsa(initialIsa);
  native.setFlushDenormal(true);
});

/** Spacing of float32 numbers at |e| (denormal spacing below 2^-126). */
function ulp(e: number): number {
  const a = Math.abs(e);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

let seed = 12345;
const rnd = (): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
};

const FUNCS: [name: string, op: UnaryOp, ref: (x: number) => number, gen: () => number, bound: number][] = [
  ['exp', UnaryOp.Exp, Math.exp, () => -104 + rnd() * 193, 1],
  ['log', UnaryOp.Log, Math.log, () => 2 ** (-149 + rnd() * 277), 1],
  ['tanh', UnaryOp.Tanh, Math.tanh, () => (rnd() < 0.5 ? -1 : 1) * (rnd() < 0.3 ? rnd() * 0.7 : 2 ** (-30 + rnd() * 34)), 1.5],
  ['sigmoid', UnaryOp.Sigmoid, (x) => 1 / (1 + Math.exp(-x)), () => -104 + rnd() * 208, 2],
];

function run(op: UnaryOp, x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  native.unary(op, x, y, 0, 0);
  return y;
}

describe.each(isas)('%s', (isa) => {
  // The bounds are the SIMD bodies' (the scalar reference is glibc's: tanhf reaches 2.1 ulp).
  const simd = isa !== 'scalar' ? test.each(FUNCS.map((f) => [f[0], f] as const)) : test.skip.each(FUNCS.map((f) => [f[0], f] as const));
  simd('%s: within its ulp bound of the float64 result over 500k inputs', (_n, [, op, ref, gen, bound]) => {
    native.setIsa(isa);
    native.setFlushDenormal(false); // denormal results are part of the range
    const N = 500000;
    const x = new Float32Array(N);
    for (let i = 0; i < N; i++) x[i] = gen();
    const y = run(op, x);
    let worst = 0, at = 0;
    for (let i = 0; i < N; i++) {
      const e = ref(x[i]);
      if (!Number.isFinite(e) || e === 0 || Math.abs(e) > 3.4028234663852886e38) continue;
      const err = Math.abs(y[i] - e) / ulp(e);
      if (err > worst) { worst = err; at = x[i]; }
    }
    if (!(worst <= bound)) throw new Error(`max error ${worst.toFixed(3)} ulp at x = ${at} (bound ${bound})`);
  });

  test('special values are those of the scalar reference', () => {
    const x = Float32Array.from([-Infinity, -200, -103.98, -87.5, -1, -0, 0, 1e-40, 1e-30, 0.625, 9.1, 88.72, 88.73, 1e30, Infinity, NaN, -1e-40]);
    native.setFlushDenormal(false);
    native.setIsa('scalar');
    const ref = FUNCS.map(([, op]) => run(op, x));
    native.setIsa(isa);
    FUNCS.forEach(([name, op, , , bound], k) => {
      const y = run(op, x);
      for (let i = 0; i < x.length; i++) {
        const r = ref[k][i], v = y[i];
        const same = Object.is(r, v) || (Number.isNaN(r) && Number.isNaN(v)) || (Number.isFinite(r) && Math.abs(v - r) <= 2 * bound * ulp(r));
        if (!same) throw new Error(`${name}(${x[i]}): ${v}, reference ${r}`);
      }
    });
  });

  test.each([0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 97, 32768, 32769, 100003])('every element of length %i is computed (tails, chunks)', (n) => {
    native.setIsa(isa);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (i % 23) * 0.37 - 4;
    for (const [name, op, ref, , bound] of FUNCS) {
      const xx = name === 'log' ? x.map((v) => Math.abs(v) + 0.5) : x;
      const y = run(op, xx);
      for (let i = 0; i < n; i++)
        if (!(Math.abs(y[i] - ref(xx[i])) <= Math.max(bound, 2.5) * ulp(ref(xx[i])) + 1e-45))
          throw new Error(`${name} n=${n} i=${i}: ${y[i]} vs ${ref(xx[i])}`);
    }
  });
});

test('denormal results flush to zero in the default mode, on every path', () => {
  const x = Float32Array.from([-100, -90]); // e^-100 and e^-90 are float32 denormals
  for (const isa of isas) {
    native.setIsa(isa);
    expect(Array.from(run(UnaryOp.Exp, x))).toEqual([0, 0]);
  }
});

describe('every unary op and its derivative: each instruction set gives the scalar reference bits', () => {
  // 0..25 are the opcodes of binding.d.ts's UnaryOp. float32 exp, log, tanh and
  // sigmoid forward have SIMD approximations (tested above); everything else is
  // the reference's formulas compiled per ISA with contraction off.
  const OPS = Array.from({ length: 26 }, (_, i) => i as UnaryOp);
  const APPROX = new Set<UnaryOp>([UnaryOp.Exp, UnaryOp.Log, UnaryOp.Tanh, UnaryOp.Sigmoid]);
  const params: Partial<Record<number, [number, number]>> = {
    [UnaryOp.PowScalar]: [2.5, 0], [UnaryOp.Clamp]: [-0.5, 0.75], [UnaryOp.AddScalar]: [0.3, 0], [UnaryOp.MulScalar]: [-1.7, 0],
    [UnaryOp.RsubScalar]: [2, 0], [UnaryOp.RdivScalar]: [3, 0], [UnaryOp.LeakyRelu]: [0.01, 0], [UnaryOp.Elu]: [1.2, 0], [UnaryOp.Softplus]: [1.5, 20],
  };
  const n = 70001; // several chunks and a ragged tail
  for (const T of [Float32Array, Float64Array]) {
    const x = new T(n), gy = new T(n);
    for (let i = 0; i < n; i++) { x[i] = Math.sin(i * 0.731) * 4 + (i % 97 === 0 ? 0 : 0.01); gy[i] = Math.cos(i * 0.37); }
    x[5] = NaN; x[6] = Infinity; x[7] = -Infinity; x[8] = 0; x[9] = -0;
    test.each(OPS.filter((op) => T === Float64Array || !APPROX.has(op)))(`${T.name} op %i`, (op) => {
      const [a, b] = params[op] ?? [0, 0];
      native.setIsa('scalar');
      const y0 = new T(n), g0 = new T(n);
      native.unary(op, x, y0, a, b);
      native.unaryBackward(op, x, y0, gy, g0, a, b);
      for (const isa of isas.filter((i) => i !== 'scalar')) {
        native.setIsa(isa);
        const y = new T(n), g = new T(n);
        native.unary(op, x, y, a, b);
        native.unaryBackward(op, x, y0, gy, g, a, b);
        expect(Buffer.from(y.buffer).equals(Buffer.from(y0.buffer))).toBe(true);
        expect(Buffer.from(g.buffer).equals(Buffer.from(g0.buffer))).toBe(true);
      }
    });
  }
});
