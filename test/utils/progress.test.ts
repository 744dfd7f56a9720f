// utils.ProgressBar: redraws one line in place on a TTY, prints plain lines
// (every N% or every few seconds) elsewhere; a fake stream and a fake clock.
import * as torch from 'torchlet';

const { ProgressBar, progress } = torch.utils;

class FakeStream {
  out = '';
  constructor(public isTTY: boolean, public columns?: number) {}
  write(s: string): boolean {
    this.out += s;
    return true;
  }
  /** Non-TTY output as lines. */
  lines(): string[] {
    return this.out.split('\n').filter((l) => l !== '');
  }
  /** What a terminal shows: each '\r' returns to the start of the line, '\x1b[K' clears the rest. */
  screen(): string[] {
    return this.out.split('\n').map((l) => {
      const frames = l.split('\r');
      return frames[frames.length - 1].replace(/\x1b\[K$/, '');
    }).filter((l) => l !== '');
  }
}
function clock(): { now: () => number; advance: (secs: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (s) => (t += s * 1000) };
}

test('TTY: one line redrawn in place with %, bar, count, elapsed<ETA, rate and metrics; close() leaves it with a newline', () => {
  const s = new FakeStream(true), c = clock();
  const bar = new ProgressBar({ total: 100, desc: 'epoch 2/10', unit: 'batch', stream: s, now: c.now, barWidth: 20 });
  for (let i = 0; i < 45; i++) {
    c.advance(0.25);
    bar.update(1, { loss: 0.23451, acc: 0.912 });
  }
  expect(s.out).not.toContain('\n');
  expect(s.out.split('\r').length).toBeGreaterThan(40); // redrawn, not appended
  expect(s.screen()).toEqual(['epoch 2/10   45% [=========>          ] 45/100  00:11<00:14  4.00 batch/s  loss 0.2345  acc 91.20%']);
  for (let i = 45; i < 100; i++) {
    c.advance(0.25);
    bar.update(1);
  }
  bar.close();
  expect(s.out.endsWith('\n')).toBe(true);
  expect(s.screen()).toEqual(['epoch 2/10  100% [====================] 100/100  00:25<00:00  4.00 batch/s  loss 0.2345  acc 91.20%']);
  expect(s.out).toContain('\x1b[K'); // clears what a longer older line left
});

test('TTY: redraws at most every minInterval, and always at the end; lines fit the terminal width', () => {
  const s = new FakeStream(true, 40), c = clock();
  const bar = new ProgressBar({ total: 1000, stream: s, now: c.now, minInterval: 0.1 });
  for (let i = 0; i < 1000; i++) {
    c.advance(0.001); // 1 ms per item: 1 s in all
    bar.update();
  }
  const draws = s.out.split('\r').length - 1;
  expect(draws).toBeGreaterThanOrEqual(10);
  expect(draws).toBeLessThanOrEqual(13); // the first draw, ~10 timed ones, the last one
  for (const frame of s.out.split('\r')) expect(frame.replace('\x1b[K', '').length).toBeLessThanOrEqual(39);
});

test('not a TTY: plain lines at each 10% and a final line; no carriage returns or escapes', () => {
  const s = new FakeStream(false), c = clock();
  const bar = new ProgressBar({ total: 50, desc: 'epoch 1/3', unit: 'batch', stream: s, now: c.now });
  for (let i = 0; i < 50; i++) {
    c.advance(0.1);
    bar.update(1, { loss: 1 / (i + 1) });
  }
  bar.close({ acc: 0.5 });
  expect(s.out).not.toMatch(/[\r\x1b]/);
  const lines = s.lines();
  expect(lines).toHaveLength(11);
  expect(lines[0]).toBe('epoch 1/3   10% 5/50  00:01<00:05  10.0 batch/s  loss 0.2');
  expect(lines[4]).toBe('epoch 1/3   50% 25/50  00:03<00:03  10.0 batch/s  loss 0.04');
  expect(lines[10]).toBe('epoch 1/3  done 50/50  in 00:05  10.0 batch/s  loss 0.02  acc 50.00%');
});

test('not a TTY: slow progress logs at least every logEverySecs; fast progress at most once per percentage step', () => {
  const s = new FakeStream(false), c = clock();
  const bar = new ProgressBar({ total: 1000, stream: s, now: c.now, logEverySecs: 5, logEveryPercent: 50 });
  for (let i = 0; i < 20; i++) {
    c.advance(1);
    bar.update(); // 2% in 20 s: time-based lines only
  }
  expect(s.lines()).toHaveLength(4);
  expect(s.lines()[0]).toMatch(/^\s*0% 5\/1000  00:05<16:35  1.00 it\/s$/);
  bar.update(500); // passes 50%
  expect(s.lines()).toHaveLength(5);
  expect(s.lines()[4]).toMatch(/^ 52% 520\/1000/);
});

test('unknown total: count, elapsed and rate, no percentage', () => {
  const s = new FakeStream(false), c = clock();
  const bar = new ProgressBar({ stream: s, now: c.now, logEverySecs: 2, unit: 'sample' });
  for (let i = 0; i < 5; i++) {
    c.advance(1);
    bar.update(64);
  }
  bar.close();
  expect(s.lines()).toEqual(['128  00:02  64.0 sample/s', '256  00:04  64.0 sample/s', 'done 320 in 00:05  64.0 sample/s']);
});

test('iter() and progress(): one update per item, closed at the end or on break', () => {
  const s = new FakeStream(false), c = clock();
  const seen: number[] = [];
  for (const x of progress([1, 2, 3, 4], { stream: s, now: c.now, desc: 'items' })) {
    c.advance(1);
    seen.push(x);
  }
  expect(seen).toEqual([1, 2, 3, 4]);
  expect(s.lines().at(-1)).toBe('items  done 4/4  in 00:04  1.00 it/s');

  const s2 = new FakeStream(false);
  const bar = new ProgressBar({ total: 10, stream: s2, now: c.now });
  for (const x of bar.iter([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])) if (x === 2) break;
  expect(bar.n).toBe(2);
  expect(s2.lines().at(-1)).toMatch(/done 2\/10/);
  expect(() => bar.update()).toThrow(/ProgressBar.update: the bar is closed/);
});

test('metric formatting: 4 significant digits, exponents for tiny/huge values, accuracy as a percentage', () => {
  const s = new FakeStream(false), c = clock();
  const bar = new ProgressBar({ total: 1, stream: s, now: c.now });
  c.advance(2);
  bar.close({ loss: 1.23456789, lr: 1e-4, acc: 0.9, top5Acc: 1, count: 12345, big: 3e7, nan: NaN, n: -0.5 });
  expect(s.lines()[0]).toBe('done 0/1  in 00:02  ? it/s  loss 1.235  lr 1.000e-4  acc 90.00%  top5Acc 100.00%  count 12345  big 3.000e+7  nan NaN  n -0.5');
});

test('a stream that throws (closed pipe) turns the bar off instead of stopping training', () => {
  const bar = new ProgressBar({ total: 3, stream: { isTTY: true, write: () => { throw new Error('EPIPE'); } } });
  expect(() => {
    bar.update();
    bar.update();
    bar.close();
  }).not.toThrow();
});

test('bad options and updates: clear errors', () => {
  const s = new FakeStream(false);
  expect(() => new ProgressBar({ total: -1, stream: s })).toThrow(/ProgressBar: total must be a finite number >= 0, got -1/);
  expect(() => new ProgressBar({ total: NaN, stream: s })).toThrow(/ProgressBar: total must be a finite number >= 0, got NaN/);
  expect(() => new ProgressBar({ barWidth: 0, stream: s })).toThrow(/ProgressBar: barWidth must be an integer >= 1, got 0/);
  expect(() => new ProgressBar({ stream: {} as never })).toThrow(/ProgressBar: stream must have a write\(string\) method/);
  const bar = new ProgressBar({ total: 3, stream: s });
  expect(() => bar.update(-1)).toThrow(/ProgressBar: update\(n\): n must be a finite number >= 0, got -1/);
  expect(() => bar.set({ loss: '0.5' as unknown as number })).toThrow(/ProgressBar.set: metric 'loss' must be a number, got string/);
});
