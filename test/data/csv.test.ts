// CSV to tensors: header, quoting, target column, dtypes, CSVDataset, and
// the errors for ragged rows and non-numeric cells.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from 'torchlet';
import { values } from '../fixtures/nn';
import { errorsInChild } from '../io/child_lib';
import { tmpdir } from './helpers';

const { data } = torch;

function file(text: string): string {
  const p = path.join(tmpdir(), 'd.csv');
  fs.writeFileSync(p, text);
  return p;
}

describe('readCsv', () => {
  test('header, features and a target column by name', () => {
    const t = data.readCsv(file('a,b,label\n1,2,0\n3.5,-4,1\n'), { target: 'label', targetDtype: 'int32' });
    expect(t.x.shape).toEqual([2, 2]);
    expect(values(t.x)).toEqual([1, 2, 3.5, -4]);
    expect(t.y!.dtype).toBe('int32');
    expect(values(t.y!)).toEqual([0, 1]);
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.targetColumn).toBe('label');
  });

  test('no header; target by index (negative from the end); chosen columns; other delimiters', () => {
    const t = data.readCsv(file('1;2;3\n4;5;6'), { header: false, delimiter: ';', target: -1, columns: [1] });
    expect(values(t.x)).toEqual([2, 5]);
    expect(values(t.y!)).toEqual([3, 6]);
    expect(t.columns).toEqual(['1']);
    const all = data.readCsv(file('1,2\n3,4\n'), { header: false, dtype: 'float64' });
    expect(all.y).toBe(null);
    expect(all.x.dtype).toBe('float64');
  });

  test('quotes, CRLF, a BOM, blank lines, NaN texts, exponents', () => {
    const t = data.readCsvText('\ufeff"x, first","y"\r\n"1e3",2\r\n\r\n"-0.5",NA\r\n', { naValues: ['NA'] });
    expect(t.columns).toEqual(['x, first', 'y']);
    expect(values(t.x)).toEqual([1000, 2, -0.5, NaN]);
    expect(data.readCsvText('"say ""hi"""\n1\n').columns).toEqual(['say "hi"']);
  });

  test('a ragged row', () => {
    const p = file('a,b,c\n1,2,3\n4,5\n');
    expect(() => data.readCsv(p)).toThrow(new RegExp(`^readCsv: ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 3 has 2 fields, expected 3 \\(as in the header on line 1\\)$`));
  });

  test('a non-numeric cell, an empty cell, a non-integer class', () => {
    expect(() => data.readCsvText('a,b\n1,2\n3,abc\n', {}, 'd.csv')).toThrow(/^readCsv: d.csv line 3, column 2 \('b'\): "abc" is not a number$/);
    expect(() => data.readCsvText('a,b\n1,\n', {}, 'd.csv')).toThrow(/^readCsv: d.csv line 2, column 2 \('b'\): empty cell \(list the texts of missing values in naValues to read them as NaN\)$/);
    expect(() => data.readCsvText('a,y\n1,0.5\n', { target: 'y', targetDtype: 'int32' }, 'd.csv')).toThrow(/^readCsv: d.csv line 2, column 2 \('y'\): "0.5" is not an int32 class index$/);
  });

  test('malformed quoting; unknown columns; empty input', () => {
    expect(() => data.readCsvText('a\n"x"y\n')).toThrow(/^readCsv: CSV text line 2: unexpected "y" after a closing quote \(field 1\)$/);
    expect(() => data.readCsvText('a\n"open\n')).toThrow(/a quoted field that starts on line 2 is never closed/);
    expect(() => data.readCsvText('a,b\n1,2\n', { target: 'z' })).toThrow(/^readCsv: target column 'z' not found; the header has 'a', 'b'$/);
    expect(() => data.readCsvText('')).toThrow(/^readCsv: CSV text is empty$/);
    expect(() => data.readCsv('/nonexistent.csv')).toThrow(/^readCsv: cannot read \/nonexistent.csv: ENOENT/);
  });

  (process.platform === 'win32' ? test.skip : test)('a FIFO, a device, a directory: refused before reading (no hang, no endless read)', () => {
    const dir = tmpdir();
    const fifo = path.join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const got = errorsInChild([fifo, '/dev/zero', dir].map((p) => `torch.data.readCsv(${JSON.stringify(p)})`)
      .concat(`new torch.data.datasets.CSVDataset(${JSON.stringify(fifo)})`));
    expect(got).toEqual([
      `readCsv: cannot read ${fifo}: it is a named pipe (FIFO), not a regular file`,
      'readCsv: cannot read /dev/zero: it is a character device, not a regular file',
      `readCsv: cannot read ${dir}: it is a directory, not a regular file`,
      `readCsv: cannot read ${fifo}: it is a named pipe (FIFO), not a regular file`,
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  test('a file too large for one JavaScript string is refused before it is read', () => {
    const p = file('a\n1\n');
    fs.truncateSync(p, 2 ** 30); // sparse
    expect(() => data.readCsv(p)).toThrow(/^readCsv: cannot read .*d.csv: it is 1073741824 bytes, more than the longest string JavaScript can hold \(\d+ bytes\)$/);
    fs.rmSync(p);
  });
});

describe('CSVDataset', () => {
  test('items and batches', () => {
    const ds = new data.datasets.CSVDataset(file('f1,f2,y\n0,1,1\n2,3,0\n4,5,1\n'), { target: 'y', targetDtype: 'int32' });
    expect(ds.length).toBe(3);
    expect(ds.columns).toEqual(['f1', 'f2']);
    const [x, y] = ds.getItem(1);
    expect(values(x)).toEqual([2, 3]);
    expect(y.item()).toBe(0);
    const [[xb, yb]] = [...new data.DataLoader(ds, { batchSize: 3 })];
    expect(xb.shape).toEqual([3, 2]);
    expect(values(yb)).toEqual([1, 0, 1]);
  });
});

describe('readCsv options are strict', () => {
  const text = 'a,b\n1,NA\n';
  test('naValues must be an array (or Set) of strings, not a string split into characters', () => {
    expect(() => data.readCsvText(text, { naValues: 'NA' } as never)).toThrow(TypeError);
    expect(() => data.readCsvText(text, { naValues: 'NA' } as never)).toThrow(/^readCsv: naValues must be an array \(or Set\) of strings like \['NA', ''\], got string "NA"/);
    expect(() => data.readCsvText(text, { naValues: [1] } as never)).toThrow(/^readCsv: naValues must be an array/);
    expect(Number.isNaN(data.readCsvText(text, { naValues: new Set(['NA']) }).x.get(0, 1).item())).toBe(true);
  });
  test("header must be a boolean: 'false' is not read as true", () => {
    expect(() => data.readCsvText('1,2\n', { header: 'false' } as never)).toThrow(/^readCsv: header must be a boolean \(true or false\), got "false" \(a string\)/);
  });
  test('a misspelled option is a TypeError listing the valid ones', () => {
    expect(() => data.readCsvText('1;2\n', { delimeter: ';' } as never)).toThrow(
      /^readCsv: unknown option 'delimeter'; valid options: 'header', 'delimiter', 'target', 'columns', 'dtype', 'targetDtype', 'naValues'$/);
    expect(() => data.readCsvText(text, 'a' as never)).toThrow(/^readCsv: options must be an object/);
  });
  test('columns must be an array, each a name or an index', () => {
    expect(() => data.readCsvText('a,b\n1,2\n', { columns: 'a' } as never)).toThrow(/^readCsv: columns must be an array of column names or indices, got string "a"/);
    expect(() => data.readCsvText('a,b\n1,2\n', { columns: [null] } as never)).toThrow(/^readCsv: feature column must be a name \(string\) or an index \(number\), got null/);
    expect(() => data.readCsvText('a,b\n1,2\n', { target: true } as never)).toThrow(/^readCsv: target column must be a name/);
  });
});
