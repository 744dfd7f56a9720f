// DataLoader with worker threads: the same batches in the same order as in
// the main thread (TensorDataset, MNIST with random augmentation, Subsets,
// a user's dataset by recipe), async iteration, persistent workers, custom
// collate; and the failures: a worker that throws or exits, a dataset that
// cannot be sent, a recipe that is wrong, a timeout, a transform of the
// wrong shape; no worker outlives its loop, and a process ends by itself.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from 'torchlet';
import * as boot from '../../lib/data/boot';
import { bootstrapSource } from '../../lib/data/boot';
import { values } from '../fixtures/nn';
import { tmpdir, writeSplit } from './helpers';
import { Exits, Noisy, NoisyWithRecipe, Ragged, Slow, Throws } from './fixtures/user_datasets';

const { data } = torch;
const T = data.transforms;
const FIXTURE = path.join(__dirname, 'fixtures', 'user_datasets.ts');

/** Every tensor of every batch as plain numbers (shape and values). */
function dump(batches: Iterable<unknown>): unknown[] {
  const conv = (b: unknown): unknown => (b instanceof torch.Tensor ? { shape: b.shape, dtype: b.dtype, v: values(b) } : Array.isArray(b) ? b.map(conv) : b);
  return [...batches].map(conv);
}
async function dumpAsync(loader: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const b of loader) out.push(b);
  return dump(out);
}
/** Waits until every worker thread has exited (they end asynchronously after terminate()). */
async function noLiveWorkers(): Promise<number> {
  for (let i = 0; i < 100 && data.liveWorkerCount() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return data.liveWorkerCount();
}

afterEach(async () => {
  expect(await noLiveWorkers()).toBe(0);
});

describe('the same batches as in the main thread', () => {
  const ds = new data.TensorDataset(torch.randn([50, 3]), torch.arange(50, undefined, 1, { dtype: 'int32' }));

  test.each([
    ['in order', () => ({ batchSize: 4 })],
    ['shuffled, dropLast', () => ({ batchSize: 7, shuffle: true, seed: 3, dropLast: true })],
    ['prefetchFactor 1', () => ({ batchSize: 5, shuffle: true, seed: 4, prefetchFactor: 1 })],
    ['a sampler, prefetchFactor 3', () => ({ batchSize: 3, sampler: new data.SubsetRandomSampler([1, 5, 9, 13, 17, 21, 25], { seed: 2 }), prefetchFactor: 3 })],
  ])('TensorDataset, %s', (_, opts) => {
    const { prefetchFactor, ...mainOpts } = opts() as Record<string, unknown>;
    const { prefetchFactor: __, ...workerOpts } = opts() as Record<string, unknown>;
    const main = new data.DataLoader(ds, mainOpts);
    const workers = new data.DataLoader(ds, { ...workerOpts, numWorkers: 2, prefetchFactor: prefetchFactor as number | undefined });
    expect(dump(workers)).toEqual(dump(main));
    expect(dump(workers)).toEqual(dump(main)); // the second epoch too
  });

  test('MNIST with random augmentation: two epochs, sync and async, 1 or 2 workers', async () => {
    const root = tmpdir();
    writeSplit(root, 'train', 40);
    const aug = new T.Compose([
      new T.RandomCrop(28, { padding: 2 }), new T.RandomHorizontalFlip(), new T.RandomRotation(15),
      new T.ToTensor(), new T.GaussianNoise(0.05), new T.Normalize([0.5], [0.5]),
    ]);
    const ds = new data.datasets.MNIST(root, { transform: aug });
    const opts = { batchSize: 8, shuffle: true, seed: 11 };
    const main = new data.DataLoader(ds, opts);
    const ref = [dump(main), dump(main)];
    expect(ref[1]).not.toEqual(ref[0]);
    const two = new data.DataLoader(ds, { ...opts, numWorkers: 2 });
    expect([dump(two), await dumpAsync(two)]).toEqual(ref);
    const one = new data.DataLoader(ds, { ...opts, numWorkers: 1, persistentWorkers: true });
    expect([dump(one), dump(one)]).toEqual(ref);
    one.close();
    // The augmentation did something: not the plain images.
    const plain = dump(new data.DataLoader(new data.datasets.MNIST(root, { transform: new T.Compose([new T.ToTensor(), new T.Normalize([0.5], [0.5])]) }), opts));
    expect(plain).not.toEqual(ref[0]);
    fs.rmSync(root, { recursive: true });
  });

  test('a Subset from randomSplit, and a ConcatDataset', () => {
    const [train] = data.randomSplit(ds, [0.8, 0.2], { seed: 1 });
    expect(dump(new data.DataLoader(train, { batchSize: 6, numWorkers: 2 }))).toEqual(dump(new data.DataLoader(train, { batchSize: 6 })));
    const c = new data.ConcatDataset([train, ds]);
    expect(dump(new data.DataLoader(c, { batchSize: 9, numWorkers: 2, shuffle: true, seed: 2 }))).toEqual(dump(new data.DataLoader(c, { batchSize: 9, shuffle: true, seed: 2 })));
  });

  test('a user dataset by recipe (option, class method, factory) with its own randomness', async () => {
    const opts = { batchSize: 4, shuffle: true, seed: 5 };
    const ref = dump(new data.DataLoader(new Noisy(18), opts));
    const byOption = new data.DataLoader(new Noisy(18), { ...opts, numWorkers: 2, workerDataset: { module: FIXTURE, export: 'Noisy', args: [18] } });
    expect(dump(byOption)).toEqual(ref);
    expect(dump(new data.DataLoader(new NoisyWithRecipe(18), { ...opts, numWorkers: 2 }))).toEqual(ref);
    const factory = new data.DataLoader(new Noisy(18), { ...opts, numWorkers: 2, workerDataset: { module: FIXTURE, export: 'makeNoisy', args: [18] } });
    expect(await dumpAsync(factory)).toEqual(ref);
  });

  test('a custom collate runs in the main thread on the samples the workers loaded', () => {
    const collate = (s: [torch.Tensor, number][]) => s.map(([x, y]) => [values(x).map((v) => Math.round(v)), y]);
    const opts = { batchSize: 5, collate, seed: 1 };
    expect([...new data.DataLoader(new NoisyWithRecipe(12), { ...opts, numWorkers: 2 })]).toEqual([...new data.DataLoader(new NoisyWithRecipe(12), opts)]);
  });

  test('batchSize null: samples one by one', () => {
    expect(dump(new data.DataLoader(ds, { batchSize: null, numWorkers: 2 }))).toEqual(dump(new data.DataLoader(ds, { batchSize: null })));
  });

  test('an empty epoch starts no worker', () => {
    const empty = new data.TensorDataset(torch.zeros([0, 2]));
    expect([...new data.DataLoader(empty, { numWorkers: 2 })]).toEqual([]);
    expect(data.liveWorkerCount()).toBe(0);
  });
});

describe('worker lifetime', () => {
  const recipe = (n: number, ms: number) => ({ module: FIXTURE, export: 'Slow', args: [n, ms] });

  test('workers load ahead in other threads and end with the epoch', () => {
    const loader = new data.DataLoader(new Slow(12, 1), { batchSize: 2, numWorkers: 2, workerDataset: recipe(12, 1) });
    const threads = new Set<number>();
    for (const [, tid] of loader) values(tid).forEach((t) => threads.add(t));
    expect(threads.size).toBe(2);
    expect(threads.has(0)).toBe(false); // not the main thread
  });

  test('no more workers than the epoch has batches', async () => {
    const loader = new data.DataLoader(new Slow(6, 1), { batchSize: 3, numWorkers: 8, workerDataset: recipe(6, 1) });
    const threads = new Set<number>();
    let live = 0;
    for (const [, tid] of loader) {
      values(tid).forEach((t) => threads.add(t));
      live = Math.max(live, data.liveWorkerCount());
    }
    expect(live).toBe(2);
    expect(threads.size).toBe(2);
    expect(await noLiveWorkers()).toBe(0);
    // An empty epoch starts none.
    expect([...new data.DataLoader(new Slow(0, 0), { batchSize: 3, numWorkers: 8, workerDataset: recipe(0, 0) })]).toEqual([]);
    expect(data.liveWorkerCount()).toBe(0);
  });

  test('persistent workers serve every epoch until close()', async () => {
    const loader = new data.DataLoader(new Slow(8, 0), { batchSize: 2, numWorkers: 2, persistentWorkers: true, workerDataset: recipe(8, 0) });
    const ids = (it: Iterable<[torch.Tensor, torch.Tensor]>) => new Set([...it].flatMap(([, t]) => values(t)));
    const e1 = ids(loader), e2 = ids(loader);
    expect(e2).toEqual(e1);
    expect(data.liveWorkerCount()).toBe(2);
    loader.close();
    expect(await noLiveWorkers()).toBe(0);
    // Non-persistent workers are new threads each epoch.
    const fresh = new data.DataLoader(new Slow(8, 0), { batchSize: 2, numWorkers: 2, workerDataset: recipe(8, 0) });
    const f1 = ids(fresh), f2 = ids(fresh);
    expect([...f2].some((t) => f1.has(t))).toBe(false);
  });

  test('breaking out of for...of ends the workers', async () => {
    const loader = new data.DataLoader(new Slow(40, 1), { batchSize: 2, numWorkers: 2, workerDataset: recipe(40, 1) });
    let n = 0;
    for (const _ of loader) if (++n === 2) break;
    expect(await noLiveWorkers()).toBe(0);
    for await (const _ of loader) if (++n === 4) break;
    expect(await noLiveWorkers()).toBe(0);
  });

  test('a new iteration of a loader with persistent workers supersedes the running one', () => {
    const loader = new data.DataLoader(new Slow(8, 0), { batchSize: 2, numWorkers: 2, persistentWorkers: true, workerDataset: recipe(8, 0) });
    const a = loader[Symbol.iterator]();
    a.next();
    const b = [...loader];
    expect(b).toHaveLength(4);
    expect(() => a.next()).toThrow(/^DataLoader: this iteration was superseded by a newer iteration of the same loader/);
    loader.close();
  });

  test('the superseded iteration fails alone: the newer loop goes on with the same workers, and so do later ones', async () => {
    const loader = new data.DataLoader(new Slow(12, 0), { batchSize: 2, numWorkers: 2, persistentWorkers: true, workerDataset: recipe(12, 0) });
    const firstOf = (batch: any) => values(batch[0])[0];
    const a = loader[Symbol.iterator]();
    a.next();
    const b = loader[Symbol.iterator]();
    const seen = [firstOf(b.next().value), firstOf(b.next().value)];
    const pool = loader._pool;
    expect(() => a.next()).toThrow(/^DataLoader: this iteration was superseded by a newer iteration of the same loader/);
    expect(a.next().done).toBe(true);
    for (let r = b.next(); !r.done; r = b.next()) seen.push(firstOf(r.value));
    expect(seen).toEqual([0, 2, 4, 6, 8, 10]);
    expect(loader._pool).toBe(pool);
    expect(pool!.closed).toBe(false);
    // The same for async loops.
    const c = loader[Symbol.asyncIterator]();
    await c.next();
    const d = loader[Symbol.asyncIterator]();
    await d.next();
    await expect(c.next()).rejects.toThrow(/superseded/);
    let n = 1;
    for (let r = await d.next(); !r.done; r = await d.next()) n++;
    expect(n).toBe(6);
    expect([...loader].map(firstOf)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(loader._pool).toBe(pool);
    loader.close();
  });

  test.each(['break', 'break-async', 'abandon', 'throw', 'persistent'])('a script that ends its loop (%s) exits promptly with no live worker', (mode) => {
    const entry = path.join(__dirname, 'fixtures', 'break_early.ts');
    const index = path.join(__dirname, '..', '..', 'lib', 'index.ts');
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['-e', bootstrapSource(entry, index), '--', mode], { encoding: 'utf8', timeout: 30000 });
    const ms = Date.now() - t0;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^done \d+ \d+\n$/);
    expect(ms).toBeLessThan(15000);
  });
});

describe('failures', () => {
  test('a worker that throws: the caller gets its error and stack; the other workers end', async () => {
    const loader = new data.DataLoader(new Throws(20, 9), { batchSize: 2, numWorkers: 3, workerDataset: { module: FIXTURE, export: 'Throws', args: [20, 9] } });
    let err: (Error & { workerStack?: string }) | undefined;
    const seen: number[] = [];
    try {
      for (const [x] of loader) seen.push(...values(x));
    } catch (e) {
      err = e as Error;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(err).toBeInstanceOf(RangeError);
    expect(err!.message).toBe('Caught RangeError in DataLoader worker 1 (batch 4, dataset indices [8, 9]): bad sample 9');
    expect(err!.workerStack).toMatch(/RangeError: bad sample 9\n\s+at Throws.getItem \(.*user_datasets.ts/);
    expect(err!.stack).toMatch(/Original stack in the worker:\nRangeError: bad sample 9/);
    expect(await noLiveWorkers()).toBe(0);
    // The same with for await.
    await expect(dumpAsync(loader)).rejects.toThrow(/^Caught RangeError in DataLoader worker 1 \(batch 4, dataset indices \[8, 9\]\): bad sample 9$/);
    // And in the main thread the error is the dataset's own.
    expect(() => [...new data.DataLoader(new Throws(20, 9), { batchSize: 2 })]).toThrow(/^bad sample 9$/);
  });

  test('a worker that exits', async () => {
    const loader = new data.DataLoader(new Exits(10, 3), { batchSize: 2, numWorkers: 2, workerDataset: { module: FIXTURE, export: 'Exits', args: [10, 3] } });
    expect(() => [...loader]).toThrow(/^DataLoader worker 1 exited unexpectedly( with code 3)? \(while loading batch 1\)$/);
    expect(await noLiveWorkers()).toBe(0);
    await expect(dumpAsync(loader)).rejects.toThrow(/^DataLoader worker 1 exited unexpectedly( with code 3)? \(while loading batch 1\)$/);
  });

  test('a worker that cannot even load torchlet is reported, not waited for', () => {
    const orig = boot.workerSource;
    (boot as { workerSource: () => string }).workerSource = () => bootstrapSource('/nonexistent/worker.js', '/nonexistent/index.js');
    try {
      const ds = new data.TensorDataset(torch.zeros([4, 1]));
      expect(() => [...new data.DataLoader(ds, { numWorkers: 1 })]).toThrow(/^Caught Error in DataLoader worker 0: the worker could not start: Cannot find module '\/nonexistent\/worker.js'/);
    } finally {
      (boot as { workerSource: () => string }).workerSource = orig;
    }
  });

  test('terminating threads in the middle of native calls does not abort the process', () => {
    // Before the addon was built with NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS this aborted
    // (std::terminate on a Napi::Error) within a few rounds.
    const src = bootstrapSource(path.join(__dirname, 'fixtures', 'native_loop.ts'), path.join(__dirname, '..', '..', 'lib', 'index.ts'));
    const script = `
      const { Worker } = require('worker_threads');
      (async () => {
        for (let i = 0; i < 25; i++) {
          const ws = [0, 1].map(() => new Worker(${JSON.stringify(src)}, { eval: true }));
          await new Promise((r) => setTimeout(r, 100 + 7 * i));
          await Promise.all(ws.map((w) => w.terminate()));
        }
        console.log('ok');
      })();`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok\n');
    expect(r.status).toBe(0);
  });

  test('a dataset that cannot be sent to workers: a clear error at construction', () => {
    expect(() => new data.DataLoader(new Noisy(4), { numWorkers: 2 })).toThrow(
      /^DataLoader \(numWorkers: 2\): a Noisy cannot be sent to worker threads: a worker must rebuild the dataset itself\. Give the DataLoader a workerDataset: \{ module: '\/absolute\/path\/to\/its\/module\.js', export: 'ClassName', args: \[\.\.\.\] \} recipe, or define workerRecipe\(\) returning one on the dataset class, or use numWorkers: 0$/);
    const root = tmpdir();
    writeSplit(root, 'train', 2);
    expect(() => new data.DataLoader(new data.datasets.MNIST(root, { transform: (x: unknown) => x }), { numWorkers: 1 })).toThrow(
      /^DataLoader \(numWorkers: 1\): MNIST's transform is function transform, which cannot be sent to worker threads/);
    expect(() => new data.DataLoader(new data.datasets.MNIST(root, { transform: new T.Compose([new T.ToTensor(), new T.Lambda((x) => x)]) }), { numWorkers: 1 })).toThrow(
      /^DataLoader \(numWorkers: 1\): Lambda cannot be sent to worker threads/);
    class MyFlip extends T.RandomHorizontalFlip {}
    expect(() => new data.DataLoader(new data.datasets.MNIST(root, { transform: new MyFlip() }), { numWorkers: 1 })).toThrow(
      /the transform MyFlip cannot be sent to worker threads: give the class a workerRecipe\(\)/);
    fs.rmSync(root, { recursive: true });
  });

  test('wrong recipes', async () => {
    expect(() => new data.DataLoader(new Noisy(4), { numWorkers: 1, workerDataset: { module: './user_datasets' } })).toThrow(
      /^DataLoader: workerDataset: recipe module '.\/user_datasets' is relative; give an absolute path/);
    expect(() => new data.DataLoader(new Noisy(4), { numWorkers: 1, workerDataset: { module: '/nonexistent/x.js' } })).toThrow(
      /^DataLoader: workerDataset: recipe module '\/nonexistent\/x.js' cannot be found/);
    expect(() => new data.DataLoader(new Noisy(4), { numWorkers: 1, workerDataset: { module: FIXTURE, args: [() => 1] } })).toThrow(/recipe args cannot be sent to a worker/);
    expect(() => [...new data.DataLoader(new Noisy(4), { numWorkers: 1, workerDataset: { module: FIXTURE, export: 'Nope' } })]).toThrow(
      /^Caught TypeError in DataLoader worker 0 \(batch 0, dataset indices \[0\]\): worker recipe: module '.*user_datasets.ts' has no export 'Nope' that is a class or function \(exports: .*Noisy/);
    expect(() => [...new data.DataLoader(new Noisy(4), { numWorkers: 1, workerDataset: { module: FIXTURE, export: 'Noisy', args: [5] } })]).toThrow(
      /^Caught RangeError in DataLoader worker 0 \(batch 0, dataset indices \[0\]\): DataLoader worker: the dataset rebuilt in the worker has 5 samples but the loader's dataset has 4; does the recipe build the same dataset\?$/);
  });

  test('timeout', () => {
    const loader = new data.DataLoader(new Slow(4, 2000), { batchSize: 2, numWorkers: 1, timeout: 0.3, workerDataset: { module: FIXTURE, export: 'Slow', args: [4, 2000] } });
    const t0 = Date.now();
    expect(() => [...loader]).toThrow(/^DataLoader timed out after 0.3 seconds \(waiting for batch 0 from worker 0\)$/);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  test('a transform returning the wrong shape: collate names the samples and the shapes', () => {
    const expected = /DataLoader: defaultCollate: stack expects each tensor to be equal size, but got \[1, 4, 4\] float32 at entry 0 \(dataset index 4\) and \[1, 3, 4\] float32 at entry 2 \(dataset index 6\) in field 0 of the samples; does a transform return tensors of different shapes\?$/;
    expect(() => [...new data.DataLoader(new Ragged(8, 6), { batchSize: 4 })]).toThrow(new RegExp('^' + expected.source));
    expect(() => [...new data.DataLoader(new Ragged(8, 6), { batchSize: 4, numWorkers: 2, workerDataset: { module: FIXTURE, export: 'Ragged', args: [8, 6] } })]).toThrow(
      new RegExp('^Caught RangeError in DataLoader worker 1 \\(batch 1, dataset indices \\[4, 5, 6, 7\\]\\): ' + expected.source));
  });
});
