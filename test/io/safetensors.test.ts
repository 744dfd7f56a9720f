// io/safetensors: the file layout the reference writer makes (so PyTorch's
// readers accept ours), round trips of every dtype, and hostile files: each
// gives one Error naming the file and the problem, and loads nothing.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from 'torchlet';

const { io } = torch;
const FIX = path.join(__dirname, '../fixtures');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchlet-st-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A file of the 8-byte length, the header text (padded to 8 unless told), and data bytes. */
function build(header: string | object, data: Uint8Array | number = 0, opts: { n?: bigint; pad?: boolean } = {}): Buffer {
  let h = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  if (opts.pad !== false) h = Buffer.concat([h, Buffer.alloc((8 - (h.length % 8)) % 8, 0x20)]);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(opts.n ?? BigInt(h.length));
  const body = typeof data === 'number' ? Buffer.alloc(data) : Buffer.from(data);
  return Buffer.concat([prefix, h, body]);
}
let counter = 0;
function writeTemp(bytes: Uint8Array, name = `f${counter++}.safetensors`): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}
/** A tensor's elements as bytes (one `.data`: for a non-contiguous tensor each call makes a new copy). */
function bytesOf(t: torch.Tensor): Buffer {
  const a = t.data;
  return Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}
function headerOf(buf: Buffer): { n: number; json: string } {
  const n = Number(buf.readBigUInt64LE(0));
  return { n, json: buf.subarray(8, 8 + n).toString('utf8') };
}

describe('layout', () => {
  test('8-byte little-endian length, compact JSON padded with spaces to 8, data aligned by decreasing dtype size then name', () => {
    const buf = io.serialize(new Map<string, torch.Tensor | Uint8Array>([
      ['b', torch.tensor([1, 2, 3])],                                   // F32, 12 bytes
      ['bytes', new Uint8Array([9, 8, 7])],                              // U8, 3 bytes
      ['a', torch.tensor([[1.5]], { dtype: 'float64' })],                // F64, 8 bytes
      ['i', torch.tensor([-1, 5], { dtype: 'int32' })],                  // I32, 8 bytes
      ['0', torch.zeros([0, 2])],                                        // F32, 0 bytes
    ]), { format: 'pt' });
    const { n, json } = headerOf(buf);
    expect(n % 8).toBe(0);
    expect(json).toMatch(/^\{.*\} *$/);
    // Header: __metadata__ first, then the tensors in the order given (even the integer-like '0').
    expect(json.trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},' +
      '"b":{"dtype":"F32","shape":[3],"data_offsets":[8,20]},' +
      '"bytes":{"dtype":"U8","shape":[3],"data_offsets":[28,31]},' +
      '"a":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]},' +
      '"i":{"dtype":"I32","shape":[2],"data_offsets":[20,28]},' +
      '"0":{"dtype":"F32","shape":[0,2],"data_offsets":[8,8]}}');
    expect(buf.length).toBe(8 + n + 31);
    const data = buf.subarray(8 + n);
    expect(data.readDoubleLE(0)).toBe(1.5);
    expect([data.readFloatLE(8), data.readFloatLE(12), data.readFloatLE(16)]).toEqual([1, 2, 3]);
    expect([data.readInt32LE(20), data.readInt32LE(24)]).toEqual([-1, 5]);
    expect([...data.subarray(28)]).toEqual([9, 8, 7]);
  });

  test('empty file: "{}" padded to 8 bytes, as the reference writer', () => {
    expect([...io.serialize(new Map())]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(io.deserialize(io.serialize({})).tensors.size).toBe(0);
  });

  test('the reference writer\'s own example (test_serialization in safetensors\' tensor.rs), byte for byte', () => {
    const out = io.serialize({ 'attn.0': torch.tensor([[[0, 1, 2], [3, 4, 5]]]) });
    expect([...out]).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
      116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
      58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
      101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
      0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  test('re-saving a file PyTorch wrote reproduces it byte for byte', () => {
    for (const name of ['torch_sequential.safetensors', 'torch_two_layers.safetensors', 'torch_sequential_io.safetensors']) {
      const orig = fs.readFileSync(path.join(FIX, name));
      const { tensors, metadata } = io.loadFile(path.join(FIX, name));
      expect(Buffer.compare(io.serialize(tensors, metadata), orig)).toBe(0);
    }
  });

  test('round trip of every torchlet dtype, 0-d, empty and non-contiguous tensors, names in any script', () => {
    const t = torch.arange(12).reshape([3, 4]).t(); // non-contiguous view
    const src = new Map<string, torch.Tensor>([
      ['ünïcödé.名前.🙂', torch.tensor([1e-45, -0, Infinity, NaN, 3.4e38])],
      ['f64', torch.tensor([Math.PI, -1e-310, Number.MAX_VALUE], { dtype: 'float64' })],
      ['i32', torch.tensor([-2147483648, 2147483647, 0], { dtype: 'int32' })],
      ['scalar', torch.tensor(7)],
      ['empty', torch.zeros([2, 0, 3], { dtype: 'float64' })],
      ['transposed', t],
      ['', torch.ones([1])],
    ]);
    const back = io.deserialize(io.serialize(src)).tensors;
    expect([...back.keys()]).toEqual([...src.keys()]);
    for (const [k, v] of src) {
      const w = back.get(k)!;
      expect([k, w.dtype, w.shape]).toEqual([k, v.dtype, v.shape]);
      expect([k, bytesOf(w)]).toEqual([k, bytesOf(v)]);
    }
    expect(back.get('transposed')!.toArray()).toEqual(t.toArray());
  });

  test('loads every dtype PyTorch writes that fits torchlet, converting without changing a value', () => {
    const { tensors } = io.loadFile(path.join(FIX, 'torch_dtypes.safetensors'));
    const got = (k: string): [string, number[], number[]] => {
      const t = tensors.get(k)!;
      return [t.dtype, t.shape, Array.from(t.data as ArrayLike<number>)];
    };
    expect(got('f64')).toEqual(['float64', [3], [1 / 3, -2.5e-300, 1e300]]);
    expect(got('f32')).toEqual(['float32', [2, 2], [Math.fround(0.1), -0, Math.fround(3.4e38), Math.fround(1e-45)]]);
    expect(Object.is(got('f32')[2][1], -0)).toBe(true);
    expect(got('f16')).toEqual(['float32', [6], [0.5, -2, 65504, 2 ** -14, 2 ** -24, Infinity]]);
    expect(got('bf16')).toEqual(['float32', [3], [1, -3.140625, 3.3895313892515355e38]]);
    expect(got('i64')).toEqual(['int32', [4], [0, -1, 2147483647, -2147483648]]);
    expect(got('i32')).toEqual(['int32', [2], [7, -7]]);
    expect(got('i16')).toEqual(['int32', [2], [-32768, 32767]]);
    expect(got('i8')).toEqual(['int32', [2], [-128, 127]]);
    expect(got('u8')).toEqual(['int32', [2], [0, 255]]);
    expect(got('bool')).toEqual(['int32', [3], [1, 0, 1]]);
    expect(got('scalar')).toEqual(['float32', [], [2]]);
    expect(got('empty')).toEqual(['float32', [0, 3], []]);
  });

  test('saveFile / loadFile keep names and metadata; save errors name the op', () => {
    const p = path.join(dir, 'plain.safetensors');
    io.saveFile({ w: torch.ones([2]) }, p, { note: 'hello' });
    const back = io.loadFile(p);
    expect(back.metadata).toEqual({ note: 'hello' });
    expect(back.tensors.get('w')!.toArray()).toEqual([1, 1]);
    expect(() => io.saveFile({ w: [1, 2] as unknown as torch.Tensor }, p)).toThrow(/saveFile: the value named "w" must be a Tensor, got Array/);
    expect(() => io.saveFile({ __metadata__: torch.ones([1]) }, p)).toThrow(/saveFile: '__metadata__' is reserved/);
    expect(() => io.saveFile({ ['\ud800x']: torch.ones([1]) }, p)).toThrow(/saveFile: tensor name .* is not valid Unicode/);
    expect(() => io.saveFile({ w: torch.ones([1]) }, p, { n: 1 as unknown as string })).toThrow(/saveFile: metadata\["n"\] must be a string, got number/);
    const d = torch.ones([2]);
    d.dispose();
    expect(() => io.saveFile({ d }, p)).toThrow(/disposed/);
    expect(io.loadFile(p).metadata).toEqual({ note: 'hello' }); // the failed saves did not touch it
  });
});

describe('hostile files: a clear error naming the file and the problem', () => {
  const good = (): Buffer => io.serialize(new Map([['a', torch.tensor([1, 2, 3, 4])], ['b', torch.tensor([[5, 6]], { dtype: 'float64' })]]), { format: 'pt' });
  /** Expects loadFile and torch.load of these bytes to throw one message matching `re`, naming the file. */
  function refuses(bytes: Uint8Array, re: RegExp): void {
    const p = writeTemp(bytes);
    for (const [op, fn] of [['loadFile', io.loadFile], ['load', torch.load]] as const) {
      let err: Error | null = null;
      try {
        fn(p);
      } catch (e) {
        err = e as Error;
      }
      expect(err).not.toBeNull();
      expect(err!.message).toContain(`${op}: '${p}' is not a valid safetensors file: `);
      expect(err!.message).toMatch(re);
    }
    expect(() => io.deserialize(bytes)).toThrow(re);
  }

  test('truncated anywhere: in the length, the header, the data, or by one byte', () => {
    const full = good();
    const { n } = headerOf(full);
    refuses(full.subarray(0, 0), /it is 0 bytes long, shorter than the 8-byte header length/);
    refuses(full.subarray(0, 5), /it is 5 bytes long/);
    refuses(full.subarray(0, 8), /header length \d+ is larger than the 0 bytes that follow it \(truncated file\?\)/);
    refuses(full.subarray(0, 8 + n - 3), /header length \d+ is larger than the \d+ bytes that follow it/);
    refuses(full.subarray(0, 8 + n + 5), /its header describes 32 bytes of tensor data but only 5 bytes follow the header \(truncated file\?\)/);
    refuses(full.subarray(0, full.length - 1), /describes 32 bytes of tensor data but only 31 bytes follow/);
    // Every prefix fails with a SafetensorsError, never anything else.
    for (let len = 0; len < full.length; len++) expect(() => io.deserialize(full.subarray(0, len))).toThrow(io.SafetensorsError);
  });

  test('a header length larger than the file', () => {
    refuses(build('{}', 0, { n: 4096n }), /header length 4096 is larger than the 8 bytes that follow it/);
  });

  test('a huge header length (> 100 MB), even 2^64 - 1, is refused before any allocation', () => {
    refuses(build('{}', 0, { n: 100_000_001n }), /header length 100000001 exceeds the 100000000-byte limit/);
    refuses(build('{}', 0, { n: 2n ** 64n - 1n }), /header length 18446744073709551615 exceeds the 100000000-byte limit/);
  });

  test('invalid JSON, non-UTF-8, non-object headers, deep nesting', () => {
    refuses(build('{"a": {"dtype": "F32",'), /header is not valid JSON \(expected a string key at character \d+/);
    refuses(build('{"a": 1} trailing'), /not valid JSON \(unexpected text after the JSON value/);
    refuses(build('{"a": NaN}'), /not valid JSON/);
    refuses(build('{ÿþ}'), /not valid JSON \(expected a string key at character 1, found 'ÿ'\)/);
    const bad = Buffer.concat([Buffer.alloc(8), Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])]);
    bad.writeBigUInt64LE(8n);
    refuses(bad, /its 8-byte header is not valid UTF-8 text/);
    refuses(build('[1, 2]'), /its header must be a JSON object, got an array of length 2/);
    refuses(build('"x"'), /its header must be a JSON object, got the string "x"/);
    refuses(build('{"a":' + '['.repeat(100000) + ']'.repeat(100000) + '}'), /nesting deeper than 64 levels/);
  });

  test('duplicate keys, at the top level or inside an entry', () => {
    refuses(build('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8),
      /its header has the key "a" twice \(duplicate keys are ambiguous, so refused\)/);
    refuses(build('{"a":{"dtype":"F32","dtype":"I32","shape":[1],"data_offsets":[0,4]}}', 4), /the key "dtype" twice/);
    refuses(build('{"__metadata__":{},"__metadata__":{}}'), /the key "__metadata__" twice/);
  });

  test('a header that claims more bytes than the file has', () => {
    refuses(build({ a: { dtype: 'F32', shape: [1000], data_offsets: [0, 4000] } }, 16), /describes 4000 bytes of tensor data but only 16 bytes follow the header/);
  });

  test('overlapping, out-of-order, gapped data_offsets; trailing bytes', () => {
    const e = (b: number, e_: number, n = (e_ - b) / 4) => ({ dtype: 'F32', shape: [n], data_offsets: [b, e_] });
    refuses(build({ a: e(0, 8), b: e(4, 12) }, 12), /tensors "a" \[0, 8\) and "b" \[4, 12\) overlap/);
    refuses(build({ a: e(0, 8), b: e(0, 8) }, 8), /tensors "a" \[0, 8\) and "b" \[0, 8\) overlap/);
    refuses(build({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, 8), /tensor "a" has data_offsets \[8, 0\] out of order \(begin > end\)/);
    refuses(build({ a: e(0, 4), b: e(8, 12) }, 12), /gap of 4 bytes between tensors "a" \(ends at 4\) and "b" \(begins at 8\)/);
    refuses(build({ a: e(4, 8) }, 8), /gap of 4 bytes before the first tensor "a" \(data must start at offset 0\)/);
    refuses(build({ a: e(0, 4) }, 6), /2 bytes follow the last tensor's data/);
    refuses(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4), /tensor "a" needs data_offsets \[begin, end\], got an array of length 1/);
    refuses(build({ a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, 4), /data_offsets \[-4,0\]: both must be non-negative integers/);
    refuses(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4.5] } }, 4), /both must be non-negative integers/);
  });

  test('an unknown or unsupported dtype', () => {
    refuses(build({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, 16), /tensor "a" has unknown dtype "F128" \(safetensors dtypes are BOOL, U8/);
    refuses(build({ a: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }, 4), /tensor "a" has dtype F8_E4M3, which torchlet does not support/);
    refuses(build({ a: { dtype: 7, shape: [1], data_offsets: [0, 4] } }, 4), /tensor "a" has no dtype string \(got number 7\)/);
  });

  test('a shape whose product does not match its bytes', () => {
    refuses(build({ w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }, 20),
      /tensor "w": shape \[2, 3\] of F32 needs 24 bytes, but its data_offsets \[0, 20\] span 20/);
    refuses(build({ w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } }, 4), /element count overflows/);
  });

  test('negative, non-integer or non-number shape entries; too many dims', () => {
    refuses(build({ w: { dtype: 'F32', shape: [-1, -4], data_offsets: [0, 16] } }, 16), /tensor "w" has shape \[-1,-4\]: dim 0 must be a non-negative integer, got number -1/);
    refuses(build({ w: { dtype: 'F32', shape: [2.5], data_offsets: [0, 10] } }, 10), /dim 0 must be a non-negative integer, got number 2.5/);
    refuses(build({ w: { dtype: 'F32', shape: [1, '2'], data_offsets: [0, 8] } }, 8), /dim 1 must be a non-negative integer, got the string "2"/);
    refuses(build({ w: { dtype: 'F32', shape: 4, data_offsets: [0, 16] } }, 16), /tensor "w" has no shape array \(got number 4\)/);
    refuses(build({ w: { dtype: 'F32', shape: new Array(17).fill(1), data_offsets: [0, 4] } }, 4), /tensor "w" has 17 dims; torchlet tensors have at most 16/);
  });

  test('bad __metadata__ and bad entries', () => {
    refuses(build({ __metadata__: { format: 1 } }), /__metadata__\["format"\] must be a string, got number 1/);
    refuses(build({ __metadata__: ['pt'] }), /__metadata__ must be an object of strings, got an array/);
    refuses(build({ w: [1, 2] }), /tensor "w" must be described by an object \{dtype, shape, data_offsets\}, got an array/);
  });

  test('64-bit integers outside int32 are refused, not wrapped', () => {
    const data = Buffer.alloc(16);
    data.writeBigInt64LE(1n, 0);
    data.writeBigInt64LE(2n ** 40n, 8);
    refuses(build({ step: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data),
      /tensor "step" \(I64\) holds 1099511627776 at index 1, outside int32's range, and torchlet has no 64-bit integers/);
  });

  test('not a file at all', () => {
    expect(() => io.loadFile(path.join(dir, 'missing.safetensors'))).toThrow(/loadFile: cannot open '.*missing.safetensors': no such file/);
    expect(() => torch.load(dir)).toThrow(/load: '.*' is a directory, not a safetensors file/);
    expect(() => torch.load('')).toThrow(/load: path must be a non-empty string/);
    expect(() => torch.load('/dev/zero')).toThrow(/load: '\/dev\/zero' is not a regular file \(a pipe, socket or device\)/);
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]); // opening it for reading would block until a writer comes
    expect(() => torch.load(fifo)).toThrow(/is not a regular file/);
    expect(() => io.deserialize('abc' as unknown as Uint8Array)).toThrow(/deserialize: expects a Uint8Array/);
  });

  test('fuzz: random byte flips in a valid file either load or throw a SafetensorsError, never crash or hang', () => {
    const full = good();
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let refused = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const b = Buffer.from(full);
      const flips = 1 + Math.floor(rnd() * 3);
      for (let f = 0; f < flips; f++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      try {
        io.deserialize(b);
      } catch (e) {
        expect(e).toBeInstanceOf(io.SafetensorsError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});

describe('tensors of more than 4 GiB: a clear error naming the op, the tensor and its size (nothing allocated)', () => {
  // A broadcast view: 2^30 + 8 float32 elements (4 GiB + 32 bytes) over one element of storage.
  const big = () => torch.zeros([1]).expand([2 ** 30 + 8]);
  const re = (op: string, where = '') => new RegExp(`^${op}: tensor "w"${where} has 4294967328 bytes; tensors of more than 4 GiB are not supported$`);

  test('save, saveFile and serialize refuse it before writing anything', () => {
    const file = path.join(dir, 'big.safetensors');
    for (const [op, fn] of [
      ['save', () => io.save({ w: big() }, file)],
      ['saveFile', () => io.saveFile({ w: big() }, file)],
      ['serialize', () => io.serialize({ w: big() })],
    ] as [string, () => unknown][]) {
      expect(fn).toThrow(RangeError);
      expect(fn).toThrow(re(op));
    }
    expect(fs.existsSync(file)).toBe(false);
  });

  test('loading a file that holds one (a sparse file) refuses it before allocating', () => {
    const header = build({ w: { dtype: 'F32', shape: [2 ** 30 + 8], data_offsets: [0, 2 ** 32 + 32] } });
    const file = writeTemp(header);
    fs.truncateSync(file, header.length + 2 ** 32 + 32);
    expect(() => io.loadFile(file)).toThrow(RangeError);
    expect(() => io.loadFile(file)).toThrow(re('loadFile', ` in '${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`));
    // F16 data of 2^31 + 4 elements is 4 GiB + 8 bytes on disk, and twice that as float32.
    const half = build({ w: { dtype: 'F16', shape: [2 ** 31 + 4], data_offsets: [0, 2 ** 32 + 8] } });
    const file2 = writeTemp(half);
    fs.truncateSync(file2, half.length + 2 ** 32 + 8);
    expect(() => io.loadFile(file2)).toThrow(/^loadFile: tensor "w" in '.*' has 8589934608 bytes; tensors of more than 4 GiB are not supported$/);
    fs.rmSync(file);
    fs.rmSync(file2);
  });
});
