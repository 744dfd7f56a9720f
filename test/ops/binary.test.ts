/**
 * lib/ops/binary.ts against PyTorch 1.13 (test/fixtures/ops.json; tolerances
 * in test/ops/fixture.ts): add/sub/mul/div/pow/maximum/minimum/where and the
 * comparisons, with broadcasting ((3,1)x(1,4), (2,3,4)x(4), 0-d, 4-D, empty),
 * one-sided gradients, dtype promotion, ties (maximum/minimum split the
 * gradient in half), NaN/inf propagation and int32 arithmetic.
 */
import * as torch from '../../lib';
import { OpFn, runFamily } from './fixture';

const fn2 = (name: string): OpFn => ([a, b], args) => (torch as any)[name](a, b ?? args.s);

const ops: Record<string, OpFn> = {
  add: fn2('add'), sub: fn2('sub'), mul: fn2('mul'), div: fn2('div'), pow: fn2('pow'),
  maximum: fn2('maximum'), minimum: fn2('minimum'),
  eq: fn2('eq'), ne: fn2('ne'), lt: fn2('lt'), le: fn2('le'), gt: fn2('gt'), ge: fn2('ge'),
  addAlpha: ([a, b], args) => a.add(b, args.alpha),
  where: ([c, a, b]) => torch.where(c, a, b),
  whereScalar: ([c, a], args) => torch.where(c, a, args.s),
};

describe('binary ops match PyTorch', () => runFamily('binary', ops));

describe('binary ops: methods, scalars and errors', () => {
  test('methods agree with the functions', () => {
    const a = torch.tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const b = torch.tensor([10, 20], { dtype: 'float64' });
    expect(a.add(b).toArray()).toEqual([[11, 22], [13, 24]]);
    expect(a.sub(b).toArray()).toEqual([[-9, -18], [-7, -16]]);
    expect(a.mul(b).toArray()).toEqual([[10, 40], [30, 80]]);
    expect(a.div(b).toArray()).toEqual([[0.1, 0.1], [0.3, 0.2]]);
    expect(a.pow(b.div(10)).toArray()).toEqual([[1, 4], [3, 16]]);
    expect(a.maximum(b.div(8)).toArray()).toEqual([[1.25, 2.5], [3, 4]]);
    expect(a.minimum(b.div(8)).toArray()).toEqual([[1, 2], [1.25, 2.5]]);
  });

  test('a number on either side', () => {
    const a = torch.tensor([1, 2, 4], { dtype: 'float64' });
    expect(torch.add(1, a).toArray()).toEqual([2, 3, 5]);
    expect(torch.sub(1, a).toArray()).toEqual([0, -1, -3]);
    expect(torch.mul(3, a).toArray()).toEqual([3, 6, 12]);
    expect(torch.div(1, a).toArray()).toEqual([1, 0.5, 0.25]);
    expect(torch.pow(2, a).toArray()).toEqual([2, 4, 16]);
  });

  test('strided operands (transposed views, slices) are read through their strides', () => {
    const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    expect(x.t().add(x.t()).toArray()).toEqual([[2, 8], [4, 10], [6, 12]]);
    expect(x.slice(1, 0, 3, 2).mul(x.t().slice(0, 0, 1).t()).toArray()).toEqual([[1, 3], [16, 24]]);
  });

  // The dim is counted in the broadcast result, from the left, as PyTorch's message does.
  test('incompatible shapes: the message names the op, both shapes and the dim', () => {
    const a = torch.zeros([2, 3]), b = torch.zeros([4]);
    expect(() => a.add(b)).toThrow(RangeError);
    expect(() => a.add(b)).toThrow(/^add: shapes \[2, 3\] and \[4\] cannot be broadcast together \(dim 1: 3 vs 4\)$/);
    expect(() => torch.mul(torch.zeros([2, 3, 4]), torch.zeros([5, 1]))).toThrow(
      /^mul: shapes \[2, 3, 4\] and \[5, 1\] cannot be broadcast together \(dim 1: 3 vs 5\)$/,
    );
    expect(() => torch.maximum(torch.zeros([3, 1]), torch.zeros([2, 4]))).toThrow(/^maximum: shapes \[3, 1\] and \[2, 4\] cannot be broadcast/);
    expect(() => torch.where(torch.ones([2]), torch.zeros([3]), 0)).toThrow(/^where: shapes \[2\] and \[3\] cannot be broadcast/);
  });

  test('a wrong operand type names the op and the argument', () => {
    const a = torch.zeros([2]);
    expect(() => a.add('1' as any)).toThrow(TypeError);
    expect(() => a.add('1' as any)).toThrow(/^add: argument 'other' must be a Tensor or a number, got string$/);
    expect(() => torch.mul(null as any, a)).toThrow(/^mul: argument 'input' must be a Tensor or a number, got object$/);
  });
});
