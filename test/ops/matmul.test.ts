/**
 * lib/ops/matmul.ts against PyTorch 1.13 (test/fixtures/ops.json; tolerances
 * in test/ops/fixture.ts): matmul for 1-D.1-D, 2-D, 1-D x 2-D, 2-D x 1-D,
 * batched 3-D/4-D with broadcast batch dims, transposed views as operands; mm,
 * bmm, dot; linear with and without bias on (N, in) and (N, *, in); sizes
 * around the GEMM tiles, k = 0 and empty outputs.
 */
import * as torch from '../../lib';
import { OpFn, runFamily } from './fixture';

const F = torch.nn.functional;

const ops: Record<string, OpFn> = {
  matmul: ([a, b], args) => (args.ta ? a.transpose(-1, -2) : a).matmul(args.tb ? b.transpose(-1, -2) : b),
  mm: ([a, b]) => torch.mm(a, b),
  bmm: ([a, b]) => torch.bmm(a, b),
  dot: ([a, b]) => torch.dot(a, b),
  linear: ([x, w, b], args) => F.linear(args.preT ? x.t() : x, w, b ?? null),
};

describe('matrix products match PyTorch', () => runFamily('matmul', ops));

describe('matrix products: methods and errors', () => {
  test('x.matmul, x.mm, x.dot and torch.matmul agree', () => {
    const a = torch.tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const b = torch.tensor([[5, 6], [7, 8]], { dtype: 'float64' });
    expect(a.matmul(b).toArray()).toEqual([[19, 22], [43, 50]]);
    expect(a.mm(b).toArray()).toEqual([[19, 22], [43, 50]]);
    expect(torch.matmul(a, b.t()).toArray()).toEqual([[17, 23], [39, 53]]);
    expect(a.select(0, 0).dot(b.select(1, 1)).item()).toBe(22);
  });

  test('mismatched inner sizes: the message names the op, both shapes and the sizes', () => {
    const a = torch.zeros([64, 784]), b = torch.zeros([256, 10]);
    expect(() => a.matmul(b)).toThrow(RangeError);
    expect(() => a.matmul(b)).toThrow(/^matmul: a.shape\[-1\] must equal b.shape\[-2\]; got a \[64, 784\] and b \[256, 10\] \(784 != 256\)$/);
    expect(() => torch.matmul(torch.zeros([3]), torch.zeros([4]))).toThrow(/^matmul: .* got a \[3\] and b \[4\] \(3 != 4\)$/);
    expect(() => torch.matmul(torch.zeros([2, 3, 4]), torch.zeros([5]))).toThrow(/^matmul: .* got a \[2, 3, 4\] and b \[5\] \(4 != 5\)$/);
    expect(() => torch.mm(torch.zeros([2, 3]), torch.zeros([2, 3]))).toThrow(/^matmul: .* got a \[2, 3\] and b \[2, 3\] \(3 != 2\)$/);
    expect(() => torch.bmm(torch.zeros([2, 3, 4]), torch.zeros([3, 4, 5]))).toThrow(/^bmm: expects \(B, m, k\) and \(B, k, n\); got \[2, 3, 4\] and \[3, 4, 5\]$/);
    expect(() => torch.dot(torch.zeros([3]), torch.zeros([4]))).toThrow(/^dot: expects two 1-D tensors of the same length; got \[3\] and \[4\]$/);
  });

  test('incompatible batch dims name the op and the batch shapes', () => {
    expect(() => torch.matmul(torch.zeros([2, 3, 4]), torch.zeros([3, 4, 5]))).toThrow(
      /^matmul: shapes \[2\] and \[3\] cannot be broadcast together/,
    );
  });

  test('0-d operands, int32 operands and mixed dtypes are refused', () => {
    expect(() => torch.matmul(torch.tensor(2), torch.zeros([2]))).toThrow(/^matmul: both arguments need at least 1 dimension; got \[\] and \[2\]$/);
    const i = torch.zeros([2, 2], { dtype: 'int32' });
    expect(() => torch.mm(i, i)).toThrow(TypeError);
    expect(() => torch.mm(i, i)).toThrow(/^mm: expects floating point tensors; got int32 and int32$/);
    expect(() => torch.mm(torch.zeros([2, 2]), torch.zeros([2, 2], { dtype: 'float64' }))).toThrow(
      /^mm: expected both operands to have the same dtype, got float32 and float64$/,
    );
  });

  test('linear: wrong inFeatures, weight rank and bias shape', () => {
    const x = torch.zeros([32, 7]), w = torch.zeros([16, 8]);
    expect(() => F.linear(x, w)).toThrow(RangeError);
    expect(() => F.linear(x, w)).toThrow(/^linear: input's last dim 7 must equal inFeatures 8 \(input \[32, 7\], weight \[16, 8\]\)$/);
    expect(() => F.linear(torch.zeros([2, 8]), torch.zeros([8]))).toThrow(/^linear: weight must be 2-D \(out, in\); got \[8\]$/);
    expect(() => F.linear(torch.zeros([2, 8]), w, torch.zeros([8]))).toThrow(/^linear: bias must have shape \[16\]; got \[8\]$/);
  });
});
