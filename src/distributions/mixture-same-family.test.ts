import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { momentsAlongFirstAxis } from '../../test/helpers.js';
import { Categorical } from './categorical.js';
import { Independent } from './independent.js';
import { MixtureSameFamily } from './mixture-same-family.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';
import { Normal } from './normal.js';

// torch: MixtureSameFamily(Categorical(logits=logits), Normal(loc, scale)), float64
const logits = [
  [0.2, -1.0, 0.5],
  [1.0, 1.0, -2.0],
];
const loc = [
  [-2.0, 0.0, 3.0],
  [0.5, -0.5, 1.0],
];
const scale = [
  [0.5, 1.0, 2.0],
  [0.3, 0.8, 1.5],
];
const x = [
  [-2.1, 0.4],
  [0.0, -3.0],
  [2.5, 1.2],
  [10.0, 0.0],
];
const gmm = () => new MixtureSameFamily(new Categorical({ logits }), new Normal(loc, scale));

// torch: MixtureSameFamily(Categorical(logits=mixLogits), MultivariateNormal(mixLoc, scale_tril=mixTril))
const mixLogits = [0.3, -0.2, 0.0];
const mixLoc = [
  [0.0, 1.0],
  [2.0, -1.0],
  [-1.5, 0.5],
];
const mixTril = [
  [
    [1.0, 0.0],
    [0.5, 0.7],
  ],
  [
    [0.4, 0.0],
    [-0.2, 1.1],
  ],
  [
    [1.3, 0.0],
    [0.6, 0.5],
  ],
];
const mvnMixture = () =>
  new MixtureSameFamily(new Categorical({ logits: mixLogits }), new MultivariateNormalTriL(mixLoc, mixTril));

describe('MixtureSameFamily', () => {
  it('log-density and cdf match PyTorch (scalar events)', () => {
    const d = gmm();
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([]);
    expect(d.numComponents).toBe(3);
    // MixtureSameFamily(...).log_prob(x)
    const logProb = [
      [-1.1909260124546241, -0.28919687753582163],
      [-2.5459340311072935, -6.200921032597114],
      [-2.298264830007358, -2.597135227722909],
      [-8.412042640678456, -1.002230286419488],
    ];
    expect(d.logProb(x)).toBeAllClose(logProb, { rtol: 1e-4 });
    // MixtureSameFamily(...).cdf(x)
    const cdf = [
      [0.1634789964601451, 0.6128940823857415],
      [0.4680199583469926, 0.0005267516489708881],
      [0.6944462007459292, 0.9761625453502862],
      [0.9998815503089051, 0.3875405883430893],
    ];
    expect(d.cdf(x)).toBeAllClose(cdf, { rtol: 1e-4, atol: 1e-6 });
  });

  it('mean and variance (law of total variance) match PyTorch', () => {
    // MixtureSameFamily(...).mean, .variance
    expect(gmm().mean()).toBeAllClose([0.7731178545511276, 0.02428889767926321], { rtol: 1e-4 });
    expect(gmm().variance()).toBeAllClose([7.738356959636606, 0.6784112948343849], { rtol: 1e-4 });
    expect(mvnMixture().mean()).toBeAllClose([0.0433825535067382, 0.32542177986763304], { rtol: 1e-4 });
    expect(mvnMixture().variance()).toBeAllClose([2.7424868834829255, 1.4881532942588747], { rtol: 1e-4 });
  });

  it('log-density matches PyTorch for vector events (MultivariateNormal components)', () => {
    const d = mvnMixture();
    expect(d.batchShape).toEqual([]);
    expect(d.eventShape).toEqual([2]);
    // MixtureSameFamily(...).log_prob(xv)
    const xv = [
      [0.1, 0.2],
      [2.0, -1.5],
      [-1.0, 1.0],
    ];
    expect(d.logProb(xv)).toBeAllClose([-2.9896954580786814, -2.4734882752346348, -2.2293201208088194], {
      rtol: 1e-4,
    });
  });

  it('the density integrates to 1 (trapezoid rule on a grid)', () => {
    const step = 0.005;
    const grid = tf.reshape(tf.range(-15, 25 + step / 2, step), [-1, 1]);
    const density = gmm().prob(grid).arraySync() as number[][];
    const integral = [0, 1].map((b) =>
      density.reduce(
        (acc, row, i) => acc + (i === 0 || i === density.length - 1 ? 0.5 : 1) * row[b] * step,
        0,
      ),
    );
    expect(integral).toBeAllClose([1, 1], { atol: 1e-3 });
  });

  it('samples have the mixture mean and variance (100k draws)', () => {
    const draws = gmm().sample([100_000], 4);
    expect(draws.shape).toEqual([100_000, 2]);
    const { mean, variance } = momentsAlongFirstAxis(draws);
    // Standard errors of the mean are sqrt(variance / n) <= 0.009.
    expect(mean).toBeAllClose([0.7731178545511276, 0.02428889767926321], { atol: 0.04 });
    expect(variance).toBeAllClose([7.738356959636606, 0.6784112948343849], { rtol: 0.03 });
    const vector = momentsAlongFirstAxis(mvnMixture().sample([100_000], 5));
    expect(vector.mean).toBeAllClose([0.0433825535067382, 0.32542177986763304], { atol: 0.03 });
    expect(vector.variance).toBeAllClose([2.7424868834829255, 1.4881532942588747], { rtol: 0.03 });
  });

  it.each([
    // Weights [0.2, 0.3, 0.5] and [0.6, 0.3, 0.1] over shared components at -5, 0, 5: means 1.5 and -2.5.
    [
      'mixture batch [2], components batch [3]',
      [
        [0.2, 0.3, 0.5],
        [0.6, 0.3, 0.1],
      ],
      [-5, 0, 5],
      [2],
    ],
    // One set of weights over two rows of components: means 0.2 * -5 + 0.5 * 5 = 1.5, and 0.2 * 10 = 2 (+ 0 + 0).
    [
      'mixture batch [], components batch [2, 3]',
      [0.2, 0.3, 0.5],
      [
        [-5, 0, 5],
        [10, 0, 0],
      ],
      [2],
    ],
  ])('broadcasts batch shapes: %s', (_, probs, locs, batch) => {
    const d = new MixtureSameFamily(new Categorical({ probs }), new Normal(locs, 0.1));
    expect(d.batchShape).toEqual(batch);
    const draws = d.sample([50_000], 6);
    expect(draws.shape).toEqual([50_000, ...batch]);
    expect(momentsAlongFirstAxis(draws).mean).toBeAllClose(d.mean(), { atol: 0.06 });
    expect(d.logProb(tf.zeros([7, 1])).shape).toEqual([7, ...batch]);
  });

  it('with one component, is that component (scalar and vector events, batched)', () => {
    // Normal(0.5, 2): mean 0.5, variance 4, log N(0; 0.5, 2) = -log(2 sqrt(2 pi)) - 0.25 / 8 = -1.6433357.
    const scalar = new MixtureSameFamily(new Categorical({ probs: [1] }), new Normal([0.5], [2]));
    expect(scalar.logProb([0, 1])).toBeAllClose([-1.6433357, -1.6433357], { rtol: 1e-6 });
    const draws = scalar.sample([50_000], 7);
    expect(draws.shape).toEqual([50_000]);
    const moments = momentsAlongFirstAxis(tf.reshape(draws, [-1, 1]));
    // Standard error of the mean: 2 / sqrt(50,000) = 0.009.
    expect(moments.mean).toBeAllClose([0.5], { atol: 0.04 });
    expect(moments.variance).toBeAllClose([4], { rtol: 0.03 });
    const vector = new MixtureSameFamily(
      new Categorical({ logits: [[0], [0]] }),
      new Independent(new Normal([[[-3, 1]], [[4, 0]]], 0.1), 1),
    );
    const vectorDraws = vector.sample([1000], 8);
    expect(vectorDraws.shape).toEqual([1000, 2, 2]);
    expect(momentsAlongFirstAxis(vectorDraws).mean).toBeAllClose([-3, 1, 4, 0], { atol: 0.02 });
  });

  it('is seeded, and has no rsample', () => {
    const d = gmm();
    expect(d.sample([6], 13)).toBeAllClose(d.sample([6], 13), { rtol: 0, atol: 0 });
    expect(d.hasRsample).toBe(false);
    expect(() => d.rsample([2])).toThrow(/MixtureSameFamily has no reparameterized sampler/);
    expect(new Independent(d, 1).hasRsample).toBe(false);
  });

  it.each([
    [
      'components whose last batch dimension is not K',
      () => new MixtureSameFamily(new Categorical({ logits: [0, 0, 0] }), new Normal([0, 1], 1)),
      /argument 'components' must have batch shape \[\.\.\., 3\].*got \[2\]/,
    ],
    [
      'components without a batch dimension',
      () => new MixtureSameFamily(new Categorical({ logits: [0] }), new Normal(0, 1)),
      /argument 'components' must have batch shape \[\.\.\., 1\]/,
    ],
    [
      'batch shapes that do not broadcast',
      () =>
        new MixtureSameFamily(
          new Categorical({
            logits: [
              [0, 0],
              [0, 0],
            ],
          }),
          new Normal(tf.zeros([3, 2]), 1),
        ),
      /batch shape \[2\] of 'mixture' does not broadcast with the batch shape \[3\] of 'components'/,
    ],
    [
      'a value with the wrong event shape',
      () => mvnMixture().logProb([1, 2, 3]),
      /MixtureSameFamily.logProb: argument 'x' must have shape \[\.\.\., 2\], got \[3\]/,
    ],
    [
      'cdf of vector events',
      () => mvnMixture().cdf([0, 0]),
      /MixtureSameFamily.cdf \(for non-scalar events\)/,
    ],
  ])('rejects %s with a clear error', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a NaN value gives a NaN log-density, not an error', () => {
    // The second entry is MixtureSameFamily(...).log_prob(0) of the second batch member, as above.
    expect(gmm().logProb([NaN, 0])).toBeAllClose([NaN, -1.002230286419488], { rtol: 1e-4 });
  });

  it('leaks no tensors, and dispose frees the mixture and the components', async () => {
    await assertNoLeaks(() => {
      const d = gmm();
      tf.dispose([d.logProb(x), d.sample([3]), d.mean(), d.variance(), d.stddev(), d.cdf(x), d.prob(0)]);
      d.dispose();
      const v = mvnMixture();
      tf.dispose([v.logProb([0, 0]), v.sample([3]), v.mean(), v.variance()]);
      v.dispose();
    }, 'MixtureSameFamily');
  });
});
