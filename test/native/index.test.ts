// assign / indexSelect / indexAdd: values against plain JS, and bad input.
import { native } from '../../lib/native';

describe('assign', () => {
  test('strided copy between views, with cast', () => {
    const src = Float64Array.from({ length: 12 }, (_, i) => i + 0.5); // 3x4
    const dst = new Int32Array(12).fill(-1);
    // dst (4x3) = src^T, truncating
    native.assign([4, 3], src, 0, [1, 4], dst, 0, [3, 1]);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) expect(dst[i * 3 + j]).toBe(Math.trunc(src[j * 4 + i]));
  });
  test('broadcast source (stride 0) into an offset view', () => {
    const src = Float32Array.from([7]);
    const dst = new Float32Array(10);
    native.assign([2, 2], src, 0, [0, 0], dst, 3, [4, 1]);
    expect(Array.from(dst)).toEqual([0, 0, 0, 7, 7, 0, 0, 7, 7, 0]);
  });
  test('empty shape copies nothing; 0-d copies one element', () => {
    const dst = new Float32Array(2);
    native.assign([0, 5], new Float32Array(0), 0, [5, 1], dst, 0, [5, 1]);
    native.assign([], Float32Array.from([3]), 0, [], dst, 1, []);
    expect(Array.from(dst)).toEqual([0, 3]);
  });
  test('NaN to int32 is 0, large values clamp', () => {
    const dst = new Int32Array(3);
    native.assign([3], Float64Array.from([NaN, 1e12, -1e12]), 0, [1], dst, 0, [1]);
    expect(Array.from(dst)).toEqual([0, 2147483647, -2147483648]);
  });
  test('bad input throws, never writes out of bounds', () => {
    const a = new Float32Array(4);
    expect(() => native.assign([5], a, 0, [1], new Float32Array(5), 0, [1])).toThrow(/assign: argument 'src'.*reaches element 4.*length 4/);
    expect(() => native.assign([2], a, 0, [1], new Float32Array(5), 4, [1])).toThrow(/assign: argument 'dst'/);
    expect(() => native.assign([2], a, -1, [1], a, 0, [1])).toThrow(/assign: argument 'srcOffset'/);
    expect(() => native.assign([2], a, 0, [1, 1], a, 2, [1])).toThrow(/shape has 1 dims/);
    expect(() => native.assign([2], a, 0, [1], a, 1, [1])).toThrow(/overlap/);
    expect(() => native.assign([2], 'x' as any, 0, [1], a, 0, [1])).toThrow(/assign: argument 'src' must be a Float32Array or Float64Array or Int32Array, got string/);
    expect(() => native.assign([2.5], a, 0, [1], a, 0, [1])).toThrow(/shape.*integer/);
    expect(() => (native.assign as any)()).toThrow(/assign: expected 7 arguments, got 0/);
    expect(() => (native.assign as any)(undefined, a, 0, [1], a, 0, [1])).toThrow(/assign: argument 'shape' must be an Array/);
  });
});

describe('indexSelect / indexAdd', () => {
  test('select rows and scatter them back', () => {
    const x = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i); // (2, 3, 2)
    const idx = Int32Array.from([2, 0, 2]);
    const out = new Float32Array(2 * 3 * 2);
    native.indexSelect(x, 2, 3, 2, idx, out);
    expect(Array.from(out)).toEqual([4, 5, 0, 1, 4, 5, 10, 11, 6, 7, 10, 11]);
    const acc = new Float32Array(12);
    native.indexAdd(acc, 2, 3, 2, idx, out);
    expect(Array.from(acc)).toEqual([0, 1, 0, 0, 8, 10, 6, 7, 0, 0, 20, 22]);
  });
  test('int32 rows', () => {
    const out = new Int32Array(2);
    native.indexSelect(Int32Array.from([5, 6, 7]), 1, 3, 1, Int32Array.from([2, 1]), out);
    expect(Array.from(out)).toEqual([7, 6]);
  });
  test('bad input', () => {
    const x = new Float32Array(6);
    expect(() => native.indexSelect(x, 1, 3, 2, Int32Array.from([3]), new Float32Array(2))).toThrow(/indexSelect: index 3 is out of range for a dimension of size 3/);
    expect(() => native.indexSelect(x, 1, 3, 2, Int32Array.from([-1]), new Float32Array(2))).toThrow(/index -1/);
    expect(() => native.indexSelect(x, 1, 4, 2, Int32Array.from([0]), new Float32Array(2))).toThrow(/argument 'x' has length 6, expected outer\*n\*inner = 1\*4\*2 = 8/);
    expect(() => native.indexSelect(x, 1, 3, 2, Int32Array.from([0]), new Float32Array(3))).toThrow(/argument 'out' has length 3, expected 2/);
    expect(() => native.indexSelect(x, 1, 3, 2, Float32Array.from([0]) as any, new Float32Array(2))).toThrow(/indices.*Int32Array/);
    expect(() => native.indexAdd(x, 1, 3, 2, Int32Array.from([0]), new Float64Array(2))).toThrow(/same type/);
  });
});
