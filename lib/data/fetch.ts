/** Loading one batch, the same way in the main thread and in a worker. */
import { batchFetcher, Dataset } from './dataset';
import { collateWithIndices } from './collate';
import { withSampleGenerator } from './random';

/** One batch of an epoch: which dataset indices, and the epoch position of its first sample. */
export interface BatchTask {
  /** Batch number in the epoch. */
  k: number;
  indices: Int32Array;
  /** Position in the epoch of indices[0] (seeds the per-sample generators). */
  pos: number;
}

/** How a batch is finished: defaultCollate, left as a list of samples (a custom collate runs in the main thread), or one sample unbatched (batchSize null). */
export type CollateMode = 'default' | 'samples' | 'single';

/** Loads the samples of a task (each under its own generator) and collates them. */
export function fetchBatch(ds: Dataset<unknown>, task: BatchTask, mode: CollateMode, base: number, epoch: number): unknown {
  if (mode === 'default') {
    const fast = batchFetcher(ds);
    if (fast) return fast(task.indices);
  }
  const samples: unknown[] = new Array(task.indices.length);
  for (let j = 0; j < task.indices.length; j++) {
    const i = task.indices[j];
    samples[j] = withSampleGenerator(base, epoch, task.pos + j, () => ds.getItem(i));
  }
  if (mode === 'single') return samples[0];
  if (mode === 'samples') return samples;
  return collateWithIndices(samples, task.indices);
}
