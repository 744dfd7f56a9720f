/**
 * torchlet's lib/ as plain JavaScript for child processes (which run outside
 * ts-jest), and the environment that makes them load the addon this checkout
 * built (TORCHLET_ADDON). Compiled from the current sources, never a stale
 * dist/, and cached in the temp folder under a hash of those sources, so the
 * test files that spawn children compile once between them.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const PREFIX = 'torchlet-childlib-';

export interface ChildLib {
  /** The folder holding lib/ (require(path.join(dir, 'lib')) is torchlet). */
  dir: string;
  /** Environment for the child: TORCHLET_ADDON set to this checkout's addon. */
  env: NodeJS.ProcessEnv;
}

function sources(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(p);
    }
  };
  walk(path.join(ROOT, 'lib'));
  return [...out, path.join(ROOT, 'binding.d.ts'), path.join(ROOT, 'tsconfig.json'), path.join(ROOT, 'tsconfig.build.json')];
}

function compileInto(dir: string): void {
  // A full compile, not transpileModule: lib/ uses binding.d.ts's const enums, which only a program can inline.
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.build.json'), { outDir: dir, declaration: false, sourceMap: false, noEmitOnError: false }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  const files = config.fileNames.filter((f) => f.startsWith(path.join(ROOT, 'lib') + path.sep) || f.endsWith('binding.d.ts'));
  if (ts.createProgram(files, config.options).emit().emitSkipped) throw new Error('buildChildLib: TypeScript emitted nothing');
}

export function buildChildLib(): ChildLib {
  const h = crypto.createHash('sha256');
  for (const f of sources()) h.update(f).update(fs.readFileSync(f));
  const dir = path.join(os.tmpdir(), PREFIX + h.digest('hex').slice(0, 16));
  if (!fs.existsSync(path.join(dir, 'lib', 'index.js'))) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchlet-build-'));
    try {
      compileInto(tmp);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    try {
      fs.renameSync(tmp, dir); // atomic: a parallel test file either wins or finds the same output
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    // Outputs of older sources go after a day.
    for (const n of fs.readdirSync(os.tmpdir()))
      if (n.startsWith(PREFIX) && path.join(os.tmpdir(), n) !== dir) {
        try {
          if (Date.now() - fs.statSync(path.join(os.tmpdir(), n)).mtimeMs > 86400e3) fs.rmSync(path.join(os.tmpdir(), n), { recursive: true, force: true });
        } catch {
          /* another process cleaned it */
        }
      }
  }
  const addon = process.env.TORCHLET_ADDON ? path.resolve(process.env.TORCHLET_ADDON) : path.join(ROOT, 'build/Release/torchlet.node');
  return { dir, env: { ...process.env, TORCHLET_ADDON: addon } };
}

/**
 * The message of the error each JS expression throws ('no error' if none),
 * evaluated in a child process where `torch` is this checkout's torchlet.
 * The timeout turns a read that would block forever (a FIFO) into a failed
 * test instead of a hung suite.
 */
export function errorsInChild(exprs: string[], timeoutMs = 30000): string[] {
  const lib = buildChildLib();
  const code = `const torch = require(${JSON.stringify(path.join(lib.dir, 'lib'))});
    const out = [];
    for (const f of [${exprs.map((e) => `() => (${e})`).join(', ')}]) {
      try { f(); out.push('no error'); } catch (e) { out.push(e.message); }
    }
    process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { env: lib.env, stdio: 'pipe', timeout: timeoutMs, encoding: 'utf8' }));
}
