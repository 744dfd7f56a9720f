/**
 * torch.tensor from nested arrays (lib/tensor.ts): shapes, dtypes, NaN and
 * infinities allowed, and the errors for ragged or non-numeric input.
 */
import * as torch from '../lib';

describe('torch.tensor from nested arrays', () => {
  test('shape and values, row-major', () => {
    const t = torch.tensor([[[1, 2]], [[3, 4]]]);
    expect(t.shape).toEqual([2, 1, 2]);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
    expect(torch.tensor(5).shape).toEqual([]);
    expect(torch.tensor([]).shape).toEqual([0]);
    expect(torch.tensor([[], []]).shape).toEqual([2, 0]);
    expect(torch.tensor([true, false]).toArray()).toEqual([1, 0]);
    expect(torch.tensor([1.5, -2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(torch.tensor([1, 2], { dtype: 'int32' }).data).toBeInstanceOf(Int32Array);
  });

  test('NaN and infinities are allowed', () => {
    const t = torch.tensor([[NaN, Infinity], [-Infinity, 0]], { dtype: 'float64' });
    const d = Array.from(t.data);
    expect(d[0]).toBeNaN();
    expect(d.slice(1)).toEqual([Infinity, -Infinity, 0]);
    expect(torch.tensor(NaN).item()).toBeNaN();
  });

  test('ragged arrays: the message names the op and where the nesting breaks', () => {
    expect(() => torch.tensor([[1, 2], [3]])).toThrow(RangeError);
    expect(() => torch.tensor([[1, 2], [3]])).toThrow(/^tensor: ragged nested array: element at \[1\] has length 1, expected 2$/);
    expect(() => torch.tensor([[1, 2], 3] as any)).toThrow(
      /^tensor: ragged nested array: element at \[1\] is a number where an array of length 2 was expected$/,
    );
    expect(() => torch.tensor([1, [2, 3]] as any)).toThrow(
      /^tensor: ragged nested array: element at \[1\] is an array where a number was expected \(shape so far \[2\]\)$/,
    );
    expect(() => torch.tensor([[[1], [2]], [[3], [4, 5]]])).toThrow(
      /^tensor: ragged nested array: element at \[1\]\[1\] has length 2, expected 1$/,
    );
  });

  test('non-numeric elements name their position and type', () => {
    expect(() => torch.tensor([1, 'a'] as any)).toThrow(TypeError);
    expect(() => torch.tensor([1, 'a'] as any)).toThrow(/^tensor: element at \[1\] must be a number, got string$/);
    expect(() => torch.tensor([[1, null]] as any)).toThrow(/^tensor: element at \[0\]\[1\] must be a number, got null$/);
    expect(() => torch.tensor([1], { dtype: 'float16' as any })).toThrow(/^tensor: unknown dtype "float16"; expected 'float32', 'float64' or 'int32'$/);
  });
});

describe('creation functions', () => {
  test('zeros, ones, full, eye, linspace: shapes, values and dtypes', () => {
    expect(torch.zeros([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(torch.ones([2], { dtype: 'int32' }).data).toBeInstanceOf(Int32Array);
    expect(torch.full([2, 2], 7).toArray()).toEqual([[7, 7], [7, 7]]);
    expect(torch.eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(torch.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(torch.zeros([0, 4]).shape).toEqual([0, 4]);
  });

  test('arange(end), arange(end, opts) and arange(start, end, step, opts), as torch.arange', () => {
    expect(torch.arange(4).toArray()).toEqual([0, 1, 2, 3]);
    const i = torch.arange(5, { dtype: 'int32' });
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(torch.arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(torch.arange(5, 0, -2, { dtype: 'float64' }).toArray()).toEqual([5, 3, 1]);
    expect(torch.arange(0).shape).toEqual([0]);
    expect(() => torch.arange(0, 5, 0)).toThrow(/^arange: /);
    expect(() => torch.arange(5, 0, 1)).toThrow(/^arange: upper bound and larger bound inconsistent with step sign/);
  });
});

describe('PyTorch call forms', () => {
  test('creation functions take sizes as separate numbers, like torch.zeros(2, 3)', () => {
    expect(torch.zeros(2, 3).shape).toEqual([2, 3]);
    expect(torch.ones(2).toArray()).toEqual([1, 1]);
    expect(torch.empty(4).shape).toEqual([4]);
    torch.manualSeed(3);
    const a = torch.randn(2, 3);
    torch.manualSeed(3);
    expect(torch.randn([2, 3]).toArray()).toEqual(a.toArray());
    expect(torch.rand(5).shape).toEqual([5]);
    expect(() => torch.zeros(2, [3] as never)).toThrow(TypeError);
    expect(() => torch.ones('2' as never)).toThrow(new TypeError('ones: shape must be an array of sizes, got string'));
  });

  test('randint(high, shape) starts at 0', () => {
    torch.manualSeed(0);
    const r = torch.randint(3, [1000]);
    expect(r.dtype).toBe('int32');
    expect(r.min().item()).toBe(0);
    expect(r.max().item()).toBe(2);
    expect(() => torch.randint(0, [2])).toThrow(RangeError);
  });

  test('add / sub take alpha positionally or as { alpha }', () => {
    const x = torch.tensor([1, 2]), y = torch.tensor([10, 20]);
    expect(x.add(y, { alpha: 2 }).toArray()).toEqual([21, 42]);
    expect(x.add(y, 2).toArray()).toEqual([21, 42]);
    expect(x.sub(y, { alpha: 0.5 }).toArray()).toEqual([-4, -8]);
    expect(x.clone().sub_(y, { alpha: 2 }).toArray()).toEqual([-19, -38]);
    expect(() => x.add(y, { alfa: 2 } as never)).toThrow(new TypeError("add: unknown option 'alfa' (the only one is alpha)"));
    expect(() => x.add(y, '2' as never)).toThrow(new TypeError('add: alpha must be a number, got string'));
  });

  test('get takes one index per leading dim', () => {
    const x = torch.tensor([[1, 2], [3, 4]]);
    expect(x.get(1, 0).item()).toBe(3);
    expect(x.get(1).toArray()).toEqual([3, 4]);
    expect(() => x.get(1, 0, 0)).toThrow(new RangeError('get: too many indices (3) for a tensor of 2 dims (shape [2, 2])'));
    expect(() => (x.get as (...i: number[]) => torch.Tensor)()).toThrow(TypeError);
  });
});

describe('TensorOptions are strict', () => {
  const t = torch.ones([2]);
  test.each([
    ['tensor', () => torch.tensor([1], { dtyp: 'float64' } as never)],
    ['fromTypedArray', () => torch.fromTypedArray(new Float32Array(2), [2], { dtyp: 'float64' } as never)],
    ['empty', () => torch.empty([2], { dtyp: 'float64' } as never)],
    ['zeros', () => torch.zeros(2, { dtyp: 'float64' } as never)],
    ['ones', () => torch.ones([2], { dtyp: 'float64' } as never)],
    ['full', () => torch.full([2], 1, { dtyp: 'float64' } as never)],
    ['zerosLike', () => torch.zerosLike(t, { dtyp: 'float64' } as never)],
    ['onesLike', () => torch.onesLike(t, { dtyp: 'float64' } as never)],
    ['fullLike', () => torch.fullLike(t, 1, { dtyp: 'float64' } as never)],
    ['arange', () => torch.arange(3, { dtyp: 'float64' } as never)],
    ['arange', () => torch.arange(0, 3, 1, { dtyp: 'float64' } as never)],
    ['linspace', () => torch.linspace(0, 1, 3, { dtyp: 'float64' } as never)],
    ['eye', () => torch.eye(2, 2, { dtyp: 'float64' } as never)],
    ['rand', () => torch.rand([2], { dtyp: 'float64' } as never)],
    ['randn', () => torch.randn([2], { dtyp: 'float64' } as never)],
    ['randint', () => torch.randint(0, 5, [2], { dtyp: 'float64' } as never)],
    ['randint', () => torch.randint(5, [2], { requires_grad: true } as never)],
  ])('%s: an unknown key is a TypeError listing dtype and requiresGrad', (op, f) => {
    expect(f).toThrow(TypeError);
    expect(f).toThrow(new RegExp(`^${op}: unknown option '\\w+'.*; valid options: 'dtype', 'requiresGrad'$`));
  });
  test('a non-object is a TypeError; requiresGrad must be a boolean', () => {
    expect(() => torch.randn([2], 'float64' as never)).toThrow(/^randn: options must be an object like \{ dtype: 'float64' \}.*got string "float64"/);
    expect(() => torch.tensor([1], 'float64' as never)).toThrow(/^tensor: options must be an object/);
    expect(() => torch.zerosLike(t, 'float64' as never)).toThrow(/^zerosLike: options must be an object/);
    expect(() => torch.zeros([2], { requiresGrad: 'yes' } as never)).toThrow(/^zeros: requiresGrad must be a boolean/);
    expect(() => torch.randn([2], { requires_grad: true } as never)).toThrow(/did you mean 'requiresGrad'/);
    expect(torch.randn([2], { dtype: 'float64', requiresGrad: true }).requiresGrad).toBe(true);
  });
});
