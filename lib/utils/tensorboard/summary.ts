/**
 * The protobuf messages TensorBoard reads, encoded by hand the way
 * torch.utils.tensorboard builds them (field numbers from TensorBoard's
 * compat protos: event.proto, summary.proto, histogram.proto, tensor.proto,
 * tensor_shape.proto, plugins/hparams/{api,plugin_data}.proto, and
 * google/protobuf/struct.proto).
 *
 *   Event          wall_time 1 (double), step 2 (int64), file_version 3, summary 5, session_log 7,
 *                  source_metadata 10 { writer 1 }
 *   SessionLog     status 1 (START = 1)
 *   Summary        value 1 (repeated Value)
 *   Summary.Value  tag 1, simple_value 2 (float), histo 5, tensor 8, metadata 9
 *   SummaryMetadata  plugin_data 1 { plugin_name 1, content 2 (bytes) }
 *   HistogramProto min 1, max 2, num 3, sum 4, sum_squares 5 (doubles), bucket_limit 6, bucket 7 (packed doubles)
 *   TensorProto    dtype 1 (DT_STRING = 7), tensor_shape 2 { dim 2 { size 1 } }, string_val 8
 *
 * Proto3 leaves out fields at their default (0, "", empty) unless they belong
 * to a oneof (simple_value, histo, tensor, the hparams data): the encoders do
 * the same, so the bytes equal PyTorch's.
 */
import { ProtoWriter } from './proto';

/**
 * The writer TensorBoard's EventFileWriter names in the first event of a file
 * (what PyTorch's SummaryWriter writes, through it). torchlet writes the same
 * bytes, so a run resumed from PyTorch into the same logdir, or the other way
 * round, reads as one source.
 */
export const SOURCE_WRITER = 'tensorboard.summary.writer.event_file_writer';

/** One Event record: wall time in seconds, optional step, and one of file_version / summary / session_log. */
export function encodeEvent(e: { wallTime: number; step?: number; fileVersion?: string; sourceWriter?: string; summary?: ProtoWriter; sessionLogStart?: boolean }): Uint8Array {
  const w = new ProtoWriter();
  if (e.wallTime !== 0) w.double(1, e.wallTime);
  if (e.step !== undefined && e.step !== 0) w.varint(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion);
  if (e.summary) w.message(5, e.summary);
  if (e.sessionLogStart) w.message(7, new ProtoWriter().varint(1, 1));
  if (e.sourceWriter) w.message(10, new ProtoWriter().string(1, e.sourceWriter));
  return w.finish();
}

function pluginMetadata(pluginName: string, content?: Uint8Array): ProtoWriter {
  const pd = new ProtoWriter().string(1, pluginName);
  if (content && content.length) pd.bytes(2, content);
  return new ProtoWriter().message(1, pd);
}

/** Summary with one Value {tag, simple_value} (PyTorch's scalar(), old style). */
export function scalarSummary(tag: string, value: number): ProtoWriter {
  return new ProtoWriter().message(1, new ProtoWriter().string(1, tag).float(2, value));
}

export interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edge of each bucket. */
  bucketLimit: number[];
  bucket: number[];
}

/** Summary with one Value {tag, histo}. */
export function histogramSummary(tag: string, h: Histogram): ProtoWriter {
  const hp = new ProtoWriter();
  // Proto3 scalars: written only when not 0 (-0 is written: its bits are not 0).
  const d = (field: number, v: number): void => {
    if (!Object.is(v, 0)) hp.double(field, v);
  };
  d(1, h.min);
  d(2, h.max);
  d(3, h.num);
  d(4, h.sum);
  d(5, h.sumSquares);
  if (h.bucketLimit.length) hp.packedDoubles(6, h.bucketLimit);
  if (h.bucket.length) hp.packedDoubles(7, h.bucket);
  return new ProtoWriter().message(1, new ProtoWriter().string(1, tag).message(5, hp));
}

/** Summary for the text plugin: tag + '/text_summary', a 1-element DT_STRING tensor (PyTorch's text()). */
export function textSummary(tag: string, text: string): ProtoWriter {
  const shape = new ProtoWriter().message(2, new ProtoWriter().varint(1, 1));
  const tensor = new ProtoWriter().varint(1, 7 /* DT_STRING */).message(2, shape).string(8, text);
  const value = new ProtoWriter().string(1, `${tag}/text_summary`).message(8, tensor).message(9, pluginMetadata('text'));
  return new ProtoWriter().message(1, value);
}

// ------------------------------------------------------------------ hparams

export type HparamValue = number | string | boolean;

/** google.protobuf.Value holding a number, string or boolean. */
function structValue(v: HparamValue): ProtoWriter {
  const w = new ProtoWriter();
  if (typeof v === 'number') w.double(2, v);
  else if (typeof v === 'string') w.string(3, v);
  else w.varint(4, v);
  return w;
}

const HPARAMS_DATA_TYPE = { string: 1, boolean: 2, number: 3 } as const; // DATA_TYPE_STRING, _BOOL, _FLOAT64

function hparamsSummary(tag: string, dataField: number, data: ProtoWriter): ProtoWriter {
  // HParamsPluginData { version 1 (0: left out), oneof data { experiment 2, session_start_info 3, session_end_info 4 } }
  const content = new ProtoWriter().message(dataField, data).finish();
  return new ProtoWriter().message(1, new ProtoWriter().string(1, tag).message(9, pluginMetadata('hparams', content)));
}

/**
 * The three summaries of PyTorch's hparams(): the experiment (hparam and
 * metric names), the session start (the values), the session end (success).
 */
export function hparamsSummaries(hparams: [string, HparamValue][], metricTags: string[], domains: Map<string, HparamValue[]>): {
  experiment: ProtoWriter; sessionStart: ProtoWriter; sessionEnd: ProtoWriter;
} {
  const exp = new ProtoWriter();
  for (const [name, v] of hparams) {
    const info = new ProtoWriter().string(1, name).varint(4, HPARAMS_DATA_TYPE[typeof v as 'number' | 'string' | 'boolean']);
    const dom = domains.get(name);
    if (dom) {
      const list = new ProtoWriter();
      for (const d of dom) list.message(1, structValue(d));
      info.message(5, list);
    }
    exp.message(4, info); // Experiment.hparam_infos
  }
  for (const tag of metricTags) exp.message(5, new ProtoWriter().message(1, new ProtoWriter().string(2, tag))); // metric_infos { name { tag } }
  const ssi = new ProtoWriter();
  for (const [name, v] of hparams) ssi.message(1, new ProtoWriter().string(1, name).message(2, structValue(v))); // map<string, Value> entries
  const sei = new ProtoWriter().varint(1, 1); // status: STATUS_SUCCESS
  return {
    experiment: hparamsSummary('_hparams_/experiment', 2, exp),
    sessionStart: hparamsSummary('_hparams_/session_start_info', 3, ssi),
    sessionEnd: hparamsSummary('_hparams_/session_end_info', 4, sei),
  };
}

// ------------------------------------------------------------------ histograms

let tensorflowBins: number[] | null = null;
/**
 * TensorBoard's default bucket edges, as PyTorch's SummaryWriter makes them:
 * ±1e-12 · 1.1^k up to 1e20, and 0 (1549 edges).
 */
export function defaultBins(): number[] {
  if (!tensorflowBins) {
    const pos: number[] = [];
    for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
    tensorflowBins = [...pos.map((v) => -v).reverse(), 0, ...pos];
  }
  return tensorflowBins;
}

/** numpy.histogram's edges for `n` equal bins over the values' range (a range of one value widens by 0.5 each side). */
function equalEdges(lo: number, hi: number, n: number): number[] {
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  // hi - lo overflows for values near ±1.8e308: then the edges are made from halves (exact), which cannot.
  const s = Number.isFinite(hi - lo) ? 1 : 0.5;
  const step = (hi * s - lo * s) / n;
  const edges: number[] = [];
  for (let i = 0; i < n; i++) edges.push((i * step + lo * s) / s);
  edges.push(hi);
  return edges;
}

/** Index of the first edge > x (edges ascending). */
function upperBound(edges: number[], x: number): number {
  let lo = 0, hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * PyTorch's make_histogram: numpy.histogram counts (bins [e_i, e_{i+1}), the
 * last one closed; values outside the edges are not counted), optional
 * subsampling to maxBins, then trimmed to the buckets from the one before
 * the first non-empty bucket to the last non-empty one, with right edges as
 * limits. `values` must be finite (the caller checks).
 */
export function makeHistogram(op: string, values: ArrayLike<number>, bins: 'tensorflow' | number | number[], maxBins?: number): Histogram {
  const n = values.length;
  let min = Infinity, max = -Infinity, sum = 0, sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  const edges = bins === 'tensorflow' ? defaultBins() : typeof bins === 'number' ? equalEdges(min, max, bins) : bins;
  let counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges[edges.length - 1];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < edges[0] || v > last) continue;
    const b = v === last ? counts.length - 1 : upperBound(edges, v) - 1;
    counts[b]++;
  }
  let limits = edges;
  if (maxBins !== undefined && counts.length > maxBins) {
    const sub = Math.floor(counts.length / maxBins);
    const rem = counts.length % sub;
    if (rem !== 0) counts = counts.concat(new Array<number>(sub - rem).fill(0));
    const merged: number[] = [];
    for (let i = 0; i < counts.length; i += sub) merged.push(counts.slice(i, i + sub).reduce((a, b) => a + b, 0));
    const newLimits: number[] = [];
    for (let i = 0; i < limits.length - 1; i += sub) newLimits.push(limits[i]);
    newLimits.push(limits[limits.length - 1]);
    counts = merged;
    limits = newLimits;
  }
  let first = -1, lastNonEmpty = -1;
  for (let i = 0; i < counts.length; i++)
    if (counts[i] > 0) {
      if (first < 0) first = i;
      lastNonEmpty = i;
    }
  if (first < 0) throw new RangeError(`${op}: no value falls inside the histogram's bins [${edges[0]}, ${last}]`);
  const bucket = first > 0 ? counts.slice(first - 1, lastNonEmpty + 1) : [0, ...counts.slice(0, lastNonEmpty + 1)];
  const bucketLimit = limits.slice(first, lastNonEmpty + 2);
  return { min, max, num: n, sum, sumSquares, bucketLimit, bucket };
}
