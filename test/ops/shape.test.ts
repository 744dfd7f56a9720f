/**
 * lib/ops/shape.ts against PyTorch 1.13 (test/fixtures/ops.json; tolerances
 * in test/ops/fixture.ts): view/reshape (including copies of transposed
 * inputs), transpose/t/permute, expand, squeeze/unsqueeze, flatten,
 * narrow/slice/select, indexSelect (repeated and empty indices), cat/stack,
 * split/chunk, contiguous/clone: forward values, and gradients for a random
 * upstream gradient. Shapes: 0-d, 2-D, 3-D, 4-D, empty.
 */
import * as torch from '../../lib';
import type { Tensor } from '../../lib';
import { OpFn, runFamily } from './fixture';

/** args.preT: the op runs on the input's transpose (a non-contiguous view). */
const pre = (f: OpFn): OpFn => (xs, a) => f(a.preT ? [xs[0].transpose(-1, -2), ...xs.slice(1)] : xs, a);

const ops: Record<string, OpFn> = {
  view: ([x], a) => x.view(a.shape),
  reshape: pre(([x], a) => x.reshape(a.shape)),
  transpose: ([x], a) => x.transpose(a.d0, a.d1),
  t: ([x]) => x.t(),
  permute: ([x], a) => x.permute(a.dims),
  expand: ([x], a) => x.expand(a.shape),
  squeeze: ([x], a) => x.squeeze(a.dim),
  unsqueeze: ([x], a) => x.unsqueeze(a.dim),
  flatten: pre(([x], a) => x.flatten(a.start ?? 0, a.end ?? -1)),
  narrow: ([x], a) => x.narrow(a.dim, a.start, a.length),
  slice: ([x], a) => x.slice(a.dim, a.start, a.end, a.step ?? 1),
  select: ([x], a) => x.select(a.dim, a.index),
  indexSelect: pre(([x], a) => x.indexSelect(a.dim, torch.tensor(a.index, { dtype: 'int32' }))),
  cat: (xs, a) => torch.cat(xs, a.dim ?? 0),
  stack: (xs, a) => torch.stack(xs, a.dim ?? 0),
  split: ([x], a) => x.split(a.size, a.dim ?? 0),
  chunk: ([x], a) => x.chunk(a.chunks, a.dim ?? 0),
  contiguous: pre(([x]) => x.contiguous()),
  clone: pre(([x]) => x.clone()),
  viewChain: ([x], a) => x.t().reshape(-1).view(a.shape).unsqueeze(1).squeeze(1),
};

describe('shape ops match PyTorch', () => runFamily('shape', ops));

describe('views share storage, copies do not', () => {
  const base = (): Tensor => torch.arange(12, undefined, 1, { dtype: 'float64' }).view(3, 4);

  test('view, transpose, narrow, select, expand write through to the base', () => {
    const x = base();
    torch.noGrad(() => {
      x.view(12).narrow(0, 0, 1).fill_(100);
      x.t().select(0, 1).fill_(-1);
    });
    expect(x.toArray()).toEqual([[100, -1, 2, 3], [4, -1, 6, 7], [8, -1, 10, 11]]);
    expect(x.t().isContiguous()).toBe(false);
    expect(x.expand(2, 3, 4).stride()).toEqual([0, 4, 1]);
  });

  test('reshape of a transposed view copies; clone and contiguous copy', () => {
    const x = base();
    const r = x.t().reshape(12);
    const c = x.clone();
    const k = x.t().contiguous();
    torch.noGrad(() => x.fill_(0));
    expect(r.toArray()).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(c.sum().item()).toBe(66);
    expect(k.isContiguous()).toBe(true);
    expect(k.sum().item()).toBe(66);
  });

  test('torch.<op> forms', () => {
    const x = base();
    expect(torch.reshape(x, [2, 6]).shape).toEqual([2, 6]);
    expect(torch.flatten(x).shape).toEqual([12]);
    expect(torch.transpose(x, 0, 1).shape).toEqual([4, 3]);
    expect(torch.permute(x, [1, 0]).shape).toEqual([4, 3]);
    expect(torch.squeeze(x.view(1, 3, 1, 4)).shape).toEqual([3, 4]);
    expect(torch.unsqueeze(x, 1).shape).toEqual([3, 1, 4]);
    expect(torch.narrow(x, 1, 1, 2).toArray()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(torch.indexSelect(x, 0, [2, 0]).toArray()).toEqual([[8, 9, 10, 11], [0, 1, 2, 3]]);
  });
});

describe('shape ops: errors name the op, the shapes and the values', () => {
  const x = torch.zeros([2, 3]);

  test('view to an incompatible size', () => {
    expect(() => x.view(4)).toThrow(RangeError);
    expect(() => x.view(4)).toThrow(/^view: shape \[4\] is invalid for input of size 6 \(shape \[2, 3\]\)$/);
    expect(() => x.view(-1, 4)).toThrow(/^view: shape \[-1, 4\] is invalid for input of size 6 \(shape \[2, 3\]\)$/);
    expect(() => x.view(-1, -1)).toThrow(/^view: only one dimension can be -1; got \[-1, -1\]$/);
    expect(() => x.reshape(7)).toThrow(/^reshape: shape \[7\] is invalid for input of size 6 \(shape \[2, 3\]\)$/);
    expect(() => x.view(2.5, 2)).toThrow(/^view: invalid size 2.5 in shape \[2.5, 2\]$/);
  });

  test('view of a non-viewable layout points to reshape', () => {
    expect(() => x.t().view(6)).toThrow(
      /^view: size \[6\] is not compatible with input's size and stride \(shape \[3, 2\], strides \[1, 3\]\).*Use reshape\(\) instead\.$/,
    );
  });

  test('expand, permute, narrow, select, indexSelect, cat, stack, split', () => {
    expect(() => x.expand(2, 4)).toThrow(/^expand: the expanded size 4 must match the existing size 3 at dim 1 \(tensor \[2, 3\], target \[2, 4\]\)$/);
    expect(() => x.expand(3)).toThrow(/^expand: the target shape \[3\] has fewer dims than the tensor's \[2, 3\]$/);
    expect(() => x.permute(0)).toThrow(/^permute: number of dims 1 does not match the tensor's 2 \(shape \[2, 3\]\)$/);
    expect(() => x.permute(0, 0)).toThrow(/^permute: repeated dim in \[0, 0\]$/);
    expect(() => x.narrow(1, 2, 2)).toThrow(/^narrow: start \(2\) \+ length \(2\) exceeds dimension size \(3\)$/);
    expect(() => x.select(0, 2)).toThrow(/^select: index 2 is out of bounds for dimension 0 with size 2$/);
    expect(() => x.indexSelect(1, [0, 3])).toThrow(/^indexSelect: index 3 is out of range for dim 1 of size 3$/);
    expect(() => x.indexSelect(1, torch.tensor([0]))).toThrow(/^indexSelect: index must be an int32 tensor, got float32$/);
    expect(() => torch.cat([x, torch.zeros([2, 2])], 0)).toThrow(
      /^cat: sizes of tensors must match except in dimension 0; got \[2, 3\] and \[2, 2\] \(tensor 1\)$/,
    );
    expect(() => torch.cat([], 0)).toThrow(/^cat: expected a non-empty array of tensors$/);
    expect(() => torch.stack([x, torch.zeros([3, 2])])).toThrow(
      /^stack: expects each tensor to be equal size, but got \[2, 3\] at entry 0 and \[3, 2\] at entry 1$/,
    );
    expect(() => x.split(0)).toThrow(/^split: split size must be a positive integer, got 0$/);
    expect(() => x.transpose(0, 2)).toThrow(/^transpose: dimension 2 out of range for a tensor of 2 dims/);
    expect(() => torch.zeros([2, 2, 2]).t()).toThrow(/^t: expects a tensor with <= 2 dims, got 3/);
  });
});
