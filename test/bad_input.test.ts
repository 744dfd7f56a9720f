/**
 * Hostile and careless input to the public API, as a tester found it: each
 * case gets a clear error naming the op (or PyTorch's result), never a wrong
 * value, a hang or an error from deep inside the library.
 */
import * as torch from '../lib';

const int = (a: number[]) => torch.tensor(a, { dtype: 'int32' });

describe('0-d tensors and dims', () => {
  const s = () => torch.tensor(7);
  test.each([
    ['narrow', () => s().narrow(0, 0, 1), /^narrow: dimension specified as 0 but the tensor has no dimensions/],
    ['slice', () => s().slice(0), /^slice: dimension specified as 0/],
    ['select', () => s().select(0, 0), /^select: dimension specified as 0/],
    ['split', () => s().split(1), /^split: dimension specified as 0/],
    ['chunk', () => s().chunk(2), /^chunk: dimension specified as 0/],
    ['size', () => s().size(0), /^size: dimension specified as 0/],
    ['stride', () => s().stride(0), /^stride: dimension specified as 0/],
    ['cat', () => torch.cat([torch.tensor(1), torch.tensor(2)]), /^cat: zero-dimensional tensor \(at position 0\) cannot be concatenated/],
    ['transpose out of range', () => s().transpose(5, 7), /^transpose: dimension 5 out of range/],
  ] as const)('%s', (_n, fn, re) => expect(fn).toThrow(re));

  test('where PyTorch wraps scalars, dim 0 and -1 work', () => {
    expect(s().sum(0).item()).toBe(7);
    expect(s().transpose(0, -1).item()).toBe(7);
    expect(s().softmax(0).item()).toBe(1);
    const r = s().indexSelect(0, [0]);
    expect(r.shape).toEqual([]);
    expect(r.item()).toBe(7);
    expect(() => s().indexSelect(0, [1])).toThrow(/^indexSelect: index 1 is out of range/);
  });
});

describe('views that write', () => {
  test('copy_ and add_ into an expanded view are refused (PyTorch); fill_ writes each location once', () => {
    const a = torch.zeros([1]);
    expect(() => a.expand([3]).copy_(torch.tensor([1, 2, 3]))).toThrow(/^copy_: unsupported operation: more than one element of the written-to tensor refers to a single memory location/);
    expect(() => a.expand([3]).add_(1)).toThrow(/^add_: unsupported operation/);
    expect(a.item()).toBe(0);
    expect(a.expand([2, 3]).fill_(4).toArray()).toEqual([[4, 4, 4], [4, 4, 4]]);
    expect(a.item()).toBe(4);
  });

  test('in-place ops on a tensor with no element are no-ops (no element can overlap another)', () => {
    for (const shape of [[3, 0], [0, 3], [0]]) {
      const z = torch.zeros(shape);
      expect(z.mul_(2).shape).toEqual(shape);
      expect(z.add_(1).div_(2).sub_(1).clamp_(0, 1).copy_(torch.zeros(shape)).shape).toEqual(shape);
      expect(z.uniform_().normal_().fill_(3).zero_().shape).toEqual(shape);
    }
    // An expanded empty view too.
    expect(torch.zeros([1, 0]).expand([4, 0]).mul_(2).shape).toEqual([4, 0]);
  });

  test('expand checks its sizes', () => {
    expect(() => torch.ones([1]).expand([-2])).toThrow(/^expand: invalid size -2 at dim 0/);
    expect(() => torch.ones([1]).expand([1.5])).toThrow(/^expand: invalid size 1.5/);
    expect(() => torch.ones([1]).expand([NaN])).toThrow(/^expand: invalid size NaN/);
    expect(torch.ones([1]).expand([3, -1]).shape).toEqual([3, 1]);
  });

  test('indexSelect checks array indices instead of coercing them', () => {
    const x = torch.arange(6).view(3, 2);
    expect(() => x.indexSelect(0, [2 ** 32])).toThrow(/^indexSelect: index\[0\] must be an integer, got 4294967296/);
    expect(() => x.indexSelect(0, [1.7])).toThrow(/^indexSelect: index\[0\] must be an integer, got 1.7/);
    expect(() => x.indexSelect(0, ['1' as unknown as number])).toThrow(/^indexSelect: index\[0\] must be an integer, got string/);
  });
});

describe('in-place modification of a saved tensor', () => {
  test("backward fails with PyTorch's message instead of a silently wrong gradient", () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const w = torch.tensor([1, 1, 1]);
    const y = x.mul(w).sum();
    w.mul_(10);
    expect(() => y.backward()).toThrow(
      /^backward: one of the variables needed for gradient computation has been modified by an inplace operation: \[torch.float32 \[3\]\] is at version 1; expected version 0 instead \(saved by MulBackward0\)/,
    );
  });

  test('an optimizer step between forward and backward is caught too', () => {
    const w = new torch.nn.Parameter(torch.ones([2]));
    const opt = new torch.optim.SGD([w], { lr: 0.1 });
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(w).sum();
    w.grad = torch.ones([2]);
    opt.step();
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });

  test('modifying a tensor whose values the gradient does not need is fine (add saves nothing, as PyTorch)', () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const b = torch.tensor([1, 1, 1]);
    const y = x.add(b).sum();
    b.add_(1);
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1, 1]);
  });
});

describe('int32', () => {
  test('values are truncated toward zero; out-of-range values are an error, not a wrap', () => {
    expect(int([1.7, -1.7]).toArray()).toEqual([1, -1]);
    expect(() => int([1e10])).toThrow(/^tensor: value 10000000000 cannot be converted to type int32 without overflow/);
    expect(() => int([NaN])).toThrow(/^tensor: value NaN cannot be converted to type int32/);
    expect(torch.full([2], 1.5, { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(torch.zeros([2], { dtype: 'int32' }).fill_(2.9).toArray()).toEqual([2, 2]);
  });

  test('neg, abs, relu, sign, square, clamp and integer pow keep int32 (PyTorch)', () => {
    const x = int([-2, 3]);
    for (const [y, v] of [[x.neg(), [2, -3]], [x.abs(), [2, 3]], [x.relu(), [0, 3]], [x.sign(), [-1, 1]], [x.square(), [4, 9]],
      [x.clamp(0, 2), [0, 2]], [x.pow(2), [4, 9]], [x.pow(3), [-8, 27]]] as const) {
      expect(y.dtype).toBe('int32');
      expect(y.toArray()).toEqual(v);
    }
    expect(x.clamp(0.5, 2).dtype).toBe('float32');
    expect(x.exp().dtype).toBe('float32');
  });

  test('a sum that overflows int32 is an error (PyTorch would give int64, which torchlet lacks)', () => {
    expect(() => int([2 ** 30, 2 ** 30, 2 ** 30]).sum()).toThrow(/^sum: the int32 result 3221225472 overflows int32/);
    expect(int([2 ** 30, 2 ** 30 - 1]).sum().item()).toBe(2 ** 31 - 1);
  });
});

describe('ops with odd operands', () => {
  test('where with two numbers, and with a bad operand', () => {
    expect(torch.where(int([1, 0]), 1, 2).toArray()).toEqual([1, 2]);
    expect(torch.where(int([1, 0]), 1.5, 2).toArray()).toEqual([1.5, 2]);
    expect(() => torch.where(int([1, 0]), 1, null as unknown as number)).toThrow(/^where: argument 'other' must be a Tensor or a number, got null$/);
  });

  test("pow's gradient at 0^0 is 0 for both operands (PyTorch's masks), not NaN", () => {
    const x = torch.tensor([0, 1, 2], { requiresGrad: true });
    const e = torch.tensor([0, 0, 3], { requiresGrad: true });
    x.pow(e).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 12]);
    expect(Array.from(e.grad!.data).slice(0, 2)).toEqual([0, 0]);
    expect(e.grad!.data[2]).toBeCloseTo(8 * Math.log(2), 5);
  });

  test('logsumexp over an empty dim is -inf', () => {
    expect(torch.zeros([2, 0]).logsumexp(1).toArray()).toEqual([-Infinity, -Infinity]);
  });

  test('more dims than supported, and deep nesting, are clear errors', () => {
    expect(() => torch.zeros(new Array(17).fill(1))).toThrow(/^tensor: at most 16 dims are supported, got 17/);
    let deep: unknown = 1;
    for (let i = 0; i < 20000; i++) deep = [deep];
    expect(() => torch.tensor(deep as number[])).toThrow(/^tensor: nested array is more than 16 levels deep/);
  });

  test('allocation failures name the dtype, element count and bytes', () => {
    expect(() => torch.zeros([2 ** 40])).toThrow(/^cannot allocate a float32 tensor of 1099511627776 elements \(4398046511104 bytes\)/);
  });
});

describe('argument kinds', () => {
  test.each([
    ['manualSeed', () => torch.manualSeed('1' as unknown as number), TypeError, /^manualSeed: seed must be a number, got string/],
    ['arange', () => torch.arange('5' as unknown as number), TypeError, /^arange: start must be a number, got string/],
    ['zeros Infinity', () => torch.zeros([Infinity]), RangeError, /^zeros: shape \[Infinity\] must hold non-negative integers/],
    ['eye', () => torch.eye(-1), RangeError, /^eye: n must be a non-negative integer, got -1/],
    ['get 0.5', () => torch.zeros([3]).get(0.5), TypeError, /^select: index must be an integer, got 0.5/],
    ['noGrad', () => torch.noGrad(5 as unknown as () => void), TypeError, /^noGrad: expects a function to run, got number/],
    ['setCacheLimit', () => torch.setCacheLimit('5' as unknown as number), TypeError, /^setCacheLimit: limit must be a number of bytes/],
    ['full', () => torch.full([2], 'a' as unknown as number), TypeError, /^full: fill value must be a number, got string/],
    ['loadStateDict null', () => new torch.nn.Linear(2, 2).loadStateDict(null as unknown as Map<string, torch.Tensor>), TypeError, /^loadStateDict: expects a Map or an object of tensors, got null/],
    ['loadStateDict number', () => new torch.nn.Linear(2, 2).loadStateDict(5 as unknown as Map<string, torch.Tensor>), TypeError, /got number/],
  ] as const)('%s', (_n, fn, cls, re) => {
    expect(fn).toThrow(cls);
    expect(fn).toThrow(re);
  });
});

describe('optimizer input', () => {
  const p = () => new torch.nn.Parameter(torch.ones([2, 2]));
  test('hyperparameters: a string is a TypeError, infinities a RangeError at construction', () => {
    expect(() => new torch.optim.SGD([p()], { lr: '0.1' as unknown as number })).toThrow(/^SGD: lr must be a number, got string$/);
    expect(() => new torch.optim.SGD([p()], { lr: 0.1, momentum: Infinity })).toThrow(/^SGD: invalid momentum Infinity, must be finite$/);
    expect(() => new torch.optim.SGD([p()], { lr: 0.1, weightDecay: Infinity })).toThrow(/^SGD: invalid weightDecay Infinity/);
  });

  test('a gradient of the wrong shape or kind is refused when assigned, as in PyTorch', () => {
    const w = p();
    expect(() => (w.grad = torch.tensor([1, 2, 3, 4]))).toThrow(new RangeError('grad: assigned grad has shape [4], but the tensor has shape [2, 2]'));
    expect(() => (w.grad = torch.ones([2, 2], { dtype: 'float64' }))).toThrow(new TypeError('grad: assigned grad has dtype float64, but the tensor is float32'));
    expect(() => (w.grad = 5 as unknown as torch.Tensor)).toThrow(new TypeError('grad: assigned grad must be a Tensor or null, got number'));
    expect(() => (w.grad = w)).toThrow("grad: can't assign a tensor as its own grad");
    expect(w.grad).toBeNull();
  });

  test('a gradient of the wrong shape or kind that got past the setter is refused by step()', () => {
    const w = p();
    const opt = new torch.optim.SGD([w], { lr: 0.1 });
    w._gradT = torch.tensor([1, 2, 3, 4]); // bypasses the setter's checks
    expect(() => opt.step()).toThrow(/^SGD: gradient of shape \[4\] does not match its parameter of shape \[2, 2\]$/);
    w._gradT = 5 as unknown as torch.Tensor;
    expect(() => opt.step()).toThrow(/^SGD: a parameter's grad must be a Tensor or null, got number$/);
    expect(w.toArray()).toEqual([[1, 1], [1, 1]]);
  });

  test('loadStateDict checks parameter indices and buffer shapes', () => {
    const w = p();
    const opt = new torch.optim.SGD([w], { lr: 0.1, momentum: 0.9 });
    const sd = opt.stateDict();
    expect(() => opt.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0], params: ['a'] }] })).toThrow(/params\[0\] must be a unique non-negative integer index, got "a"/);
    expect(() => opt.loadStateDict({ state: { 0: { momentum_buffer: torch.ones([1]) } }, param_groups: sd.param_groups })).toThrow(/state 'momentum_buffer' of parameter 0 has shape \[1\], the parameter \[2, 2\]/);
  });

  test('clipGradNorm with normType 0 counts non-zero gradients (PyTorch), and checks its arguments', () => {
    const a = p(), b = p();
    a.grad = torch.tensor([[1, 0], [2, 0]]);
    b.grad = torch.zeros([2, 2]);
    expect(torch.nn.utils.clipGradNorm([a, b], 5, 0)).toBe(1);
    expect(a.grad.toArray()).toEqual([[1, 0], [2, 0]]);
    expect(() => torch.nn.utils.clipGradNorm([a], 5, -1)).toThrow(/^clipGradNorm: normType must be a number >= 0/);
  });

  test('a DataLoader over a dataset with a negative length', () => {
    const ds = { length: -3, getItem: () => [torch.zeros([1])] } as unknown as torch.data.Dataset;
    expect(() => new torch.data.DataLoader(ds)).toThrow(/^DataLoader: the dataset's length must be a non-negative integer, got -3$/);
  });
});
