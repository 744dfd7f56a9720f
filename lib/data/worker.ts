/**
 * The body of a DataLoader worker thread: rebuilds the dataset from its
 * spec, then loads the batches it is sent, in order, each sample under the
 * generator of (base seed, epoch, position) — exactly what the main thread
 * would do — and posts them back.
 *
 * Signalling: results go through a MessagePort that the main thread reads
 * with receiveMessageOnPort, and every post bumps a shared counter that the
 * main thread waits on (Atomics.wait), so a synchronous for...of can block
 * for the next batch. If this thread ends for any reason, its exit handler
 * marks it dead in the shared array, so the main thread never waits for a
 * worker that is gone.
 */
import { workerData, isMainThread } from 'worker_threads';
import '../index';
import { build, Spec } from './spec';
import { Dataset } from './dataset';
import { fetchBatch } from './fetch';
import { SIG_COUNT, SIG_ITER, SIG_STATE, SIG_STOP, WorkerInit, WorkerTask, WorkerReply } from './protocol';
import { encode } from './wire';

function main(init: WorkerInit): void {
  const { id, port, signal } = init;
  const post = (msg: WorkerReply, transfer: ArrayBuffer[] = []) => {
    port.postMessage(msg, transfer);
    Atomics.add(signal, SIG_COUNT, 1);
    Atomics.notify(signal, SIG_COUNT);
  };
  const fail = (e: unknown, iter: number, k: number, fatal = false) => {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ iter, k, error: { name: err.name, message: err.message, stack: err.stack ?? String(err), fatal } });
  };
  process.on('exit', () => {
    Atomics.store(signal, SIG_STATE + id, 1);
    Atomics.add(signal, SIG_COUNT, 1);
    Atomics.notify(signal, SIG_COUNT);
  });
  process.on('uncaughtException', (e) => {
    fail(e, -1, -1, true);
    process.exit(1);
  });
  process.on('unhandledRejection', (e) => {
    fail(e, -1, -1, true);
    process.exit(1);
  });

  let dataset: Dataset<unknown> | null = null;
  let setupError: unknown = null;
  const queue: WorkerTask[] = [];
  // Stopping is this thread's own decision, taken between two tasks: a thread
  // terminated from outside while inside a native call could abort the process.
  const stop = () => {
    port.close();
    process.exit(0);
  };
  const stopIfAsked = () => {
    if (Atomics.load(signal, SIG_ITER) === SIG_STOP) stop();
  };
  port.on('close', stop);
  const run = () => {
    stopIfAsked();
    while (queue.length && (dataset || setupError)) {
      stopIfAsked();
      const task = queue.shift()!;
      if (Atomics.load(signal, SIG_ITER) !== task.iter) continue; // an abandoned iteration
      if (setupError) {
        fail(setupError, task.iter, task.k);
        continue;
      }
      try {
        const batch = fetchBatch(dataset!, task, init.mode, task.base, task.epoch);
        const transfer: ArrayBuffer[] = [];
        const ok = encode(batch, transfer);
        post({ iter: task.iter, k: task.k, ok }, transfer);
      } catch (e) {
        fail(e, task.iter, task.k);
      }
    }
  };
  port.on('message', (task: WorkerTask | { stop: true }) => {
    if ('stop' in task) return stop();
    queue.push(task);
    run();
  });
  const ready = (d: unknown) => {
    const ds = d as Dataset<unknown>;
    if (!ds || typeof ds.getItem !== 'function' || typeof ds.length !== 'number')
      setupError = new TypeError(`DataLoader worker: the worker's dataset recipe did not give a Dataset (with length and getItem); got ${ds === null ? 'null' : typeof ds}`);
    else if (ds.length !== init.length)
      setupError = new RangeError(`DataLoader worker: the dataset rebuilt in the worker has ${ds.length} samples but the loader's dataset has ${init.length}; does the recipe build the same dataset?`);
    else dataset = ds;
    run();
  };
  try {
    const d = build(init.dataset);
    if (d instanceof Promise) d.then(ready, (e) => { setupError = e; run(); });
    else ready(d);
  } catch (e) {
    setupError = e;
  }
}

if (!isMainThread && workerData?.signal instanceof Int32Array) main(workerData as WorkerInit);
