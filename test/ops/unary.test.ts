/**
 * lib/ops/unary.ts against PyTorch 1.13 (test/fixtures/ops.json, see
 * test/ops/fixture.ts for the tolerances): forward values and gradients of
 * every elementwise unary op and the scalar ops, in float64 and float32, on
 * 0-d, 2-D, 4-D and empty shapes, with the kinks (relu'(0) = abs'(0) = 0,
 * sign' = 0, clamp' = 1 on the closed interval) and NaN/inf propagation.
 */
import * as torch from '../../lib';
import { expectAllClose, OpFn, runFamily } from './fixture';

const method = (name: string): OpFn => ([x]) => (x as any)[name]();

const ops: Record<string, OpFn> = {
  neg: method('neg'), exp: method('exp'), log: method('log'), log1p: method('log1p'), expm1: method('expm1'),
  abs: method('abs'), sqrt: method('sqrt'), tanh: method('tanh'), sigmoid: method('sigmoid'), relu: method('relu'),
  sign: method('sign'), square: method('square'), reciprocal: method('reciprocal'), sin: method('sin'),
  cos: method('cos'), rsqrt: method('rsqrt'),
  clamp: ([x], a) => x.clamp(a.min ?? null, a.max ?? null),
  powScalar: ([x], a) => x.pow(a.p),
  rpow: ([x], a) => torch.pow(a.base, x),
  addScalar: ([x], a) => x.add(a.s),
  subScalar: ([x], a) => x.sub(a.s),
  rsub: ([x], a) => torch.sub(a.s, x),
  mulScalar: ([x], a) => x.mul(a.s),
  divScalar: ([x], a) => x.div(a.s),
  rdiv: ([x], a) => torch.div(a.s, x),
};

describe('unary ops match PyTorch', () => runFamily('unary', ops));

describe('unary ops: functional forms and errors', () => {
  test('torch.<op>(x) and x.<op>() agree', () => {
    const x = torch.tensor([[-1.5, 0, 2]], { dtype: 'float64' });
    for (const name of ['neg', 'exp', 'abs', 'tanh', 'sigmoid', 'relu', 'sign', 'square', 'sin', 'cos'] as const)
      expect((torch as any)[name](x).toArray()).toEqual((x as any)[name]().toArray());
    expect(torch.nn.functional.relu(x).toArray()).toEqual([[0, 0, 2]]);
  });

  test('int32 inputs are computed in float32', () => {
    const y = torch.tensor([1, 4, 9], { dtype: 'int32' }).sqrt();
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.data)).toEqual([1, 2, 3]);
  });

  test('clamp with neither bound names the op', () => {
    expect(() => torch.tensor([1]).clamp(null, null)).toThrow(/^clamp: at least one of min and max must not be null$/);
  });

  test('a non-tensor argument names the op and the argument', () => {
    expect(() => torch.exp(3 as any)).toThrow(TypeError);
    expect(() => torch.exp(3 as any)).toThrow(/^exp: argument 'input' must be a Tensor, got number$/);
  });

  test('non-contiguous inputs (a transposed view)', () => {
    const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64', requiresGrad: true });
    const y = x.t().exp();
    expect(y.shape).toEqual([3, 2]);
    expectAllClose(y.toArray(), [[1, 4], [2, 5], [3, 6]].map((r) => r.map(Math.exp)));
    y.sum().backward();
    expectAllClose(x.grad!.toArray(), [[1, 2, 3], [4, 5, 6]].map((r) => r.map(Math.exp)));
  });
});
