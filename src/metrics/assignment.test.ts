import { describe, expect, it } from 'vitest';
import { Random } from '../engine/random.js';
import { bestAssignment } from './assignment.js';
import { MetricArgumentError } from './errors.js';

/**
 * SciPy 1.10 on each matrix C (the 'random' ones from numpy.random.default_rng(0).integers, in this order):
 *   r, c = scipy.optimize.linear_sum_assignment(C, maximize=True)
 *   assignment[r] = c (-1 elsewhere); matched = C[r, c].sum()
 */
const SCIPY: Array<{ name: string; confusion: number[][]; assignment: number[]; matched: number }> = [
  {
    name: 'a greedy trap',
    confusion: [
      [10, 9, 0, 0],
      [9, 1, 0, 0],
      [0, 0, 5, 4],
      [0, 0, 4, 0],
    ],
    assignment: [1, 0, 3, 2],
    matched: 26,
  },
  {
    name: 'random 6x6',
    confusion: [
      [42, 31, 25, 13, 15, 2],
      [3, 0, 8, 40, 32, 45],
      [25, 30, 48, 36, 31, 27],
      [27, 46, 13, 40, 33, 0],
      [19, 42, 27, 1, 38, 36],
      [42, 8, 4, 43, 1, 27],
    ],
    assignment: [0, 5, 2, 1, 4, 3],
    matched: 262,
  },
  {
    name: 'random 10x10',
    confusion: [
      [8, 29, 48, 42, 40, 2, 0, 12, 0, 67],
      [52, 64, 25, 61, 76, 38, 46, 99, 80, 98],
      [37, 68, 95, 65, 84, 68, 70, 38, 87, 13],
      [57, 72, 84, 52, 37, 31, 42, 48, 71, 88],
      [7, 93, 53, 35, 67, 57, 25, 32, 71, 59],
      [50, 33, 76, 39, 32, 89, 26, 22, 71, 62],
      [4, 8, 37, 83, 40, 78, 31, 23, 79, 87],
      [7, 5, 67, 33, 57, 15, 86, 45, 89, 79],
      [70, 23, 76, 5, 57, 40, 99, 19, 94, 9],
      [62, 58, 89, 29, 90, 67, 89, 19, 75, 94],
    ],
    assignment: [9, 7, 2, 0, 1, 5, 3, 8, 6, 4],
    matched: 861,
  },
  {
    name: 'more classes than codes (3x5)',
    confusion: [
      [0, 7, 12, 2, 10],
      [12, 15, 18, 8, 8],
      [9, 19, 3, 9, 0],
    ],
    assignment: [4, 2, 1],
    matched: 47,
  },
  {
    name: 'more codes than classes (5x3)',
    confusion: [
      [8, 18, 12],
      [6, 19, 12],
      [18, 0, 9],
      [16, 15, 8],
      [9, 8, 10],
    ],
    assignment: [2, 1, 0, -1, -1],
    matched: 49,
  },
  {
    name: 'real values with negatives (4x4, numpy rng.normal rounded to 3 places)',
    confusion: [
      [-0.633, -0.378, -1.091, -1.278],
      [0.63, 0.581, 1.295, -0.755],
      [1.689, -0.287, 1.574, -0.433],
      [-0.735, 0.25, 1.031, 0.161],
    ],
    assignment: [1, 2, 0, 3],
    matched: 2.767,
  },
];

/** The largest matched count over every permutation (n <= 7). */
function bruteForce(confusion: number[][]): number {
  const n = confusion.length;
  let best = -Infinity;
  const walk = (row: number, used: boolean[], sum: number) => {
    if (row === n) {
      best = Math.max(best, sum);
      return;
    }
    for (let j = 0; j < n; j++)
      if (!used[j]) {
        used[j] = true;
        walk(row + 1, used, sum + confusion[row][j]);
        used[j] = false;
      }
  };
  walk(0, new Array<boolean>(n).fill(false), 0);
  return best;
}

describe('bestAssignment', () => {
  it.each(SCIPY)('$name: the assignment and matched count of scipy.optimize.linear_sum_assignment', (c) => {
    const { assignment, matched } = bestAssignment(c.confusion);
    expect(assignment).toEqual(c.assignment);
    expect(matched).toBeCloseTo(c.matched, 9);
  });

  it('reaches the brute-force optimum on random matrices with many ties, with a one-to-one assignment', () => {
    const random = new Random(3);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + random.int(6);
      const confusion = Array.from({ length: n }, () => Array.from({ length: n }, () => random.int(4)));
      const { assignment, matched } = bestAssignment(confusion);
      expect(new Set(assignment).size).toBe(n);
      expect(assignment.every((j) => j >= 0 && j < n)).toBe(true);
      expect(matched).toBe(assignment.reduce((s, j, i) => s + confusion[i][j], 0));
      expect(matched, JSON.stringify(confusion)).toBe(bruteForce(confusion));
    }
  });

  it('finds the permutation a relabelled classifier learned: code k is class (k + 3) mod 10', () => {
    const confusion = Array.from({ length: 10 }, (_, code) =>
      Array.from({ length: 10 }, (_, cls) => (cls === (code + 3) % 10 ? 90 : 1)),
    );
    const { assignment, matched } = bestAssignment(confusion);
    expect(assignment).toEqual(Array.from({ length: 10 }, (_, k) => (k + 3) % 10));
    expect(matched).toBe(900);
  });

  it.each([
    ['an empty matrix', [], /non-empty matrix/],
    ['an empty row', [[]], /at least one column/],
    ['a ragged matrix', [[1, 2], [3]], /rectangular: row 1 has 1 entries, row 0 has 2/],
    ['a NaN', [[1, NaN]], /finite numbers, got NaN at \[0\]\[1\]/],
  ])('refuses %s, naming the argument', (_name, confusion, message) => {
    expect(() => bestAssignment(confusion)).toThrow(MetricArgumentError);
    expect(() => bestAssignment(confusion)).toThrow(message);
    expect(() => bestAssignment(confusion)).toThrow(/bestAssignment: argument 'confusion'/);
  });
});
