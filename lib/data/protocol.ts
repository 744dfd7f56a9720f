/** Messages and shared signals between the DataLoader and its worker threads (see worker.ts). */
import type { MessagePort } from 'worker_threads';
import type { Spec } from './spec';
import type { BatchTask, CollateMode } from './fetch';

/** Layout of the shared Int32Array. */
export const SIG_COUNT = 0; // bumped by every message posted
export const SIG_ITER = 1; // the iteration the main thread is on; tasks of older ones are skipped; SIG_STOP: exit
export const SIG_STOP = -1;
export const SIG_STATE = 2; // + worker id: 0 running, 1 exited

export interface WorkerInit {
  id: number;
  port: MessagePort;
  signal: Int32Array;
  dataset: Spec;
  length: number;
  mode: CollateMode;
}
export interface WorkerTask extends BatchTask {
  iter: number;
  base: number;
  epoch: number;
}
export interface WorkerReply {
  iter: number;
  k: number;
  /** The encoded batch. */
  ok?: unknown;
  error?: { name: string; message: string; stack: string; fatal?: boolean };
}

