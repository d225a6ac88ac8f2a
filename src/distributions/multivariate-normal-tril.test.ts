import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { momentsAlongFirstAxis } from '../../test/helpers.js';
import { klDivergence, klMonteCarlo } from './kl.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';

const loc = [
  [0.5, -1.0, 2.0],
  [0.0, 0.3, -0.2],
];
const scaleTril = [
  [
    [1.5, 0, 0],
    [0.3, 0.8, 0],
    [-0.7, 0.4, 2.0],
  ],
  [
    [0.9, 0, 0],
    [-1.2, 1.1, 0],
    [0.5, 0.6, 0.7],
  ],
];
const x = [
  [
    [0.1, 0.2, 0.3],
    [1.0, -1.0, 0.5],
  ],
  [
    [-2.0, 0.5, 1.5],
    [0.3, 0.3, 0.3],
  ],
];
// torch: MultivariateNormal(loc, scale_tril=scaleTril), float64
const covariance = [
  [
    [2.25, 0.45, -1.05],
    [0.45, 0.73, 0.11],
    [-1.05, 0.11, 4.65],
  ],
  [
    [0.81, -1.08, 0.45],
    [-1.08, 2.65, 0.06],
    [0.45, 0.06, 1.1],
  ],
];

/** Sample covariance of draws of shape [n, d], in float64. */
function sampleCovariance(draws: tf.Tensor): number[][] {
  const [n, d] = draws.shape;
  const v = draws.dataSync();
  const m = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) m[j] += v[i * d + j] / n;
  const c = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++)
      for (let k = 0; k < d; k++) c[j][k] += ((v[i * d + j] - m[j]) * (v[i * d + k] - m[k])) / (n - 1);
  return c;
}

describe('MultivariateNormalTriL', () => {
  it('log-density matches scipy and PyTorch', () => {
    // [[scipy.stats.multivariate_normal.logpdf(x[s, b], loc[b], L[b] @ L[b].T) for b in range(2)] for s in range(2)]
    // (torch MultivariateNormal(loc, scale_tril=L).log_prob(x) agrees to 1e-13)
    const expected = [
      [-5.745845448079016, -3.0241010101095336],
      [-9.035062114745658, -2.5252920589196304],
    ];
    const d = new MultivariateNormalTriL(loc, scaleTril);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    expect(d.logProb(x)).toBeAllClose(expected, { rtol: 1e-4 });
  });

  it('entropy, mean, variance and covariance match PyTorch', () => {
    const d = new MultivariateNormalTriL(loc, scaleTril);
    // MultivariateNormal(loc, scale_tril=L).entropy()
    expect(d.entropy()).toBeAllClose([5.132284336967919, 3.890090319821785], { rtol: 1e-4 });
    expect(d.mean()).toBeAllClose(loc);
    // L @ L.T
    expect(d.covariance()).toBeAllClose(covariance, { rtol: 1e-4, atol: 1e-6 });
    expect(d.variance()).toBeAllClose(
      [
        [2.25, 0.73, 4.65],
        [0.81, 2.65, 1.1],
      ],
      { rtol: 1e-4 },
    );
  });

  it('uses only the lower triangle of scaleTril; the upper one gets no gradient', () => {
    const noisy = scaleTril.map((m) =>
      m.map((row, i) => row.map((v, j) => (j > i ? [5, NaN, -Infinity][i + j - 1] : v))),
    );
    const clean = new MultivariateNormalTriL(loc, scaleTril);
    const d = new MultivariateNormalTriL(loc, noisy);
    expect(d.scaleTril).toBeAllClose(clean.scaleTril, { rtol: 0, atol: 0 });
    expect(d.logProb(x)).toBeAllClose(clean.logProb(x), { rtol: 1e-6 });
    expect(d.rsample([2], 1)).toBeAllClose(clean.rsample([2], 1), { rtol: 1e-6 });
    const g = tf.grad((s: tf.Tensor) => tf.sum(new MultivariateNormalTriL(loc, s).logProb(x)))(
      tf.tensor(noisy),
    );
    const upper = g.arraySync() as number[][][];
    expect(upper.flatMap((m) => [m[0][1], m[0][2], m[1][2]])).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('broadcasts loc and scaleTril batch dimensions', () => {
    const d = new MultivariateNormalTriL(tf.zeros([4, 1, 3]), scaleTril);
    expect(d.batchShape).toEqual([4, 2]);
    expect(d.sample([5]).shape).toEqual([5, 4, 2, 3]);
    expect(d.logProb([0, 0, 0]).shape).toEqual([4, 2]);
    expect(d.logProb(tf.zeros([7, 1, 1, 3])).shape).toEqual([7, 4, 2]);
    const shared = new MultivariateNormalTriL(loc, scaleTril[0]);
    expect(shared.batchShape).toEqual([2]);
    expect(shared.covariance().shape).toEqual([2, 3, 3]);
    expect(
      new MultivariateNormalTriL(
        [1, 2],
        [
          [1, 0],
          [0, 1],
        ],
      ).batchShape,
    ).toEqual([]);
  });

  it('samples have the right mean and covariance (100k draws)', () => {
    const d = new MultivariateNormalTriL(loc[0], scaleTril[0]);
    const draws = d.sample([100_000], 3);
    const { mean } = momentsAlongFirstAxis(draws);
    // Standard errors of the mean are sqrt(diag(cov) / n) <= 0.007.
    expect(mean).toBeAllClose(loc[0], { atol: 0.03 });
    expect(sampleCovariance(draws)).toBeAllClose(covariance[0], { rtol: 0.03, atol: 0.03 });
  });

  it('rsample has pathwise gradients: d E[x] / d loc = I and d E[||x||^2] / dL = 2L', () => {
    const l0 = tf.tensor(loc[0]);
    const s0 = tf.tensor(scaleTril[0]);
    // sum(w * x) has gradient w with respect to loc for every single draw.
    const w = tf.tensor([0.3, -1.2, 2.0]);
    const gLoc = tf.grad((l: tf.Tensor) =>
      tf.sum(tf.mul(w, tf.mean(new MultivariateNormalTriL(l, s0).rsample([10], 1), 0))),
    )(l0);
    expect(gLoc).toBeAllClose(w, { rtol: 1e-6 });
    // E||x||^2 = ||loc||^2 + ||L||_F^2.
    const [gl, gs] = tf.grads((l: tf.Tensor, s: tf.Tensor) =>
      tf.mul(tf.sum(tf.square(new MultivariateNormalTriL(l, s).rsample([200_000], 2))), 1 / 200_000),
    )([l0, s0]);
    expect(gl).toBeAllClose(tf.mul(l0, 2), { atol: 0.05 });
    expect(gs).toBeAllClose(tf.mul(s0, 2), { atol: 0.05 });
  });

  it('KL matches PyTorch, broadcasts, and agrees with the Monte Carlo estimate', () => {
    const locQ = [
      [1.0, 0.0, -1.0],
      [0.2, 0.1, 0.0],
    ];
    const scaleQ = [
      [
        [2.0, 0, 0],
        [0.5, 1.0, 0],
        [0.1, -0.3, 1.2],
      ],
      [
        [1.0, 0, 0],
        [0.0, 0.5, 0],
        [-0.4, 0.2, 1.5],
      ],
    ];
    const p = new MultivariateNormalTriL(loc, scaleTril);
    const q = new MultivariateNormalTriL(locQ, scaleQ);
    // torch.distributions.kl_divergence(p, q) and (q, p), float64
    expect(klDivergence(p, q)).toBeAllClose([3.9198654513888895, 4.926443207340453], { rtol: 1e-4 });
    expect(klDivergence(q, p)).toBeAllClose([2.540555555555555, 5.096529256110799], { rtol: 1e-4 });
    // kl_divergence(p, MultivariateNormal(locQ[0], scale_tril=scaleQ[0]))
    const q0 = new MultivariateNormalTriL(locQ[0], scaleQ[0]);
    expect(klDivergence(p, q0)).toBeAllClose([3.9198654513888895, 2.5684375067294667], { rtol: 1e-4 });
    expect(klMonteCarlo(p, q, 200_000, 7)).toBeAllClose([3.9198654513888895, 4.926443207340453], {
      rtol: 0.02,
    });
    expect(klDivergence(p, p)).toBeAllClose([0, 0], { atol: 1e-5 });
    expect(() =>
      klDivergence(
        p,
        new MultivariateNormalTriL(
          [0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ),
    ).toThrow(/event sizes differ \(3 and 2\)/);
  });

  it.each([
    [
      'a zero on the diagonal',
      () =>
        new MultivariateNormalTriL(
          [0, 0],
          [
            [1, 0],
            [2, 0],
          ],
        ),
      /argument 'scaleTril' must be lower-triangular with a positive diagonal, got 0 at flat index 1/,
    ],
    [
      'a negative diagonal',
      () =>
        new MultivariateNormalTriL(
          [0, 0],
          [
            [-1, 0],
            [2, 1],
          ],
        ),
      /'scaleTril' must be lower-triangular with a positive diagonal, got -1/,
    ],
    [
      'a non-square scaleTril',
      () => new MultivariateNormalTriL([0, 0], [[1, 0]]),
      /'scaleTril' must be square/,
    ],
    [
      'a scaleTril of the wrong size',
      () =>
        new MultivariateNormalTriL(
          [0, 0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      /argument 'scaleTril' must be 3 x 3 to match loc of shape \[3\], got \[2, 2\]/,
    ],
    [
      'a scalar loc',
      () => new MultivariateNormalTriL(0, [[1]]),
      /argument 'loc' must have shape \[\.\.\., d\]/,
    ],
    [
      'a NaN loc',
      () =>
        new MultivariateNormalTriL(
          [NaN, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      /'loc' must be finite, got NaN/,
    ],
    [
      'an infinite scaleTril entry',
      () =>
        new MultivariateNormalTriL(
          [0, 0],
          [
            [1, 0],
            [Infinity, 1],
          ],
        ),
      /'scaleTril' must be finite, got Infinity/,
    ],
    [
      'batch shapes that do not broadcast',
      () => new MultivariateNormalTriL(tf.zeros([3, 2]), tf.eye(2, 2, [4])),
      /MultivariateNormalTriL: parameter shapes \[3\] and \[4\] do not broadcast/,
    ],
    [
      'a value of the wrong size',
      () =>
        new MultivariateNormalTriL(
          [0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ).logProb([1, 2, 3]),
      /logProb: argument 'x' must have shape \[\.\.\., 2\], got \[3\]/,
    ],
  ])('rejects %s with an error naming the argument', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a NaN value gives a NaN log-density, not an error', () => {
    expect(
      new MultivariateNormalTriL(
        [0, 0],
        [
          [1, 0],
          [0, 1],
        ],
      ).logProb([NaN, 0]),
    ).toBeAllClose(NaN);
  });

  it('leaks no tensors, even when validation fails', async () => {
    await assertNoLeaks(() => {
      const d = new MultivariateNormalTriL(loc, scaleTril);
      tf.dispose([d.logProb(x), d.sample([3]), d.rsample([3]), d.entropy(), d.mean(), d.variance()]);
      tf.dispose([d.covariance(), d.stddev(), klDivergence(d, d), klMonteCarlo(d, d, 4)]);
      d.dispose();
      expect(
        () =>
          new MultivariateNormalTriL(
            [0, 0],
            [
              [-1, 0],
              [0, 1],
            ],
          ),
      ).toThrow(/scaleTril/);
      expect(() => new MultivariateNormalTriL([0, 0], [[1, 0]])).toThrow(/scaleTril/);
    }, 'MultivariateNormalTriL');
  });
});
