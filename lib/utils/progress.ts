/**
 * A progress bar for training loops (in the spirit of tqdm): items done out of
 * total, items/s, elapsed time and ETA, and the metrics you pass (loss,
 * accuracy, ...).
 *
 * On a terminal it redraws one line in place (at most every minInterval
 * seconds); elsewhere (a log file, CI, a pipe) it prints plain lines, one at
 * each logEveryPercent of the total or logEverySecs since the last line,
 * whichever comes first, and a last line on close().
 *
 *   for (let epoch = 1; epoch <= epochs; epoch++) {
 *     const bar = new torch.utils.ProgressBar({ total: loader.length, desc: `epoch ${epoch}/${epochs}`, unit: 'batch' });
 *     for (const [x, y] of bar.iter(loader)) {
 *       ...
 *       bar.set({ loss: loss.item(), acc: correct / seen });
 *     }
 *   }
 *
 * TTY:      epoch 2/10  45% [=========>           ] 45/100  00:12<00:15  3.75 batch/s  loss 0.2345  acc 91.20%
 * Not TTY:  epoch 2/10  50% 50/100  00:13<00:13  3.75 batch/s  loss 0.2301  acc 91.50%
 * A metric whose name contains "acc" and whose value is in [0, 1] shows as a percentage.
 */

/** Where the bar writes: process.stdout by default, or any object with write(). */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Items expected; without it there is no percentage or ETA. */
  total?: number;
  /** Text in front, e.g. 'epoch 3/10'. */
  desc?: string;
  /** What an item is, for the rate: 'it' (default), 'batch', 'sample', ... */
  unit?: string;
  stream?: ProgressStream;
  /** Redraw in place (default: stream.isTTY). */
  tty?: boolean;
  /** TTY: seconds between redraws (default 0.1). */
  minInterval?: number;
  /** Not a TTY: a line each time this percentage of the total is passed (default 10). */
  logEveryPercent?: number;
  /** Not a TTY: a line at least this often, in seconds (default 30). */
  logEverySecs?: number;
  /** TTY: bar width in characters (default 20). */
  barWidth?: number;
  /** Clock in milliseconds (default Date.now; tests pass a fake one). */
  now?: () => number;
}

type Metrics = Record<string, number>;

function checkNumber(what: string, v: unknown, min: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v)))
    throw new RangeError(`ProgressBar: ${what} must be a${integer ? 'n integer' : ' finite number'} >= ${min}, got ${String(v)}`);
  return v;
}

/** 75 -> '01:15'; 3725 -> '1:02:05'. */
export function formatDuration(secs: number): string {
  if (!Number.isFinite(secs) || secs < 0) return '--:--';
  const s = Math.round(secs);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const p = (n: number): string => String(n).padStart(2, '0');
  return h ? `${h}:${p(m)}:${p(r)}` : `${p(m)}:${p(r)}`;
}

/** A metric value: 4 significant digits, exponent when very large or small; 'acc' in [0, 1] as a percentage. */
export function formatMetric(name: string, v: number): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isNaN(v) || !Number.isFinite(v)) return String(v);
  if (/acc/i.test(name) && v >= 0 && v <= 1) return `${(100 * v).toFixed(2)}%`;
  const a = Math.abs(v);
  if (v !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

function formatRate(r: number): string {
  if (!Number.isFinite(r) || r <= 0) return '?';
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

export class ProgressBar {
  readonly total: number | undefined;
  readonly desc: string;
  readonly unit: string;
  /** Items done. */
  n = 0;
  private metrics: Metrics = {};
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly minInterval: number;
  private readonly logEveryPercent: number;
  private readonly logEverySecs: number;
  private readonly barWidth: number;
  private readonly now: () => number;
  private readonly start: number;
  private lastDraw = -Infinity;
  private lastLogPercentStep = 0;
  private lastLogTime: number;
  private closed = false;
  private broken = false;

  constructor({ total, desc = '', unit = 'it', stream, tty, minInterval = 0.1, logEveryPercent = 10, logEverySecs = 30, barWidth = 20, now = Date.now }: ProgressOptions = {}) {
    if (total !== undefined) checkNumber('total', total, 0);
    if (typeof desc !== 'string') throw new TypeError(`ProgressBar: desc must be a string, got ${typeof desc}`);
    if (typeof unit !== 'string') throw new TypeError(`ProgressBar: unit must be a string, got ${typeof unit}`);
    checkNumber('minInterval', minInterval, 0);
    checkNumber('logEveryPercent', logEveryPercent, 0);
    checkNumber('logEverySecs', logEverySecs, 0);
    checkNumber('barWidth', barWidth, 1, true);
    if (typeof now !== 'function') throw new TypeError('ProgressBar: now must be a function returning milliseconds');
    this.stream = stream ?? process.stdout;
    if (!this.stream || typeof this.stream.write !== 'function') throw new TypeError('ProgressBar: stream must have a write(string) method');
    this.total = total;
    this.desc = desc;
    this.unit = unit;
    this.tty = tty ?? Boolean(this.stream.isTTY);
    this.minInterval = minInterval * 1000;
    this.logEveryPercent = logEveryPercent;
    this.logEverySecs = logEverySecs * 1000;
    this.barWidth = barWidth;
    this.now = now;
    this.start = now();
    this.lastLogTime = this.start;
    if (this.tty) this.draw(this.start);
  }

  /** Seconds since the bar was made. */
  get elapsed(): number {
    return Math.max(0, this.now() - this.start) / 1000;
  }
  /** Items per second, averaged since the start. */
  get rate(): number {
    const e = this.elapsed;
    return e > 0 ? this.n / e : 0;
  }

  /** Sets metrics to show (merged with the ones set before); redraws on a TTY if due. */
  set(metrics: Metrics): void {
    if (metrics === null || typeof metrics !== 'object') throw new TypeError('ProgressBar.set: metrics must be an object of numbers, e.g. { loss: 0.25 }');
    for (const [k, v] of Object.entries(metrics)) {
      if (typeof v !== 'number') throw new TypeError(`ProgressBar.set: metric '${k}' must be a number, got ${v === null ? 'null' : typeof v}`);
      this.metrics[k] = v;
    }
  }

  /** Adds n items done (default 1), with optional metrics. */
  update(n = 1, metrics?: Metrics): void {
    if (this.closed) throw new Error('ProgressBar.update: the bar is closed');
    checkNumber('update(n): n', n, 0);
    if (metrics) this.set(metrics);
    this.n += n;
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDraw >= this.minInterval || (this.total !== undefined && this.n >= this.total)) this.draw(t);
      return;
    }
    let due = this.logEverySecs > 0 && t - this.lastLogTime >= this.logEverySecs;
    if (this.total && this.logEveryPercent > 0) {
      const step = Math.floor(Math.min(100, (100 * this.n) / this.total) / this.logEveryPercent);
      if (step > this.lastLogPercentStep) {
        this.lastLogPercentStep = step;
        due = true;
      }
    }
    if (due) {
      this.lastLogTime = t;
      this.write(this.line(t, false) + '\n');
    }
  }

  /** Ends the bar: the final state stays on screen (TTY) or is logged as a last line. */
  close(metrics?: Metrics): void {
    if (this.closed) return;
    if (metrics) this.set(metrics);
    this.closed = true;
    const t = this.now();
    if (this.tty) {
      this.draw(t);
      this.write('\n');
    } else this.write(this.line(t, false, true) + '\n');
  }

  /** Iterates `items`, counting one per item; closes the bar at the end (also on break or throw). */
  *iter<T>(items: Iterable<T>): Generator<T> {
    try {
      for (const x of items) {
        yield x;
        this.update(1);
      }
    } finally {
      this.close();
    }
  }

  /** The text of the bar at time t (ms). */
  private line(t: number, withBar: boolean, done = false): string {
    const secs = Math.max(0, t - this.start) / 1000;
    const rate = secs > 0 ? this.n / secs : 0;
    const parts: string[] = [];
    if (this.desc) parts.push(this.desc);
    const count = Number.isInteger(this.n) ? String(this.n) : this.n.toFixed(1);
    if (this.total !== undefined) {
      const frac = this.total > 0 ? Math.min(1, this.n / this.total) : 1;
      const pct = `${Math.floor(100 * frac)}%`.padStart(4);
      if (withBar) {
        const full = Math.floor(frac * this.barWidth);
        const bar = '='.repeat(full) + (full < this.barWidth ? '>' : '') + ' '.repeat(Math.max(0, this.barWidth - full - 1));
        parts.push(`${pct} [${bar}] ${count}/${this.total}`);
      } else parts.push(done ? `done ${count}/${this.total}` : `${pct} ${count}/${this.total}`);
      const eta = rate > 0 ? (this.total - this.n) / rate : NaN;
      parts.push(done ? `in ${formatDuration(secs)}` : `${formatDuration(secs)}<${formatDuration(eta)}`);
    } else parts.push(done ? `done ${count} in ${formatDuration(secs)}` : `${count}  ${formatDuration(secs)}`);
    parts.push(`${formatRate(rate)} ${this.unit}/s`);
    for (const [k, v] of Object.entries(this.metrics)) parts.push(`${k} ${formatMetric(k, v)}`);
    return parts.join('  ');
  }

  private draw(t: number): void {
    this.lastDraw = t;
    let s = this.line(t, true);
    const cols = this.stream.columns;
    if (cols && s.length > cols - 1) s = s.slice(0, Math.max(0, cols - 1));
    this.write(`\r${s}\x1b[K`); // carriage return, the line, clear what an older longer line left
  }

  /** A progress bar must never stop training: a stream that fails (EPIPE, closed) turns the bar off. */
  private write(s: string): void {
    if (this.broken) return;
    try {
      this.stream.write(s);
    } catch {
      this.broken = true;
    }
  }
}

/**
 * Wraps an iterable in a progress bar (total from its length or size when it
 * has one). For metrics, make a ProgressBar and use bar.iter() and bar.set().
 * @example for (const batch of progress(loader, { desc: 'epoch 1' })) { ... }
 */
export function progress<T>(items: Iterable<T>, options: ProgressOptions = {}): Generator<T> {
  const o = items as { length?: unknown; size?: unknown };
  const total = options.total ?? (typeof o.length === 'number' ? o.length : typeof o.size === 'number' ? o.size : undefined);
  return new ProgressBar({ ...options, total }).iter(items);
}
