/**
 * DataLoader benchmark: does loading + augmentation in worker threads overlap
 * with the training step?
 *
 * One epoch over Fashion-MNIST images (Debian's dataset-fashion-mnist when
 * installed, else generated images of the same format), augmented per sample
 * (RandomCrop with padding, RandomHorizontalFlip, RandomRotation, ToTensor,
 * Normalize), with an artificial per-batch "training step" of `computeMs`,
 * of two kinds: `busy` keeps the main thread computing (one core), `idle`
 * blocks it without using a core (as while native kernels or I/O run).
 * Measured at numWorkers 0 and 2: the epoch without the step, with it, and
 * how long the main thread waited for batches. Without workers loading and
 * step add up; with workers the loading hides behind the step (ideal:
 * max(load, step) instead of load + step) as far as free cores allow: on a
 * 2-core machine a busy step leaves one core to the two workers. Medians of
 * `reps` runs.
 *
 *   node dist/bench/data_loader.js [--quick] [--samples N] [--compute-ms X]
 *
 * `benchDataLoader()` returns the figures for bench/run.ts to include.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';

const { data } = torch;
const T = data.transforms;

export interface DataLoaderBench {
  source: string;
  samples: number;
  batchSize: number;
  computeMs: number;
  cpus: number;
  /** Per numWorkers (0, 2) and step kind: seconds per epoch and seconds the main thread waited for batches. */
  rows: { numWorkers: number; step: 'none' | 'busy' | 'idle'; epoch: number; waiting: number }[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function busy(ms: number): void {
  const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  while (process.hrtime.bigint() < end);
}
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function idle(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
const now = () => Number(process.hrtime.bigint()) / 1e9;

/** A FashionMNIST dataset: the real files when installed, else `n` generated images in a temporary folder. */
function dataset(n: number, transform: torch.data.transforms.Transform): { ds: torch.data.Dataset<[torch.Tensor, torch.Tensor]>; source: string; cleanup: () => void } {
  try {
    const fm = new data.datasets.FashionMNIST(undefined, { transform });
    const ds = new data.Subset(fm, Array.from({ length: Math.min(n, fm.length) }, (_, i) => i));
    return { ds, source: `${fm.folder} (Debian dataset-fashion-mnist), first ${ds.length} images`, cleanup: () => undefined };
  } catch {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'torchlet-bench-'));
    const img = new Uint8Array(n * 784);
    for (let i = 0; i < img.length; i++) img[i] = (i * 2654435761) >>> 24;
    data.writeIdx(path.join(root, 'train-images-idx3-ubyte'), img, [n, 28, 28]);
    data.writeIdx(path.join(root, 'train-labels-idx1-ubyte'), Uint8Array.from({ length: n }, (_, i) => i % 10), [n]);
    const ds = new data.datasets.FashionMNIST(root, { transform });
    return { ds, source: `${n} generated 28x28 images (install Debian dataset-fashion-mnist for the real ones)`, cleanup: () => fs.rmSync(root, { recursive: true }) };
  }
}

export function benchDataLoader({ samples = 10000, batchSize = 64, computeMs, reps = 3 }: { samples?: number; batchSize?: number; computeMs?: number; reps?: number } = {}): DataLoaderBench {
  const transform = new T.Compose([
    new T.RandomCrop(28, { padding: 4 }), new T.RandomHorizontalFlip(), new T.RandomRotation(10),
    new T.ToTensor(), new T.Normalize([0.2860], [0.3530]),
  ]);
  const { ds, source, cleanup } = dataset(samples, transform);
  try {
    const batches = Math.ceil(ds.length / batchSize);
    const measure = (numWorkers: number, kind: 'none' | 'busy' | 'idle', stepMs: number): { epoch: number; waiting: number } => {
      const loader = new data.DataLoader(ds, { batchSize, shuffle: true, seed: 0, numWorkers, persistentWorkers: numWorkers > 0 });
      const run = () => {
        const t0 = now();
        let waiting = 0, t = t0;
        for (const [x] of loader) {
          waiting += now() - t;
          if (x.shape[1] !== 1) throw new Error('unexpected batch');
          if (kind === 'busy') busy(stepMs);
          else if (kind === 'idle') idle(stepMs);
          t = now();
        }
        return { epoch: now() - t0, waiting };
      };
      run(); // warm-up: starts the (persistent) workers, compiles the hot code
      const rs = Array.from({ length: reps }, run);
      loader.close();
      return { epoch: median(rs.map((r) => r.epoch)), waiting: median(rs.map((r) => r.waiting)) };
    };
    const load0 = measure(0, 'none', 0);
    // By default the step costs as much as loading a batch without workers: where overlap matters most.
    const step = computeMs ?? Math.max(1, Math.round((load0.epoch / batches) * 1000 * 10) / 10);
    const rows: DataLoaderBench['rows'] = [{ numWorkers: 0, step: 'none', ...load0 }];
    for (const [w, kind] of [[2, 'none'], [0, 'busy'], [2, 'busy'], [0, 'idle'], [2, 'idle']] as const) rows.push({ numWorkers: w, step: kind, ...measure(w, kind, step) });
    return { source, samples: ds.length, batchSize, computeMs: step, cpus: os.availableParallelism?.() ?? os.cpus().length, rows };
  } finally {
    cleanup();
  }
}

export function printDataLoaderBench(r: DataLoaderBench): void {
  const f = (s: number) => `${s.toFixed(3)} s`;
  const batches = Math.ceil(r.samples / r.batchSize);
  console.log(`\n## DataLoader: loading + augmentation overlapping a training step (${r.cpus} CPUs)`);
  console.log(`   data: ${r.source}`);
  console.log(`   batch ${r.batchSize} (${batches} batches), RandomCrop(28, padding 4) + RandomHorizontalFlip + RandomRotation(10) + ToTensor + Normalize`);
  console.log(`   step: ${r.computeMs} ms per batch (${f((r.computeMs * batches) / 1000)} per epoch): busy = main thread computing, idle = main thread blocked`);
  console.log('   step   numWorkers      epoch   waiting for batches');
  for (const x of r.rows) console.log(`   ${x.step.padEnd(4)}   ${String(x.numWorkers).padStart(10)}   ${f(x.epoch).padStart(8)}   ${f(x.waiting).padStart(9)}`);
  for (const kind of ['busy', 'idle'] as const) {
    const a = r.rows.find((x) => x.step === kind && x.numWorkers === 0)!, b = r.rows.find((x) => x.step === kind && x.numWorkers === 2)!;
    console.log(`   ${kind} step: epoch ${(a.epoch / b.epoch).toFixed(2)}x faster with 2 workers; waiting for batches ${f(a.waiting)} -> ${f(b.waiting)}`);
  }
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const quick = process.argv.includes('--quick');
  printDataLoaderBench(benchDataLoader({ samples: arg('--samples') ?? (quick ? 3000 : 10000), computeMs: arg('--compute-ms'), reps: quick ? 1 : 3 }));
}
