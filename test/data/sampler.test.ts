// Samplers, Subset, ConcatDataset, randomSplit (PyTorch's splits for the
// same seed), and the DataLoader's sampler / batchSampler / batchSize: null
// options with PyTorch's errors; for await iteration.
import * as torch from 'torchlet';
import { values } from '../fixtures/nn';

const { data } = torch;

function indexed(n: number): torch.data.TensorDataset {
  return new data.TensorDataset(torch.arange(n).reshape(n, 1), torch.arange(n, undefined, 1, { dtype: 'int32' }));
}
const ids = (loader: Iterable<torch.Tensor[]>) => [...loader].map(([, y]) => values(y));

describe('samplers', () => {
  test('SequentialSampler follows the data source\'s length', () => {
    const src = { length: 4 };
    const s = new data.SequentialSampler(src);
    expect([...s]).toEqual([0, 1, 2, 3]);
    expect(s.length).toBe(4);
  });

  test('RandomSampler: a permutation per epoch, reproducible by seed', () => {
    const a = new data.RandomSampler({ length: 20 }, { seed: 3 }), b = new data.RandomSampler({ length: 20 }, { seed: 3 });
    const e1 = [...a], e2 = [...a];
    expect([...e1].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(e2).not.toEqual(e1);
    expect([...b]).toEqual(e1);
    expect([...b]).toEqual(e2);
    expect(a.length).toBe(20);
  });

  test('RandomSampler: numSamples, with and without replacement', () => {
    const r = [...new data.RandomSampler({ length: 5 }, { replacement: true, numSamples: 1000, seed: 1 })];
    expect(r).toHaveLength(1000);
    expect(r.every((i) => i >= 0 && i < 5)).toBe(true);
    expect(new Set(r).size).toBe(5);
    const counts = [0, 0, 0, 0, 0];
    r.forEach((i) => counts[i]++);
    counts.forEach((c) => expect(Math.abs(c - 200)).toBeLessThan(60));
    const w = [...new data.RandomSampler({ length: 4 }, { numSamples: 10, seed: 2 })];
    expect(w).toHaveLength(10);
    expect([...w.slice(0, 4)].sort()).toEqual([0, 1, 2, 3]);
    expect([...w.slice(4, 8)].sort()).toEqual([0, 1, 2, 3]);
  });

  test('RandomSampler without a seed follows torch.manualSeed', () => {
    const s = new data.RandomSampler({ length: 30 });
    torch.manualSeed(7);
    const e = [...s];
    torch.manualSeed(7);
    expect([...s]).toEqual(e);
  });

  test('RandomSampler errors are PyTorch\'s', () => {
    expect(() => new data.RandomSampler({ length: 0 })).toThrow(/^RandomSampler: num_samples should be a positive integer value, but got num_samples=0$/);
    expect(() => new data.RandomSampler({ length: 3 }, { numSamples: -2 })).toThrow(/num_samples=-2/);
    expect(() => new data.RandomSampler({ length: 3 }, { replacement: 1 as unknown as boolean })).toThrow(
      /^RandomSampler: replacement should be a boolean value, but got replacement=1$/);
    expect(() => new data.RandomSampler({ length: 3 }, { seed: 1.5 })).toThrow(/seed must be a non-negative integer, got 1.5/);
  });

  test('SubsetRandomSampler permutes the given indices', () => {
    const s = new data.SubsetRandomSampler([10, 20, 30, 40], { seed: 1 });
    const e = [...s];
    expect([...e].sort((a, b) => a - b)).toEqual([10, 20, 30, 40]);
    expect(s.length).toBe(4);
    expect(() => new data.SubsetRandomSampler([1, -1])).toThrow(/^SubsetRandomSampler: index 1 is -1; indices must be non-negative integers$/);
  });

  test('WeightedRandomSampler draws in proportion to the weights; never a zero weight', () => {
    const draws = [...new data.WeightedRandomSampler([1, 0, 3], 4000, { seed: 5 })];
    const c = [0, 0, 0];
    draws.forEach((i) => c[i]++);
    expect(c[1]).toBe(0);
    expect(c[2] / c[0]).toBeGreaterThan(2.5);
    expect(c[2] / c[0]).toBeLessThan(3.5);
    const noRep = [...new data.WeightedRandomSampler([1, 1, 1, 0], 3, { replacement: false, seed: 1 })];
    expect([...noRep].sort()).toEqual([0, 1, 2]);
    expect(() => new data.WeightedRandomSampler([1, 0], 2, { replacement: false })).toThrow(/cannot draw 2 samples without replacement from 1 non-zero weights/);
    expect(() => new data.WeightedRandomSampler([1, -1], 2)).toThrow(/weight 1 is -1/);
    expect(() => new data.WeightedRandomSampler([1], 0)).toThrow(/num_samples should be a positive integer value, but got num_samples=0/);
  });

  test('BatchSampler groups indices, with PyTorch\'s example and errors', () => {
    const seq = new data.SequentialSampler({ length: 10 });
    expect([...new data.BatchSampler(seq, 3, false)]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect([...new data.BatchSampler(seq, 3, true)]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    expect(new data.BatchSampler(seq, 3, false).length).toBe(4);
    expect(new data.BatchSampler(seq, 3, true).length).toBe(3);
    expect([...new data.BatchSampler([5, 1, 4], 2, false)]).toEqual([[5, 1], [4]]);
    expect(() => new data.BatchSampler(seq, 0, false)).toThrow(/^BatchSampler: batch_size should be a positive integer value, but got batch_size=0$/);
    expect(() => new data.BatchSampler(seq, 2, 'no' as unknown as boolean)).toThrow(/^BatchSampler: drop_last should be a boolean value, but got drop_last=no$/);
  });
});

describe('Subset, ConcatDataset, randomSplit', () => {
  test('Subset maps indices', () => {
    const s = new data.Subset(indexed(10), [7, 2, 5]);
    expect(s.length).toBe(3);
    expect(s.getItem(1)[1].item()).toBe(2);
    expect(s.getItem(-1)[1].item()).toBe(5);
    expect(() => s.getItem(3)).toThrow(/^Subset: index 3 out of range for 3 samples$/);
    expect(() => new data.Subset(indexed(3), [0, 3])).toThrow(/^Subset: index 3 \(position 1\) out of range for a dataset of 3 samples$/);
    // Batches of a Subset of a TensorDataset are gathered at once, in the subset's order.
    expect(ids(new data.DataLoader(s, { batchSize: 2 }))).toEqual([[7, 2], [5]]);
  });

  test('ConcatDataset chains datasets', () => {
    const c = new data.ConcatDataset([indexed(2), indexed(3)]);
    expect(c.length).toBe(5);
    expect(c.cumulativeSizes).toEqual([2, 5]);
    expect([0, 1, 2, 3, 4].map((i) => c.getItem(i)[1].item())).toEqual([0, 1, 0, 1, 2]);
    expect(() => new data.ConcatDataset([])).toThrow(/datasets should not be an empty iterable/);
  });

  test('randomSplit with a seed gives PyTorch\'s split (torch.Generator().manual_seed(seed))', () => {
    // torch.utils.data.random_split(range(10), [3, 7], generator=torch.Generator().manual_seed(42))
    const [a, b] = data.randomSplit(indexed(10), [3, 7], { seed: 42 });
    expect(Array.from(a.indices)).toEqual([2, 6, 1]);
    expect(Array.from(b.indices)).toEqual([8, 4, 5, 0, 9, 3, 7]);
    // random_split(range(11), [0.3, 0.3, 0.4], generator=torch.Generator().manual_seed(0)): floor + round-robin remainder
    const parts = data.randomSplit(indexed(11), [0.3, 0.3, 0.4], { seed: 0 });
    expect(parts.map((p) => Array.from(p.indices))).toEqual([[10, 0, 4, 3], [5, 8, 2], [1, 9, 7, 6]]);
  });

  test('randomSplit without a seed draws from torch\'s generator (PyTorch\'s after the same manual_seed)', () => {
    torch.manualSeed(5);
    const [a, b] = data.randomSplit(indexed(6), [2, 4]);
    expect(Array.from(a.indices)).toEqual([5, 0]);
    expect(Array.from(b.indices)).toEqual([1, 3, 4, 2]);
  });

  test('randomSplit with a seed leaves torch\'s generator alone', () => {
    torch.manualSeed(1);
    const r1 = values(torch.rand([3]));
    torch.manualSeed(1);
    data.randomSplit(indexed(6), [3, 3], { seed: 9 });
    expect(values(torch.rand([3]))).toEqual(r1);
  });

  test('randomSplit errors', () => {
    expect(() => data.randomSplit(indexed(10), [3, 6])).toThrow(
      /^randomSplit: Sum of input lengths does not equal the length of the input dataset! \(lengths \[3, 6\] sum to 9, the dataset has 10\)$/);
    expect(() => data.randomSplit(indexed(10), [0.5, 0.6])).toThrow(/^randomSplit: length at index 0 is 0.5; give integer lengths, or fractions that sum to 1$/);
    expect(() => data.randomSplit(indexed(10), [-1, 11])).toThrow(/length at index 0 is -1/);
    expect(() => data.randomSplit(indexed(10), [])).toThrow(/non-empty array/);
  });
});

describe('DataLoader with samplers', () => {
  test('a sampler decides the order', () => {
    expect(ids(new data.DataLoader(indexed(6), { sampler: [5, 3, 1], batchSize: 2 }))).toEqual([[5, 3], [1]]);
    const l = new data.DataLoader(indexed(8), { sampler: new data.SubsetRandomSampler([0, 2, 4, 6], { seed: 1 }), batchSize: 4 });
    expect(l.length).toBe(1);
    expect(ids(l)[0].sort()).toEqual([0, 2, 4, 6]);
  });

  test('a batchSampler gives whole batches', () => {
    const l = new data.DataLoader(indexed(6), { batchSampler: [[0, 5], [2, 3, 4], [1]] });
    expect(ids(l)).toEqual([[0, 5], [2, 3, 4], [1]]);
    expect(l.length).toBe(3);
    expect(l.batchSize).toBe(null);
  });

  test('batchSize null yields the samples unbatched', () => {
    const l = new data.DataLoader(indexed(3), { batchSize: null });
    const items = [...l] as unknown as torch.Tensor[][];
    expect(items.map(([x, y]) => [x.shape, y.item()])).toEqual([[[1], 0], [[1], 1], [[1], 2]]);
    expect(l.length).toBe(3);
  });

  test('a sampler that yields an index out of range is an error', () => {
    expect(() => [...new data.DataLoader(indexed(3), { sampler: [0, 3] })]).toThrow(
      /^DataLoader: the sampler yielded index 3, out of range for a dataset of 3 samples$/);
  });

  test('every sampler index is checked before it is used: no wrap-around, no coercion', () => {
    const ds = indexed(3);
    const load = (sampler: unknown[]) => () => [...new data.DataLoader(ds, { sampler: sampler as number[] })];
    // 2^32 + 1 would wrap to 1 in an Int32Array.
    expect(load([0, 2 ** 32 + 1])).toThrow(/^DataLoader: the sampler yielded index 4294967297, out of range for a dataset of 3 samples$/);
    expect(load([-1])).toThrow(/^DataLoader: the sampler yielded index -1, out of range/);
    expect(load(['1'])).toThrow(TypeError);
    expect(load(['1'])).toThrow(/^DataLoader: the sampler yielded index "1" \(string\); indices must be integers$/);
    expect(load([1.5])).toThrow(/^DataLoader: the sampler yielded index 1.5 \(number\); indices must be integers$/);
    expect(load([NaN])).toThrow(/index NaN \(number\)/);
    expect(load([undefined])).toThrow(/index undefined \(undefined\)/);
    const big = { length: 2 ** 33, getItem: (i: number) => [torch.tensor([i])] };
    expect(() => [...new data.DataLoader(big, { sampler: [2 ** 32 + 1] })]).toThrow(
      /^DataLoader: the sampler yielded index 4294967297; indices above 2147483647 are not supported$/);
  });

  test('boolean options must be booleans', () => {
    expect(() => new data.DataLoader(indexed(4), { shuffle: 'yes' as unknown as boolean })).toThrow(
      /^DataLoader: shuffle option must be a boolean \(true or false\), got "yes" \(a string\)$/);
    expect(() => new data.DataLoader(indexed(4), { dropLast: 1 as unknown as boolean })).toThrow(TypeError);
    expect(() => new data.DataLoader(indexed(4), { persistentWorkers: 'no' as unknown as boolean })).toThrow(TypeError);
  });

  test('numWorkers has an upper bound', () => {
    expect(() => new data.DataLoader(indexed(4), { numWorkers: 1e6 })).toThrow(RangeError);
    expect(() => new data.DataLoader(indexed(4), { numWorkers: 65 })).toThrow(/^DataLoader: numWorkers option should be at most 64 \(got 65\)/);
  });

  test('PyTorch\'s errors for exclusive options', () => {
    const ds = indexed(4);
    const bs = new data.BatchSampler(new data.SequentialSampler(ds), 2, false);
    expect(() => new data.DataLoader(ds, { sampler: [0, 1], shuffle: true })).toThrow(/^DataLoader: sampler option is mutually exclusive with shuffle$/);
    const msg = /^DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast$/;
    expect(() => new data.DataLoader(ds, { batchSampler: bs, batchSize: 2 })).toThrow(msg);
    expect(() => new data.DataLoader(ds, { batchSampler: bs, shuffle: true })).toThrow(msg);
    expect(() => new data.DataLoader(ds, { batchSampler: bs, sampler: [0] })).toThrow(msg);
    expect(() => new data.DataLoader(ds, { batchSampler: bs, dropLast: true })).toThrow(msg);
    expect(() => new data.DataLoader(ds, { batchSize: null, dropLast: true })).toThrow(
      /^DataLoader: batchSize=null option disables auto-batching and is mutually exclusive with dropLast$/);
    expect(() => new data.DataLoader(ds, { numWorkers: -1 })).toThrow(/^DataLoader: numWorkers option should be a non-negative integer; use numWorkers: 0/);
    expect(() => new data.DataLoader(ds, { timeout: -1 })).toThrow(/^DataLoader: timeout option should be non-negative/);
    expect(() => new data.DataLoader(ds, { prefetchFactor: 4 })).toThrow(/^DataLoader: prefetchFactor option could only be specified with worker threads/);
    expect(() => new data.DataLoader(ds, { persistentWorkers: true })).toThrow(/^DataLoader: persistentWorkers option needs numWorkers > 0$/);
  });

  test('for await ... of gives the same batches as for ... of', async () => {
    const l = new data.DataLoader(indexed(7), { batchSize: 3, shuffle: true, seed: 4 });
    const sync = [ids(l), ids(l)];
    const l2 = new data.DataLoader(indexed(7), { batchSize: 3, shuffle: true, seed: 4 });
    const got: number[][][] = [];
    for (let e = 0; e < 2; e++) {
      const ep: number[][] = [];
      for await (const [, y] of l2) ep.push(values(y));
      got.push(ep);
    }
    expect(got).toEqual(sync);
  });
});
