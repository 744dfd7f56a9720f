/**
 * CSV files to tensors: readCsv parses numeric tables (RFC 4180 quoting,
 * CRLF or LF, a UTF-8 BOM, blank lines skipped) into a float32 feature
 * matrix and an optional target column; CSVDataset wraps the result as a
 * TensorDataset. Every bad row is an Error naming the file, the line, the
 * column and the value.
 */
import { constants as bufferConstants } from 'buffer';
import { readRegularFile } from '../io/files';
import { Tensor, fromTypedArray } from '../tensor';
import { DType, arrayCtor, checkDtype } from '../dtype';
import { TensorDataset } from './dataset';
import { checkBool, checkOptions, describeValue } from '../ops/util';

export interface ReadCsvOptions {
  /** The first row names the columns (default true). */
  header?: boolean;
  /** Field separator (default ','). */
  delimiter?: string;
  /** The target column, by name (with a header) or index; its values go to `y` instead of `x`. */
  target?: string | number;
  /** Feature columns, by name or index (default: every column but the target). */
  columns?: (string | number)[];
  /** dtype of x (default float32). */
  dtype?: DType;
  /** dtype of y (default float32; int32 for class labels). */
  targetDtype?: DType;
  /** Cell texts read as NaN, an array (or Set) of strings (default: none; an empty cell is an error). */
  naValues?: string[] | Set<string>;
}

export interface CsvTable {
  /** Features (rows, features). */
  x: Tensor;
  /** The target column (rows), when `target` was given. */
  y: Tensor | null;
  /** Names of the feature columns (from the header, else "0", "1", ...). */
  columns: string[];
  /** Name of the target column. */
  targetColumn: string | null;
}

/** Splits CSV text into rows of fields, with the 1-based line where each row starts. */
export function parseCsvRows(text: string, delimiter = ',', source = 'CSV'): { fields: string[]; line: number }[] {
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
    throw new TypeError(`readCsv: delimiter must be one character other than a quote or a newline, got ${JSON.stringify(delimiter)}`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1, rowLine = 1;
  let i = 0, quoted = false, wasQuoted = false;
  const n = text.length;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !wasQuoted)) rows.push({ fields, line: rowLine });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (i < n && next !== delimiter && next !== '\n' && next !== '\r')
          throw new Error(`readCsv: ${source} line ${line}: unexpected ${JSON.stringify(next)} after a closing quote (field ${fields.length + 1})`);
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = wasQuoted = true;
      i++;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      i++;
    } else if (ch === '\n' || ch === '\r') {
      endRow();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw new Error(`readCsv: ${source}: a quoted field that starts on line ${rowLine} is never closed`);
  if (field !== '' || fields.length > 0 || wasQuoted) endRow();
  return rows;
}

/**
 * Reads a numeric CSV file (or text, with `{ text: true }`... see readCsvText) into tensors.
 * @example readCsv('housing.csv', { target: 'medv' })  // { x: (506, 13), y: (506), columns: [...] }
 */
export function readCsv(file: string, opts: ReadCsvOptions = {}): CsvTable {
  if (typeof file !== 'string') throw new TypeError(`readCsv: expects a file path, got ${typeof file}`);
  // A regular file only (a FIFO or /dev/zero would never end), small enough for one JS string.
  const bytes = readRegularFile('readCsv', file, file, bufferConstants.MAX_STRING_LENGTH, 'the longest string JavaScript can hold');
  return readCsvText(bytes.toString('utf8'), opts, file);
}

/** readCsv on CSV text already in memory (`source` names it in errors). */
export function readCsvText(text: string, opts: ReadCsvOptions = {}, source = 'CSV text'): CsvTable {
  const { header = true, delimiter = ',', target, columns, naValues = [] } = checkOptions('readCsv', opts,
    ['header', 'delimiter', 'target', 'columns', 'dtype', 'targetDtype', 'naValues'], "{ target: 'label' }");
  checkBool('readCsv', 'header', header);
  if (!Array.isArray(columns) && columns !== undefined)
    throw new TypeError(`readCsv: columns must be an array of column names or indices, got ${describeValue(columns)}`);
  // A string is iterable: naValues: 'NA' would become Set { 'N', 'A' }.
  if (!(Array.isArray(naValues) || naValues instanceof Set) || [...naValues].some((v) => typeof v !== 'string'))
    throw new TypeError(`readCsv: naValues must be an array (or Set) of strings like ['NA', ''], got ${describeValue(naValues)}`);
  const dtype = checkDtype('readCsv', opts.dtype ?? 'float32');
  const targetDtype = checkDtype('readCsv', opts.targetDtype ?? 'float32');
  if (typeof text !== 'string') throw new TypeError(`readCsv: expects CSV text, got ${typeof text}`);
  const rows = parseCsvRows(text, delimiter, source);
  if (rows.length === 0) throw new Error(`readCsv: ${source} is empty`);
  const width = rows[0].fields.length;
  const names = header ? rows[0].fields.map((s) => s.trim()) : rows[0].fields.map((_, i) => String(i));
  const body = header ? rows.slice(1) : rows;
  const colIndex = (c: string | number, what: string): number => {
    if (typeof c !== 'string' && typeof c !== 'number')
      throw new TypeError(`readCsv: ${what} column must be a name (string) or an index (number), got ${describeValue(c)}`);
    if (typeof c === 'number') {
      if (!Number.isInteger(c) || c < -width || c >= width) throw new RangeError(`readCsv: ${what} column ${c} out of range for ${width} columns`);
      return c < 0 ? c + width : c;
    }
    const k = names.indexOf(c);
    if (k < 0) throw new RangeError(`readCsv: ${what} column '${c}' not found${header ? `; the header has ${names.map((s) => `'${s}'`).join(', ')}` : ' (there is no header: name columns by index)'}`);
    return k;
  };
  const t = target === undefined ? -1 : colIndex(target, 'target');
  const feats = columns ? columns.map((c) => colIndex(c, 'feature')) : names.map((_, i) => i).filter((i) => i !== t);
  if (t >= 0 && feats.includes(t)) throw new RangeError(`readCsv: the target column '${names[t]}' is also listed among the feature columns`);
  const x = new (arrayCtor(dtype))(body.length * feats.length);
  const y = t >= 0 ? new (arrayCtor(targetDtype))(body.length) : null;
  const na = new Set(naValues);
  const num = (s: string, line: number, col: number, dt: DType): number => {
    const v = s.trim();
    if (na.has(v)) {
      if (dt === 'int32') throw new Error(`readCsv: ${source} line ${line}, column ${col + 1} ('${names[col]}'): "${s}" is missing and int32 has no NaN`);
      return NaN;
    }
    const n = v === '' ? NaN : Number(v);
    if (Number.isNaN(n) && v.toLowerCase() !== 'nan')
      throw new Error(`readCsv: ${source} line ${line}, column ${col + 1} ('${names[col]}'): ${v === '' ? 'empty cell' : JSON.stringify(s) + ' is not a number'}${v === '' ? ' (list the texts of missing values in naValues to read them as NaN)' : ''}`);
    if (dt === 'int32' && !(Number.isInteger(n) && n >= -2147483648 && n <= 2147483647))
      throw new Error(`readCsv: ${source} line ${line}, column ${col + 1} ('${names[col]}'): ${JSON.stringify(s)} is not an int32 class index`);
    return n;
  };
  body.forEach(({ fields, line }, r) => {
    if (fields.length !== width)
      throw new Error(`readCsv: ${source} line ${line} has ${fields.length} fields, expected ${width} (as in ${header ? 'the header' : 'the first row'} on line ${rows[0].line})`);
    feats.forEach((c, j) => (x[r * feats.length + j] = num(fields[c], line, c, dtype)));
    if (y) y[r] = num(fields[t], line, t, targetDtype);
  });
  return {
    x: fromTypedArray(x, [body.length, feats.length]),
    y: y ? fromTypedArray(y, [body.length]) : null,
    columns: feats.map((c) => names[c]),
    targetColumn: t >= 0 ? names[t] : null,
  };
}

/**
 * A CSV file as a dataset: item i is [features (F), target] with a target
 * column, else [features (F)]. A TensorDataset, so batches are gathered in
 * one native call and workers share its tensors.
 * @example new CSVDataset('iris.csv', { target: 'species', targetDtype: 'int32' })
 */
export class CSVDataset extends TensorDataset {
  readonly columns: string[];
  readonly targetColumn: string | null;
  constructor(readonly file: string, opts: ReadCsvOptions = {}) {
    const table = readCsv(file, opts);
    super(...(table.y ? [table.x, table.y] : [table.x]));
    this.columns = table.columns;
    this.targetColumn = table.targetColumn;
  }
  get x(): Tensor {
    return this.tensors[0];
  }
  get y(): Tensor | null {
    return this.tensors[1] ?? null;
  }
}
