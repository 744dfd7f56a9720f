/**
 * SummaryWriter: PyTorch's torch.utils.tensorboard.SummaryWriter for Node.
 * Writes TensorBoard event files that `tensorboard --logdir runs` shows.
 *
 *   const w = new torch.utils.tensorboard.SummaryWriter('runs/exp1');
 *   w.addScalar('loss/train', loss.item(), step);
 *   w.close();
 *
 * Files: <logdir>/events.out.tfevents.<seconds, 10 digits>.<hostname>.<pid>.<n><filenameSuffix>,
 * n counting the files this process opened (PyTorch's naming). Each file is a
 * sequence of TFRecord-framed Event protobufs, the first {wall_time,
 * file_version: "brain.Event:2", source_metadata} (as TensorBoard's writer). Events are queued and written when maxQueue
 * of them wait, every flushSecs, on flush()/close(), and when the process
 * exits (an 'exit' hook), so a script that forgets close() loses nothing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tensor } from '../../tensor';
import { frameRecord } from './record';
import { encodeEvent, SOURCE_WRITER, histogramSummary, HparamValue, hparamsSummaries, makeHistogram, scalarSummary, textSummary, Histogram } from './summary';
import type { ProtoWriter } from './proto';

let globalUid = 0;
/** Open writers, flushed by one process 'exit' hook. */
const open = new Set<EventFileWriter>();
let exitHooked = false;
function flushAllAtExit(): void {
  for (const w of open) {
    try {
      w.close();
    } catch {
      /* exiting: nothing better to do */
    }
  }
}

/** The most equal-width bins addHistogram makes (each costs memory and file space). */
const MAX_BINS = 1_000_000;
/** The longest flushSecs: timers take at most 2^31 - 1 ms (Node fires longer ones after 1 ms). */
const MAX_FLUSH_SECS = (2 ** 31 - 1) / 1000;

function checkFlushSecs(op: string, flushSecs: unknown): void {
  if (typeof flushSecs !== 'number') throw new TypeError(`${op}: flushSecs must be a number, got ${flushSecs === null ? 'null' : typeof flushSecs}`);
  if (!(flushSecs >= 0 && flushSecs <= MAX_FLUSH_SECS))
    throw new RangeError(`${op}: flushSecs must be a number of seconds from 0 (no periodic flush) to ${MAX_FLUSH_SECS} (24.8 days, the longest timer), got ${flushSecs}`);
}

export interface FileWriterOptions {
  maxQueue?: number;
  flushSecs?: number;
  filenameSuffix?: string;
}

/** One events file: framing, queue, flushing (PyTorch's FileWriter + EventFileWriter). */
export class EventFileWriter {
  readonly logdir: string;
  readonly path: string;
  private fd: number | null;
  private queue: Uint8Array[] = [];
  private readonly maxQueue: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(logdir: string, { maxQueue = 10, flushSecs = 120, filenameSuffix = '' }: FileWriterOptions = {}) {
    checkFlushSecs('EventFileWriter', flushSecs);
    this.logdir = logdir;
    try {
      fs.mkdirSync(logdir, { recursive: true });
    } catch (e) {
      throw new Error(`SummaryWriter: cannot create the log directory '${logdir}': ${(e as Error).message}`, { cause: e });
    }
    const secs = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
    this.path = path.join(logdir, `events.out.tfevents.${secs}.${os.hostname()}.${process.pid}.${globalUid++}${filenameSuffix}`);
    try {
      this.fd = fs.openSync(this.path, 'w');
    } catch (e) {
      throw new Error(`SummaryWriter: cannot create the event file '${this.path}': ${(e as Error).message}`, { cause: e });
    }
    this.maxQueue = maxQueue;
    open.add(this);
    if (!exitHooked) {
      process.on('exit', flushAllAtExit);
      exitHooked = true;
    }
    if (flushSecs > 0) {
      this.timer = setInterval(() => {
        try {
          this.flush();
        } catch (e) {
          process.emitWarning(`SummaryWriter: periodic flush failed: ${(e as Error).message}`);
        }
      }, flushSecs * 1000);
      this.timer.unref(); // never keeps the process alive
    }
    this.addEvent(encodeEvent({ wallTime: Date.now() / 1000, fileVersion: 'brain.Event:2', sourceWriter: SOURCE_WRITER }));
    this.flush();
  }

  get closed(): boolean {
    return this.fd === null;
  }

  /** Queues one serialized Event; writes the queue once it holds maxQueue events. */
  addEvent(event: Uint8Array): void {
    if (this.fd === null) throw new Error(`SummaryWriter: the event file '${this.path}' is closed`);
    this.queue.push(frameRecord(event));
    if (this.queue.length >= this.maxQueue) this.flush();
  }

  addSummary(summary: ProtoWriter, step: number | undefined, wallTime: number | undefined): void {
    this.addEvent(encodeEvent({ wallTime: wallTime ?? Date.now() / 1000, step, summary }));
  }

  /** Writes every queued event to the file (one write call). */
  flush(): void {
    if (this.fd === null || this.queue.length === 0) return;
    const chunk = Buffer.concat(this.queue);
    this.queue = [];
    let done = 0;
    try {
      while (done < chunk.length) done += fs.writeSync(this.fd, chunk, done, chunk.length - done);
    } catch (e) {
      throw new Error(`SummaryWriter: cannot write '${this.path}': ${(e as Error).message}`, { cause: e });
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      this.flush();
    } finally {
      if (this.timer) clearInterval(this.timer);
      fs.closeSync(this.fd);
      this.fd = null;
      open.delete(this);
    }
  }
}

export interface SummaryWriterOptions extends FileWriterOptions {
  /** Appended to the default logdir (runs/<date>_<host><comment>); ignored when a logdir is given. */
  comment?: string;
  /** Resuming after a crash: TensorBoard hides the events of this logdir at steps >= purgeStep written before. */
  purgeStep?: number;
}

export interface HparamsOptions {
  /** The values each hparam can take (a list of the hparam's type), for TensorBoard's filters. */
  hparamDomainDiscrete?: Record<string, HparamValue[]>;
  /** Sub-run of the logdir the session goes in; default: the current time in seconds, as PyTorch. */
  runName?: string;
  globalStep?: number;
}

type ScalarLike = number | Tensor;
type Values = Tensor | ArrayLike<number>;

/** PyTorch's default logdir: runs/May04_22-14-54_<hostname><comment>. */
function defaultLogdir(comment: string): string {
  const d = new Date();
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  const p = (n: number): string => String(n).padStart(2, '0');
  return path.join('runs', `${mon}${p(d.getDate())}_${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}_${os.hostname()}${comment}`);
}

export class SummaryWriter {
  readonly logDir: string;
  private readonly options: Required<FileWriterOptions>;
  private purgeStep: number | undefined;
  /** The main file writer, and one per addScalars sub-run, by directory. */
  private writers: Map<string, EventFileWriter> | null = null;

  constructor(logDir?: string, { comment = '', purgeStep, maxQueue = 10, flushSecs = 120, filenameSuffix = '' }: SummaryWriterOptions = {}) {
    if (logDir !== undefined && typeof logDir !== 'string') throw new TypeError(`SummaryWriter: logDir must be a string, got ${typeof logDir}`);
    if (typeof comment !== 'string') throw new TypeError(`SummaryWriter: comment must be a string, got ${typeof comment}`);
    if (!Number.isInteger(maxQueue) || maxQueue < 1) throw new RangeError(`SummaryWriter: maxQueue must be a positive integer, got ${maxQueue}`);
    checkFlushSecs('SummaryWriter', flushSecs);
    if (typeof filenameSuffix !== 'string' || /[/\\]/.test(filenameSuffix)) throw new TypeError(`SummaryWriter: filenameSuffix must be a string without path separators, got ${JSON.stringify(filenameSuffix)}`);
    if (purgeStep !== undefined) checkStep('SummaryWriter', purgeStep, 'purgeStep');
    this.logDir = logDir || defaultLogdir(comment);
    this.options = { maxQueue, flushSecs, filenameSuffix };
    this.purgeStep = purgeStep;
    this.fileWriter();
  }

  getLogdir(): string {
    return this.logDir;
  }

  /** The main events file (made again after close(), as PyTorch does). */
  private fileWriter(): EventFileWriter {
    let w = this.writers?.get(this.logDir);
    if (!w || w.closed) {
      w = new EventFileWriter(this.logDir, this.options);
      this.writers = new Map([[this.logDir, w]]);
      if (this.purgeStep !== undefined) {
        const now = Date.now() / 1000;
        w.addEvent(encodeEvent({ wallTime: now, step: this.purgeStep, fileVersion: 'brain.Event:2' }));
        w.addEvent(encodeEvent({ wallTime: now, step: this.purgeStep, sessionLogStart: true }));
        this.purgeStep = undefined;
      }
    }
    return w;
  }

  /** The path of the main events file. */
  get eventFile(): string {
    return this.fileWriter().path;
  }

  /**
   * One value of a series (shown as a chart). value is a number or a one-element
   * tensor, stored as float32 (simple_value), like PyTorch.
   * @example w.addScalar('loss', 0.25, 100)
   */
  addScalar(tag: string, scalarValue: ScalarLike, globalStep?: number, walltime?: number): void {
    const op = 'addScalar';
    checkTag(op, tag);
    const v = toScalar(op, scalarValue, 'scalarValue');
    checkStepWall(op, globalStep, walltime);
    this.fileWriter().addSummary(scalarSummary(tag, v), globalStep, walltime);
  }

  /**
   * Several series in one chart: each key goes to its own sub-run
   * <logdir>/<mainTag with '/' as '_'>_<key>, under the tag mainTag (PyTorch's layout).
   * @example w.addScalars('loss', { train: 0.3, val: 0.4 }, epoch)
   */
  addScalars(mainTag: string, tagScalarDict: Record<string, ScalarLike>, globalStep?: number, walltime?: number): void {
    const op = 'addScalars';
    checkTag(op, mainTag);
    if (tagScalarDict === null || typeof tagScalarDict !== 'object' || Array.isArray(tagScalarDict) || tagScalarDict instanceof Tensor)
      throw new TypeError(`${op}: tagScalarDict must be an object of numbers, e.g. { train: 0.3, val: 0.4 }`);
    checkStepWall(op, globalStep, walltime);
    const entries = Object.entries(tagScalarDict).map(([k, v]) => {
      if (/[/\\]/.test(k) || k === '' || k === '.' || k === '..') throw new RangeError(`${op}: key ${JSON.stringify(k)} cannot name a sub-run directory`);
      return [k, toScalar(op, v, `tagScalarDict[${JSON.stringify(k)}]`)] as const;
    });
    const wall = walltime ?? Date.now() / 1000;
    const base = this.fileWriter().logdir;
    for (const [k, v] of entries) {
      const dir = `${base}/${mainTag.replace(/\//g, '_')}_${k}`;
      let fw = this.writers!.get(dir);
      if (!fw || fw.closed) {
        fw = new EventFileWriter(dir, this.options);
        this.writers!.set(dir, fw);
      }
      fw.addSummary(scalarSummary(mainTag, v), globalStep, wall);
    }
  }

  /**
   * A histogram of values (a tensor or an array of numbers), in TensorBoard's
   * default buckets (bins 'tensorflow'), in n equal bins (a number, at most 1e6), or in
   * given ascending edges (an array). Values must be finite.
   * @example w.addHistogram('fc1.weight', net.fc1.weight, epoch)
   */
  addHistogram(tag: string, values: Values, globalStep?: number, bins: 'tensorflow' | number | number[] = 'tensorflow', walltime?: number, maxBins?: number): void {
    const op = 'addHistogram';
    checkTag(op, tag);
    checkStepWall(op, globalStep, walltime);
    const vals = toValues(op, values);
    if (bins !== 'tensorflow') {
      if (typeof bins === 'number') {
        if (!Number.isInteger(bins) || bins < 1 || bins > MAX_BINS)
          throw new RangeError(`${op}: bins must be 'tensorflow', an integer from 1 to ${MAX_BINS} or an array of edges, got ${bins}`);
      } else if (Array.isArray(bins)) {
        if (bins.length < 2 || bins.some((b, i) => typeof b !== 'number' || !Number.isFinite(b) || (i > 0 && !(b > bins[i - 1]))))
          throw new RangeError(`${op}: bin edges must be at least 2 finite numbers in increasing order, got [${bins.slice(0, 6).join(', ')}${bins.length > 6 ? ', ...' : ''}]`);
      } else throw new TypeError(`${op}: bins must be 'tensorflow', a positive integer or an array of edges, got ${JSON.stringify(bins)}`);
    }
    if (maxBins !== undefined && (!Number.isInteger(maxBins) || maxBins < 1)) throw new RangeError(`${op}: maxBins must be a positive integer, got ${maxBins}`);
    this.fileWriter().addSummary(histogramSummary(tag, makeHistogram(op, vals, bins, maxBins)), globalStep, walltime);
  }

  /** A histogram already counted (PyTorch's add_histogram_raw): bucketLimits are the right edges. */
  addHistogramRaw(tag: string, min: number, max: number, num: number, sum: number, sumSquares: number, bucketLimits: ArrayLike<number> | Tensor,
                  bucketCounts: ArrayLike<number> | Tensor, globalStep?: number, walltime?: number): void {
    const op = 'addHistogramRaw';
    checkTag(op, tag);
    checkStepWall(op, globalStep, walltime);
    for (const [k, v] of Object.entries({ min, max, num, sum, sumSquares }))
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${op}: ${k} must be a finite number, got ${String(v)}`);
    const limits = Array.from(toValues(op, bucketLimits)), counts = Array.from(toValues(op, bucketCounts));
    if (limits.length !== counts.length)
      throw new RangeError(`${op}: bucketLimits and bucketCounts must have the same length, got ${limits.length} and ${counts.length}`);
    const h: Histogram = { min, max, num, sum, sumSquares, bucketLimit: limits, bucket: counts };
    this.fileWriter().addSummary(histogramSummary(tag, h), globalStep, walltime);
  }

  /** Text (markdown) shown in TensorBoard's Text tab, under tag + '/text_summary'. */
  addText(tag: string, textString: string, globalStep?: number, walltime?: number): void {
    const op = 'addText';
    checkTag(op, tag);
    if (typeof textString !== 'string') throw new TypeError(`${op}: textString must be a string, got ${textString === null ? 'null' : typeof textString}`);
    checkStepWall(op, globalStep, walltime);
    this.fileWriter().addSummary(textSummary(tag, textString), globalStep, walltime);
  }

  /**
   * Hyperparameters and the metrics they gave, for TensorBoard's HParams tab.
   * As PyTorch: a sub-run <logdir>/<runName> gets the experiment, session
   * start/end summaries, and each metric as a scalar. hparam values are
   * numbers, strings, booleans or one-element tensors; null/undefined ones are skipped.
   * @example w.addHparams({ lr: 0.1, batchSize: 32, optimizer: 'sgd' }, { 'hparam/accuracy': 0.93 })
   */
  addHparams(hparamDict: Record<string, HparamValue | Tensor | null | undefined>, metricDict: Record<string, ScalarLike>,
             { hparamDomainDiscrete = {}, runName, globalStep }: HparamsOptions = {}): void {
    const op = 'addHparams';
    const isDict = (d: unknown): boolean => d !== null && typeof d === 'object' && !Array.isArray(d) && !(d instanceof Tensor) && !(d instanceof Map);
    if (!isDict(hparamDict) || !isDict(metricDict)) throw new TypeError(`${op}: hparamDict and metricDict must be plain objects`);
    if (!isDict(hparamDomainDiscrete)) throw new TypeError(`${op}: hparamDomainDiscrete must be an object of arrays`);
    checkStepWall(op, globalStep, undefined);
    const hps: [string, HparamValue][] = [];
    for (const [k, v] of Object.entries(hparamDict)) {
      if (v === null || v === undefined) continue;
      if (v instanceof Tensor) hps.push([k, toScalar(op, v, `hparamDict[${JSON.stringify(k)}]`)]);
      else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') hps.push([k, v]);
      else throw new TypeError(`${op}: hparamDict[${JSON.stringify(k)}] must be a number, string, boolean, one-element Tensor or null; got ${typeof v}`);
    }
    const domains = new Map<string, HparamValue[]>();
    for (const [k, list] of Object.entries(hparamDomainDiscrete)) {
      const hv = hps.find(([name]) => name === k)?.[1];
      if (hv === undefined || !Array.isArray(list) || !list.every((d) => typeof d === typeof hv))
        throw new TypeError(`${op}: hparamDomainDiscrete[${JSON.stringify(k)}] should be a list of same type as hparamDict[${JSON.stringify(k)}]`);
      domains.set(k, list);
    }
    const metrics = Object.entries(metricDict).map(([k, v]) => {
      checkTag(op, k);
      return [k, toScalar(op, v, `metricDict[${JSON.stringify(k)}]`)] as const;
    });
    const run = runName || String(Date.now() / 1000);
    if (typeof run !== 'string' || run === '.' || run === '..' || /[/\\]/.test(run)) throw new RangeError(`${op}: runName must be a directory name, got ${JSON.stringify(run)}`);
    const { experiment, sessionStart, sessionEnd } = hparamsSummaries(hps, metrics.map(([k]) => k), domains);
    const hp = new SummaryWriter(path.join(this.fileWriter().logdir, run), { ...this.options });
    try {
      const fw = hp.fileWriter();
      fw.addSummary(experiment, globalStep, undefined);
      fw.addSummary(sessionStart, globalStep, undefined);
      fw.addSummary(sessionEnd, globalStep, undefined);
      for (const [k, v] of metrics) hp.addScalar(k, v, globalStep);
    } finally {
      hp.close();
    }
  }

  /** Writes every queued event to disk. */
  flush(): void {
    if (this.writers) for (const w of this.writers.values()) w.flush();
  }

  /** Flushes and closes every file; a later add* opens new files, as in PyTorch. */
  close(): void {
    if (!this.writers) return;
    const errors: Error[] = [];
    for (const w of this.writers.values()) {
      try {
        w.close();
      } catch (e) {
        errors.push(e as Error);
      }
    }
    this.writers = null;
    if (errors.length) throw errors[0];
  }
}

function checkTag(op: string, tag: unknown): void {
  if (typeof tag !== 'string' || tag === '') throw new TypeError(`${op}: tag must be a non-empty string, got ${tag === '' ? "''" : tag === null ? 'null' : typeof tag}`);
}
function checkStep(op: string, step: unknown, name = 'globalStep'): void {
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) throw new TypeError(`${op}: ${name} must be an integer, got ${typeof step === 'number' ? step : step === null ? 'null' : typeof step}`);
}
function checkStepWall(op: string, step: unknown, wall: unknown): void {
  if (step !== undefined) checkStep(op, step);
  if (wall !== undefined && (typeof wall !== 'number' || !Number.isFinite(wall) || wall < 0))
    throw new TypeError(`${op}: walltime must be seconds since the epoch (a finite number >= 0), got ${String(wall)}`);
}
function toScalar(op: string, v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v instanceof Tensor) {
    if (v.numel() !== 1) throw new RangeError(`${op}: ${what} must be a number or a one-element tensor; got a tensor of shape [${v.shape.join(', ')}]`);
    return v.item();
  }
  throw new TypeError(`${op}: ${what} must be a number or a one-element tensor, got ${v === null ? 'null' : typeof v}`);
}
function toValues(op: string, values: unknown): ArrayLike<number> {
  let arr: ArrayLike<number>;
  if (values instanceof Tensor) arr = values.data;
  else if (Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView))) arr = values as ArrayLike<number>;
  else throw new TypeError(`${op}: values must be a Tensor or an array of numbers, got ${values === null ? 'null' : typeof values}`);
  if (arr.length === 0) throw new RangeError(`${op}: values are empty; a histogram needs at least one value`);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== 'number') throw new TypeError(`${op}: values[${i}] is ${v === null ? 'null' : typeof v}, not a number`);
    if (!Number.isFinite(v)) throw new RangeError(`${op}: values must be finite; got ${v} at index ${i}`);
  }
  return arr;
}
