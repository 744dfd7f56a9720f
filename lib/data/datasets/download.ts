/**
 * Downloads for the built-in datasets, with Node's own http/https (no
 * dependency): each file from the first mirror that answers, redirects
 * followed, an idle timeout, written to `<file>.part` and renamed when
 * complete, so an interrupted download never leaves a file that looks whole.
 *
 * The transfer runs in a short-lived worker thread: `downloadSync` blocks on
 * it (dataset constructors are synchronous, as in PyTorch), `download` awaits it.
 */
import { Worker, MessageChannel, receiveMessageOnPort } from 'worker_threads';

export interface DownloadJob {
  /** File name, appended to each mirror URL. */
  file: string;
  /** Destination path. */
  dest: string;
}
export interface DownloadOptions {
  /** Base URLs tried in order (a trailing '/' is added when missing). */
  mirrors: string[];
  /** Seconds without data before a mirror is given up (default 60). */
  timeout?: number;
}

// Plain JavaScript run by the worker (a string, so that it runs the same from
// TypeScript sources under test and from the compiled package).
const WORKER_SOURCE = String.raw`
const { workerData } = require('worker_threads');
const fs = require('fs');
const http = require('http');
const https = require('https');
const { jobs, mirrors, timeout, port, flag } = workerData;
function done(msg) {
  port.postMessage(msg);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
process.on('exit', () => { if (Atomics.load(flag, 0) === 0) { Atomics.store(flag, 0, 2); Atomics.notify(flag, 0); } });
function get(url, dest, redirects) {
  return new Promise((resolve, reject) => {
    let u;
    try { u = new URL(url); } catch (e) { return reject(new Error('invalid URL')); }
    const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : null;
    if (!lib) return reject(new Error('unsupported protocol ' + u.protocol));
    const req = lib.get(u, { headers: { 'user-agent': 'torchlet' } }, (res) => {
      if ([301, 302, 303, 307, 308].includes(res.statusCode) && res.headers.location) {
        res.resume();
        if (redirects >= 5) return reject(new Error('too many redirects'));
        return get(new URL(res.headers.location, u).toString(), dest, redirects + 1).then(resolve, reject);
      }
      if (res.statusCode !== 200) { res.resume(); return reject(new Error('HTTP ' + res.statusCode)); }
      const part = dest + '.part';
      const out = fs.createWriteStream(part);
      let bytes = 0;
      res.on('data', (c) => { bytes += c.length; });
      res.on('aborted', () => reject(new Error('connection closed after ' + bytes + ' bytes')));
      res.on('error', (e) => reject(e));
      out.on('error', (e) => reject(e));
      res.pipe(out);
      out.on('finish', () => {
        const len = Number(res.headers['content-length']);
        if (res.aborted || (Number.isFinite(len) && len !== bytes)) {
          fs.rmSync(part, { force: true });
          return reject(new Error('incomplete: got ' + bytes + ' of ' + len + ' bytes'));
        }
        fs.renameSync(part, dest);
        resolve(bytes);
      });
    });
    req.setTimeout(timeout * 1000, () => req.destroy(new Error('no data for ' + timeout + ' s')));
    req.on('error', (e) => reject(e));
  });
}
(async () => {
  const done_ = [];
  for (const job of jobs) {
    const errors = [];
    let ok = false;
    for (const m of mirrors) {
      const url = (m.endsWith('/') ? m : m + '/') + job.file;
      try { const bytes = await get(url, job.dest, 0); done_.push({ file: job.file, url, bytes }); ok = true; break; }
      catch (e) { fs.rmSync(job.dest + '.part', { force: true }); errors.push(url + ': ' + (e && (e.code || e.message) || String(e))); }
    }
    if (!ok) return done({ error: 'could not download ' + job.file + ' (' + errors.join('; ') + ')' });
  }
  done({ ok: done_ });
})().catch((e) => done({ error: String(e && e.stack || e) }));
`;

interface Result {
  ok?: { file: string; url: string; bytes: number }[];
  error?: string;
}

function start(jobs: DownloadJob[], opts: DownloadOptions) {
  const mirrors = opts.mirrors;
  if (!Array.isArray(mirrors) || mirrors.length === 0 || !mirrors.every((m) => typeof m === 'string' && /^https?:\/\//.test(m)))
    throw new TypeError(`download: mirrors must be a non-empty array of http(s) URLs, got ${JSON.stringify(mirrors)}`);
  const timeout = opts.timeout ?? 60;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { jobs, mirrors, timeout, port: port2, flag },
    transferList: [port2],
  });
  return { worker, port: port1, flag };
}

function finish(r: Result | undefined, op: string): Result['ok'] {
  if (!r) throw new Error(`${op}: the download worker stopped without an answer`);
  if (r.error) throw new Error(`${op}: ${r.error}`);
  return r.ok;
}

/** Downloads the files, blocking until done (the transfer itself runs in a worker thread). */
export function downloadSync(jobs: DownloadJob[], opts: DownloadOptions, op = 'download'): { file: string; url: string; bytes: number }[] {
  const { worker, port, flag } = start(jobs, opts);
  worker.unref();
  try {
    while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 1000);
    const m = receiveMessageOnPort(port);
    return finish(m?.message as Result | undefined, op)!;
  } finally {
    port.close();
    void worker.terminate();
  }
}

/** Downloads the files without blocking the event loop. */
export async function download(jobs: DownloadJob[], opts: DownloadOptions, op = 'download'): Promise<{ file: string; url: string; bytes: number }[]> {
  const { worker, port } = start(jobs, opts);
  try {
    const r = await new Promise<Result | undefined>((resolve) => {
      port.once('message', resolve);
      worker.once('error', (e) => resolve({ error: String(e.stack ?? e) }));
      worker.once('exit', () => setImmediate(() => resolve(receiveMessageOnPort(port)?.message as Result | undefined)));
    });
    return finish(r, op)!;
  } finally {
    port.close();
    void worker.terminate();
  }
}
