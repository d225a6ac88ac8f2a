import { describe, expect, it } from 'vitest';
import { Random } from '../engine/random.js';
import { identity, matmul, transpose } from './matrix.js';
import { qr } from './qr.js';

// Expected values are Float64Arrays: toBeAllClose reads plain arrays through a float32 tensor.
const f64 = (x: number[]) => Float64Array.from(x);
const exact = { rtol: 1e-10, atol: 1e-14 };

describe('qr', () => {
  it('matches numpy, signs included', () => {
    // q, r = numpy.linalg.qr(G), G = [[1, 2, -1, 0.5], [3, -1, 2, 1], [-2, 4, 1, -3], [0.5, 1, 5, 2]]
    const G = [1.0, 2.0, -1.0, 0.5, 3.0, -1.0, 2.0, 1.0, -2.0, 4.0, 1.0, -3.0, 0.5, 1.0, 5.0, 2.0];
    const { Q, R } = qr(G, 4);
    expect(Q).toBeAllClose(
      f64([
        -0.2649064714130087, 0.6310454371809756, 0.5330398391694873, 0.4974683381630911, -0.7947194142390263,
        0.19187192346718843, -0.09150898526514796, -0.5685352436149612, 0.5298129428260175,
        0.6822112834388924, -0.08007036210700455, -0.49746833816309105, -0.13245323570650439,
        0.31552271859048775, -0.8373072151761045, 0.42640143271122083,
      ]),
      exact,
    );
    expect(R).toBeAllClose(
      f64([
        -3.774917217635375, 2.2517050070105746, -1.4569855927715485, -2.781517949836592, 0, 4.11458680324082,
        2.0125232861447326, -0.9081937710780252, 0, 0, -4.9826642476873095, -1.2593924097115998, 0, 0, 0,
        2.025406805378299,
      ]),
      exact,
    );
  });

  it.each([
    // numpy.linalg.qr([[3, 1], [4, 2]])
    { name: 'the TSDoc example', a: [3, 1, 4, 2], Q: [-0.6, -0.8, -0.8, 0.6], R: [-5, -2.2, 0, 0.4] },
    // numpy.linalg.qr([[0, 1], [0, 2]]): a zero column is not reflected
    { name: 'a zero first column', a: [0, 1, 0, 2], Q: [1, 0, 0, 1], R: [0, 1, 0, 2] },
    // numpy.linalg.qr([[-2, 1], [0, 3]]): already triangular, R keeps its negative diagonal
    { name: 'an upper-triangular matrix', a: [-2, 1, 0, 3], Q: [1, 0, 0, 1], R: [-2, 1, 0, 3] },
  ])('matches numpy on $name', ({ a, Q, R }) => {
    const got = qr(a, 2);
    expect(got.Q).toBeAllClose(f64(Q), exact);
    expect(got.R).toBeAllClose(f64(R), exact);
  });

  it.each([1, 2, 5, 16])('gives orthogonal Q, upper-triangular R and Q R = A for n = %i', (n) => {
    const rng = new Random(n);
    const a = Float64Array.from({ length: n * n }, () => rng.normal());
    const { Q, R } = qr(a, n);
    expect(matmul(Q, transpose(Q, n), n)).toBeAllClose(identity(n), exact);
    expect(matmul(Q, R, n)).toBeAllClose(a, exact);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(R[i * n + j]).toBe(0);
  });

  it.each([
    {
      name: 'a wrong size',
      a: [1, 2, 3],
      message: "qr: argument 'a' must have n * n = 4 entries (n = 2), got 3",
    },
    {
      name: 'a NaN',
      a: [1, NaN, 3, 4],
      message: "qr: argument 'a' must be finite, got NaN at row 0, column 1",
    },
  ])('rejects $name', ({ a, message }) => {
    expect(() => qr(a, 2)).toThrow(message);
  });
});
