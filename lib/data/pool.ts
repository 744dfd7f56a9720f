/**
 * The DataLoader's worker threads, seen from the main thread.
 *
 * Each worker gets its own MessagePort. Replies are read with
 * receiveMessageOnPort, which works while the main thread is blocked, and the
 * main thread sleeps on a shared counter that every reply (and every worker
 * exit) bumps: Atomics.wait for a synchronous for...of, Atomics.waitAsync for
 * for await...of. Workers are unref'd, so they never keep the process alive,
 * and each is terminated when its loader's iteration ends, breaks, throws or
 * is garbage-collected.
 */
import { Worker, MessageChannel, MessagePort, receiveMessageOnPort } from 'worker_threads';
import { workerSource } from './boot';
import { SIG_COUNT, SIG_ITER, SIG_STATE, SIG_STOP, WorkerInit, WorkerReply, WorkerTask } from './protocol';

/** How long a worker gets to stop by itself before it is terminated from outside (ms). */
const GRACE_MS = 1000;
import type { Spec } from './spec';
import type { CollateMode } from './fetch';

/** Atomics.waitAsync (ES2024; in Node since 16). */
type WaitAsync = (a: Int32Array, i: number, v: number, t: number) => { async: false; value: string } | { async: true; value: Promise<string> };

const live = new Set<Worker>();
/** Worker threads started by DataLoaders that have not exited yet (for tests and diagnostics). */
export function liveWorkerCount(): number {
  return live.size;
}

export interface PoolOptions {
  numWorkers: number;
  dataset: Spec;
  length: number;
  mode: CollateMode;
}

/** What waiting for a reply gave. */
export type Poll = { reply: WorkerReply } | { dead: true; code: number | null } | { superseded: true } | null;

export class WorkerPool {
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly signal: Int32Array;
  private readonly pending: Map<number, WorkerReply>[] = [];
  private readonly exitCodes: (number | null)[] = [];
  private iter = 0;
  closed = false;

  constructor({ numWorkers, dataset, length, mode }: PoolOptions) {
    this.size = numWorkers;
    this.signal = new Int32Array(new SharedArrayBuffer(4 * (SIG_STATE + numWorkers)));
    const source = workerSource();
    try {
      for (let id = 0; id < numWorkers; id++) {
        const { port1, port2 } = new MessageChannel();
        const init: WorkerInit = { id, port: port2, signal: this.signal, dataset, length, mode };
        const w = new Worker(source, { eval: true, workerData: init, transferList: [port2] });
        w.unref();
        live.add(w);
        this.exitCodes.push(null);
        w.on('error', () => {
          /* the worker reports its own errors through its port; this listener keeps an uncaught one from crashing the main thread */
        });
        w.on('exit', (code) => {
          live.delete(w);
          this.exitCodes[id] = code;
          Atomics.store(this.signal, SIG_STATE + id, 1);
          Atomics.add(this.signal, SIG_COUNT, 1);
          Atomics.notify(this.signal, SIG_COUNT);
        });
        this.workers.push(w);
        this.ports.push(port1);
        this.pending.push(new Map());
      }
    } catch (e) {
      this.terminate();
      throw e;
    }
  }

  /** Starts a new iteration: tasks of earlier ones still queued in the workers are skipped. */
  newIteration(): number {
    this.iter++;
    Atomics.store(this.signal, SIG_ITER, this.iter);
    for (const p of this.pending) p.clear();
    return this.iter;
  }
  get currentIteration(): number {
    return this.iter;
  }

  send(w: number, task: WorkerTask): void {
    this.ports[w].postMessage(task);
  }

  /** Looks for the reply of batch k of iteration iter from worker w, without waiting. */
  poll(w: number, iter: number, k: number): Poll {
    // Checked first: a superseded iteration must not drain (and drop) the newer one's replies.
    if (Atomics.load(this.signal, SIG_ITER) !== iter) return { superseded: true };
    const pending = this.pending[w];
    for (let m = receiveMessageOnPort(this.ports[w]); m; m = receiveMessageOnPort(this.ports[w])) {
      const msg = m.message as WorkerReply;
      if (msg.error?.fatal) return { reply: msg };
      if (msg.iter === iter) pending.set(msg.k, msg);
    }
    const r = pending.get(k);
    if (r) {
      pending.delete(k);
      return { reply: r };
    }
    if (Atomics.load(this.signal, SIG_STATE + w) !== 0) {
      // It may have posted just before exiting: look once more.
      for (let m = receiveMessageOnPort(this.ports[w]); m; m = receiveMessageOnPort(this.ports[w])) {
        const msg = m.message as WorkerReply;
        if (msg.error?.fatal || (msg.iter === iter && msg.k === k)) return { reply: msg };
      }
      return { dead: true, code: this.exitCodes[w] };
    }
    return null;
  }

  /** Blocks until worker w answers batch k (or dies, or `deadline` in ms since the epoch passes: null). */
  waitSync(w: number, iter: number, k: number, deadline: number): Exclude<Poll, null> | null {
    for (;;) {
      const seen = Atomics.load(this.signal, SIG_COUNT);
      const p = this.poll(w, iter, k);
      if (p) return p;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      Atomics.wait(this.signal, SIG_COUNT, seen, Math.min(left, 1000));
    }
  }

  /** As waitSync, letting the event loop run while waiting. */
  async waitAsync(w: number, iter: number, k: number, deadline: number): Promise<Exclude<Poll, null> | null> {
    const worker = this.workers[w];
    worker.ref(); // a pending Atomics.waitAsync alone does not keep the process alive
    try {
      for (;;) {
        const seen = Atomics.load(this.signal, SIG_COUNT);
        const p = this.poll(w, iter, k);
        if (p) return p;
        const left = deadline - Date.now();
        if (left <= 0) return null;
        const r = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(this.signal, SIG_COUNT, seen, Math.min(left, 1000));
        if (r.async) await r.value;
      }
    } finally {
      if (!this.closed) worker.unref();
    }
  }

  /**
   * Stops every worker: each exits by itself before its next task (a thread
   * terminated from outside in the middle of a native call could take the
   * process down), and one still busy after GRACE_MS is terminated. Threads
   * end asynchronously; none keeps the process alive meanwhile.
   */
  terminate(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.signal, SIG_ITER, SIG_STOP);
    Atomics.notify(this.signal, SIG_COUNT);
    this.workers.forEach((w, id) => {
      try {
        this.ports[id].postMessage({ stop: true });
      } catch {
        /* already closed */
      }
      w.unref();
    });
    const timer = setTimeout(() => {
      this.workers.forEach((w, id) => {
        if (Atomics.load(this.signal, SIG_STATE + id) === 0) void w.terminate();
      });
    }, GRACE_MS);
    timer.unref();
  }

}
