// data.DataLoader over TensorDataset and other Datasets: batch shapes, the
// last partial batch, dropLast, shuffling (coverage, per-epoch order, seeds,
// torch.manualSeed), errors, custom collate.
import * as torch from 'torchlet';
import { values } from '../fixtures/nn';

const { data } = torch;

/** A dataset whose sample i is x = [i, 10 i] (float32), y = i (int32). */
function indexed(n: number): torch.data.TensorDataset {
  const x = torch.stack([torch.arange(n), torch.arange(n).mul(10)], 1);
  return new data.TensorDataset(x, torch.arange(n, undefined, 1, { dtype: 'int32' }));
}

/** The sample indices of one epoch, batch by batch. */
function epoch(loader: torch.data.DataLoader): number[][] {
  return [...loader].map(([, y]: torch.Tensor[]) => values(y));
}

describe('TensorDataset', () => {
  test('length and items', () => {
    const ds = indexed(5);
    expect(ds.length).toBe(5);
    const [x, y] = ds.getItem(3);
    expect(x.shape).toEqual([2]);
    expect(values(x)).toEqual([3, 30]);
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(3);
    expect(ds.getItem(-1)[1].item()).toBe(4);
  });

  test('errors', () => {
    expect(() => new data.TensorDataset()).toThrow(/expects at least one tensor/);
    expect(() => new data.TensorDataset(torch.zeros([3, 2]), torch.zeros([4]))).toThrow(
      /^TensorDataset: size mismatch between tensors: tensor 0 has 3 samples \(shape \[3, 2\]\), tensor 1 has 4 \(shape \[4\]\)$/);
    expect(() => new data.TensorDataset(torch.tensor(1))).toThrow(/tensor 0 is 0-d/);
    expect(() => new data.TensorDataset(torch.zeros([2]), [1, 2] as unknown as torch.Tensor)).toThrow(/argument 1 is not a Tensor/);
    expect(() => indexed(3).getItem(3)).toThrow(/^TensorDataset: index 3 out of range for 3 samples$/);
    expect(() => indexed(3).getItem(0.5)).toThrow(RangeError);
  });
});

describe('batches in order', () => {
  test('shapes, values, and the last partial batch', () => {
    const loader = new data.DataLoader(indexed(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches).toHaveLength(3);
    expect(batches.map(([x, y]) => [x.shape, y.shape])).toEqual([[[4, 2], [4]], [[4, 2], [4]], [[2, 2], [2]]]);
    expect(batches[1][1].dtype).toBe('int32');
    expect(batches[1][0].dtype).toBe('float32');
    expect(epoch(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(values(batches[2][0])).toEqual([8, 80, 9, 90]);
  });

  test('dropLast drops the partial batch', () => {
    const loader = new data.DataLoader(indexed(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(epoch(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(epoch(new data.DataLoader(indexed(8), { batchSize: 4, dropLast: true }))).toHaveLength(2);
    expect(epoch(new data.DataLoader(indexed(3), { batchSize: 4, dropLast: true }))).toEqual([]);
  });

  test('batchSize defaults to 1; a batch larger than the dataset is one batch', () => {
    expect(epoch(new data.DataLoader(indexed(3)))).toEqual([[0], [1], [2]]);
    expect(epoch(new data.DataLoader(indexed(3), { batchSize: 100 }))).toEqual([[0, 1, 2]]);
  });

  test('an empty dataset yields no batches; shuffling one is an error (as PyTorch\'s RandomSampler)', () => {
    const empty = new data.TensorDataset(torch.zeros([0, 3]));
    const loader = new data.DataLoader(empty, { batchSize: 4 });
    expect(loader.length).toBe(0);
    expect([...loader]).toEqual([]);
    expect(() => new data.DataLoader(empty, { batchSize: 4, shuffle: true, seed: 1 })).toThrow(
      /^RandomSampler: num_samples should be a positive integer value, but got num_samples=0$/);
  });

  test('every epoch is a full pass; the loader can be iterated again', () => {
    const loader = new data.DataLoader(indexed(5), { batchSize: 2 });
    expect(epoch(loader)).toEqual(epoch(loader));
  });

  test('batches do not require grad and are independent of the dataset\'s storage', () => {
    const x = torch.arange(6).reshape(3, 2);
    const loader = new data.DataLoader(new data.TensorDataset(x), { batchSize: 3 });
    const [[b]] = [...loader];
    expect(b.requiresGrad).toBe(false);
    torch.noGrad(() => b.fill_(-1));
    expect(values(x)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('shuffle', () => {
  const n = 50;

  test('covers every index exactly once per epoch', () => {
    const loader = new data.DataLoader(indexed(n), { batchSize: 7, shuffle: true, seed: 1 });
    for (let e = 0; e < 3; e++) {
      const ids = epoch(loader).flat();
      expect(ids).toHaveLength(n);
      expect([...ids].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      expect(ids).not.toEqual([...Array(n).keys()]);
    }
  });

  test('x and y stay paired', () => {
    const loader = new data.DataLoader(indexed(n), { batchSize: 8, shuffle: true, seed: 2 });
    for (const [x, y] of loader) {
      const xs = values(x), ys = values(y);
      ys.forEach((v, i) => expect([xs[2 * i], xs[2 * i + 1]]).toEqual([v, 10 * v]));
    }
  });

  test('a different order each epoch', () => {
    const loader = new data.DataLoader(indexed(n), { batchSize: n, shuffle: true, seed: 3 });
    const e1 = epoch(loader).flat(), e2 = epoch(loader).flat(), e3 = epoch(loader).flat();
    expect(e2).not.toEqual(e1);
    expect(e3).not.toEqual(e2);
  });

  test('the same seed gives the same sequence of epochs; another seed another', () => {
    const mk = (seed: number) => new data.DataLoader(indexed(n), { batchSize: 5, shuffle: true, seed });
    const a = mk(7), b = mk(7), c = mk(8);
    const ea = [epoch(a), epoch(a)], eb = [epoch(b), epoch(b)];
    expect(eb).toEqual(ea);
    expect(epoch(c)).not.toEqual(ea[0]);
  });

  test('a loader with its own seed is not moved by torch.manualSeed or other draws', () => {
    const a = new data.DataLoader(indexed(n), { batchSize: n, shuffle: true, seed: 9 });
    torch.manualSeed(0);
    const e1 = epoch(a);
    const b = new data.DataLoader(indexed(n), { batchSize: n, shuffle: true, seed: 9 });
    torch.manualSeed(1);
    torch.rand([100]);
    expect(epoch(b)).toEqual(e1);
  });

  test('without a seed, the order follows torch\'s generator: reproducible after torch.manualSeed', () => {
    const loader = new data.DataLoader(indexed(n), { batchSize: 10, shuffle: true });
    torch.manualSeed(123);
    const e1 = epoch(loader), e2 = epoch(loader);
    expect(e2).not.toEqual(e1);
    torch.manualSeed(123);
    expect(epoch(loader)).toEqual(e1);
    expect(epoch(loader)).toEqual(e2);
    torch.manualSeed(124);
    expect(epoch(loader)).not.toEqual(e1);
    // A second loader seeded the same way gives the same order.
    torch.manualSeed(123);
    expect(epoch(new data.DataLoader(indexed(n), { batchSize: 10, shuffle: true }))).toEqual(e1);
  });

  test('with dropLast every batch is full and no index repeats', () => {
    const loader = new data.DataLoader(indexed(n), { batchSize: 8, shuffle: true, dropLast: true, seed: 4 });
    const batches = epoch(loader);
    expect(batches).toHaveLength(6);
    expect(batches.every((b) => b.length === 8)).toBe(true);
    expect(new Set(batches.flat()).size).toBe(48);
  });

  test('the order is spread out (not a rotation or a fixed pattern)', () => {
    // Over many epochs each index lands in the first position about equally often.
    const m = 10, epochs = 2000;
    const loader = new data.DataLoader(indexed(m), { batchSize: m, shuffle: true, seed: 5 });
    const counts = new Array(m).fill(0);
    for (let e = 0; e < epochs; e++) counts[epoch(loader)[0][0]]++;
    for (const c of counts) expect(Math.abs(c - epochs / m)).toBeLessThan(60); // ~4.5 sigma
  });
});

describe('errors', () => {
  test.each([0, -1, 2.5, NaN])('batchSize %p', (batchSize) => {
    expect(() => new data.DataLoader(indexed(3), { batchSize })).toThrow(RangeError);
    expect(() => new data.DataLoader(indexed(3), { batchSize })).toThrow(
      new RegExp(`^DataLoader: batchSize should be a positive integer value, but got batchSize=${batchSize}$`));
  });

  test('not a dataset; a bad seed', () => {
    expect(() => new data.DataLoader([1, 2, 3] as unknown as torch.data.Dataset)).toThrow(/DataLoader: dataset must be a Dataset/);
    expect(() => new data.DataLoader(indexed(3), { shuffle: true, seed: -1 })).toThrow(/seed must be a non-negative integer, got -1/);
  });
});

describe('other datasets and collate', () => {
  /** A Dataset subclass computing its items: [x = (i, i^2), label i % 3]. */
  class Squares extends data.Dataset<[torch.Tensor, number]> {
    constructor(readonly n: number) {
      super();
    }
    get length(): number {
      return this.n;
    }
    getItem(i: number): [torch.Tensor, number] {
      return [torch.tensor([i, i * i]), i % 3];
    }
  }

  test('a Dataset subclass is batched by the default collate (tensors stacked, numbers to a tensor)', () => {
    const loader = new data.DataLoader(new Squares(5), { batchSize: 2 });
    const batches = [...loader] as [torch.Tensor, torch.Tensor][];
    expect(batches).toHaveLength(3);
    expect(batches[0][0].shape).toEqual([2, 2]);
    expect(values(batches[1][0])).toEqual([2, 4, 3, 9]);
    expect(batches[2][0].shape).toEqual([1, 2]);
    expect(values(batches[1][1])).toEqual([2, 0]);
    const shuffled = [...new data.DataLoader(new Squares(9), { batchSize: 4, shuffle: true, seed: 1 })] as [torch.Tensor, torch.Tensor][];
    expect(shuffled.flatMap(([x]) => values(x.select(1, 0))).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('a custom collate gets the list of samples', () => {
    const seen: number[] = [];
    const loader = new data.DataLoader(indexed(5), {
      batchSize: 2,
      collate: (samples: torch.Tensor[][]) => {
        seen.push(samples.length);
        return { sum: samples.reduce((s, [, y]) => s + y.item(), 0), n: samples.length };
      },
    });
    expect([...loader]).toEqual([{ sum: 1, n: 2 }, { sum: 5, n: 2 }, { sum: 4, n: 1 }]);
    expect(seen).toEqual([2, 2, 1]);
  });

  test('a custom collate on a TensorDataset sees the same samples as getItem', () => {
    const ds = indexed(4);
    const loader = new data.DataLoader(ds, { batchSize: 4, collate: (s: torch.Tensor[][]) => s.map(([x]) => values(x)) });
    expect([...loader]).toEqual([[[0, 0], [1, 10], [2, 20], [3, 30]]]);
  });

  test('the default collate refuses what it cannot batch, naming the type', () => {
    class Objects extends data.Dataset<{ a: number }> {
      get length() { return 2; }
      getItem(i: number) { return { a: i }; }
    }
    expect(() => [...new data.DataLoader(new Objects())]).toThrow(/DataLoader: defaultCollate cannot batch items of type object; pass a collate function/);
  });

  test('training through a loader lowers the loss (CrossEntropy on int32 labels)', () => {
    torch.manualSeed(0);
    const n = 64;
    const x = torch.randn([n, 2]);
    const y = x.select(1, 0).gt(0).int(); // class = sign of the first feature
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 16, shuffle: true, seed: 0 });
    const model = new torch.nn.Linear(2, 2);
    const lossFn = new torch.nn.CrossEntropyLoss();
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.5 });
    const full = () => lossFn.forward(model.forward(x), y).item();
    const before = full();
    for (let e = 0; e < 5; e++)
      for (const [xb, yb] of loader) {
        opt.zeroGrad();
        lossFn.forward(model.forward(xb), yb).backward();
        opt.step();
      }
    expect(full()).toBeLessThan(before * 0.7);
  });
});

describe('DataLoader state', () => {
  test('stateDict / loadStateDict: a resumed loader draws the epochs a never-stopped one would', () => {
    const ds = new data.TensorDataset(torch.arange(50, { dtype: 'int32' }));
    const order = (l: torch.data.DataLoader) => [...l].map(([b]) => Array.from(b.data)).flat();
    const a = new data.DataLoader(ds, { batchSize: 8, shuffle: true, seed: 7 });
    const e1 = order(a);
    const sd = a.stateDict();
    const e2 = order(a), e3 = order(a);
    const b = new data.DataLoader(ds, { batchSize: 8, shuffle: true, seed: 7 });
    b.loadStateDict(JSON.parse(JSON.stringify(sd))); // survives a checkpoint's JSON
    expect(order(b)).toEqual(e2);
    expect(order(b)).toEqual(e3);
    expect(e2).not.toEqual(e1);
    expect(() => b.loadStateDict({ epochs: -1, sampler: null })).toThrow(/^DataLoader.loadStateDict: expects \{ epochs, sampler \}/);
    const unseeded = new data.DataLoader(ds, { batchSize: 8, shuffle: true });
    expect(() => unseeded.loadStateDict(sd)).toThrow(/RandomSampler.loadStateDict: the state is of a seeded sampler, this one is seedless/);
  });
});
