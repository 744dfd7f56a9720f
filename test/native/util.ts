/** Helpers shared by the native kernel tests. */
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
export const FLOATS: [string, FloatCtor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];
/** Sizes around vector widths (4/8/16 lanes) and their tails. */
export const SIZES = [0, 1, 7, 8, 9, 15, 16, 17, 33, 1000, 4099];

/** Deterministic pseudo-random numbers in [lo, hi) (xorshift; independent of the addon's RNG). */
export function seq(n: number, lo = -3, hi = 3, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out.push(lo + ((s >>> 0) / 4294967296) * (hi - lo));
  }
  return out;
}

/** Relative tolerance appropriate to the array type. */
export function tolFor(T: FloatCtor): number {
  return T === Float32Array ? 2e-6 : 1e-13;
}

/** Expects |a - b| <= atol + rtol*|b| elementwise; NaN must match NaN, infinities must be equal. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = rtol): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) throw new Error(`index ${i}: expected NaN, got ${a}`);
    } else if (!Number.isFinite(e)) {
      if (a !== e) throw new Error(`index ${i}: expected ${e}, got ${a}`);
    } else if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`index ${i}: expected ${e}, got ${a} (diff ${Math.abs(a - e)})`);
    }
  }
}

/**
 * Expects fn to throw an error of the given class name whose message matches re.
 * (jest runs tests in a vm context, so errors made by the addon are not
 * `instanceof` the test's RangeError/TypeError: compare names instead.)
 */
export function expectThrow(fn: () => unknown, name: 'TypeError' | 'RangeError' | 'Error', re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (err === undefined) throw new Error(`expected a ${name} matching ${re}, but nothing was thrown`);
  const e = err as Error;
  expect(`${e.name}: ${e.message}`).toMatch(new RegExp(`^${name}: .*${re.source}`));
}
