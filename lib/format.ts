/** Tensor printing that reads like PyTorch's repr (4 decimals, sci mode, summarisation). */
import type { DType } from './dtype';

const LINE_WIDTH = 80;
const THRESHOLD = 1000;
const EDGE = 3;

interface Formatter {
  width: number;
  fmt(v: number): string;
}

function makeFormatter(values: ArrayLike<number>, dtype: DType): Formatter {
  if (dtype === 'int32') {
    let width = 1;
    for (let i = 0; i < values.length; i++) width = Math.max(width, String(values[i]).length);
    return { width, fmt: (v) => String(v) };
  }
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  let intMode = true;
  for (const v of finite) if (v !== Math.ceil(v)) { intMode = false; break; }
  const nonzero = finite.map(Math.abs).filter((v) => v !== 0);
  let sci = false;
  if (nonzero.length > 0) {
    const mx = Math.max(...nonzero), mn = Math.min(...nonzero);
    if (intMode) sci = mx > 1e8;
    else sci = mx / mn > 1000 || mx > 1e8 || mn < 1e-4;
  }
  const one = (v: number): string => {
    if (Number.isNaN(v)) return 'nan';
    if (v === Infinity) return 'inf';
    if (v === -Infinity) return '-inf';
    if (sci) {
      const [m, e] = v.toExponential(4).split('e');
      const exp = Number(e);
      return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    }
    if (intMode) return `${v.toFixed(0)}.`;
    return v.toFixed(4);
  };
  let width = 1;
  for (let i = 0; i < values.length; i++) width = Math.max(width, one(values[i]).length);
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
      if (d === shape.length) return cell(data[base]);
      const items = keptIndices(shape[d], summarise).map((i) =>
        i === null ? '...' : rec(d + 1, base + i * strides[d], indent + 1));
      if (d === shape.length - 1) {
        // Wrap the innermost row at the line width like PyTorch.
        const lines: string[] = [];
        let line = '';
        const maxLen = LINE_WIDTH - indent - 1;
        for (const it of items) {
          const piece = line ? `${line}, ${it}` : it;
          if (line && piece.length > maxLen) { lines.push(line + ','); line = it; } else line = piece;
        }
        lines.push(line);
        return `[${lines.join('\n' + ' '.repeat(indent + 1))}]`;
      }
      const sep = ',' + '\n'.repeat(Math.max(1, shape.length - d - 1)) + ' '.repeat(indent + 1);
      return `[${items.join(sep)}]`;
    };
    body = shape.length === 0 ? f.fmt(data[0]) : rec(0, 0, prefix.length);
  }
  const tail = suffixes.length ? ', ' + suffixes.join(', ') : '';
  return `${prefix}${body}${tail})`;
}
