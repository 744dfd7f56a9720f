// Atomic saves: a process killed (SIGKILL) at random moments while it saves
// over and over never leaves a checkpoint that fails to load or mixes two
// versions, and leaves at most the one temp file it was writing, which the
// next save removes.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from 'torchlet';
import { cleanStaleTempFiles, writeFileAtomic } from '../../lib/io/atomic';
import { buildChildLib, ChildLib } from './child_lib';

let dir: string;
let lib: ChildLib;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchlet-atomic-'));
  lib = buildChildLib();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const tempsOf = (target: string): string[] =>
  fs.readdirSync(path.dirname(target)).filter((n) => n.startsWith(`.${path.basename(target)}.tmp.`));

/** A checkpoint whose every value is determined by its version number v (4 MB, so a save takes a while). */
const W = 1 << 19, R = 1000;
const CHILD = `
  const torch = require(process.argv[1]);
  const [target, child] = [process.argv[2], Number(process.argv[3])];
  const W = ${W}, R = ${R};
  process.stdout.write('ready\\n');
  for (let i = 1; ; i++) {
    const v = child * 100000 + i;
    torch.save({ version: v, w: torch.full([W], v, { dtype: 'float64' }), r: torch.arange(R, { dtype: 'float64' }).add(v) }, target);
  }
`;

/** Loads the checkpoint and checks it is exactly the version it claims; returns that version. */
function checkVersion(target: string): number {
  const ck = torch.load(target);
  const v = ck.version as number;
  expect(Number.isInteger(v)).toBe(true);
  const w = ck.w.data as Float64Array, r = ck.r.data as Float64Array;
  expect(w.length).toBe(W);
  expect(r.length).toBe(R);
  for (let i = 0; i < W; i++) if (w[i] !== v) throw new Error(`version ${v}: w[${i}] = ${w[i]}`);
  for (let i = 0; i < R; i++) if (r[i] !== i + v) throw new Error(`version ${v}: r[${i}] = ${r[i]}`);
  return v;
}

function waitReady(c: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '', err = '';
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    c.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${err}`)));
  });
}
const exited = (c: ChildProcess): Promise<void> => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('SIGKILL at 30 random moments of repeated saves: the file always loads as one complete saved version', async () => {
  const target = path.join(dir, 'ckpt.safetensors');
  torch.save({ version: 0, w: torch.full([W], 0, { dtype: 'float64' }), r: torch.arange(R, { dtype: 'float64' }) }, target);
  let last = 0, killedMidSave = 0;
  const killed: number[] = [];
  const seen = new Set<number>();
  let seed = 2024;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let child = 1; child <= 30; child++) {
    const c = spawn(process.execPath, ['-e', CHILD, path.join(lib.dir, 'lib'), target, String(child)], { env: lib.env, stdio: ['ignore', 'pipe', 'pipe'] });
    await waitReady(c);
    await sleep(rnd() * 150);
    c.kill('SIGKILL');
    await exited(c);
    expect(c.signalCode).toBe('SIGKILL');

    const v = checkVersion(target);
    // Versions only move forward, and a version comes from a child that has run.
    expect(v).toBeGreaterThanOrEqual(last);
    expect(Math.floor(v / 100000)).toBeLessThanOrEqual(child);
    last = v;
    seen.add(v);
    // At most one temp file: the one a killed child was writing (this one, or an earlier one when the
    // children since died before their first save could clean up); the others were cleaned by later saves.
    killed.push(c.pid!);
    const temps = tempsOf(target);
    expect(temps.length).toBeLessThanOrEqual(1);
    if (temps.length === 1) {
      const m = new RegExp(`^\\.ckpt\\.safetensors\\.tmp\\.${os.hostname().replace(/[.]/g, '\\.')}\\.(\\d+)\\.[0-9a-f]{8}$`).exec(temps[0]);
      expect(m).not.toBeNull();
      expect(killed).toContain(Number(m![1]));
      if (Number(m![1]) === c.pid) killedMidSave++;
    }
  }
  if (process.env.TORCHLET_IO_STATS) console.log(`kills inside a save: ${killedMidSave}/30, distinct versions seen: ${seen.size}, last ${last}`);
  // The kills did land inside saves, and saves did complete between them.
  expect(killedMidSave).toBeGreaterThan(0);
  expect(seen.size).toBeGreaterThanOrEqual(3);
  // The next save removes the last killed child's temp file.
  torch.save({ version: last + 1, w: torch.full([W], last + 1, { dtype: 'float64' }), r: torch.arange(R, { dtype: 'float64' }).add(last + 1) }, target);
  expect(tempsOf(target)).toEqual([]);
  expect(checkVersion(target)).toBe(last + 1);
}, 300000);

describe('temp files and failures', () => {
  test('stale temp files of dead processes on this host are removed; those of live processes or other hosts are kept', () => {
    const target = path.join(dir, 'stale.safetensors');
    const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']));
    const host = os.hostname();
    const names = {
      dead: `.stale.safetensors.tmp.${host}.${deadPid}.0123abcd`,
      live: `.stale.safetensors.tmp.${host}.${process.pid}.0123abcd`,
      otherHost: `.stale.safetensors.tmp.elsewhere.example.${deadPid}.0123abcd`,
      otherTarget: `.other.safetensors.tmp.${host}.${deadPid}.0123abcd`,
      notOurs: `.stale.safetensors.tmp.${host}.${deadPid}.notahex!`,
    };
    for (const n of Object.values(names)) fs.writeFileSync(path.join(dir, n), 'partial');
    torch.save({ w: torch.ones([2]) }, target);
    const left = fs.readdirSync(dir);
    expect(left).not.toContain(names.dead);
    for (const k of ['live', 'otherHost', 'otherTarget', 'notOurs'] as const) expect(left).toContain(names[k]);
    expect(cleanStaleTempFiles(target)).toEqual([]);
    for (const n of Object.values(names)) fs.rmSync(path.join(dir, n), { force: true });
  });

  test('a write that fails midway leaves the previous file and no temp file', () => {
    const target = path.join(dir, 'fail.safetensors');
    torch.save({ w: torch.ones([3]) }, target);
    const before = fs.readFileSync(target);
    expect(() => writeFileAtomic('save', target, (fd) => {
      fs.writeSync(fd, Buffer.from('half a checkpoint'));
      throw new Error('ENOSPC: no space left on device, write');
    })).toThrow(/save: could not save '.*fail.safetensors' \(ENOSPC: no space left on device, write\); the previous file, if any, is unchanged/);
    expect(fs.readFileSync(target)).toEqual(before);
    expect(tempsOf(target)).toEqual([]);
  });

  test('saving through a symlink replaces the file it points to and keeps the link; permissions are kept', () => {
    const real = path.join(dir, 'real.safetensors'), link = path.join(dir, 'link.safetensors');
    torch.save({ w: torch.ones([1]) }, real);
    fs.chmodSync(real, 0o600);
    fs.symlinkSync(real, link);
    torch.save({ w: torch.full([1], 5) }, link);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(torch.load(real).get('w').item()).toBe(5);
    expect(fs.statSync(real).mode & 0o777).toBe(0o600);
    expect(tempsOf(real)).toEqual([]);
  });

  (process.platform === 'win32' ? test.skip : test)('only a regular file is replaced: a FIFO, or a symlink to one, is refused and left as it is', () => {
    const fifo = path.join(dir, 'pipe.safetensors'), link = path.join(dir, 'to-pipe.safetensors');
    execFileSync('mkfifo', [fifo]);
    fs.symlinkSync(fifo, link);
    expect(() => torch.save({ w: torch.ones([1]) }, fifo)).toThrow(
      `save: cannot save '${fifo}': it is a named pipe (FIFO), not a regular file; save only replaces regular files`);
    expect(() => torch.io.saveFile({ w: torch.ones([1]) }, link)).toThrow(
      `saveFile: cannot save '${link}': it is a symbolic link to '${fifo}', which is a named pipe (FIFO), not a regular file; save only replaces regular files`);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(tempsOf(fifo)).toEqual([]);
  });

  test('a file where a directory of the path should be is named, not a bare ENOTDIR', () => {
    const file = path.join(dir, 'plain.txt');
    fs.writeFileSync(file, 'x');
    for (const target of [path.join(file, 'model.safetensors'), path.join(file, 'sub', 'model.safetensors')])
      expect(() => torch.save({ w: torch.ones([1]) }, target)).toThrow(`save: cannot save '${target}': '${file}' is not a directory`);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });
});
