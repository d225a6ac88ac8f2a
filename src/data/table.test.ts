import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataNotFoundError } from './dataset.js';
import { parseTable, TableFormatError } from './table.js';
import { readTable } from './registry.js';

const dir = mkdtempSync(join(tmpdir(), 'latentlab-table-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (t: { data: Float64Array; n: number; d: number }) =>
  Array.from({ length: t.n }, (_, i) => Array.from(t.data.subarray(i * t.d, (i + 1) * t.d)));

/** The error `f` throws, checked to be a one-line TableFormatError. */
function formatError(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(TableFormatError);
    expect((err as Error).name).toBe('TableFormatError');
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('expected a TableFormatError');
}

describe('parseTable', () => {
  it.each([
    ['CSV with a header', 'a,b\n1,2\n3,4\n', {}, ['a', 'b']],
    ['CSV without a header', '1,2\n3,4', {}, null],
    ['TSV with a header', 'a\tb\n1\t2\n3\t4\n', {}, ['a', 'b']],
    ['TSV without a header', '1\t2\n3\t4\n', {}, null],
    ['CRLF line ends and blank lines', '\r\na, b\r\n\r\n1, 2\r\n   \r\n3 ,4\r\n\r\n', {}, ['a', 'b']],
    ['quoted fields', '"a","b"\n"1", 2\n3,"4"\n', {}, ['a', 'b']],
    ['a byte order mark', '\ufeffa,b\n1,2\n3,4', {}, ['a', 'b']],
    ['header: false', '1,2\n3,4', { header: false }, null],
    ['an explicit tab delimiter', '1\t2\n3\t4', { delimiter: '\t' }, null],
    ['JSON', '  [[1, 2], [3, 4]]\n', {}, null],
  ] as const)('read %s', (_, text, options, columns) => {
    const t = parseTable(text, 'test', options);
    expect(t.data).toBeInstanceOf(Float64Array);
    expect([t.n, t.d]).toEqual([2, 2]);
    expect(rows(t)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(t.columns).toEqual(columns);
  });

  it('read number syntax: signs, exponents, leading and trailing dots, one column', () => {
    const t = parseTable('x\n-1.5\n+2e3\n.5\n7.\n-0\n1E-2\n', 'test');
    expect([t.n, t.d, t.columns]).toEqual([6, 1, ['x']]);
    expect(Array.from(t.data)).toEqual([-1.5, 2000, 0.5, 7, -0, 0.01]);
  });

  it('header: true makes a numeric first row the column names', () => {
    const t = parseTable('1,2\n3,4\n', 'test', { header: true });
    expect([t.n, t.d, t.columns]).toEqual([1, 2, ['1', '2']]);
    expect(rows(t)).toEqual([[3, 4]]);
  });

  it('header: false refuses a text first row as a bad value', () => {
    expect(formatError(() => parseTable('a,b\n1,2', 'x.csv', { header: false }))).toBe(
      "x.csv: line 1, column 1: 'a' is not a number",
    );
  });

  it('a quoted field may hold the delimiter and doubled quotes', () => {
    const t = parseTable('"a,b","say ""hi"""\n1,2\n', 'test');
    expect(t.columns).toEqual(['a,b', 'say "hi"']);
    expect(rows(t)).toEqual([[1, 2]]);
  });

  // Reference text written by numpy, independent of the parser:
  //   a = np.array([[0.1, -2.5, 3e-12], [1e300, 4.0, -0.0], [123456.789, 2/3, -7.25e-5]])
  //   b = io.StringIO(); np.savetxt(b, a, delimiter=',', header='x,y,z', comments=''); b.getvalue()
  //   a.tolist()
  const savetxt =
    'x,y,z\n1.000000000000000056e-01,-2.500000000000000000e+00,3.000000000000000142e-12\n' +
    '1.000000000000000053e+300,4.000000000000000000e+00,-0.000000000000000000e+00\n' +
    '1.234567890000000043e+05,6.666666666666666297e-01,-7.250000000000000043e-05\n';
  const expected = [
    [0.1, -2.5, 3e-12],
    [1e300, 4.0, -0.0],
    [123456.789, 0.6666666666666666, -7.25e-5],
  ];

  it('round-trips a CSV written by numpy.savetxt exactly', () => {
    const t = parseTable(savetxt, 'numpy.csv');
    expect([t.n, t.d, t.columns]).toEqual([3, 3, ['x', 'y', 'z']]);
    expect(rows(t)).toEqual(expected);
    expect(Object.is(t.data[5], -0)).toBe(true);
  });

  it.each([
    ['a bad value', 'a,b,c\n1,2,3\n\n4,5,abc\n', "data.csv: line 4, column 3: 'abc' is not a number"],
    ['an empty value', '1,2,3\n4,,6\n', 'data.csv: line 2, column 2: empty value (expected a number)'],
    ['a trailing delimiter', '1,2\n3,4,\n', 'data.csv: line 2 has 3 columns but line 1 has 2'],
    ['hexadecimal', '1,2\n0x10,4\n', "data.csv: line 2, column 1: '0x10' is not a number"],
    ['a short row', 'a,b,c\n1,2,3\n4,5\n', 'data.csv: line 3 has 2 columns but line 1 has 3'],
    ['a long row', '1,2\n3,4,5\n', 'data.csv: line 2 has 3 columns but line 1 has 2'],
    ['a short header', 'a,b\n1,2,3\n', 'data.csv: line 2 has 3 columns but line 1 has 2'],
    [
      'NaN',
      '1,2\n3,NaN\n',
      "data.csv: line 2, column 2: 'NaN' is not a finite number (NaN and infinite values are refused)",
    ],
    [
      'nan in the first row',
      'nan,2\n3,4\n',
      "data.csv: line 1, column 1: 'nan' is not a finite number (NaN and infinite values are refused)",
    ],
    [
      'Infinity',
      '1,2\n-Infinity,4\n',
      "data.csv: line 2, column 1: '-Infinity' is not a finite number (NaN and infinite values are refused)",
    ],
    [
      'inf',
      '1\tinf\n',
      "data.csv: line 1, column 2: 'inf' is not a finite number (NaN and infinite values are refused)",
    ],
    [
      'an overflowing value',
      '1,2\n1e400,4\n',
      "data.csv: line 2, column 1: '1e400' is not a finite number (NaN and infinite values are refused)",
    ],
    ['an empty text', '', 'data.csv: empty table (no rows)'],
    ['only blank lines', '\n  \n\r\n', 'data.csv: empty table (no rows)'],
    ['only a header', 'a,b\n\n', 'data.csv: empty table (a header but no data rows)'],
    ['an unterminated quote', '1,"2\n', 'data.csv: line 1, column 2: unterminated quote'],
    ['text after a quote', '"1"x,2\n', 'data.csv: line 1, column 1: text after a closing quote'],
    ['bad JSON', '[[1, 2], [3,', 'data.csv: invalid JSON'],
    ['a JSON string value', '[[1, 2], [3, "abc"]]', 'data.csv: row 2, column 2: "abc" is not a number'],
    ['a JSON null value', '[[1, null]]', 'data.csv: row 1, column 2: null is not a number'],
    [
      'an infinite JSON value',
      '[[1, 2], [1e999, 4]]',
      "data.csv: row 2, column 1: 'Infinity' is not a finite number (NaN and infinite values are refused)",
    ],
    ['a ragged JSON row', '[[1, 2], [3, 4], [5]]', 'data.csv: row 3 has 1 columns but row 1 has 2'],
    ['a flat JSON array', '[1, 2]', 'data.csv: row 1 is not an array'],
    ['a later JSON row that is not an array', '[[1], 2]', 'data.csv: row 2 is not an array'],
    ['an empty JSON array', '[]', 'data.csv: empty table (no rows)'],
    ['an empty JSON row', '[[]]', 'data.csv: empty table (row 1 has no values)'],
  ])('refuse %s', (_, text, message) => {
    expect(formatError(() => parseTable(text, 'data.csv'))).toContain(message);
  });

  it('refuses a bad delimiter option, naming it', () => {
    const options = { delimiter: ';' } as unknown as { delimiter: ',' };
    expect(formatError(() => parseTable('1;2', 't', options))).toContain('bad delimiter option ";"');
  });
});

describe('readTable', () => {
  it.each([
    ['points.csv', 'x,y\n1,2\n3,4\n', ['x', 'y']],
    ['points.tsv', 'x\ty\n1\t2\n3\t4\n', ['x', 'y']],
    ['points.json', '[[1, 2], [3, 4]]', null],
    ['points.txt', '1\t2\n3\t4\n', null],
    ['points', '[[1, 2],\n [3, 4]]\n', null],
  ])('read %s', (name, text, columns) => {
    writeFileSync(join(dir, name), text);
    const t = readTable(join(dir, name));
    expect(rows(t)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(t.columns).toEqual(columns);
  });

  it('uses the extension for the delimiter: a .csv file with tabs is one column', () => {
    writeFileSync(join(dir, 'tabs.csv'), '1\t2\n3\t4\n'); // the first row reads as a one-column header
    expect(formatError(() => readTable(join(dir, 'tabs.csv')))).toBe(
      `${join(dir, 'tabs.csv')}: line 2, column 1: '3\\t4' is not a number`,
    );
    expect(rows(readTable(join(dir, 'tabs.csv'), { delimiter: '\t' }))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('reads a .json file as JSON only', () => {
    writeFileSync(join(dir, 'bad.json'), 'a,b\n1,2\n');
    expect(formatError(() => readTable(join(dir, 'bad.json')))).toContain('bad.json: invalid JSON');
  });

  it('reports a missing file as DataNotFoundError', () => {
    const path = join(dir, 'missing.csv');
    expect(() => readTable(path)).toThrow(DataNotFoundError);
    expect(() => readTable(path)).toThrow(`table file not found: ${path}`);
  });

  it('reports a directory as a file it cannot read', () => {
    mkdirSync(join(dir, 'folder.csv'));
    expect(formatError(() => readTable(join(dir, 'folder.csv')))).toContain(
      'folder.csv: cannot read the file (EISDIR)',
    );
  });
});
