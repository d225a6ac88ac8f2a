/**
 * The best one-to-one assignment of a model's codes (clusters, InfoGAN's categorical code, mixture components) to a
 * data set's classes: the assignment that maximises the number of examples whose code is mapped to their class, so
 * that an unsupervised code is scored as a classifier whatever order it learned the classes in.
 *
 * References: H. W. Kuhn, "The Hungarian Method for the Assignment Problem", Naval Research Logistics Quarterly 2,
 * 1955; R. Jonker and A. Volgenant, "A Shortest Augmenting Path Algorithm for Dense and Sparse Linear Assignment
 * Problems", Computing 38, 1987 (the shortest-augmenting-path form with potentials used here).
 */
import { MetricArgumentError } from './errors.js';

/** What {@link bestAssignment} finds. */
export interface Assignment {
  /** `assignment[code]` is the class the code is mapped to; -1 for a code left over when codes outnumber classes. */
  assignment: number[];
  /** The sum of the confusion counts on the assigned pairs: the examples the assignment gets right. */
  matched: number;
}

/**
 * The row-to-column assignment of least total cost of an n x m cost matrix with n <= m: each row gets its own
 * column. The Hungarian method as shortest augmenting paths with dual potentials u, v (each row added in turn,
 * O(n^2 m) in all); reduced costs cost[i][j] - u[i] - v[j] stay >= 0 and are 0 on the assigned pairs.
 */
function leastCostRows(cost: readonly (readonly number[])[], n: number, m: number): number[] {
  // 1-based: row 0 and column 0 are the virtual start of each augmenting path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOf = new Int32Array(m + 1); // rowOf[j]: the row assigned to column j (0: none)
  const way = new Int32Array(m + 1); // the previous column on the shortest path to column j
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (reduced < minv[j]) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++)
        if (used[j]) {
          u[rowOf[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      j0 = j1;
    } while (rowOf[j0] !== 0);
    // Flip the path: every column on it takes the row of the column before it.
    do {
      const j1 = way[j0];
      rowOf[j0] = rowOf[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const colOf = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (rowOf[j] !== 0) colOf[rowOf[j] - 1] = j - 1;
  return colOf;
}

/**
 * The one-to-one assignment of codes (rows) to classes (columns) that maximises the matched count
 * sum_code confusion[code][assignment[code]], where `confusion[code][class]` counts the examples of a class given a
 * code: the Hungarian method, exact, in O(K^3) for K codes and classes. With more classes than codes some classes
 * stay unassigned; with more codes than classes the extra codes get -1. The accuracy of a code is
 * `matched / total`. Ties between equally good assignments are broken deterministically.
 *
 * Throws a {@link MetricArgumentError} when `confusion` is empty, ragged, or holds a value that is not finite.
 *
 * @example
 * bestAssignment([
 *   [1, 9],
 *   [8, 2],
 * ]); // { assignment: [1, 0], matched: 17 }: code 0 is class 1, code 1 is class 0
 */
export function bestAssignment(confusion: readonly (readonly number[])[]): Assignment {
  const fn = 'bestAssignment';
  // Checked as untyped input: a caller in plain JavaScript may pass anything.
  const input: unknown = confusion;
  if (!Array.isArray(input) || input.length === 0)
    throw new MetricArgumentError(`${fn}: argument 'confusion' must be a non-empty matrix (rows: codes)`);
  const rows = input as unknown[];
  const n = rows.length;
  const m = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : 0;
  if (m === 0) throw new MetricArgumentError(`${fn}: argument 'confusion' must have at least one column`);
  rows.forEach((row, i) => {
    const length = Array.isArray(row) ? (row as unknown[]).length : 'no';
    if (length !== m)
      throw new MetricArgumentError(
        `${fn}: argument 'confusion' must be rectangular: row ${i} has ${length} entries, row 0 has ${m}`,
      );
    (row as unknown[]).forEach((value, j) => {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new MetricArgumentError(
          `${fn}: argument 'confusion' must hold finite numbers, got ${String(value)} at [${i}][${j}]`,
        );
    });
  });
  let assignment: number[];
  if (n <= m)
    assignment = leastCostRows(
      confusion.map((row) => row.map((x) => -x)),
      n,
      m,
    );
  else {
    // More codes than classes: assign each class a code, on the transposed matrix.
    const transposed = Array.from({ length: m }, (_, j) => confusion.map((row) => -row[j]));
    const codeOf = leastCostRows(transposed, m, n);
    assignment = new Array<number>(n).fill(-1);
    codeOf.forEach((code, cls) => (assignment[code] = cls));
  }
  const matched = assignment.reduce((sum, cls, code) => sum + (cls < 0 ? 0 : confusion[code][cls]), 0);
  return { assignment, matched };
}
