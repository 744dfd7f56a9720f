/** Shared by the data tests: small MNIST-format folders and a local HTTP server. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as torch from 'torchlet';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tmpdir(prefix = 'torchlet-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Image n of a generated split: pixel (y, x) = (7 n + 3 y + x) mod 256; label n mod 10. */
export function pixel(n: number, y: number, x: number): number {
  return (7 * n + 3 * y + x) % 256;
}

/** Writes an MNIST-format split (images + labels) of n images of rows x cols into folder. */
export function writeSplit(folder: string, split: 'train' | 't10k', n: number, { gzip = true, rows = 28, cols = 28 } = {}): void {
  fs.mkdirSync(folder, { recursive: true });
  const img = new Uint8Array(n * rows * cols);
  for (let k = 0; k < n; k++) for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) img[(k * rows + y) * cols + x] = pixel(k, y, x);
  const lab = Uint8Array.from({ length: n }, (_, k) => k % 10);
  const gz = gzip ? '.gz' : '';
  torch.data.writeIdx(path.join(folder, `${split}-images-idx3-ubyte${gz}`), img, [n, rows, cols]);
  torch.data.writeIdx(path.join(folder, `${split}-labels-idx1-ubyte${gz}`), lab, [n]);
}

/**
 * An HTTP server on 127.0.0.1 serving `folder` under /files/, in a worker
 * thread (dataset constructors block the main thread while they download).
 * /truncated/<f> promises the whole file but closes after half of it.
 */
export async function startServer(folder: string): Promise<{ url: string; close: () => Promise<void> }> {
  const w = new Worker(
    `
    const http = require('http'), fs = require('fs'), path = require('path');
    const { workerData, parentPort } = require('worker_threads');
    const server = http.createServer((req, res) => {
      const [, kind, name] = req.url.split('/');
      const file = path.join(workerData, path.basename(name || ''));
      if (!name || !fs.existsSync(file) || (kind !== 'files' && kind !== 'truncated')) { res.writeHead(404); return res.end('not found'); }
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'content-length': body.length });
      if (kind === 'truncated') { res.write(body.subarray(0, body.length >> 1)); return setTimeout(() => res.destroy(), 20); }
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
    parentPort.on('message', () => server.close(() => process.exit(0)));
    `,
    { eval: true, workerData: folder },
  );
  const port = await new Promise<number>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      w.postMessage('close');
      await new Promise((r) => w.once('exit', r));
    },
  };
}
