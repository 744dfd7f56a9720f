// utils.tensorboard.SummaryWriter: event files read back by decoders that
// share no code with the writer: a TFRecord/protobuf reader written here
// (bitwise CRC-32C, generic wire-format walker; always runs) and protoc
// (--decode_raw, and --decode against test/fixtures/tensorboard_event.proto;
// skipped with a message when protoc is not installed: `apt-get install
// protobuf-compiler`, which .ci/run does).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from 'torchlet';
import { buildChildLib } from '../io/child_lib';

const { SummaryWriter, crc32c, maskedCrc32c } = torch.utils.tensorboard;
const PROTO_DIR = path.join(__dirname, '../fixtures');

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'torchlet-tb-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let runs = 0;
const newDir = (): string => path.join(root, `run${runs++}`);

// ------------------------------------------------------------------ an independent reader

/** CRC-32C bit by bit (RFC 3720), no table: shares nothing with the writer's. */
function crcBitwise(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
const mask = (c: number): number => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** The payloads of a TFRecord file, checking both CRCs of every record and that nothing trails. */
function readRecords(file: string): Buffer[] {
  const buf = fs.readFileSync(file);
  const out: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 12 > buf.length) throw new Error(`truncated record header at ${at}`);
    const len = Number(buf.readBigUInt64LE(at));
    if (buf.readUInt32LE(at + 8) !== mask(crcBitwise(buf.subarray(at, at + 8)))) throw new Error(`bad length CRC at ${at}`);
    const data = buf.subarray(at + 12, at + 12 + len);
    if (data.length !== len || at + 16 + len > buf.length) throw new Error(`truncated record at ${at}`);
    if (buf.readUInt32LE(at + 12 + len) !== mask(crcBitwise(data))) throw new Error(`bad data CRC at ${at}`);
    out.push(data);
    at += 16 + len;
  }
  return out;
}

interface Field { field: number; wire: number; int?: bigint; bytes?: Buffer; f64?: number; f32?: number }
/** Generic protobuf wire-format walk. */
function fields(b: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let r = 0n, s = 0n;
    for (;;) {
      const byte = b[i++];
      if (byte === undefined) throw new Error('truncated varint');
      r |= BigInt(byte & 0x7f) << s;
      s += 7n;
      if (!(byte & 0x80)) return r;
    }
  };
  while (i < b.length) {
    const key = Number(varint());
    const field = key >> 3, wire = key & 7;
    if (wire === 0) out.push({ field, wire, int: varint() });
    else if (wire === 1) out.push({ field, wire, f64: b.readDoubleLE(i) }), (i += 8);
    else if (wire === 5) out.push({ field, wire, f32: b.readFloatLE(i) }), (i += 4);
    else if (wire === 2) {
      const n = Number(varint());
      out.push({ field, wire, bytes: b.subarray(i, i + n) });
      i += n;
    } else throw new Error(`wire type ${wire}`);
  }
  if (i !== b.length) throw new Error('message overruns its bytes');
  return out;
}
const one = (fs_: Field[], n: number): Field | undefined => fs_.find((f) => f.field === n);
const all = (fs_: Field[], n: number): Field[] => fs_.filter((f) => f.field === n);
const str = (f: Field | undefined): string | undefined => f?.bytes?.toString('utf8');
const packed = (f: Field | undefined): number[] => {
  const r: number[] = [];
  for (let i = 0; f?.bytes && i < f.bytes.length; i += 8) r.push(f.bytes.readDoubleLE(i));
  return r;
};

interface Ev { wallTime?: number; step: number; fileVersion?: string; writer?: string; values: Field[][]; sessionLog?: Field[] }
function events(file: string): Ev[] {
  return readRecords(file).map((rec) => {
    const f = fields(rec);
    const summary = one(f, 5);
    const log = one(f, 7);
    return {
      wallTime: one(f, 1)?.f64,
      step: Number(BigInt.asIntN(64, one(f, 2)?.int ?? 0n)),
      fileVersion: str(one(f, 3)),
      writer: one(f, 10) && str(one(fields(one(f, 10)!.bytes!), 1)),
      values: summary ? all(fields(summary.bytes!), 1).map((v) => fields(v.bytes!)) : [],
      sessionLog: log ? fields(log.bytes!) : undefined,
    };
  });
}
function eventFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.startsWith('events.out.tfevents.')).map((n) => path.join(dir, n));
}
function onlyEventFile(dir: string): string {
  const f = eventFiles(dir);
  expect(f).toHaveLength(1);
  return f[0];
}

// ------------------------------------------------------------------ framing

describe('TFRecord framing', () => {
  test('CRC-32C check values (RFC 3720 B.4 and the "123456789" check) and TensorFlow\'s mask', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    for (const s of ['', 'a', 'brain.Event:2', 'x'.repeat(1000)]) {
      const b = Buffer.from(s);
      expect(crc32c(b)).toBe(crcBitwise(b));
      expect(maskedCrc32c(b)).toBe(mask(crcBitwise(b)));
    }
  });

  test('every record of a file has a valid length CRC and data CRC, and the file ends on a record boundary', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    for (let i = 0; i < 25; i++) w.addScalar('loss', 1 / (i + 1), i);
    w.addHistogram('w', torch.randn([100]), 3);
    w.addText('note', 'héllo', 1);
    w.close();
    expect(readRecords(onlyEventFile(dir))).toHaveLength(1 + 25 + 2);
  });
});

// ------------------------------------------------------------------ content

describe('SummaryWriter', () => {
  test("file named like PyTorch's; first event is file_version brain.Event:2 with a wall time; scalars as float32 simple_value", () => {
    const dir = newDir();
    const t0 = Date.now() / 1000;
    const w = new SummaryWriter(dir);
    const file = onlyEventFile(dir);
    expect(path.basename(file)).toMatch(new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/\./g, '\\.')}\\.${process.pid}\\.\\d+$`));
    expect(w.eventFile).toBe(file);
    w.addScalar('loss/train', 0.1, 5);
    w.addScalar('loss/train', torch.tensor(0.05), 10, 1700000000.5);
    w.addScalar('zero', 0, 0);
    w.addScalar('nan', NaN);
    w.close();
    const ev = events(file);
    expect(ev[0].fileVersion).toBe('brain.Event:2');
    expect(ev[0].writer).toBe('tensorboard.summary.writer.event_file_writer'); // TensorBoard's writer names itself so
    expect(ev[0].wallTime!).toBeGreaterThanOrEqual(t0 - 1);
    expect(ev[0].values).toEqual([]);
    const scalars = ev.slice(1).map((e) => [str(one(e.values[0], 1)), one(e.values[0], 2)?.f32, e.step, e.wallTime]);
    expect(scalars[0].slice(0, 3)).toEqual(['loss/train', Math.fround(0.1), 5]);
    expect(scalars[1]).toEqual(['loss/train', Math.fround(0.05), 10, 1700000000.5]);
    expect(scalars[2].slice(0, 3)).toEqual(['zero', 0, 0]); // simple_value is in a oneof: written even when 0
    expect(Number.isNaN(scalars[3][1])).toBe(true);
    for (const e of ev) expect(e.wallTime! - t0).toBeLessThan(600 * 1e6); // seconds, not milliseconds
  });

  test('addScalars: one sub-run per key, <logdir>/<mainTag with / as _>_<key>, each under the main tag', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addScalars('run/loss', { train: 0.5, val: 0.7 }, 1);
    w.addScalars('run/loss', { train: 0.4, val: 0.6 }, 2);
    w.close();
    expect(fs.readdirSync(dir).filter((n) => !n.startsWith('events')).sort()).toEqual(['run_loss_train', 'run_loss_val']);
    const got = events(onlyEventFile(path.join(dir, 'run_loss_val'))).slice(1).map((e) => [str(one(e.values[0], 1)), one(e.values[0], 2)?.f32, e.step]);
    expect(got).toEqual([['run/loss', Math.fround(0.7), 1], ['run/loss', Math.fround(0.6), 2]]);
    expect(events(onlyEventFile(dir))).toHaveLength(1); // the main file holds only its header
  });

  test("addHistogram: TensorBoard's default buckets, counts and statistics", () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    const vals = [0, 1, 1, 2.5, -3, 1e-13, 7];
    w.addHistogram('h', vals, 4);
    w.close();
    const h = fields(one(events(onlyEventFile(dir))[1].values[0], 5)!.bytes!);
    expect(one(h, 1)!.f64).toBe(-3);
    expect(one(h, 2)!.f64).toBe(7);
    expect(one(h, 3)!.f64).toBe(7);
    expect(one(h, 4)!.f64).toBeCloseTo(8.5 + 1e-13, 12);
    expect(one(h, 5)!.f64).toBeCloseTo(9 + 2 + 6.25 + 49, 12);
    const limits = packed(one(h, 6)), counts = packed(one(h, 7));
    expect(counts.length).toBe(limits.length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(vals.length);
    // Independently: the edges are ±1e-12·1.1^k and 0, bins [e_i, e_i+1); limits are right edges.
    const pos: number[] = [];
    for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
    const edges = [...pos.map((v) => -v).reverse(), 0, ...pos];
    const binOf = (v: number): number => edges.findIndex((e, i) => v >= e && v < edges[i + 1]);
    const firstBin = Math.min(...vals.map(binOf)), lastBin = Math.max(...vals.map(binOf));
    expect(counts[0]).toBe(0); // the empty bucket before the first non-empty one
    expect(limits[0]).toBe(edges[firstBin]);
    expect(limits[limits.length - 1]).toBe(edges[lastBin + 1]);
    for (const v of vals) {
      const k = limits.findIndex((l, i) => v < l && (i === 0 || v >= limits[i - 1]));
      expect(counts[k]).toBe(vals.filter((u) => binOf(u) === binOf(v)).length);
    }
  });

  test('addHistogram with given edges or n equal bins: numpy.histogram counts, trimmed as PyTorch does', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addHistogram('edges', [1, 2, 2, 3, 4], 0, [0, 1, 2, 3, 4]);   // counts [0, 1, 2, 2] over [0,1) [1,2) [2,3) [3,4]
    w.addHistogram('equal', torch.arange(5), 0, 4);                 // edges 0..4: counts [1, 1, 1, 2]
    w.addHistogram('one', [5, 5], 0, 2);                            // one value: range widened to [4.5, 5.5]
    w.addHistogram('sub', [0.5, 1.5, 2.5, 3.5], 0, [0, 1, 2, 3, 4], undefined, 2); // maxBins 2: [0,2) [2,4]
    w.close();
    const hs = events(onlyEventFile(dir)).slice(1).map((e) => fields(one(e.values[0], 5)!.bytes!));
    expect(hs.map((h) => [packed(one(h, 6)), packed(one(h, 7))])).toEqual([
      [[1, 2, 3, 4], [0, 1, 2, 2]],
      [[0, 1, 2, 3, 4], [0, 1, 1, 1, 2]],
      [[5, 5.5], [0, 2]],
      [[0, 2, 4], [0, 2, 2]],
    ]);
    expect(one(hs[1], 1)).toBeUndefined(); // min 0 is proto3's default: left out, as PyTorch's serializer does
  });

  test('addHistogram of values near ±1.8e308 in n equal bins: finite increasing edges, every value counted', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    const M = Number.MAX_VALUE;
    const cases: [number[], number][] = [
      [[-M, M, 0, 1e308, -1e308], 3],
      [[-M, M], 7],
      [[-1.7e308, 1.7e308, 5], 1000],
      [[M, M], 4], // one value: numpy widens by 0.5 each side, which M cannot take
    ];
    for (const [vals, bins] of cases) w.addHistogram('big', vals, 0, bins);
    w.close();
    const hs = events(onlyEventFile(dir)).slice(1).map((e) => fields(one(e.values[0], 5)!.bytes!));
    hs.forEach((h, k) => {
      const limits = packed(one(h, 6)), counts = packed(one(h, 7));
      expect(limits.every(Number.isFinite)).toBe(true);
      for (let i = 1; i < limits.length; i++) expect(limits[i]).toBeGreaterThanOrEqual(limits[i - 1]);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(cases[k][0].length);
    });
    // [-M, M] in 7 bins: the extremes fall in the first and the last bin.
    const [l1, c1] = [packed(one(hs[1], 6)), packed(one(hs[1], 7))];
    expect(l1[l1.length - 1]).toBe(M);
    expect(c1).toEqual([0, 1, 0, 0, 0, 0, 0, 1]);
  });

  test("addText: tag + '/text_summary', a DT_STRING tensor of shape [1], the text plugin", () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addText('notes', '**lr** = 0.1 — ünïcode', 2);
    w.close();
    const v = events(onlyEventFile(dir))[1].values[0];
    expect(str(one(v, 1))).toBe('notes/text_summary');
    const tensor = fields(one(v, 8)!.bytes!);
    expect(one(tensor, 1)!.int).toBe(7n);
    expect(fields(one(fields(one(tensor, 2)!.bytes!), 2)!.bytes!)).toEqual([{ field: 1, wire: 0, int: 1n }]);
    expect(str(one(tensor, 8))).toBe('**lr** = 0.1 — ünïcode');
    const plugin = fields(one(fields(one(v, 9)!.bytes!), 1)!.bytes!);
    expect(str(one(plugin, 1))).toBe('text');
    expect(one(plugin, 2)).toBeUndefined(); // TextPluginData(version=0) serializes to nothing
  });

  test('addHparams: a sub-run with the experiment, session start and end summaries, then the metrics as scalars', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addHparams({ lr: 0.1, optimizer: 'sgd', nesterov: true, skipped: null, bs: torch.tensor(32) },
      { 'hparam/accuracy': 0.9, 'hparam/loss': torch.tensor(0.25) }, { runName: 'trial1', hparamDomainDiscrete: { optimizer: ['sgd', 'adam'] } });
    w.close();
    const ev = events(onlyEventFile(path.join(dir, 'trial1')));
    const tags = ev.slice(1).map((e) => str(one(e.values[0], 1)));
    expect(tags).toEqual(['_hparams_/experiment', '_hparams_/session_start_info', '_hparams_/session_end_info', 'hparam/accuracy', 'hparam/loss']);
    const content = (i: number): Field[] => {
      const plugin = fields(one(fields(one(ev[i].values[0], 9)!.bytes!), 1)!.bytes!);
      expect(str(one(plugin, 1))).toBe('hparams');
      return fields(one(plugin, 2)!.bytes!);
    };
    const exp = fields(one(content(1), 2)!.bytes!);
    const infos = all(exp, 4).map((f) => fields(f.bytes!));
    expect(infos.map((i) => [str(one(i, 1)), Number(one(i, 4)!.int)])).toEqual([['lr', 3], ['optimizer', 1], ['nesterov', 2], ['bs', 3]]);
    const domain = all(fields(one(infos[1], 5)!.bytes!), 1).map((v) => str(one(fields(v.bytes!), 3)));
    expect(domain).toEqual(['sgd', 'adam']);
    expect(all(exp, 5).map((m) => str(one(fields(one(fields(m.bytes!), 1)!.bytes!), 2)))).toEqual(['hparam/accuracy', 'hparam/loss']);
    const ssi = all(fields(one(content(2), 3)!.bytes!), 1).map((e) => fields(e.bytes!));
    const kv = ssi.map((e) => [str(one(e, 1)), fields(one(e, 2)!.bytes!)[0]]);
    expect(kv.map(([k, v]) => [k, (v as Field).field])).toEqual([['lr', 2], ['optimizer', 3], ['nesterov', 4], ['bs', 2]]);
    expect((kv[0][1] as Field).f64).toBe(0.1);
    expect(fields(one(content(3), 4)!.bytes!)).toEqual([{ field: 1, wire: 0, int: 1n }]); // STATUS_SUCCESS
    expect(one(ev[5].values[0], 2)!.f32).toBe(0.25);
  });

  test('purgeStep writes the file_version and SessionLog START events at that step, as PyTorch', () => {
    const dir = newDir();
    new SummaryWriter(dir, { purgeStep: 42 }).close();
    const ev = events(onlyEventFile(dir));
    expect(ev.map((e) => [e.step, e.fileVersion, e.sessionLog && Number(one(e.sessionLog, 1)!.int)])).toEqual([
      [0, 'brain.Event:2', undefined], [42, 'brain.Event:2', undefined], [42, undefined, 1],
    ]);
  });

  test('events are queued until maxQueue, flush() or close(); close() then add starts a new file', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir, { maxQueue: 3 });
    const file = onlyEventFile(dir);
    w.addScalar('a', 1, 1);
    w.addScalar('a', 2, 2);
    expect(readRecords(file)).toHaveLength(1); // header only: two events wait
    w.addScalar('a', 3, 3);
    expect(readRecords(file)).toHaveLength(4);
    w.addScalar('a', 4, 4);
    w.flush();
    expect(readRecords(file)).toHaveLength(5);
    w.close();
    w.close(); // twice is fine
    w.addScalar('a', 5, 5);
    w.close();
    expect(eventFiles(dir)).toHaveLength(2);
  });

  test("pending events are written when the process exits (the writers' 'exit' hook)", () => {
    const lib = buildChildLib();
    const child = `
      const torch = require(process.argv[1]);
      const w = new torch.utils.tensorboard.SummaryWriter(process.argv[2], { maxQueue: 1000, flushSecs: 1000 });
      for (let i = 0; i < 7; i++) w.addScalar('x', i, i);
      process.exit(0); // no close()
    `;
    const dir = newDir();
    execFileSync(process.execPath, ['-e', child, path.join(lib.dir, 'lib'), dir], { env: lib.env, stdio: 'pipe' });
    expect(readRecords(onlyEventFile(dir))).toHaveLength(8);
  });

  test('bad arguments: errors name the method and the value; nothing is written', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    const cases: [() => void, RegExp][] = [
      [() => w.addScalar('', 1), /addScalar: tag must be a non-empty string, got ''/],
      [() => w.addScalar(3 as unknown as string, 1), /addScalar: tag must be a non-empty string, got number/],
      [() => w.addScalar('x', '1' as unknown as number), /addScalar: scalarValue must be a number or a one-element tensor, got string/],
      [() => w.addScalar('x', torch.ones([2])), /addScalar: scalarValue must be a number or a one-element tensor; got a tensor of shape \[2\]/],
      [() => w.addScalar('x', 1, 1.5), /addScalar: globalStep must be an integer, got 1.5/],
      [() => w.addScalar('x', 1, 1, 1e20 * Infinity), /addScalar: walltime must be seconds since the epoch/],
      [() => w.addScalars('x', [1, 2] as unknown as Record<string, number>), /addScalars: tagScalarDict must be an object of numbers/],
      [() => w.addScalars('x', { 'a/../b': 1 }), /addScalars: key "a\/..\/b" cannot name a sub-run directory/],
      [() => w.addHistogram('h', [1, NaN, 2]), /addHistogram: values must be finite; got NaN at index 1/],
      [() => w.addHistogram('h', torch.tensor([Infinity])), /addHistogram: values must be finite; got Infinity at index 0/],
      [() => w.addHistogram('h', []), /addHistogram: values are empty/],
      [() => w.addHistogram('h', [1], 0, [2, 1]), /addHistogram: bin edges must be at least 2 finite numbers in increasing order, got \[2, 1\]/],
      [() => w.addHistogram('h', [1], 0, 'auto' as 'tensorflow'), /addHistogram: bins must be 'tensorflow', a positive integer or an array of edges, got "auto"/],
      [() => w.addHistogram('h', [100], 0, [0, 1]), /addHistogram: no value falls inside the histogram's bins \[0, 1\]/],
      [() => w.addText('t', 5 as unknown as string), /addText: textString must be a string, got number/],
      [() => w.addHparams({ lr: [1] as unknown as number }, {}), /addHparams: hparamDict\["lr"\] must be a number, string, boolean, one-element Tensor or null; got object/],
      [() => w.addHparams({ lr: 1 }, {}, { hparamDomainDiscrete: { lr: ['a'] } }), /addHparams: hparamDomainDiscrete\["lr"\] should be a list of same type as hparamDict\["lr"\]/],
      [() => w.addHparams({ lr: 1 }, {}, { runName: '../escape' }), /addHparams: runName must be a directory name/],
      [() => new SummaryWriter(dir, { maxQueue: 0 }), /SummaryWriter: maxQueue must be a positive integer, got 0/],
      [() => w.addHistogram('h', [1, 2], 0, 1e9), /^addHistogram: bins must be 'tensorflow', an integer from 1 to 1000000 or an array of edges, got 1000000000$/],
      [() => w.addHistogram('h', [1, 2], 0, 1000001), /an integer from 1 to 1000000 or an array of edges, got 1000001$/],
      // Node runs a timer longer than 2^31 - 1 ms after 1 ms: such flushSecs are refused, not turned into a flush every millisecond.
      [() => new SummaryWriter(dir, { flushSecs: 1e12 }), /^SummaryWriter: flushSecs must be a number of seconds from 0 \(no periodic flush\) to 2147483.647 \(24.8 days, the longest timer\), got 1000000000000$/],
      [() => new SummaryWriter(dir, { flushSecs: Infinity }), /^SummaryWriter: flushSecs must be .* got Infinity$/],
      [() => new SummaryWriter(dir, { flushSecs: -1 }), /^SummaryWriter: flushSecs must be .* got -1$/],
      [() => new SummaryWriter(dir, { flushSecs: NaN }), /^SummaryWriter: flushSecs must be .* got NaN$/],
      [() => new SummaryWriter(dir, { flushSecs: '5' as unknown as number }), /^SummaryWriter: flushSecs must be a number, got string$/],
      [() => new torch.utils.tensorboard.EventFileWriter(dir, { flushSecs: 2 ** 31 }), /^EventFileWriter: flushSecs must be .* got 2147483648$/],
    ];
    for (const [fn, re] of cases) expect(fn).toThrow(re);
    w.close();
    expect(readRecords(onlyEventFile(dir))).toHaveLength(1);
    expect(() => new SummaryWriter(path.join(onlyEventFile(dir), 'sub'))).toThrow(/SummaryWriter: cannot create the log directory/);
  });

  test('default logdir: runs/<Mon><DD>_<HH>-<MM>-<SS>_<hostname><comment>, relative to the working directory', () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const w = new SummaryWriter(undefined, { comment: '_lr0.1' });
      w.close();
      expect(w.getLogdir()).toMatch(new RegExp(`^runs[/\\\\][A-Z][a-z]{2}\\d{2}_\\d{2}-\\d{2}-\\d{2}_${os.hostname().replace(/\./g, '\\.')}_lr0\\.1$`));
      expect(eventFiles(path.join(root, w.getLogdir()))).toHaveLength(1);
    } finally {
      process.chdir(cwd);
    }
  });
});

// ------------------------------------------------------------------ protoc

function hasProtoc(): boolean {
  try {
    execFileSync('protoc', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
const PROTOC = hasProtoc();
if (!PROTOC) console.warn('test/utils/tensorboard.test.ts: protoc not found, skipping the protoc checks (apt-get install protobuf-compiler; .ci/run installs it)');
const withProtoc = PROTOC ? describe : describe.skip;

withProtoc('decoded by protoc', () => {
  const decode = (payload: Buffer, type?: string): string =>
    execFileSync('protoc', type ? [`--decode=${type}`, `--proto_path=${PROTO_DIR}`, 'tensorboard_event.proto'] : ['--decode_raw'], { input: payload, stdio: ['pipe', 'pipe', 'pipe'] }).toString();

  test('--decode_raw parses every record; --decode against the Event schema shows the fields by name', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addScalar('loss', 0.25, 7, 1700000000.25);
    w.addHistogram('w', [1, 2, 2, 3, 4], 8, [0, 1, 2, 3, 4], 1700000001);
    w.addText('note', 'hi', 9, 1700000002);
    w.close();
    const recs = readRecords(onlyEventFile(dir));
    for (const r of recs) expect(decode(r)).toMatch(/^1: 0x[0-9a-f]{16}\n/); // wall_time, a fixed64
    expect(decode(recs[0])).toMatch(/\n3: "brain.Event:2"\n10 \{\n  1: "tensorboard.summary.writer.event_file_writer"\n\}\n$/);
    expect(decode(recs[0], 'tensorboard.Event')).toMatch(
      /^wall_time: [\d.e+]+\nfile_version: "brain.Event:2"\nsource_metadata \{\n  writer: "tensorboard.summary.writer.event_file_writer"\n\}\n$/);
    expect(decode(recs[1], 'tensorboard.Event')).toBe(
      'wall_time: 1700000000.25\nstep: 7\nsummary {\n  value {\n    tag: "loss"\n    simple_value: 0.25\n  }\n}\n');
    expect(decode(recs[2], 'tensorboard.Event')).toBe(
      'wall_time: 1700000001\nstep: 8\nsummary {\n  value {\n    tag: "w"\n    histo {\n      min: 1\n      max: 4\n      num: 5\n' +
      '      sum: 12\n      sum_squares: 34\n      bucket_limit: 1\n      bucket_limit: 2\n      bucket_limit: 3\n      bucket_limit: 4\n' +
      '      bucket: 0\n      bucket: 1\n      bucket: 2\n      bucket: 2\n    }\n  }\n}\n');
    expect(decode(recs[3], 'tensorboard.Event')).toBe(
      'wall_time: 1700000002\nstep: 9\nsummary {\n  value {\n    tag: "note/text_summary"\n    tensor {\n      dtype: DT_STRING\n' +
      '      tensor_shape {\n        dim {\n          size: 1\n        }\n      }\n      string_val: "hi"\n    }\n    metadata {\n' +
      '      plugin_data {\n        plugin_name: "text"\n      }\n    }\n  }\n}\n');
  });

  test('hparams plugin data decodes as HParamsPluginData', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addHparams({ lr: 0.01, opt: 'adam' }, { 'hparam/acc': 0.5 }, { runName: 'r' });
    w.close();
    const recs = readRecords(onlyEventFile(path.join(dir, 'r')));
    const contentOf = (rec: Buffer): Buffer => {
      const value = fields(one(fields(rec), 5)!.bytes!)[0].bytes!;
      return one(fields(one(fields(one(fields(value), 9)!.bytes!), 1)!.bytes!), 2)!.bytes!;
    };
    const d = (i: number): string => decode(contentOf(recs[i]), 'tensorboard.HParamsPluginData');
    expect(d(1)).toBe('experiment {\n  hparam_infos {\n    name: "lr"\n    type: DATA_TYPE_FLOAT64\n  }\n  hparam_infos {\n    name: "opt"\n' +
      '    type: DATA_TYPE_STRING\n  }\n  metric_infos {\n    name {\n      tag: "hparam/acc"\n    }\n  }\n}\n');
    expect(d(2)).toBe('session_start_info {\n  hparams {\n    key: "lr"\n    value {\n      number_value: 0.01\n    }\n  }\n' +
      '  hparams {\n    key: "opt"\n    value {\n      string_value: "adam"\n    }\n  }\n}\n');
    expect(d(3)).toBe('session_end_info {\n  status: STATUS_SUCCESS\n}\n');
  });
});
