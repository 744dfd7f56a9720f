/**
 * lib/ops/softmax.ts against PyTorch 1.13 (test/fixtures/ops.json; tolerances
 * in test/ops/fixture.ts): softmax and logSoftmax along dims 0, 1 and -1 of
 * 2-D, 3-D and 4-D inputs, logits of +-1e4 (max-subtracted: no overflow),
 * -inf entries, 0-d and empty inputs, forward and backward.
 */
import * as torch from '../../lib';
import { expectAllClose, OpFn, runFamily } from './fixture';

const ops: Record<string, OpFn> = {
  softmax: ([x], a) => x.softmax(a.dim),
  logSoftmax: ([x], a) => x.logSoftmax(a.dim),
  softmaxT: ([x], a) => x.t().softmax(a.dim),
};

describe('softmax and logSoftmax match PyTorch', () => runFamily('softmax', ops));

describe('softmax: functional forms and errors', () => {
  test('torch.softmax, F.softmax and the method agree; rows sum to 1', () => {
    const x = torch.tensor([[1, 2, 3], [-1, 0, 1e4]], { dtype: 'float64' });
    const y = torch.softmax(x, 1);
    expect(torch.nn.functional.softmax(x, 1).toArray()).toEqual(y.toArray());
    expectAllClose(y.sum(1).toArray(), [1, 1]);
    expectAllClose(torch.logSoftmax(x, -1).exp().toArray(), y.toArray(), 1e-12, 1e-300);
  });

  test('a missing dim is an error that shows the fix', () => {
    expect(() => (torch.softmax as any)(torch.zeros([2, 3]))).toThrow(TypeError);
    expect(() => (torch.softmax as any)(torch.zeros([2, 3]))).toThrow(/^softmax: dim is required .*e\.g\. softmax\(x, -1\)$/);
    expect(() => torch.zeros([2, 3]).logSoftmax(2)).toThrow(/^logSoftmax: dimension 2 out of range for a tensor of 2 dims/);
  });
});
