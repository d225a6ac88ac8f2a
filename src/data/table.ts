/**
 * Numeric tables from text: CSV or TSV, with or without a header row, and JSON arrays of arrays
 * (`[[1, 2], [3, 4]]`). Every value must be a finite number; a table is returned as one row-major
 * `Float64Array` with its row count `n`, column count `d` and, when the text has a header, the column names.
 */

/** A table of `n` rows and `d` columns of finite numbers. */
export interface Table {
  /** `n * d` values, row-major: the value in row `i`, column `j` is `data[i * d + j]`. */
  data: Float64Array;
  /** The number of rows (not counting the header). */
  n: number;
  /** The number of columns. */
  d: number;
  /** The header's column names, or `null` when the table has no header (always `null` for JSON). */
  columns: string[] | null;
}

/** How {@link parseTable} reads delimited text. Both options are ignored for JSON. */
export interface TableOptions {
  /** The field separator; `'auto'` (the default) picks a tab when the first row has one, else a comma. */
  delimiter?: ',' | '\t' | 'auto';
  /** Whether the first row names the columns; `'auto'` (the default): when any of its fields is not a number. */
  header?: boolean | 'auto';
}

/**
 * Thrown when text is not a well-formed numeric table: a value that is not a number (or is NaN or infinite), rows
 * of different widths, bad JSON, or no data rows. The message is one line that starts with the source's name and
 * gives the line (or JSON row) and column of the problem.
 */
export class TableFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableFormatError';
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/** A field's value as a finite number, or a reason it is not one. */
function toNumber(field: string): number | 'not a number' | 'not finite' {
  if (NUMBER.test(field)) {
    const value = Number(field);
    return Number.isFinite(value) ? value : 'not finite';
  }
  return NON_FINITE.test(field) ? 'not finite' : 'not a number';
}

/** Split one line into trimmed fields; a field may be wrapped in double quotes (`""` inside is one quote). */
function splitFields(line: string, delimiter: string, where: () => string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t') && line[i] !== delimiter) i++;
    let field: string;
    if (line[i] === '"') {
      field = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0)
          throw new TableFormatError(`${where()}, column ${fields.length + 1}: unterminated quote`);
        field += line.slice(i, close);
        i = close + 1;
        if (line[i] !== '"') break;
        field += '"';
        i++;
      }
      const end = line.indexOf(delimiter, i);
      const rest = (end < 0 ? line.slice(i) : line.slice(i, end)).trim();
      if (rest !== '')
        throw new TableFormatError(`${where()}, column ${fields.length + 1}: text after a closing quote`);
      i = end < 0 ? line.length : end;
      field = field.trim();
    } else {
      const end = line.indexOf(delimiter, i);
      field = (end < 0 ? line.slice(i) : line.slice(i, end)).trim();
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i += delimiter.length;
  }
}

function valueError(source: string, where: string, field: string, reason: string): TableFormatError {
  if (field === '') return new TableFormatError(`${source}: ${where}: empty value (expected a number)`);
  const clipped = field.length > 40 ? `${field.slice(0, 40)}...` : field;
  const shown = clipped.replace(/[\t\r\n]/g, (c) => (c === '\t' ? '\\t' : c === '\r' ? '\\r' : '\\n'));
  return new TableFormatError(
    reason === 'not finite'
      ? `${source}: ${where}: '${shown}' is not a finite number (NaN and infinite values are refused)`
      : `${source}: ${where}: '${shown}' is not a number`,
  );
}

function parseDelimited(text: string, source: string, options: TableOptions): Table {
  const lines = text.split(/\r\n|\n|\r/);
  const rows = lines.map((line, k) => ({ line, number: k + 1 })).filter((r) => r.line.trim() !== '');
  if (rows.length === 0) throw new TableFormatError(`${source}: empty table (no rows)`);
  const delimiter = options.delimiter ?? 'auto';
  if (delimiter !== 'auto' && delimiter !== ',' && delimiter !== '\t')
    throw new TableFormatError(
      `${source}: bad delimiter option ${JSON.stringify(delimiter)} (expected ',', '\\t' or 'auto')`,
    );
  const sep = delimiter === 'auto' ? (rows[0].line.includes('\t') ? '\t' : ',') : delimiter;
  const split = (r: { line: string; number: number }) =>
    splitFields(r.line, sep, () => `${source}: line ${r.number}`);

  const first = split(rows[0]);
  const header = options.header ?? 'auto';
  const hasHeader = header === 'auto' ? first.some((f) => toNumber(f) === 'not a number') : header;
  const columns = hasHeader ? first : null;
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) throw new TableFormatError(`${source}: empty table (a header but no data rows)`);

  const d = first.length;
  const data = new Float64Array(body.length * d);
  body.forEach((r, i) => {
    const fields = i === 0 && !hasHeader ? first : split(r);
    if (fields.length !== d)
      throw new TableFormatError(
        `${source}: line ${r.number} has ${fields.length} columns but line ${rows[0].number} has ${d}`,
      );
    fields.forEach((field, j) => {
      const value = toNumber(field);
      if (typeof value !== 'number')
        throw valueError(source, `line ${r.number}, column ${j + 1}`, field, value);
      data[i * d + j] = value;
    });
  });
  return { data, n: body.length, d, columns };
}

function parseJson(text: string, source: string): Table {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new TableFormatError(`${source}: invalid JSON (${(err as Error).message.replace(/\s+/g, ' ')})`);
  }
  if (!Array.isArray(parsed))
    throw new TableFormatError(`${source}: expected a JSON array of arrays of numbers`);
  if (parsed.length === 0) throw new TableFormatError(`${source}: empty table (no rows)`);
  const rows: unknown[] = parsed;
  if (!Array.isArray(rows[0]))
    throw new TableFormatError(
      `${source}: row 1 is not an array (expected a JSON array of arrays of numbers)`,
    );
  const d = rows[0].length;
  if (d === 0) throw new TableFormatError(`${source}: empty table (row 1 has no values)`);
  const data = new Float64Array(rows.length * d);
  rows.forEach((row, i) => {
    if (!Array.isArray(row))
      throw new TableFormatError(
        `${source}: row ${i + 1} is not an array (expected a JSON array of arrays of numbers)`,
      );
    if (row.length !== d)
      throw new TableFormatError(`${source}: row ${i + 1} has ${row.length} columns but row 1 has ${d}`);
    row.forEach((value: unknown, j) => {
      const where = `row ${i + 1}, column ${j + 1}`;
      if (typeof value !== 'number')
        throw new TableFormatError(
          `${source}: ${where}: ${JSON.stringify(value) ?? String(value)} is not a number`,
        );
      if (!Number.isFinite(value)) throw valueError(source, where, String(value), 'not finite');
      data[i * d + j] = value;
    });
  });
  return { data, n: rows.length, d, columns: null };
}

/**
 * Parse a numeric table from text: a JSON array of arrays when the text starts with `[` (after whitespace),
 * otherwise CSV or TSV. Blank lines are skipped, `\n`, `\r\n` and `\r` line ends are accepted, fields are trimmed
 * and may be wrapped in double quotes. `source` names the text in error messages (a file name).
 *
 * Throws {@link TableFormatError} for a value that is not a finite number (naming its line and column and the
 * text), rows of different widths (naming the line and both widths), or a table with no data rows.
 *
 * @example
 * parseTable('x,y\n1,2\n3,4\n', 'points.csv'); // { data: [1, 2, 3, 4], n: 2, d: 2, columns: ['x', 'y'] }
 * parseTable('[[1, 2], [3, 4]]', 'points.json'); // { data: [1, 2, 3, 4], n: 2, d: 2, columns: null }
 */
export function parseTable(text: string, source: string, options: TableOptions = {}): Table {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.trimStart().startsWith('[') ? parseJson(text, source) : parseDelimited(text, source, options);
}

/**
 * Parse the text of a table file named `path`: `.csv` files are comma-separated, `.tsv` files tab-separated and
 * `.json` files JSON arrays of arrays; any other name is sniffed as {@link parseTable} does. `options` override what
 * the extension implies. (Node's `readTable` reads the file and calls this.)
 *
 * @example
 * parseTableFile('1\t2\n3\t4\n', 'points.tsv'); // { data: [1, 2, 3, 4], n: 2, d: 2, columns: null }
 */
export function parseTableFile(text: string, path: string, options: TableOptions = {}): Table {
  const ext = /\.[^./\\]*$/.exec(path)?.[0].toLowerCase() ?? '';
  if (ext === '.json') return parseJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path);
  const delimiter = ext === '.csv' ? ',' : ext === '.tsv' ? '\t' : 'auto';
  return parseTable(text, path, { delimiter, ...options });
}
