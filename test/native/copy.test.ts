import { native } from '../../lib/native';
import { FLOATS, SIZES, expectThrow, seq } from './util';

type Arr = Float32Array | Float64Array | Int32Array;

/** Reference gather: walks shape row-major, reads src[offset + idx . strides]. */
function gather(src: ArrayLike<number>, offset: number, shape: number[], strides: number[]): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  const idx = shape.map(() => 0);
  for (let i = 0; i < n; i++) {
    let p = offset;
    for (let d = 0; d < shape.length; d++) p += idx[d] * strides[d];
    out.push(src[p]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

describe('stridedCopy', () => {
  for (const [name, T] of [...FLOATS, ['int32', Int32Array] as const]) {
    test.each(SIZES)(`${name} contiguous n=%i`, (n) => {
      const src = new (T as any)(seq(n, -100, 100)) as Arr;
      const dst = new (T as any)(n) as Arr;
      native.stridedCopy(src, 0, [n], [1], dst);
      expect(Array.from(dst)).toEqual(Array.from(src));
    });
  }

  const views: [string, number, number[], number[]][] = [
    ['transpose 2-D', 0, [5, 3], [1, 5]],
    ['transpose 2-D odd sizes', 0, [17, 9], [1, 17]],
    ['offset row slice', 4, [3, 4], [6, 1]],
    ['column broadcast (stride 0)', 2, [4, 9], [0, 1]],
    ['row broadcast', 1, [9, 4], [1, 0]],
    ['0-d', 7, [], []],
    ['all size-1 dims', 3, [1, 1, 1], [5, 9, 2]],
    ['3-D permute', 0, [2, 3, 4], [1, 8, 2]],
    ['5-D mixed', 1, [2, 1, 3, 2, 5], [60, 999, 1, 30, 6]],
    ['every other element', 1, [50], [2]],
  ];
  for (const [name, T] of FLOATS) {
    test.each(views)(`${name} %s`, (_label, off, shape, strides) => {
      const src = new T(seq(200, -5, 5));
      const n = shape.reduce((a, b) => a * b, 1);
      const dst = new T(n);
      native.stridedCopy(src, off, shape, strides, dst);
      expect(Array.from(dst)).toEqual(gather(src, off, shape, strides));
    });
  }

  test.each([
    ['batched transpose, tails in both dims', 0, [3, 37, 45], [1665, 1, 37]],
    ['transpose with offset and padded rows', 5, [70, 33], [1, 80]],
    ['transpose with a cast to int32', 0, [40, 40], [1, 40]],
  ] as const)('tiled transpose path: %s', (name, off, shape, strides) => {
    const src = new Float64Array(seq(6000, -50, 50, 4));
    const n = shape.reduce((a, b) => a * b, 1);
    const dst = name.includes('int32') ? new Int32Array(n) : new Float32Array(n);
    native.stridedCopy(src, off, [...shape], [...strides], dst);
    const ref = gather(src, off, [...shape], [...strides]);
    expect(Array.from(dst)).toEqual(ref.map(name.includes('int32') ? (v: number) => Math.trunc(v) | 0 : Math.fround));
  });

  test('an empty dimension copies nothing and accepts any offset/strides', () => {
    const dst = new Float32Array(0);
    native.stridedCopy(new Float32Array(2), 1, [3, 0, 4], [1000, 1, 1000], dst);
    expect(dst.length).toBe(0);
  });

  test('casts: float -> int32 truncates toward zero, NaN -> 0, saturates', () => {
    const src = new Float64Array([2.7, -2.7, 0.5, -0.5, NaN, 1e12, -1e12, 2147483647, -2147483648]);
    const dst = new Int32Array(src.length);
    native.stridedCopy(src, 0, [src.length], [1], dst);
    expect(Array.from(dst)).toEqual([2, -2, 0, 0, 0, 2147483647, -2147483648, 2147483647, -2147483648]);
  });

  test('casts: float64 -> float32 rounds, int32 -> float64 is exact, strided cast', () => {
    const src = new Float64Array([0.1, 1 / 3, 16777217]);
    const d32 = new Float32Array(3);
    native.stridedCopy(src, 0, [3], [1], d32);
    expect(Array.from(d32)).toEqual([Math.fround(0.1), Math.fround(1 / 3), 16777216]);
    const i = new Int32Array([-7, 2147483647, 5, 9]);
    const d64 = new Float64Array(2);
    native.stridedCopy(i, 1, [2], [2], d64);
    expect(Array.from(d64)).toEqual([2147483647, 9]);
  });

  test('a subarray view sees exactly its window', () => {
    const base = new Float32Array(seq(20));
    const view = base.subarray(5, 10);
    const dst = new Float32Array(5);
    native.stridedCopy(view, 0, [5], [1], dst);
    expect(Array.from(dst)).toEqual(Array.from(base.slice(5, 10)));
    expectThrow(() => native.stridedCopy(view, 0, [6], [1], new Float32Array(6)), 'RangeError', /reaches element 5 but the array has length 5/);
  });

  describe('bad input', () => {
    const src = new Float32Array(12);
    const dst = new Float32Array(12);
    const cases: [string, () => void, RegExp, 'TypeError' | 'RangeError'][] = [
      ['src not an array', () => native.stridedCopy(5 as any, 0, [12], [1], dst),
        /stridedCopy: argument 'src' must be a Float32Array or Float64Array or Int32Array, got number/, 'TypeError'],
      ['src Uint8Array', () => native.stridedCopy(new Uint8Array(12) as any, 0, [12], [1], dst),
        /stridedCopy: argument 'src' .* got Uint8Array\(12\)/, 'TypeError'],
      ['dst missing', () => (native.stridedCopy as any)(src, 0, [12], [1]),
        /stridedCopy: expected 5 arguments, got 4/, 'TypeError'],
      ['dst undefined', () => (native.stridedCopy as any)(src, 0, [12], [1], undefined),
        /stridedCopy: argument 'dst' .* got undefined/, 'TypeError'],
      ['offset negative', () => native.stridedCopy(src, -1, [12], [1], dst),
        /stridedCopy: argument 'offset' must be an integer/, 'RangeError'],
      ['offset NaN', () => native.stridedCopy(src, NaN, [12], [1], dst),
        /stridedCopy: argument 'offset' must be an integer/, 'RangeError'],
      ['offset fractional', () => native.stridedCopy(src, 0.5, [12], [1], dst),
        /stridedCopy: argument 'offset' must be an integer/, 'RangeError'],
      ['offset past the end', () => native.stridedCopy(src, 1, [12], [1], dst),
        /stridedCopy: argument 'src'.*reaches element 12 but the array has length 12/, 'RangeError'],
      ['huge offset', () => native.stridedCopy(src, 2 ** 52, [1], [1], new Float32Array(1)),
        /stridedCopy: argument 'src'.*reaches element/, 'RangeError'],
      ['strides too large', () => native.stridedCopy(src, 0, [3, 4], [5, 1], dst),
        /stridedCopy: argument 'src'.*reaches element 13/, 'RangeError'],
      ['negative stride', () => native.stridedCopy(src, 11, [12], [-1], dst),
        /stridedCopy: argument 'strides'\[0\] must be an integer in \[0,/, 'RangeError'],
      ['strides not an array', () => native.stridedCopy(src, 0, [12], 1 as any, dst),
        /stridedCopy: argument 'strides' must be an Array of integers, got number/, 'TypeError'],
      ['shape/strides rank mismatch', () => native.stridedCopy(src, 0, [3, 4], [1], dst),
        /stridedCopy: shape has 2 dims but 'src' strides has 1/, 'RangeError'],
      ['negative shape', () => native.stridedCopy(src, 0, [-3], [1], dst),
        /stridedCopy: argument 'shape'\[0\] must be an integer/, 'RangeError'],
      ['NaN in shape', () => native.stridedCopy(src, 0, [NaN], [1], dst),
        /stridedCopy: argument 'shape'\[0\] must be an integer/, 'RangeError'],
      ['string in strides', () => native.stridedCopy(src, 0, [12], ['1' as any], dst),
        /stridedCopy: argument 'strides'\[0\] must be an integer/, 'RangeError'],
      ['too many dims', () => native.stridedCopy(src, 0, new Array(17).fill(1), new Array(17).fill(0), new Float32Array(1)),
        /stridedCopy: argument 'shape' has 17 entries, at most 16 allowed/, 'RangeError'],
      ['dst wrong length', () => native.stridedCopy(src, 0, [12], [1], new Float32Array(11)),
        /stridedCopy: argument 'dst' has length 11, expected 12/, 'RangeError'],
      ['numel overflow', () => native.stridedCopy(src, 0, [2 ** 30, 2 ** 30], [0, 0], dst),
        /stridedCopy: argument 'shape' has more than 2\^53 elements|stridedCopy: argument 'dst' has length/, 'RangeError'],
      ['overlapping src and dst', () => native.stridedCopy(src, 0, [6], [1], src.subarray(6, 12)),
        /stridedCopy: arguments 'src' and 'dst' overlap in memory/, 'RangeError'],
    ];
    test.each(cases)('%s', (_name, fn, re, cls) => expectThrow(fn, cls, re));
  });
});

describe('fill', () => {
  for (const [name, T] of FLOATS) {
    test.each(SIZES)(`${name} n=%i`, (n) => {
      const a = new T(n);
      native.fill(a, 2.5);
      expect(Array.from(a).every((v) => v === 2.5)).toBe(true);
    });
    test(`${name} NaN and -inf`, () => {
      const a = new T(9);
      native.fill(a, NaN);
      expect(Array.from(a).every(Number.isNaN)).toBe(true);
      native.fill(a, -Infinity);
      expect(Array.from(a).every((v) => v === -Infinity)).toBe(true);
    });
  }
  test('int32', () => {
    const a = new Int32Array(17);
    native.fill(a, -2147483648);
    expect(Array.from(a).every((v) => v === -2147483648)).toBe(true);
  });
  test('float32 rounds the value', () => {
    const a = new Float32Array(3);
    native.fill(a, 0.1);
    expect(a[2]).toBe(Math.fround(0.1));
  });
  test('bad input', () => {
    expectThrow(() => native.fill([1, 2] as any, 0), 'TypeError',
      /fill: argument 'dst' must be a Float32Array or Float64Array or Int32Array, got Array/);
    expectThrow(() => native.fill(new Float32Array(2), '1' as any), 'TypeError', /fill: argument 'value' must be a number, got string/);
    expectThrow(() => (native.fill as any)(new Float32Array(2)), 'TypeError', /fill: expected 2 arguments, got 1/);
    expectThrow(() => (native.fill as any)(new Float32Array(2), undefined), 'TypeError', /fill: argument 'value' must be a number, got undefined/);
    expectThrow(() => native.fill(new Int32Array(2), 1.5), 'RangeError',
      /fill: argument 'value' must be an integer in \[-2147483648, 2147483647\], got 1.5/);
    expectThrow(() => native.fill(new Int32Array(2), 2 ** 31), 'RangeError', /fill: argument 'value' must be an integer/);
    expectThrow(() => native.fill(new Int32Array(2), NaN), 'RangeError', /fill: argument 'value' must be an integer.*got NaN/);
  });
});
