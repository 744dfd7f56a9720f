/**
 * safetensors: the checkpoint format of PyTorch's Hugging Face ecosystem.
 *
 *   [8 bytes]  N, the header length, unsigned little-endian
 *   [N bytes]  JSON: { "__metadata__"?: {string: string},
 *                      name: { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, ... }
 *   [rest]     the tensors' bytes, little-endian, row-major; offsets count from the end of the header
 *
 * The writer does what the reference (Rust) writer does, so every reader
 * accepts the file: data placed by decreasing dtype size, then by name, so
 * each tensor is aligned to its element size; offsets contiguous from 0 to the
 * end of the file; the header padded with spaces to a multiple of 8 bytes.
 * The header lists the tensors in the order they were given (readers sort by
 * offset), so a state dict loads back in its own order.
 *
 * The reader trusts nothing: every rule the reference reader checks (and a
 * few more: duplicate keys, shapes, dims) is checked before a single tensor
 * is allocated, and a broken file gives one Error naming the file and the
 * problem. Tensors of types torchlet lacks are converted when no value can
 * change (F16/BF16 -> float32; 8/16-bit integers and bool -> int32; I64, U32,
 * U64 -> int32 when every value fits, else an error).
 */
import * as fs from 'fs';
import * as os from 'os';
import { constants as bufferConstants } from 'buffer';
import { arrayCtor, DType } from '../dtype';
import { fmtShape } from '../shape';
import { MAX_DIMS, Tensor } from '../tensor';
import { JsonObject, JsonSyntaxError, JsonValue, parseJsonStrict } from './json';
import { openRegularFile } from './files';

/** The reference reader refuses headers above 100 MB (a corrupt or hostile length); so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

/** safetensors dtype names, in the reference implementation's order (ascending alignment; the writer sorts by it). */
const DTYPE_ORDER = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'] as const;
const DTYPE_SIZE: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
/** Types safetensors defines that torchlet cannot represent without losing values. */
const UNSUPPORTED = new Set(['F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64', 'C128']);
/** What each stored type becomes in torchlet. */
const LOADS_AS: Record<string, DType> = {
  F64: 'float64', F32: 'float32', F16: 'float32', BF16: 'float32',
  I64: 'int32', I32: 'int32', I16: 'int32', I8: 'int32', U64: 'int32', U32: 'int32', U16: 'int32', U8: 'int32', BOOL: 'int32',
};
const SAVES_AS: Record<DType, 'F32' | 'F64' | 'I32'> = { float32: 'F32', float64: 'F64', int32: 'I32' };

const LITTLE_ENDIAN = os.endianness() === 'LE';

/** One tensor's record in a parsed header. */
export interface HeaderEntry {
  name: string;
  /** The safetensors dtype, e.g. 'F32'. */
  dtype: string;
  shape: number[];
  /** Offsets of its bytes, counted from the end of the header: [begin, end). */
  begin: number;
  end: number;
}

/** A validated header: entries in header order, the metadata, where the data starts. */
export interface ParsedHeader {
  entries: HeaderEntry[];
  metadata: Record<string, string> | null;
  /** Byte offset of the data section in the file: 8 + N. */
  dataStart: number;
}

/** What a file holds: tensors by name (header order) and the __metadata__ strings. */
export interface SafetensorsContents {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string> | null;
}

/** Reads exactly dst.length bytes at a position; throws if fewer are there. */
type ReadAt = (dst: Uint8Array, position: number) => void;

/** The error for a file that is not a valid safetensors file: names the op, the file and the problem. */
/** The most bytes one tensor can have here: a byte view of its storage is a Uint8Array (4 GiB on 64-bit Node). */
const MAX_TENSOR_BYTES = bufferConstants.MAX_LENGTH;

/** RangeError "save: tensor 'w' has 4294967328 bytes; tensors of more than 4 GiB are not supported". */
export function checkTensorBytes(op: string, name: string, nbytes: number, where = ''): void {
  if (nbytes > MAX_TENSOR_BYTES)
    throw new RangeError(`${op}: tensor ${JSON.stringify(name)}${where} has ${nbytes} bytes; tensors of more than ${MAX_TENSOR_BYTES / 2 ** 30} GiB are not supported`);
}

export class SafetensorsError extends Error {
  constructor(op: string, readonly source: string, readonly problem: string) {
    super(`${op}: ${source} is not a valid safetensors file: ${problem}`);
    this.name = 'SafetensorsError';
  }
}

// ------------------------------------------------------------------ reading

/**
 * Validates a header against the size of the whole file. `headerBytes` are the
 * N bytes after the 8-byte length. Every check happens here, before any
 * tensor is made.
 */
export function parseHeader(headerBytes: Uint8Array, fileSize: number, op: string, source: string): ParsedHeader {
  const fail = (problem: string): never => {
    throw new SafetensorsError(op, source, problem);
  };
  const n = headerBytes.length;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    return fail(`its ${n}-byte header is not valid UTF-8 text`);
  }
  let root: JsonValue;
  try {
    root = parseJsonStrict(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      const dup = /^duplicate key (".*") at/.exec(e.message);
      if (dup) return fail(`its header has the key ${dup[1]} twice (duplicate keys are ambiguous, so refused)`);
      return fail(`its ${n}-byte header is not valid JSON (${e.message})`);
    }
    throw e;
  }
  if (!(root instanceof JsonObject)) return fail(`its header must be a JSON object, got ${describe(root)}`);

  let metadata: Record<string, string> | null = null;
  const entries: HeaderEntry[] = [];
  const dataSize = fileSize - 8 - n;
  for (const [name, info] of root.entries) {
    if (name === '__metadata__') {
      if (!(info instanceof JsonObject)) return fail(`__metadata__ must be an object of strings, got ${describe(info)}`);
      metadata = {};
      for (const [k, v] of info.entries) {
        if (typeof v !== 'string') return fail(`__metadata__[${JSON.stringify(k)}] must be a string, got ${describe(v)}`);
        Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    const what = `tensor ${JSON.stringify(name)}`;
    if (!(info instanceof JsonObject)) return fail(`${what} must be described by an object {dtype, shape, data_offsets}, got ${describe(info)}`);
    const dtype = info.get('dtype'), shape = info.get('shape'), offsets = info.get('data_offsets');
    if (typeof dtype !== 'string') return fail(`${what} has no dtype string (got ${describe(dtype)})`);
    if (UNSUPPORTED.has(dtype)) return fail(`${what} has dtype ${dtype}, which torchlet does not support (it has float32, float64 and int32; F64, F32, F16, BF16 and the integer types load)`);
    if (!(dtype in DTYPE_SIZE)) return fail(`${what} has unknown dtype ${JSON.stringify(dtype)} (safetensors dtypes are ${DTYPE_ORDER.join(', ')})`);
    if (!Array.isArray(shape)) return fail(`${what} has no shape array (got ${describe(shape)})`);
    if (shape.length > MAX_DIMS) return fail(`${what} has ${shape.length} dims; torchlet tensors have at most ${MAX_DIMS}`);
    let numel = 1;
    for (const [d, s] of shape.entries()) {
      if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0)
        return fail(`${what} has shape ${JSON.stringify(shape)}: dim ${d} must be a non-negative integer, got ${describe(s)}`);
      numel *= s;
    }
    if (!Number.isSafeInteger(numel)) return fail(`${what} has shape ${JSON.stringify(shape)}, whose element count overflows`);
    if (!Array.isArray(offsets) || offsets.length !== 2)
      return fail(`${what} needs data_offsets [begin, end], got ${describe(offsets)}`);
    const [begin, end] = offsets;
    if (typeof begin !== 'number' || typeof end !== 'number' || !Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < 0)
      return fail(`${what} has data_offsets ${JSON.stringify(offsets)}: both must be non-negative integers`);
    if (begin > end) return fail(`${what} has data_offsets [${begin}, ${end}] out of order (begin > end)`);
    const nbytes = numel * DTYPE_SIZE[dtype];
    if (end - begin !== nbytes)
      return fail(`${what}: shape ${fmtShape(shape as number[])} of ${dtype} needs ${nbytes} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}`);
    entries.push({ name, dtype, shape: (shape as number[]).slice(), begin, end });
  }

  // The data section must be covered exactly: sorted by offset, each tensor starts where the previous ended.
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: HeaderEntry | null = null;
  for (const e of sorted) {
    if (e.begin < at)
      return fail(`tensors ${JSON.stringify(prev!.name)} [${prev!.begin}, ${prev!.end}) and ${JSON.stringify(e.name)} [${e.begin}, ${e.end}) overlap`);
    if (e.begin > at)
      return fail(prev
        ? `gap of ${e.begin - at} bytes between tensors ${JSON.stringify(prev.name)} (ends at ${at}) and ${JSON.stringify(e.name)} (begins at ${e.begin})`
        : `gap of ${e.begin} bytes before the first tensor ${JSON.stringify(e.name)} (data must start at offset 0)`);
    at = e.end;
    prev = e;
  }
  if (at > dataSize)
    return fail(`its header describes ${at} bytes of tensor data but only ${dataSize} bytes follow the header (truncated file?)`);
  if (at < dataSize) return fail(`${dataSize - at} bytes follow the last tensor's data (the file is ${fileSize} bytes, the header accounts for ${8 + n + at})`);
  return { entries, metadata, dataStart: 8 + n };
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v instanceof JsonObject) return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  return `${typeof v} ${String(v)}`;
}

/** Reads the 8-byte length and the header through `read`, checking both against the file size. */
function readHeader(read: ReadAt, fileSize: number, op: string, source: string): ParsedHeader {
  const fail = (problem: string): never => {
    throw new SafetensorsError(op, source, problem);
  };
  if (fileSize < 8) fail(`it is ${fileSize} bytes long, shorter than the 8-byte header length that starts every safetensors file (truncated?)`);
  const prefix = new Uint8Array(8);
  read(prefix, 0);
  const n = new DataView(prefix.buffer).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES))
    fail(`its header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit of safetensors readers (corrupt or hostile length)`);
  if (n > BigInt(fileSize - 8))
    fail(`its header length ${n} is larger than the ${fileSize - 8} bytes that follow it (truncated file?)`);
  if (n < 2n) fail(`its header length is ${n}; the smallest header, "{}", has 2 bytes`);
  const header = new Uint8Array(Number(n));
  read(header, 8);
  return parseHeader(header, fileSize, op, source);
}

/** Makes the torchlet tensor of one entry, converting types torchlet lacks. */
function materialize(read: ReadAt, h: ParsedHeader, e: HeaderEntry, op: string, source: string): Tensor {
  const dtype = LOADS_AS[e.dtype];
  const nbytes = e.end - e.begin;
  // Before allocating: the storage (which may be wider than the file's dtype) and the bytes read.
  const numel = e.shape.reduce((a, b) => a * b, 1);
  if (dtype) checkTensorBytes(op, e.name, Math.max(nbytes, numel * arrayCtor(dtype).BYTES_PER_ELEMENT), ` in ${source}`);
  const t = Tensor._empty(e.shape, dtype);
  if (nbytes === 0) return t;
  const out = t._flat();
  const pos = h.dataStart + e.begin;
  if (LITTLE_ENDIAN && SAVES_AS[dtype] === e.dtype) {
    read(new Uint8Array(out.buffer, out.byteOffset, nbytes), pos); // straight into the tensor's storage
    return t;
  }
  const raw = new Uint8Array(nbytes);
  read(raw, pos);
  decodeInto(raw, e, out, op, source);
  return t;
}

/** Converts little-endian bytes of a safetensors dtype into a torchlet typed array. */
function decodeInto(raw: Uint8Array, e: HeaderEntry, out: Float32Array | Float64Array | Int32Array, op: string, source: string): void {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = out.length;
  const int = (v: number | bigint, i: number): number => {
    if (v < -2147483648 || v > 2147483647)
      throw new SafetensorsError(op, source, `tensor ${JSON.stringify(e.name)} (${e.dtype}) holds ${v} at index ${i}, outside int32's range, and torchlet has no 64-bit integers`);
    return Number(v);
  };
  switch (e.dtype) {
    case 'F64': for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true); break;
    case 'F32': for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true); break;
    case 'F16': for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true)); break;
    case 'BF16': {
      const f = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        f.setUint32(0, dv.getUint16(2 * i, true) << 16);
        out[i] = f.getFloat32(0);
      }
      break;
    }
    case 'I64': for (let i = 0; i < n; i++) out[i] = int(dv.getBigInt64(8 * i, true), i); break;
    case 'U64': for (let i = 0; i < n; i++) out[i] = int(dv.getBigUint64(8 * i, true), i); break;
    case 'I32': for (let i = 0; i < n; i++) out[i] = dv.getInt32(4 * i, true); break;
    case 'U32': for (let i = 0; i < n; i++) out[i] = int(dv.getUint32(4 * i, true), i); break;
    case 'I16': for (let i = 0; i < n; i++) out[i] = dv.getInt16(2 * i, true); break;
    case 'U16': for (let i = 0; i < n; i++) out[i] = dv.getUint16(2 * i, true); break;
    case 'I8': for (let i = 0; i < n; i++) out[i] = dv.getInt8(i); break;
    case 'U8': case 'BOOL': for (let i = 0; i < n; i++) out[i] = raw[i]; break;
    default: throw new SafetensorsError(op, source, `tensor ${JSON.stringify(e.name)} has dtype ${e.dtype}, which torchlet cannot load`);
  }
}

/** IEEE half (binary16) bits to a number; exact (every half is a float32). */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** The raw little-endian bytes of one entry (for U8 byte strings such as a saved RNG state). */
function rawBytes(read: ReadAt, h: ParsedHeader, e: HeaderEntry, op: string, source: string): Uint8Array {
  checkTensorBytes(op, e.name, e.end - e.begin, ` in ${source}`);
  const raw = new Uint8Array(e.end - e.begin);
  if (raw.length) read(raw, h.dataStart + e.begin);
  return raw;
}

/** An opened safetensors source: its validated header and a way to make each tensor. */
export interface OpenedFile {
  header: ParsedHeader;
  tensor(e: HeaderEntry): Tensor;
  bytes(e: HeaderEntry): Uint8Array;
}

/** Opens, validates and reads a file with `use`, then closes it (also on errors). */
export function withFile<R>(path: string, op: string, use: (f: OpenedFile) => R): R {
  const source = `'${path}'`;
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a non-empty string, got ${path === '' ? "''" : typeof path}`);
  const cannot = (e: unknown): never => {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new Error(`${op}: cannot open ${source}: ${why}`, { cause: e });
  };
  // Only a regular file: opening a FIFO would wait for a writer, reading a device might never end.
  const { fd, size } = openRegularFile(
    path,
    (st) => {
      if (st.isDirectory()) throw new Error(`${op}: ${source} is a directory, not a safetensors file`);
      throw new Error(`${op}: ${source} is not a regular file (a pipe, socket or device), so not a safetensors file`);
    },
    cannot,
  );
  try {
    const read: ReadAt = (dst, position) => {
      let done = 0;
      while (done < dst.length) {
        const got = fs.readSync(fd, dst, done, dst.length - done, position + done);
        if (got === 0)
          throw new SafetensorsError(op, source, `the file ended at byte ${position + done} while ${dst.length - done} more bytes were expected (it shrank while being read?)`);
        done += got;
      }
    };
    const header = readHeader(read, size, op, source);
    return use({ header, tensor: (e) => materialize(read, header, e, op, source), bytes: (e) => rawBytes(read, header, e, op, source) });
  } finally {
    fs.closeSync(fd);
  }
}

/** Same as withFile, over bytes in memory. */
export function withBuffer<R>(buf: Uint8Array, op: string, source: string, use: (f: OpenedFile) => R): R {
  if (!(buf instanceof Uint8Array)) throw new TypeError(`${op}: expects a Uint8Array (or Buffer), got ${buf === null ? 'null' : typeof buf}`);
  const read: ReadAt = (dst, position) => {
    if (position + dst.length > buf.length)
      throw new SafetensorsError(op, source, `it ended at byte ${buf.length} while ${position + dst.length - buf.length} more bytes were expected`);
    dst.set(buf.subarray(position, position + dst.length));
  };
  const header = readHeader(read, buf.length, op, source);
  return use({ header, tensor: (e) => materialize(read, header, e, op, source), bytes: (e) => rawBytes(read, header, e, op, source) });
}

function allTensors(f: OpenedFile): SafetensorsContents {
  const tensors = new Map<string, Tensor>();
  for (const e of f.header.entries) tensors.set(e.name, f.tensor(e));
  return { tensors, metadata: f.header.metadata };
}

/**
 * Reads every tensor of a safetensors file (safetensors.torch.load_file), in
 * header order, with the __metadata__ strings. A broken or hostile file
 * throws a SafetensorsError naming the file and the problem, and nothing is loaded.
 * @example loadFile('model.safetensors').tensors.get('0.weight').shape  // [4, 3]
 */
export function loadFile(path: string): SafetensorsContents {
  return withFile(path, 'loadFile', allTensors);
}

/** Reads the tensors of safetensors bytes held in memory (safetensors.torch.load). */
export function deserialize(bytes: Uint8Array): SafetensorsContents {
  return withBuffer(bytes, 'deserialize', 'the buffer', allTensors);
}

// ------------------------------------------------------------------ writing

/** What the writer stores: tensors (F32/F64/I32) and raw byte strings (U8, 1-D). */
export type Storable = Tensor | Uint8Array;

/** A planned file: its header bytes (length prefix included) and the tensors' bytes in file order. */
export interface FilePlan {
  head: Uint8Array;
  chunks: Uint8Array[];
  size: number;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Little-endian bytes of a tensor (a view of its storage when it is contiguous on a little-endian CPU). */
function leBytes(t: Tensor): Uint8Array {
  const a = t.data;
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length), w = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += w) for (let j = 0; j < w; j++) out[i + j] = bytes[i + w - 1 - j];
  return out;
}

/**
 * Lays out a file: checks every name and tensor first (so nothing is written
 * when one is bad), then builds the header. Throws TypeError/RangeError naming `op`.
 */
export function planFile(entries: Iterable<[string, Storable]>, metadata: Record<string, string> | null, op: string): FilePlan {
  if (metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata)))
    throw new TypeError(`${op}: metadata must be an object of strings, got ${Array.isArray(metadata) ? 'an array' : typeof metadata}`);
  if (metadata)
    for (const [k, v] of Object.entries(metadata))
      if (typeof v !== 'string') throw new TypeError(`${op}: metadata[${JSON.stringify(k)}] must be a string, got ${v === null ? 'null' : typeof v}`);
  interface Item { name: string; dtype: string; shape: number[]; bytes: Uint8Array; nameBytes: Buffer }
  const items: Item[] = [];
  const seen = new Set<string>();
  for (const [name, v] of entries) {
    if (typeof name !== 'string') throw new TypeError(`${op}: tensor names must be strings, got ${typeof name}`);
    if (name === '__metadata__') throw new RangeError(`${op}: '__metadata__' is reserved by safetensors and cannot name a tensor`);
    if (LONE_SURROGATE.test(name)) throw new RangeError(`${op}: tensor name ${JSON.stringify(name)} is not valid Unicode (a lone surrogate)`);
    if (seen.has(name)) throw new RangeError(`${op}: two tensors are named ${JSON.stringify(name)}`);
    seen.add(name);
    if (v instanceof Tensor) {
      v._live(op);
      checkTensorBytes(op, name, v.numel() * arrayCtor(v.dtype).BYTES_PER_ELEMENT); // before leBytes copies a strided one
      items.push({ name, dtype: SAVES_AS[v.dtype], shape: v.shape, bytes: leBytes(v), nameBytes: Buffer.from(name) });
    } else if (v instanceof Uint8Array) {
      items.push({ name, dtype: 'U8', shape: [v.length], bytes: v, nameBytes: Buffer.from(name) });
    } else {
      const got = v === null ? 'null' : typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v;
      throw new TypeError(`${op}: the value named ${JSON.stringify(name)} must be a Tensor, got ${got}`);
    }
  }
  // Data order: decreasing alignment, then name (byte order), as the reference writer.
  const rank = (d: string): number => (DTYPE_ORDER as readonly string[]).indexOf(d);
  const order = items.slice().sort((a, b) => rank(b.dtype) - rank(a.dtype) || Buffer.compare(a.nameBytes, b.nameBytes));
  const offsets = new Map<Item, [number, number]>();
  let at = 0;
  for (const it of order) {
    offsets.set(it, [at, at + it.bytes.length]);
    at += it.bytes.length;
  }
  // Header in the given order; built by hand so that names like "0" keep their place.
  const parts: string[] = [];
  if (metadata) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  for (const it of items)
    parts.push(`${JSON.stringify(it.name)}:{"dtype":"${it.dtype}","shape":${JSON.stringify(it.shape)},"data_offsets":${JSON.stringify(offsets.get(it))}}`);
  let json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  if (json.length > MAX_HEADER_BYTES)
    throw new RangeError(`${op}: the header would be ${json.length} bytes, above the ${MAX_HEADER_BYTES}-byte limit of safetensors readers (too many tensors or too much metadata)`);
  const head = new Uint8Array(8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
  head.set(json, 8);
  return { head, chunks: order.map((it) => it.bytes), size: head.length + at };
}

/** The whole file as one buffer (safetensors.torch.save). */
export function serialize(tensors: Map<string, Storable> | Record<string, Storable>, metadata: Record<string, string> | null = null): Buffer {
  const plan = planFile(entriesOf(tensors, 'serialize'), metadata, 'serialize');
  if (plan.size > bufferConstants.MAX_LENGTH)
    throw new RangeError(`serialize: the file would be ${plan.size} bytes, more than a Buffer can hold (${bufferConstants.MAX_LENGTH}); save it to a file with saveFile instead`);
  return Buffer.concat([plan.head, ...plan.chunks], plan.size);
}

export function entriesOf(tensors: unknown, op: string): [string, Storable][] {
  if (tensors instanceof Map) return [...tensors.entries()];
  if (tensors !== null && typeof tensors === 'object' && !(tensors instanceof Tensor) && !Array.isArray(tensors))
    return Object.entries(tensors as Record<string, Storable>);
  throw new TypeError(`${op}: expects a Map or an object of tensors, got ${tensors === null ? 'null' : Array.isArray(tensors) ? 'an array' : tensors instanceof Tensor ? 'a Tensor' : typeof tensors}`);
}
