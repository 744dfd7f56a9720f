/**
 * lib/ops/loss.ts against PyTorch 1.13 (test/fixtures/ops.json; tolerances in
 * test/ops/fixture.ts), each with reductions 'mean', 'sum' and 'none':
 * crossEntropy (int32 class targets; logits of +-1e4; one sample of shape (C);
 * empty batch), mseLoss (also with a target that requires grad),
 * binaryCrossEntropy (inputs exactly 0 and 1: logs clamped at -100, gradient
 * eps 1e-12) and binaryCrossEntropyWithLogits (logits up to +-1e4).
 */
import * as torch from '../../lib';
import { OpFn, runFamily } from './fixture';

const F = torch.nn.functional;

const ops: Record<string, OpFn> = {
  crossEntropy: ([x, t], a) => F.crossEntropy(a.preT ? x.t() : x, t, { reduction: a.reduction ?? 'mean' }),
  mseLoss: ([x, y], a) => F.mseLoss(x, y, { reduction: a.reduction ?? 'mean' }),
  binaryCrossEntropy: ([x, y], a) => F.binaryCrossEntropy(x, y, { reduction: a.reduction ?? 'mean' }),
  binaryCrossEntropyWithLogits: ([x, y], a) => F.binaryCrossEntropyWithLogits(x, y, { reduction: a.reduction ?? 'mean' }),
};

describe('losses match PyTorch', () => runFamily('loss', ops));

describe('losses: errors name the op and the offending values', () => {
  const logits = torch.zeros([3, 10]);

  test('crossEntropy: a target out of range', () => {
    const t = torch.tensor([1, 12, 0], { dtype: 'int32' });
    expect(() => F.crossEntropy(logits, t)).toThrow(RangeError);
    expect(() => F.crossEntropy(logits, t)).toThrow(/^crossEntropy: target 12 out of range for 10 classes$/);
    expect(() => F.crossEntropy(logits, torch.tensor([0, -1, 0], { dtype: 'int32' }))).toThrow(
      /^crossEntropy: target -1 out of range for 10 classes$/,
    );
  });

  test('crossEntropy: float class indices are refused with a hint; float targets of the input\'s shape are probabilities', () => {
    expect(() => F.crossEntropy(logits, torch.tensor([1, 2, 0]))).toThrow(TypeError);
    expect(() => F.crossEntropy(logits, torch.tensor([1, 2, 0]))).toThrow(
      /^crossEntropy: target must hold class indices of dtype int32, or class probabilities of the input's shape \[3, 10\]; got dtype float32 \[3\] \(class indices: use target.int\(\)\)$/,
    );
    // One-hot float targets are probability targets (PyTorch >= 1.10): the same loss as the class indices.
    const onehot = torch.zeros([3, 10]);
    torch.noGrad(() => { onehot.data[1] = 1; onehot.data[12] = 1; onehot.data[20] = 1; });
    expect(F.crossEntropy(logits, onehot).item()).toBeCloseTo(F.crossEntropy(logits, torch.tensor([1, 2, 0], { dtype: 'int32' })).item(), 6);
    expect(() => F.crossEntropy(logits, torch.zeros([3, 10], { dtype: 'int32' }))).toThrow(
      /^crossEntropy: target must be \(N\) class indices with N = 3; got \[3, 10\] for input \[3, 10\] — did you pass one-hot targets\?$/,
    );
  });

  test('crossEntropy: wrong batch size, rank, reduction', () => {
    expect(() => F.crossEntropy(logits, torch.tensor([1, 2], { dtype: 'int32' }))).toThrow(
      /^crossEntropy: target must be \(N\) class indices with N = 3; got \[2\] for input \[3, 10\]$/,
    );
    expect(() => F.crossEntropy(torch.zeros([2, 3, 4]), torch.tensor([1, 2], { dtype: 'int32' }))).toThrow(
      /^crossEntropy: input must be \(N, C\) logits or \(C\); got \[2, 3, 4\]$/,
    );
    expect(() => F.crossEntropy(logits, torch.tensor([1, 2, 0], { dtype: 'int32' }), { reduction: 'avg' as any })).toThrow(
      /^crossEntropy: reduction must be 'none', 'mean' or 'sum'; got "avg"$/,
    );
  });

  test('pointwise losses: shape mismatch (with a reshape hint) and BCE inputs outside [0, 1]', () => {
    expect(() => F.mseLoss(torch.zeros([4, 1]), torch.zeros([4]))).toThrow(RangeError);
    expect(() => F.mseLoss(torch.zeros([4, 1]), torch.zeros([4]))).toThrow(
      /^mseLoss: target size \[4\] must be the same as input size \[4, 1\] \(reshape one of them, e\.g\. view\(-1, 1\)\)$/,
    );
    expect(() => F.binaryCrossEntropyWithLogits(torch.zeros([3]), torch.zeros([2]))).toThrow(
      /^binaryCrossEntropyWithLogits: target size \[2\] must be the same as input size \[3\]$/,
    );
    expect(() => F.binaryCrossEntropy(torch.tensor([0.5, 1.5]), torch.tensor([0, 1]))).toThrow(
      /^binaryCrossEntropy: all elements of input should be between 0 and 1; got 1.5 at index 1$/,
    );
    expect(() => F.binaryCrossEntropy(torch.tensor([NaN]), torch.tensor([0]))).toThrow(/^binaryCrossEntropy: .* got NaN at index 0$/);
  });

  test('the loss modules use the same functions', () => {
    const x = torch.tensor([[2, 0, -1]], { dtype: 'float64' });
    const t = torch.tensor([0], { dtype: 'int32' });
    expect(new torch.nn.CrossEntropyLoss().forward(x, t).item()).toBe(F.crossEntropy(x, t).item());
  });
});

describe('loss options are strict (PyTorch raises on a positional or unexpected keyword)', () => {
  const F = torch.nn.functional;
  const x = torch.randn([4, 3]);
  const t = torch.tensor([0, 2, 1, 0], { dtype: 'int32' });
  test('a positional reduction is a TypeError, not the default mean', () => {
    expect(() => F.crossEntropy(x, t, 'sum' as never)).toThrow(TypeError);
    expect(() => F.crossEntropy(x, t, 'sum' as never)).toThrow(/^crossEntropy: options must be an object like \{ reduction: 'sum' \}.*got string "sum"/);
    expect(() => F.mseLoss(x, x, 'sum' as never)).toThrow(/^mseLoss: options must be an object/);
    expect(() => F.nllLoss(x, t, torch.ones([3]) as never)).toThrow(/^nllLoss: options must be an object.*got a Tensor/);
  });
  test('an unknown key is a TypeError listing the valid ones', () => {
    expect(() => F.mseLoss(x, x, { reduce: 'sum' } as never)).toThrow(/^mseLoss: unknown option 'reduce'; valid options: 'reduction'$/);
    expect(() => F.crossEntropy(x, t, { ignore_index: 1 } as never)).toThrow(/^crossEntropy: unknown option 'ignore_index' \(did you mean 'ignoreIndex'\?\)/);
    const p = torch.rand([4, 3]);
    expect(() => F.binaryCrossEntropy(p, p, { weight: p } as never)).toThrow(/^binaryCrossEntropy: unknown option 'weight'/);
    expect(() => F.binaryCrossEntropyWithLogits(x, p, { pos_weight: null } as never)).toThrow(/did you mean 'posWeight'/);
    expect(() => F.l1Loss(x, x, { reductions: 'sum' } as never)).toThrow(/^l1Loss: unknown option 'reductions'/);
    expect(() => F.smoothL1Loss(x, x, { delta: 1 } as never)).toThrow(/^smoothL1Loss: unknown option 'delta'; valid options: 'reduction', 'beta'/);
    expect(() => F.huberLoss(x, x, { beta: 1 } as never)).toThrow(/^huberLoss: unknown option 'beta'; valid options: 'reduction', 'delta'/);
    expect(F.mseLoss(x, x, { reduction: 'sum' }).item()).toBe(0);
  });
});
