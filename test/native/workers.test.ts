// The addon is context-aware: it loads in the main thread and in several worker_threads at once,
// each with its own random generator.
import * as path from 'path';
import { Worker } from 'worker_threads';
import { native } from '../../lib/native';

const addonPath = process.env.TORCHLET_ADDON
  ? path.resolve(process.env.TORCHLET_ADDON)
  : path.resolve(__dirname, '../../build/Release/torchlet.node');

function runWorker(seed: number): Promise<{ sum: number; rand: number[] }> {
  const code = `
    const { parentPort, workerData } = require('worker_threads');
    const addon = require(workerData.addonPath);
    const n = 64;
    const a = new Float32Array(n * n).fill(1), b = new Float32Array(n * n).fill(2), c = new Float32Array(n * n);
    addon.gemm(false, false, n, n, n, 1, a, 0, n, b, 0, n, 0, c, 0, n, null);
    addon.manualSeed(workerData.seed);
    const r = new Float32Array(4);
    addon.uniform(r, 0, 1);
    parentPort.postMessage({ sum: c.reduce((s, v) => s + v, 0), rand: Array.from(r) });
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { addonPath, seed } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

test('loads in four workers at once, each with its own generator', async () => {
  const results = await Promise.all([1, 2, 1, 3].map(runWorker));
  for (const r of results) expect(r.sum).toBe(64 * 64 * 128);
  expect(results[0].rand).toEqual(results[2].rand); // same seed, same stream
  expect(results[0].rand).not.toEqual(results[1].rand);
  // The main thread's generator is untouched by the workers.
  native.manualSeed(1);
  const mine = new Float32Array(4);
  native.uniform(mine, 0, 1);
  expect(Array.from(mine)).toEqual(results[0].rand);
});
