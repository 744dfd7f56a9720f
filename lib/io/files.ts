/**
 * Reading files that may not be files: a path can name a FIFO (opening it
 * waits for a writer forever), a device such as /dev/zero (its reads never
 * end) or a directory. Readers check what it is before they read, as
 * torch.load does, and refuse anything but a regular file.
 */
import * as fs from 'fs';

/** What a file that is not a regular file is, for error messages. */
export function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * Opens `file` read-only if it is a regular file: checked before opening (a
 * FIFO's open would wait for a writer) and again on the open descriptor,
 * opened with O_NONBLOCK so that a path swapped for a FIFO in between cannot
 * block. `refuse` throws for what is not a regular file, `failed` for a
 * stat or open error. Returns the descriptor (the caller closes it) and the size.
 */
export function openRegularFile(file: string, refuse: (st: fs.Stats) => never, failed: (e: unknown) => never): { fd: number; size: number } {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    return failed(e);
  }
  if (!st.isFile()) refuse(st);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return failed(e);
  }
  try {
    const fst = fs.fstatSync(fd);
    if (!fst.isFile()) refuse(fst);
    return { fd, size: fst.size };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/**
 * Opens `file` for reading if it is a regular file and gives `use` its fd,
 * its size and a function that reads exactly dst.length bytes at a
 * position; closes it afterwards. Errors read `${op}: cannot read ${source}: ...`.
 */
export function withRegularFile<R>(op: string, file: string, source: string,
                                   use: (fd: number, size: number, readAt: (dst: Uint8Array, position: number) => void) => R): R {
  const { fd, size } = openRegularFile(
    file,
    (st) => {
      throw new Error(`${op}: cannot read ${source}: it is ${fileKind(st)}, not a regular file`);
    },
    (e) => {
      throw new Error(`${op}: cannot read ${source}: ${(e as Error).message}`, { cause: e });
    },
  );
  try {
    const readAt = (dst: Uint8Array, position: number): void => {
      let done = 0;
      while (done < dst.length) {
        const got = fs.readSync(fd, dst, done, dst.length - done, position + done);
        if (got === 0) throw new Error(`${op}: cannot read ${source}: it ended at byte ${position + done} while ${dst.length - done} more bytes were expected (it shrank while being read?)`);
        done += got;
      }
    };
    return use(fd, size, readAt);
  } finally {
    fs.closeSync(fd);
  }
}

/** The whole of a regular file (see withRegularFile), refused when it is larger than maxBytes (`what` says why there is a limit). */
export function readRegularFile(op: string, file: string, source: string, maxBytes: number, what: string): Buffer {
  return withRegularFile(op, file, source, (_fd, size, readAt) => {
    if (size > maxBytes) throw new Error(`${op}: cannot read ${source}: it is ${size} bytes, more than ${what} (${maxBytes} bytes)`);
    const buf = Buffer.allocUnsafe(size);
    readAt(buf, 0);
    return buf;
  });
}
