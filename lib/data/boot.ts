/**
 * Starting a worker thread that runs torchlet.
 *
 * From the compiled package the worker simply requires worker.js. From the
 * TypeScript sources (tests, ts-node users) it first installs a small require
 * hook that transpiles .ts files with the `typescript` package (caching the
 * output under the system's temp folder) and reads const enums out of .d.ts
 * files. In the worker, `require('torchlet')` resolves to the torchlet the
 * worker runs, so that a user's dataset module and the worker share one
 * Tensor class.
 */
import * as path from 'path';

/**
 * JavaScript that starts `entry` (a .js or .ts module), with `require('torchlet')`
 * resolving to `torchletIndex`: the source of `new Worker(src, { eval: true })`
 * (or of `node -e src`).
 */
export function bootstrapSource(entry: string, torchletIndex: string): string {
  return `const entry = ${JSON.stringify(entry)}, torchletIndex = ${JSON.stringify(torchletIndex)};\n` + BOOTSTRAP;
}

// For a DataLoader worker (workerData has its shared signal array and port), the exit
// handler and the error report come first, so that even a torchlet that fails to load
// in the worker is reported instead of leaving the main thread waiting (indices as in
// protocol.ts: 0 = SIG_COUNT, 2 + id = SIG_STATE of this worker).
const BOOTSTRAP = String.raw`
const wd = require('worker_threads').workerData;
const isLoaderWorker = !!(wd && wd.signal instanceof Int32Array && wd.port);
if (isLoaderWorker) process.on('exit', () => { Atomics.store(wd.signal, 2 + wd.id, 1); Atomics.add(wd.signal, 0, 1); Atomics.notify(wd.signal, 0); });
const Module = require('module');
const path = require('path');
const fs = require('fs');
const ext = path.extname(entry);
if (ext === '.ts' && !require.extensions['.ts']) {
  const os = require('os');
  const crypto = require('crypto');
  const req = Module.createRequire(entry);
  let ts = null;
  const cacheDir = path.join(os.tmpdir(), 'torchlet-ts-cache-' + (process.getuid ? process.getuid() : 'u'));
  try { fs.mkdirSync(cacheDir, { recursive: true }); } catch {}
  require.extensions['.d.ts'] = function (m, filename) {
    ts = ts || req('typescript');
    const sf = ts.createSourceFile(filename, fs.readFileSync(filename, 'utf8'), ts.ScriptTarget.ES2022);
    for (const st of sf.statements) if (ts.isEnumDeclaration(st)) {
      const e = {};
      let next = 0;
      for (const mem of st.members) {
        const v = mem.initializer ? Number(mem.initializer.getText(sf)) : next;
        e[mem.name.getText(sf)] = v;
        e[v] = mem.name.getText(sf);
        next = v + 1;
      }
      m.exports[st.name.text] = e;
    }
  };
  require.extensions['.ts'] = function (m, filename) {
    if (filename.endsWith('.d.ts')) return require.extensions['.d.ts'](m, filename);
    const src = fs.readFileSync(filename, 'utf8');
    const key = crypto.createHash('sha1').update('v1\0' + filename + '\0' + src).digest('hex');
    const cached = path.join(cacheDir, key + '.js');
    let js = null;
    try { js = fs.readFileSync(cached, 'utf8'); } catch {}
    if (js === null) {
      ts = ts || req('typescript');
      js = ts.transpileModule(src, {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true, inlineSources: false },
      }).outputText;
      try { const tmp = cached + '.' + process.pid + '.' + Math.random().toString(36).slice(2); fs.writeFileSync(tmp, js); fs.renameSync(tmp, cached); } catch {}
    }
    m._compile(js, filename);
  };
}
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'torchlet') return torchletIndex;
  return resolve.call(this, request, ...rest);
};
try {
  require(entry);
} catch (e) {
  if (!isLoaderWorker) throw e;
  const err = e instanceof Error ? e : new Error(String(e));
  wd.port.postMessage({ iter: -1, k: -1, error: { name: err.name, message: 'the worker could not start: ' + err.message, stack: String(err.stack), fatal: true } });
  Atomics.add(wd.signal, 0, 1);
  Atomics.notify(wd.signal, 0);
  process.exit(1);
}
`;

/** The source that starts a DataLoader worker: worker.ts from the sources, worker.js from the package. */
export function workerSource(): string {
  const ext = path.extname(__filename);
  return bootstrapSource(path.join(__dirname, 'worker' + ext), path.join(__dirname, '..', 'index' + ext));
}
