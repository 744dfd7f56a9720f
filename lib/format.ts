/** Tensor printing that reads like PyTorch's repr (4 decimals, sci mode, summarisation). */
import type { DType } from './dtype';

const LINE_WIDTH = 80;
const THRESHOLD = 1000;
const EDGE = 3;

interface Formatter {
  width: number;
  fmt(v: number): string;
}

/**
 * True when |v| lies exactly halfway between two multiples of 10^-k (k < 0:
 * of 10^|k|). A double is dyadic, so for k >= 0 that happens exactly when
 * v * 2^(k+1) is an odd integer.
 */
function isDecimalTie(v: number, k: number): boolean {
  v = Math.abs(v);
  if (k >= 0) {
    const m = v * 2 ** (k + 1);
    return m < 2 ** 53 && Number.isInteger(m) && m % 2 === 1;
  }
  if (!Number.isInteger(v) || v >= 2 ** 53) return false;
  const q = v / (5 ** -k * 2 ** (-k - 1));
  return Number.isInteger(q) && q % 2 === 1;
}

/** Python's '{:.<d>f}': like toFixed, but ties round to even and -0 keeps its sign. */
function pyFixed(v: number, d: number): string {
  let s = v.toFixed(d);
  if (isDecimalTie(v, d) && Number(s[s.length - 1]) % 2 === 1)
    s = (Math.sign(v) * (Math.abs(v) - 0.5 * 10 ** -d)).toFixed(d);
  return Object.is(v, -0) ? '-' + s : s;
}

/** Python's '{:.<d>e}': mantissa ties to even, the exponent with a sign and at least two digits. */
function pyExp(v: number, d: number): string {
  let s = v.toExponential(d);
  const e = Number(s.slice(s.indexOf('e') + 1));
  const m = s.slice(0, s.indexOf('e'));
  if (isDecimalTie(v, d - e) && Number(m[m.length - 1]) % 2 === 1)
    s = (Math.sign(v) * (Math.abs(v) - 0.5 * 10 ** (e - d))).toExponential(d);
  const [mant, ex] = s.split('e');
  const exp = Number(ex);
  const sign = Object.is(v, -0) ? '-' : '';
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/**
 * PyTorch's _Formatter (torch/_tensor_str.py): the mode (integers, fixed or
 * scientific) and the column width are chosen from the non-zero finite values
 * only, so nan, inf and 0 do not widen the columns.
 */
function makeFormatter(values: ArrayLike<number>, dtype: DType): Formatter {
  if (dtype === 'int32') {
    let width = 1;
    for (let i = 0; i < values.length; i++) width = Math.max(width, String(values[i]).length);
    return { width, fmt: (v) => String(v) };
  }
  const nonzero: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && values[i] !== 0) nonzero.push(values[i]);
  let intMode = true;
  for (const v of nonzero) if (v !== Math.ceil(v)) { intMode = false; break; }
  let sci = false;
  if (nonzero.length > 0) {
    let mx = 0, mn = Infinity;
    for (const v of nonzero) { mx = Math.max(mx, Math.abs(v)); mn = Math.min(mn, Math.abs(v)); }
    sci = mx / mn > 1000 || mx > 1e8 || (!intMode && mn < 1e-4);
  }
  const one = (v: number): string => {
    if (Number.isNaN(v)) return 'nan';
    if (v === Infinity) return 'inf';
    if (v === -Infinity) return '-inf';
    if (sci) return pyExp(v, 4);
    if (intMode) return `${pyFixed(v, 0)}.`;
    return pyFixed(v, 4);
  };
  let width = 1;
  for (const v of nonzero) width = Math.max(width, one(v).length);
  return { width, fmt: one };
}

/** Indices of a dim kept when summarising. */
function keptIndices(size: number, summarise: boolean): (number | null)[] {
  if (!summarise || size <= 2 * EDGE) return Array.from({ length: size }, (_, i) => i);
  const out: (number | null)[] = [];
  for (let i = 0; i < EDGE; i++) out.push(i);
  out.push(null);
  for (let i = size - EDGE; i < size; i++) out.push(i);
  return out;
}

export function formatTensor(data: ArrayLike<number>, shape: readonly number[], dtype: DType, suffixes: string[]): string {
  const prefix = 'tensor(';
  const numel = data.length;
  const summarise = numel > THRESHOLD;
  // Collect the values that will be shown, to pick one format for all.
  const strides: number[] = [];
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { strides[d] = acc; acc *= shape[d]; }
  const shown: number[] = [];
  const collect = (d: number, base: number): void => {
    if (d === shape.length) { shown.push(data[base]); return; }
    for (const i of keptIndices(shape[d], summarise)) if (i !== null) collect(d + 1, base + i * strides[d]);
  };
  let body: string;
  if (numel === 0) {
    body = '[]';
    if (shape.length !== 1) suffixes = [`size=(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`, ...suffixes];
  } else {
    collect(0, 0);
    const f = makeFormatter(shown, dtype);
    const cell = (v: number): string => f.fmt(v).padStart(f.width);
    const rec = (d: number, base: number, indent: number): string => {
      const kept = keptIndices(shape[d], summarise);
      if (d === shape.length - 1) {
        // PyTorch's _vector_str: a fixed number of cells per line, from the
        // line width and the cell width; the summary cell is ' ...'.
        const cells = kept.map((i) => (i === null ? ' ...' : cell(data[base + i * strides[d]])));
        const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (f.width + 2)));
        const lines: string[] = [];
        for (let i = 0; i < cells.length; i += perLine) lines.push(cells.slice(i, i + perLine).join(', '));
        return `[${lines.join(',\n' + ' '.repeat(indent + 1))}]`;
      }
      const items = kept.map((i) => (i === null ? '...' : rec(d + 1, base + i * strides[d], indent + 1)));
      const sep = ',' + '\n'.repeat(Math.max(1, shape.length - d - 1)) + ' '.repeat(indent + 1);
      return `[${items.join(sep)}]`;
    };
    body = shape.length === 0 ? cell(data[0]) : rec(0, 0, prefix.length);
  }
  const tail = suffixes.length ? ', ' + suffixes.join(', ') : '';
  return `${prefix}${body}${tail})`;
}
