/**
 * IDX files (the format of MNIST and Fashion-MNIST), gzip-compressed or not.
 *
 * Layout: 2 zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16,
 * 0x0C int32, 0x0D float32, 0x0E float64), the number of dims, one
 * big-endian uint32 size per dim, then the values, big-endian, row-major.
 * readIdx checks every one of these against the bytes it gets: a corrupt,
 * truncated or hostile file gives an Error naming the file and the numbers,
 * never a wrong array or an out-of-memory.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { constants as bufferConstants } from 'buffer';
import { withRegularFile } from '../io/files';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxData {
  dtype: IdxDType;
  shape: number[];
  data: IdxArray;
}

const TYPES: Record<number, { dtype: IdxDType; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};
const CODES: Record<IdxDType, number> = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };

/** Largest decompressed IDX file accepted (a guard against gzip bombs): 4 GiB. */
const MAX_BYTES = 4 * 1024 * 1024 * 1024;

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/** The raw bytes of an IDX file: gunzipped when they start with gzip's magic (1f 8b), whatever the file's name. */
export function idxBytes(bytes: Uint8Array, name = 'IDX data'): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return zlib.gunzipSync(bytes, { maxOutputLength: Math.min(MAX_BYTES, bufferConstants.MAX_LENGTH) });
    } catch (e) {
      throw new Error(`readIdx: ${name} is not a valid gzip file (${(e as Error).message}); a truncated or interrupted download? Delete it and download it again`);
    }
  }
  return bytes;
}

/**
 * Checks the header at the start of `b` against `total`, the length of the
 * whole (uncompressed) file: magic, dims, and that the sizes account for
 * exactly the bytes there are. `b` holds at least min(total, 1024) bytes.
 */
function parseHeader(b: Uint8Array, total: number, label: string): { type: { dtype: IdxDType; bytes: number }; shape: number[]; count: number; header: number } {
  if (total < 4) throw new Error(`readIdx: ${label} is too short for an IDX header (${total} bytes; at least 4 needed)`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = dv.getUint32(0);
  const type = TYPES[b[2]];
  if (b[0] !== 0 || b[1] !== 0 || !type)
    throw new Error(
      `readIdx: ${label} has magic number ${hex(magic)}, not an IDX file: IDX magic numbers are 0x000008NN (uint8), 0x000009NN (int8), ` +
        `0x00000BNN (int16), 0x00000CNN (int32), 0x00000DNN (float32) or 0x00000ENN (float64), NN the number of dims (MNIST images: 0x00000803, labels: 0x00000801)`,
    );
  const ndim = b[3];
  const header = 4 + 4 * ndim;
  if (total < header) throw new Error(`readIdx: ${label} is truncated: its header declares ${ndim} dims (${header} header bytes) but the file has ${total} bytes`);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const s = dv.getUint32(4 + 4 * d);
    shape.push(s);
    count *= s;
  }
  const expected = count * type.bytes;
  const actual = total - header;
  if (expected !== actual) {
    const what = actual < expected ? 'truncated' : 'longer than its header says';
    throw new Error(
      `readIdx: ${label} is ${what}: the header says ${type.dtype} [${shape.join(', ')}] = ${expected} bytes of data, but the file has ${actual} after the ${header}-byte header`,
    );
  }
  return { type, shape, count, header };
}

/**
 * The bytes of an IDX file, refusing what is not a regular file (a FIFO or a
 * device would never end) and, before reading it all, an uncompressed file
 * whose size is not the one its header gives, or a file above the size limit.
 */
function readIdxFile(file: string, label: string): Uint8Array {
  return withRegularFile('readIdx', file, file, (_fd, size, readAt) => {
    const limit = Math.min(MAX_BYTES, bufferConstants.MAX_LENGTH);
    if (size > limit) throw new Error(`readIdx: cannot read ${file}: it is ${size} bytes, more than the ${limit}-byte limit of IDX files`);
    const head = new Uint8Array(Math.min(size, 4 + 4 * 255));
    readAt(head, 0);
    if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) parseHeader(head, size, label);
    const all = new Uint8Array(size);
    all.set(head);
    readAt(all.subarray(head.length), head.length);
    return all;
  });
}

/**
 * Parses an IDX file (path or bytes). Values of uint8 files are a view of
 * the (decompressed) bytes; wider types are converted from big-endian.
 * @example readIdx('train-labels-idx1-ubyte.gz')  // { dtype: 'uint8', shape: [60000], data: Uint8Array(60000) }
 */
export function readIdx(source: string | Uint8Array, { name }: { name?: string } = {}): IdxData {
  let raw: Uint8Array;
  let label = name;
  if (typeof source === 'string') {
    label ??= source;
    raw = readIdxFile(source, label);
  } else if (source instanceof Uint8Array) raw = source;
  else throw new TypeError(`readIdx: expects a file path or a Uint8Array, got ${source === null ? 'null' : typeof source}`);
  label ??= 'IDX data';
  const b = idxBytes(raw, label);
  const { type, shape, count, header } = parseHeader(b, b.length, label);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let data: IdxArray;
  if (type.bytes === 1) data = type.dtype === 'uint8' ? b.subarray(header) : new Int8Array(b.buffer, b.byteOffset + header, count);
  else {
    const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[type.dtype as 'int16'];
    data = new Ctor(count);
    const get = { 2: (o: number) => dv.getInt16(o), 4: type.dtype === 'int32' ? (o: number) => dv.getInt32(o) : (o: number) => dv.getFloat32(o), 8: (o: number) => dv.getFloat64(o) }[type.bytes as 2 | 4 | 8];
    for (let i = 0; i < count; i++) data[i] = get(header + i * type.bytes);
  }
  return { dtype: type.dtype, shape, data };
}

/** The bytes of an IDX file holding `data` of `shape` (gzip-compressed when `gzip`). */
export function encodeIdx(data: IdxArray, shape: number[], { gzip = false }: { gzip?: boolean } = {}): Uint8Array {
  const dtype: IdxDType | undefined =
    data instanceof Uint8Array ? 'uint8' : data instanceof Int8Array ? 'int8' : data instanceof Int16Array ? 'int16'
      : data instanceof Int32Array ? 'int32' : data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : undefined;
  if (!dtype) throw new TypeError('writeIdx: data must be a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array');
  if (!Array.isArray(shape) || shape.length > 255 || !shape.every((s) => Number.isInteger(s) && s >= 0 && s <= 0xffffffff))
    throw new RangeError(`writeIdx: shape must be an array of at most 255 sizes, got ${JSON.stringify(shape)}`);
  const count = shape.reduce((a, s) => a * s, 1);
  if (count !== data.length) throw new RangeError(`writeIdx: shape [${shape.join(', ')}] holds ${count} values but data has ${data.length}`);
  const bytes = TYPES[CODES[dtype]].bytes;
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * bytes);
  const dv = new DataView(out.buffer);
  out[2] = CODES[dtype];
  out[3] = shape.length;
  shape.forEach((s, d) => dv.setUint32(4 + 4 * d, s));
  for (let i = 0; i < count; i++) {
    const o = header + i * bytes;
    switch (dtype) {
      case 'uint8': out[o] = data[i]; break;
      case 'int8': dv.setInt8(o, data[i]); break;
      case 'int16': dv.setInt16(o, data[i]); break;
      case 'int32': dv.setInt32(o, data[i]); break;
      case 'float32': dv.setFloat32(o, data[i]); break;
      case 'float64': dv.setFloat64(o, data[i]); break;
    }
  }
  return gzip ? zlib.gzipSync(out) : out;
}

/** Writes an IDX file (gzip-compressed when the path ends in .gz). */
export function writeIdx(path: string, data: IdxArray, shape: number[]): void {
  fs.writeFileSync(path, encodeIdx(data, shape, { gzip: path.endsWith('.gz') }));
}
