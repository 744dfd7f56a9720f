// IDX files: a hand-made file read back, every type round-tripped (gzip or
// not), and the errors for wrong magic numbers, truncated or padded data,
// and corrupt gzip.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import * as torch from 'torchlet';
import { errorsInChild } from '../io/child_lib';
import { tmpdir } from './helpers';

const { data } = torch;

describe('readIdx', () => {
  test('a hand-made uint8 file: header, shape, values', () => {
    // magic 0x00000802, dims 2 x 3, then six bytes
    const bytes = Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]);
    const r = data.readIdx(bytes);
    expect(r.dtype).toBe('uint8');
    expect(r.shape).toEqual([2, 3]);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4, 5, 255]);
  });

  test('big-endian int32 and float32 values', () => {
    const bytes = Uint8Array.from([0, 0, 0x0c, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0]);
    expect(Array.from(data.readIdx(bytes).data)).toEqual([-2, 256]);
    const f = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]);
    expect(Array.from(data.readIdx(f).data)).toEqual([1.5]);
  });

  test.each([
    ['uint8', Uint8Array.from([0, 7, 255])],
    ['int8', Int8Array.from([-128, 0, 127])],
    ['int16', Int16Array.from([-32768, 1, 32767])],
    ['int32', Int32Array.from([-5, 0, 2147483647])],
    ['float32', Float32Array.from([-1.5, 0, 3.25])],
    ['float64', Float64Array.from([Math.PI, -0, 1e300])],
  ] as const)('%s round-trips through writeIdx, plain and gzip', (dtype, arr) => {
    const dir = tmpdir();
    for (const name of ['a.idx', 'a.idx.gz']) {
      const p = path.join(dir, name);
      data.writeIdx(p, arr, [3, 1]);
      const r = data.readIdx(p);
      expect(r.dtype).toBe(dtype);
      expect(r.shape).toEqual([3, 1]);
      expect(Array.from(r.data)).toEqual(Array.from(arr));
    }
    // gzip is recognised by its magic, not the file's name
    const gzNoExt = path.join(dir, 'b.idx');
    fs.writeFileSync(gzNoExt, zlib.gzipSync(data.encodeIdx(arr, [3])));
    expect(Array.from(data.readIdx(gzNoExt).data)).toEqual(Array.from(arr));
    fs.rmSync(dir, { recursive: true });
  });

  test('a wrong magic number', () => {
    expect(() => data.readIdx(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), { name: 'x.idx' })).toThrow(
      /^readIdx: x.idx has magic number 0x504b0304, not an IDX file: IDX magic numbers are 0x000008NN \(uint8\).*\(MNIST images: 0x00000803, labels: 0x00000801\)$/);
    expect(() => data.readIdx(Uint8Array.from([0, 0, 7, 1, 0, 0, 0, 0]))).toThrow(/has magic number 0x00000701, not an IDX file/);
  });

  test('sizes that do not match the bytes: truncated, padded, short header', () => {
    const ok = data.encodeIdx(new Uint8Array(60), [3, 4, 5]) as Uint8Array;
    expect(() => data.readIdx(ok.subarray(0, ok.length - 7), { name: 'imgs' })).toThrow(
      /^readIdx: imgs is truncated: the header says uint8 \[3, 4, 5\] = 60 bytes of data, but the file has 53 after the 16-byte header$/);
    const padded = new Uint8Array(ok.length + 2);
    padded.set(ok);
    expect(() => data.readIdx(padded, { name: 'imgs' })).toThrow(/^readIdx: imgs is longer than its header says: the header says uint8 \[3, 4, 5\] = 60 bytes of data, but the file has 62/);
    expect(() => data.readIdx(ok.subarray(0, 10), { name: 'imgs' })).toThrow(/^readIdx: imgs is truncated: its header declares 3 dims \(16 header bytes\) but the file has 10 bytes$/);
    expect(() => data.readIdx(Uint8Array.from([0, 0]))).toThrow(/too short for an IDX header \(2 bytes/);
    // A hostile header claiming 2^32 - 1 images in a few bytes is an error, not an allocation.
    const huge = Uint8Array.from([0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
    expect(() => data.readIdx(huge)).toThrow(/is truncated: the header says uint8 \[4294967295, 28, 28\]/);
  });

  test('a corrupt or truncated gzip file', () => {
    const gz = zlib.gzipSync(data.encodeIdx(new Uint8Array(1000), [1000]));
    expect(() => data.readIdx(gz.subarray(0, gz.length - 20), { name: 'l.gz' })).toThrow(
      /^readIdx: l.gz is not a valid gzip file \(unexpected end of file\); a truncated or interrupted download\? Delete it and download it again$/);
  });

  (process.platform === 'win32' ? test.skip : test)('a FIFO, a device, a directory: refused before reading (no hang, no endless read)', () => {
    const dir = tmpdir();
    const fifo = path.join(dir, 'pipe-idx1-ubyte'), link = path.join(dir, 'link.gz');
    execFileSync('mkfifo', [fifo]);
    fs.symlinkSync(fifo, link);
    const q = (p: string): string => JSON.stringify(p);
    const got = errorsInChild([fifo, link, '/dev/zero', dir].map((p) => `torch.data.readIdx(${q(p)})`));
    expect(got).toEqual([
      `readIdx: cannot read ${fifo}: it is a named pipe (FIFO), not a regular file`,
      `readIdx: cannot read ${link}: it is a named pipe (FIFO), not a regular file`,
      'readIdx: cannot read /dev/zero: it is a character device, not a regular file',
      `readIdx: cannot read ${dir}: it is a directory, not a regular file`,
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  test('the size the header gives is checked against the file size before reading it all; a size limit', () => {
    const dir = tmpdir();
    // 3 GiB (sparse) behind a header for 60 bytes: refused from the header alone.
    const big = path.join(dir, 'big-idx3-ubyte');
    fs.writeFileSync(big, data.encodeIdx(new Uint8Array(60), [3, 4, 5]));
    fs.truncateSync(big, 3 * 2 ** 30);
    expect(() => data.readIdx(big)).toThrow(/^readIdx: .*big-idx3-ubyte is longer than its header says: the header says uint8 \[3, 4, 5\] = 60 bytes of data, but the file has 3221225456 after the 16-byte header$/);
    // A gzip file (its size says nothing of the data) above the 4 GiB limit.
    const gz = path.join(dir, 'huge.gz');
    fs.writeFileSync(gz, Uint8Array.from([0x1f, 0x8b]));
    fs.truncateSync(gz, 5 * 2 ** 30);
    expect(() => data.readIdx(gz)).toThrow(/^readIdx: cannot read .*huge.gz: it is 5368709120 bytes, more than the 4294967296-byte limit of IDX files$/);
    fs.rmSync(dir, { recursive: true });
  });

  test('a missing file; bad arguments', () => {
    expect(() => data.readIdx('/nonexistent/x.idx')).toThrow(/^readIdx: cannot read \/nonexistent\/x.idx: ENOENT/);
    expect(() => data.readIdx(3 as unknown as string)).toThrow(/expects a file path or a Uint8Array, got number/);
    expect(() => data.encodeIdx(new Uint8Array(5), [2, 2])).toThrow(/shape \[2, 2\] holds 4 values but data has 5/);
  });
});
