/**
 * Tensor printing (lib/format.ts via Tensor.toString) against the exact
 * strings PyTorch 1.13's repr() gives for the same tensors (the "repr"
 * section of test/fixtures/ops.json, written by test/fixtures/gen_ops.py):
 * int-valued floats, decimals, sci mode, nan/inf, requires_grad=True,
 * grad_fn=<...>, dtype=torch.float64, int32, 0-d, empty, 3-D/4-D, wrapped
 * rows and summarised tensors.
 */
import { inspect } from 'util';
import * as torch from '../lib';
import type { Tensor } from '../lib';
import { fixture, FxRepr, toTensor } from './ops/fixture';

function build(c: FxRepr): Tensor {
  const t = toTensor(c, c.requiresGrad);
  switch (c.make) {
    case 'mul2': return t.mul(2);
    case 'sum': return t.sum();
    case 'add1': return t.add(1);
    case 'exp': return t.exp();
    default: return t;
  }
}

describe('toString matches PyTorch repr()', () => {
  test.each(fixture().repr.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expect(build(c).toString()).toBe(c.expected);
  });
});

describe('printing', () => {
  test('the brief\'s example, and util.inspect uses toString', () => {
    const t = torch.tensor([[1, 2], [3, 4]]);
    expect(t.toString()).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(inspect(t)).toBe(t.toString());
    expect(`${t.select(0, 1)}`).toBe('tensor([3., 4.])');
  });

  test('a non-contiguous view prints its logical order', () => {
    expect(torch.tensor([[1, 2], [3, 4]]).t().toString()).toBe('tensor([[1., 3.],\n        [2., 4.]])');
  });

  test('a disposed tensor says so', () => {
    const t = torch.tensor([1, 2]);
    t.dispose();
    expect(t.toString()).toBe('tensor(<disposed>)');
  });
});
