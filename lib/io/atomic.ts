/**
 * Atomic file replacement: a checkpoint being written never replaces the
 * previous one until it is complete and on disk.
 *
 *   1. write into a temp file in the same directory (same filesystem, so the
 *      rename below is atomic), created exclusively;
 *   2. fsync it, close it;
 *   3. rename it over the target (readers see the old file or the new one,
 *      never a mix);
 *   4. fsync the directory, so that the rename itself survives a power loss.
 *
 * A process killed during 1-2 leaves its temp file behind. Temp files are named
 *
 *   .<target name>.tmp.<hostname>.<pid>.<8 hex digits>
 *
 * (hidden, beside the target), and every save first deletes the temp files of
 * the same target that were made on this host by a process that no longer
 * exists. Temp files of live processes, or of other hosts sharing the
 * directory over a network filesystem, are never touched. A pid reused by a
 * new process keeps its stale file until that process ends: the safe side.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileKind } from './files';

const TMP_MARK = '.tmp.';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The temp-file name pattern for `base`: groups are hostname and pid. */
function tempPattern(base: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(base)}${escapeRegExp(TMP_MARK)}(.+)\\.(\\d+)\\.[0-9a-f]{8}$`);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Deletes the temp files left beside `target` by dead processes of this host
 * (see the file comment). Returns the names it deleted. Never throws for a
 * file it cannot delete (it will try again on the next save).
 */
export function cleanStaleTempFiles(target: string): string[] {
  const dir = path.dirname(path.resolve(target));
  const re = tempPattern(path.basename(target));
  const host = os.hostname();
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = re.exec(name);
    if (!m || m[1] !== host || isAlive(Number(m[2]))) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      /* gone already, or not ours to delete */
    }
  }
  return removed;
}

/** The nearest existing ancestor of `p` (the component an ENOTDIR is about when it is not a directory). */
function existingAncestor(p: string): string {
  for (let d = path.dirname(p); ; d = path.dirname(d)) {
    if (fs.existsSync(d) || d === path.dirname(d)) return d;
  }
}

/**
 * Where a save to `target` really goes: through a symlink to its file, so the
 * link survives. Only a regular file is replaced: a FIFO, device or socket at
 * the path (or at the end of its symlink) is refused, never renamed over.
 */
function resolveTarget(op: string, target: string): string {
  let real = path.resolve(target);
  let linked = false;
  let st: fs.Stats | null = null;
  try {
    if (fs.lstatSync(real).isSymbolicLink()) {
      try {
        real = fs.realpathSync(real);
        linked = true;
      } catch {
        throw new Error(`${op}: '${target}' is a broken symbolic link`);
      }
    }
    st = fs.statSync(real);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new Error(`${op}: cannot save '${target}': '${existingAncestor(real)}' is not a directory`, { cause: e });
    if (code === undefined) throw e; // ours, above
    if (code !== 'ENOENT') throw new Error(`${op}: cannot save '${target}': ${(e as Error).message}`, { cause: e });
  }
  if (st?.isDirectory()) throw new Error(`${op}: '${target}' is a directory; give a file path such as '${path.join(target, 'model.safetensors')}'`);
  if (st && !st.isFile())
    throw new Error(`${op}: cannot save '${target}': ${linked ? `it is a symbolic link to '${real}', which is` : 'it is'} ${fileKind(st)}, not a regular file; save only replaces regular files`);
  const dir = path.dirname(real);
  let dst: fs.Stats;
  try {
    dst = fs.statSync(dir);
  } catch {
    throw new Error(`${op}: cannot save '${target}': the directory '${dir}' does not exist`);
  }
  if (!dst.isDirectory()) throw new Error(`${op}: cannot save '${target}': '${dir}' is not a directory`);
  return real;
}

/** Writes all of `bytes` at the fd's current position. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Replaces `target` with what `write(fd)` writes, atomically (see the file
 * comment). On any failure the temp file is removed, `target` is untouched,
 * and the error names `op` and the file.
 */
export function writeFileAtomic(op: string, target: string, write: (fd: number) => void): void {
  if (typeof target !== 'string' || target === '') throw new TypeError(`${op}: path must be a non-empty string, got ${target === '' ? "''" : typeof target}`);
  const real = resolveTarget(op, target);
  const dir = path.dirname(real), base = path.basename(real);
  cleanStaleTempFiles(real);
  let keepMode: number | null = null; // the permissions of the file being replaced
  try {
    keepMode = fs.statSync(real).mode & 0o7777;
  } catch {
    /* a new file: 0o666 less the umask, as a plain create */
  }
  const tmp = path.join(dir, `.${base}${TMP_MARK}${os.hostname()}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', 0o666);
  } catch (e) {
    throw new Error(`${op}: cannot save '${target}': cannot create a temp file in '${dir}': ${(e as Error).message}`, { cause: e });
  }
  try {
    try {
      if (keepMode !== null) {
        try {
          fs.fchmodSync(fd, keepMode);
        } catch {
          /* not the owner: the new file gets default permissions */
        }
      }
      write(fd);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, real);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* nothing to clean */
    }
    const msg = (e as Error).message;
    throw new Error(`${op}: could not save '${target}' (${msg}); the previous file, if any, is unchanged`, { cause: e });
  }
  syncDirectory(dir);
}

/** fsync of a directory makes a rename durable; some platforms (Windows) cannot open one, which is fine. */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* EISDIR/EPERM/EINVAL where directories cannot be synced */
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
