/**
 * lib/ops/reduce.ts against PyTorch 1.13 (test/fixtures/ops.json; tolerances
 * in test/ops/fixture.ts): sum/mean/prod over all, one or several dims with
 * keepdim; max/min over everything (ties share the gradient, NaN wins) and
 * along a dim with indices; amax/amin; argmax/argmin; vector norms (p = 2, 1,
 * inf, 3; gradient 0 at 0); var/std with correction; logsumexp (stable at
 * +-1e4, -inf rows). Shapes: 0-d, 2-D, 3-D, 4-D, empty dims.
 */
import * as torch from '../../lib';
import { OpFn, runFamily } from './fixture';

const dimArg = (a: Record<string, any>) => (a.dim === undefined ? null : a.dim);

const ops: Record<string, OpFn> = {
  sum: ([x], a) => x.sum(dimArg(a), a.keepdim ?? false),
  mean: ([x], a) => x.mean(dimArg(a), a.keepdim ?? false),
  prod: ([x], a) => x.prod(dimArg(a), a.keepdim ?? false),
  var: ([x], a) => x.var(dimArg(a), { correction: a.correction ?? 1, keepdim: a.keepdim ?? false }),
  std: ([x], a) => x.std(dimArg(a), { correction: a.correction ?? 1, keepdim: a.keepdim ?? false }),
  maxAll: ([x]) => x.max(),
  minAll: ([x]) => x.min(),
  maxDim: ([x], a) => x.max(a.dim, a.keepdim ?? false),
  minDim: ([x], a) => x.min(a.dim, a.keepdim ?? false),
  amax: ([x], a) => x.amax(a.dim, a.keepdim ?? false),
  amin: ([x], a) => x.amin(a.dim, a.keepdim ?? false),
  argmax: ([x], a) => x.argmax(a.dim, a.keepdim ?? false),
  argmin: ([x], a) => x.argmin(a.dim, a.keepdim ?? false),
  norm: ([x], a) => x.norm(a.p === 'inf' ? Infinity : a.p, dimArg(a), a.keepdim ?? false),
  logsumexp: ([x], a) => x.logsumexp(a.dim, a.keepdim ?? false),
};

describe('reductions match PyTorch', () => runFamily('reduce', ops));

describe('reductions: functional forms and errors', () => {
  const x = torch.tensor([[1, 5, 2], [7, 0, 3]], { dtype: 'float64' });

  test('torch.<op> forms agree with the methods', () => {
    expect(torch.sum(x, 1).toArray()).toEqual([8, 10]);
    expect(torch.mean(x, 0).toArray()).toEqual([4, 2.5, 2.5]);
    expect(torch.max(x).item()).toBe(7);
    expect(torch.min(x).item()).toBe(0);
    expect(torch.argmax(x).item()).toBe(3);
    expect(torch.argmin(x, 1).toArray()).toEqual([0, 1]);
    expect(torch.norm(torch.tensor([3, 4])).item()).toBe(5);
    expect(torch.prod(x, 1).toArray()).toEqual([10, 0]);
  });

  test('argmax returns int32 indices (PyTorch: int64)', () => {
    expect(x.argmax(1).dtype).toBe('int32');
    expect(x.max(1).indices.dtype).toBe('int32');
  });

  test('mean of an int32 tensor is refused like PyTorch', () => {
    expect(() => torch.tensor([1, 2], { dtype: 'int32' }).mean()).toThrow(TypeError);
    expect(() => torch.tensor([1, 2], { dtype: 'int32' }).mean()).toThrow(/^mean: could not infer output dtype; input dtype must be floating point, got int32/);
  });

  test('a dim out of range names the op, the dim and the valid range', () => {
    expect(() => x.sum(2)).toThrow(RangeError);
    expect(() => x.sum(2)).toThrow(/^sum: dimension 2 out of range for a tensor of 2 dims \(expected in \[-2, 1\]\)$/);
    expect(() => x.max(-3)).toThrow(/^max: dimension -3 out of range for a tensor of 2 dims/);
    expect(() => x.mean([0, 0])).toThrow(/^mean: dim \[0,0\] appears more than once$/);
  });

  test('max/min/argmax of an empty tensor name the op and the shape', () => {
    const e = torch.zeros([0, 3]);
    expect(() => e.max()).toThrow(/^max: expected a non-empty tensor; got shape \[0, 3\]$/);
    expect(() => e.min()).toThrow(/^min: expected a non-empty tensor; got shape \[0, 3\]$/);
    expect(() => e.max(0)).toThrow(/^max: cannot reduce over dim 0 of size 0 \(shape \[0, 3\]\)$/);
    expect(() => e.argmax()).toThrow(/^argmax: expected a non-empty tensor; got shape \[0, 3\]$/);
    expect(() => e.amax(0)).toThrow(/^amax: cannot reduce over dim 0 of size 0/);
    // Reducing the non-empty dim of an empty tensor is fine.
    expect(e.amax(1).shape).toEqual([0]);
    expect(e.max(1).values.shape).toEqual([0]);
  });

  test('norm with a NaN p is refused', () => {
    expect(() => x.norm(NaN)).toThrow(/^norm: p must be a number, got NaN$/);
  });
});

describe('keepdim must be a boolean', () => {
  const x = torch.randn([2, 3]);
  test.each([
    ['sum', () => x.sum(0, 'yes' as never)],
    ['mean', () => x.mean(0, 1 as never)],
    ['prod', () => x.prod(0, 'yes' as never)],
    ['max', () => x.max(0, 'yes' as never)],
    ['min', () => x.min(0, 'yes' as never)],
    ['amax', () => x.amax(0, 'yes' as never)],
    ['argmax', () => x.argmax(0, 'yes' as never)],
    ['argmin', () => torch.argmin(x, 0, 'yes' as never)],
    ['norm', () => x.norm(2, 0, 'yes' as never)],
    ['var', () => x.var(0, { keepdim: 'yes' as never })],
    ['std', () => x.std(0, { keepdim: 'yes' as never })],
    ['logsumexp', () => x.logsumexp(0, 'yes' as never)],
  ])('%s', (op, f) => {
    expect(f).toThrow(TypeError);
    expect(f).toThrow(new RegExp(`^${op}: keepdim must be a boolean`));
  });
  test("var/std's options are strict (PyTorch's positional unbiased is not an options object)", () => {
    expect(() => x.var(0, true as never)).toThrow(/^var: options must be an object like \{ keepdim: true \}/);
    expect(() => x.std(0, { unbiased: false } as never)).toThrow(/^std: unknown option 'unbiased'; valid options: 'correction', 'keepdim'/);
    expect(x.var(0, { keepdim: true, correction: 0 }).shape).toEqual([1, 3]);
  });
});
