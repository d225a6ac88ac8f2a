import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/data/registry.js';
import { TableFormatError } from '../src/data/table.js';
import {
  Brush,
  drawnSplit,
  loadData,
  MAX_DRAWN_POINTS,
  MIN_DRAWN_POINTS,
  missingUserData,
  planeData,
  tableData,
  userSplit,
  type UserData,
} from './data.js';

/** Sorted (x, y) pairs, to compare point sets whatever their order. */
const pairs = (values: ArrayLike<number>) =>
  Array.from({ length: values.length / 2 }, (_, i) => `${values[2 * i]},${values[2 * i + 1]}`).sort();

/** `n` strokes' worth of points from a fresh brush, along the diagonal. */
function drawn(moves: number, seed = 0): Brush {
  const brush = new Brush(seed);
  for (let i = 0; i < moves; i++) brush.spray(-2 + (4 * i) / moves, -2 + (4 * i) / moves);
  return brush;
}

describe('the brush', () => {
  it('sprays a few jittered points per move, the same ones for the same seed', () => {
    const brush = drawn(10);
    expect(brush.n).toBe(30);
    expect(brush.points).toEqual(drawn(10).points);
    expect(brush.points).not.toEqual(drawn(10, 1).points);
    // Jittered around the pointer: the first move's points near (-2, -2), and no two alike.
    for (let i = 0; i < brush.n / 10; i++)
      expect(Math.hypot(brush.points[2 * i] + 2, brush.points[2 * i + 1] + 2)).toBeLessThan(1);
    expect(new Set(brush.points).size).toBe(brush.points.length);
  });

  it('keeps the points inside the plane, and stops at its limit', () => {
    const brush = new Brush(0, { perMove: 50, radius: 2 });
    for (let i = 0; i < 200 && brush.spray(3.9, -3.9) > 0; i++);
    expect(brush.n).toBe(MAX_DRAWN_POINTS);
    expect(brush.spray(0, 0)).toBe(0);
    expect(Math.max(...brush.points.map(Math.abs))).toBeLessThanOrEqual(4);
    // Clipped: a radius of 2 at (3.9, -3.9) puts about half the points on the square's edges.
    expect(brush.points.filter((v) => Math.abs(v) === 4).length).toBeGreaterThan(MAX_DRAWN_POINTS / 2);
  });

  it('clears, restarting its stream, and refuses too few points to train on', () => {
    const brush = drawn(10);
    const first = [...brush.points];
    brush.clear();
    expect(brush.n).toBe(0);
    for (let i = 0; i < 10; i++) brush.spray(-2 + (4 * i) / 10, -2 + (4 * i) / 10);
    expect(brush.points).toEqual(first);
    expect(() => drawn(6).data()).toThrow(
      `draw at least ${MIN_DRAWN_POINTS} points to train on (drag the mouse over the canvas), there are 18`,
    );
    const data = brush.data();
    expect(data).toMatchObject({ name: 'drawn', source: 'drawn', n: 30, d: 2 });
    expect(Array.from(data.values)).toEqual(first);
    expect(() => brush.spray(NaN, 0)).toThrow(/'x' and 'y' must be finite, got \(NaN, 0\)/);
  });
});

describe('drawn points as a data set', () => {
  it('holds out a seeded tenth: disjoint from the training points, together all of them', () => {
    const { values } = drawn(40).data();
    const { name, train, test } = drawnSplit(values, 3);
    expect(name).toBe('drawn');
    expect([train.n, test.n]).toEqual([108, 12]);
    expect(train).toMatchObject({ kind: 'vector', shape: [2], labels: null });
    expect(pairs([...train.values, ...test.values])).toEqual(pairs(values));
    expect(drawnSplit(values, 3).test.values).toEqual(test.values);
    expect(drawnSplit(values, 4).test.values).not.toEqual(test.values);
  });

  it('holds out one point at least, and needs two', () => {
    expect(drawnSplit(Float64Array.of(0, 0, 1, 1, 2, 2), 0).test.n).toBe(1);
    expect(() => drawnSplit(Float64Array.of(0, 0), 0)).toThrow(/'values' must hold 2 points or more, got 1/);
  });
});

describe('a dropped table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is read by the command line parser, with its line-and-column errors', () => {
    expect(() => tableData('x,y\n1,2\n3,abc\n', 'bad.csv')).toThrow(TableFormatError);
    expect(() => tableData('x,y\n1,2\n3,abc\n', 'bad.csv')).toThrow(
      "bad.csv: line 3, column 2: 'abc' is not a number",
    );
    expect(() => tableData('1,2\n3\n', 'short.csv')).toThrow(
      'short.csv: line 2 has 1 columns but line 1 has 2',
    );
    expect(() => tableData('[[1, 2], [3, null]]', 'p.json')).toThrow(
      'p.json: row 2, column 2: null is not a number',
    );
    // A .tsv is tab-separated: its commas are not separators (and its first row, not a number, is a header).
    expect(() => tableData('1,2\n3,4\n', 'p.tsv')).toThrow("p.tsv: line 2, column 1: '3,4' is not a number");
  });

  it('gives what `--data FILE` gives the command line: the whole table, no test part', () => {
    const text = 'a,b,c\n1,2,3\n4,5,6.5\n-1,0,2\n';
    const path = join(dir, 'points.csv');
    writeFileSync(path, text);
    const data = tableData(text, 'points.csv');
    expect(data).toMatchObject({ name: 'table', source: 'points.csv', n: 3, d: 3 });
    const page = userSplit(data, 0);
    const cli = loadDataset(path);
    expect(page.test).toBeNull();
    expect(cli.test).toBeNull();
    // Named as the page names it, so that a run records a name the page loads again; its rows keep the file's.
    expect(page.name).toBe('table');
    expect(page.train.name).toBe('points.csv');
    expect({ ...page.train, name: '' }).toEqual({ ...cli.train, name: '' });
  });
});

describe('the data of a panel', () => {
  const table = (d: number): UserData =>
    tableData(Array(30).fill(Array(d).fill('1').join(',')).join('\n'), 't.csv');

  it('draws the flow and EM panels a toy density by the seed, or takes the user points', async () => {
    const setup = { panel: 'flow' as const, density: 'moons', data: '', seed: 2, components: 8 };
    const toy = planeData(setup, {}, { trainSize: 100, testSize: 10 });
    expect([toy.train.n, toy.test!.n]).toEqual([100, 10]);
    const points = drawn(40).data();
    const mine = planeData({ ...setup, data: 'drawn' }, { drawn: points }, { trainSize: 100, testSize: 10 });
    expect(mine.test!.values).toEqual(drawnSplit(points.values, 2).test.values);
    expect((await loadData('drawn', 2, { drawn: points })).test!.values).toEqual(mine.test!.values);
    expect(
      planeData({ ...setup, data: 'table' }, { table: table(2) }, { trainSize: 1, testSize: 1 }).test,
    ).toBeNull();
  });

  it('says what is missing, and refuses a table that is not 2-D on a 2-D panel', async () => {
    const setup = { panel: 'em' as const, density: 'moons', data: 'drawn', seed: 0, components: 8 };
    expect(() => planeData(setup, {}, { trainSize: 1, testSize: 1 })).toThrow(missingUserData('drawn'));
    await expect(loadData('table', 0, {})).rejects.toThrow(/^drop a CSV, TSV or JSON table on the page/);
    expect(() =>
      planeData({ ...setup, data: 'table' }, { table: table(3) }, { trainSize: 1, testSize: 1 }),
    ).toThrow(
      't.csv has 3 columns, and the em panel fits points in the plane (2 columns); a family panel (gan, vae, ...) takes wider tables',
    );
    expect((await loadData('table', 0, { table: table(3) })).train.shape).toEqual([3]);
    // 30 drawn points: 27 to train on, fewer than 28 components.
    const points = drawn(10).data();
    expect(
      planeData({ ...setup, components: 27 }, { drawn: points }, { trainSize: 1, testSize: 1 }).train.n,
    ).toBe(27);
    expect(() =>
      planeData({ ...setup, components: 28 }, { drawn: points }, { trainSize: 1, testSize: 1 }),
    ).toThrow(
      'EM starts its 28 components at as many training points, and drawn gives 27: draw more points or lower the components',
    );
    await expect(loadData('cifar', 0, {})).rejects.toThrow(
      "the studio has no data set 'cifar' (mnist, a 2-D density, drawn or table)",
    );
  });
});
