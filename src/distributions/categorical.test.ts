import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { setSeed } from '../engine/random.js';
import { Categorical } from './categorical.js';
import { klDivergence, klMonteCarlo } from './kl.js';
import type { LogitsOrProbs } from './logits-or-probs.js';

const logits = [
  [1, 2, 0.5],
  [0, -1, 3],
];
const probs = [
  [1, 2, 1],
  [0.2, 0.5, 0.3],
];
// Three draws for each of the two batch members.
const x = [
  [0, 2],
  [1, 1],
  [2, 0],
];

/** Frequencies of the values 0..k-1 in column `column` of int32 draws of shape [n, columns]. */
function frequencies(draws: tf.Tensor, k: number, column = 0): number[] {
  const [n, columns] = draws.shape;
  const v = draws.dataSync();
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) counts[v[i * columns + column]] += 1 / n;
  return counts;
}

describe('Categorical', () => {
  it('log-mass matches PyTorch, from logits and from unnormalised probs, for float and int32 values', () => {
    // torch.distributions.Categorical(logits=logits).log_prob(x) in float64
    const fromLogits = [
      [-1.4643687841079451, -0.06588390375742925],
      [-0.46436878410794513, -4.065883903757429],
      [-1.9643687841079451, -3.0658839037574293],
    ];
    const d = new Categorical({ logits });
    expect(d.logProb(x)).toBeAllClose(fromLogits, { rtol: 1e-4 });
    expect(d.logProb(tf.tensor(x, undefined, 'int32'))).toBeAllClose(fromLogits, { rtol: 1e-4 });
    // torch.distributions.Categorical(probs=probs).log_prob(x) in float64 (PyTorch normalises probs)
    const fromProbs = [
      [-1.3862943611198906, -1.2039728043259361],
      [-0.6931471805599453, -0.6931471805599453],
      [-1.3862943611198906, -1.6094379124341003],
    ];
    expect(new Categorical({ probs }).logProb(x)).toBeAllClose(fromProbs, { rtol: 1e-4 });
  });

  it('normalises logits and probs and exposes its shapes', () => {
    const d = new Categorical({ logits });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([]);
    expect(d.numCategories).toBe(3);
    expect(tf.sum(d.probs, -1)).toBeAllClose([1, 1]);
    expect(tf.logSumExp(d.logits, -1)).toBeAllClose([0, 0], { atol: 1e-6 });
    expect(new Categorical({ probs }).probs).toBeAllClose(
      [
        [0.25, 0.5, 0.25],
        [0.2, 0.5, 0.3],
      ],
      { rtol: 1e-6 },
    );
  });

  it('entropy matches PyTorch', () => {
    // torch.distributions.Categorical(logits=logits).entropy(), then probs=probs, in float64
    expect(new Categorical({ logits }).entropy()).toBeAllClose([0.9059592564792269, 0.2743130736734325], {
      rtol: 1e-4,
    });
    expect(new Categorical({ probs }).entropy()).toBeAllClose([1.0397207708399179, 1.0296530140645737], {
      rtol: 1e-4,
    });
  });

  it('sample frequencies from 100k int32 draws match probs', () => {
    const d = new Categorical({
      probs: [
        [0.05, 0.6, 0.35, 0],
        [0.25, 0.25, 0.25, 0.25],
      ],
    });
    const draws = d.sample([100_000], 3);
    expect(draws.dtype).toBe('int32');
    expect(draws.shape).toEqual([100_000, 2]);
    // Standard errors sqrt(p (1 - p) / n) are at most 0.0016; a category of probability 0 is never drawn.
    expect(frequencies(draws, 4, 0)).toBeAllClose([0.05, 0.6, 0.35, 0], { atol: 0.006, rtol: 0 });
    expect(frequencies(draws, 4, 1)).toBeAllClose([0.25, 0.25, 0.25, 0.25], { atol: 0.006, rtol: 0 });
  });

  it('draws the members of a batch independently', () => {
    // Two identical fair coins: P(both 0) = 1/4 when independent, 1/2 when they share their randomness.
    const draws = new Categorical({
      probs: [
        [0.5, 0.5],
        [0.5, 0.5],
      ],
    }).sample([100_000], 9);
    const same = tf.sum(
      tf.cast(
        tf.logicalAnd(
          tf.equal(draws, tf.scalar(0, 'int32')),
          tf.equal(tf.reverse(draws, 1), tf.scalar(0, 'int32')),
        ),
        'float32',
      ),
    );
    expect(tf.div(same, 2 * 100_000)).toBeAllClose(0.25, { atol: 0.006 });
  });

  it('same seed, same samples; the global seed stream is reproducible', () => {
    const d = new Categorical({ logits });
    expect(d.sample([8], 11)).toBeAllClose(d.sample([8], 11), { rtol: 0, atol: 0 });
    setSeed(5);
    const a = Array.from(d.sample([8]).dataSync());
    setSeed(5);
    expect(Array.from(d.sample([8]).dataSync())).toEqual(a);
  });

  it('KL matches PyTorch and the Monte Carlo estimate', () => {
    const p = new Categorical({ logits });
    const q = new Categorical({ probs });
    // kl_divergence(Categorical(logits=logits), Categorical(probs=probs)) in float64
    const expected = [0.0446701155765353, 0.939799974024766];
    expect(klDivergence(p, q)).toBeAllClose(expected, { rtol: 1e-4 });
    expect(klMonteCarlo(p, q, 200_000, 7)).toBeAllClose(expected, { rtol: 0.05 });
    expect(klDivergence(p, p)).toBeAllClose([0, 0], { atol: 1e-6 });
  });

  it('KL with zero probabilities is finite where p is 0 and Infinity where only q is, as PyTorch', () => {
    const p = new Categorical({
      probs: [
        [0, 0.5, 0.5],
        [0.2, 0.8, 0],
        [0.5, 0.5, 0],
      ],
    });
    const q = new Categorical({
      probs: [
        [0.3, 0.3, 0.4],
        [0.5, 0, 0.5],
        [0.5, 0.5, 0],
      ],
    });
    // kl_divergence(Categorical(probs=p), Categorical(probs=q)) in float64
    expect(klDivergence(p, q)).toBeAllClose([0.36698458754010027, Infinity, 0], { rtol: 1e-4 });
    // Gradients stay finite where zeros are masked: in q's probabilities, and in p's where q is 0 too.
    const w = [
      [0, 0.5, 0.5],
      [0.2, 0.8, 0],
      [0.5, 0.5, 0],
    ];
    const gq = tf.grad((v: tf.Tensor) => tf.sum(klDivergence(p, new Categorical({ probs: v }))));
    expect(Array.from(gq(tf.tensor(w)).dataSync()).every(Number.isFinite)).toBe(true);
    const q2 = new Categorical({
      probs: [
        [0.3, 0.3, 0.4],
        [0.5, 0.25, 0.25],
        [0.5, 0.5, 0],
      ],
    });
    const gp2 = tf.grad((v: tf.Tensor) => tf.sum(klDivergence(new Categorical({ probs: v }), q2)));
    expect(Array.from(gp2(tf.tensor(w)).dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('a category with probability 0 or logit -Infinity has log-mass -Infinity and finite gradients', () => {
    expect(new Categorical({ probs: [0, 0.25, 0.75] }).logProb([0, 1])).toBeAllClose([
      -Infinity,
      Math.log(0.25),
    ]);
    const masked = new Categorical({ logits: [-Infinity, 0, 0] });
    expect(masked.logProb([0, 2])).toBeAllClose([-Infinity, Math.log(0.5)]);
    expect(masked.entropy()).toBeAllClose(Math.log(2));
    expect(klDivergence(masked, new Categorical({ logits: [0, 0, 0] }))).toBeAllClose(Math.log(1.5));
    const g = tf.grad((w: tf.Tensor) => new Categorical({ probs: w }).logProb(1));
    // d/dw_j log(w_1 / sum w) = [j = 1] / w_1 - 1 / sum w
    expect(g(tf.tensor([0, 0.25, 0.75]))).toBeAllClose([-1, 3, -1], { rtol: 1e-5 });
  });

  it('a single category has log-mass 0', () => {
    const d = new Categorical({ logits: [[2], [-1]] });
    expect(d.logProb(0)).toBeAllClose([0, 0]);
    expect(d.sample([3])).toBeAllClose([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it.each([
    [
      'neither logits nor probs',
      () => new Categorical({} as LogitsOrProbs),
      /exactly one of the arguments 'logits' and 'probs', got neither/,
    ],
    [
      'both logits and probs',
      () => new Categorical({ logits: [0, 1], probs: [0.5, 0.5] } as unknown as LogitsOrProbs),
      /got both/,
    ],
    [
      'negative probs',
      () => new Categorical({ probs: [0.5, -0.1, 0.6] }),
      /argument 'probs' must be non-negative and finite, got -0\.1\d* at flat index 1/,
    ],
    [
      'NaN probs',
      () => new Categorical({ probs: [NaN, 1] }),
      /argument 'probs' must be non-negative and finite, got NaN/,
    ],
    [
      'probs of zero sum',
      () =>
        new Categorical({
          probs: [
            [1, 0],
            [0, 0],
          ],
        }),
      /argument 'probs' must be of positive sum, got 0 at flat index 1/,
    ],
    [
      'scalar probs',
      () => new Categorical({ probs: 0.5 }),
      /argument 'probs' must have a last axis indexing at least one category, got shape \[\]/,
    ],
    [
      'NaN logits',
      () => new Categorical({ logits: [0, NaN] }),
      /argument 'logits' must be a number or -Infinity, got NaN/,
    ],
    [
      '+Infinity logits',
      () => new Categorical({ logits: [0, Infinity] }),
      /argument 'logits' must be a number or -Infinity, got Infinity/,
    ],
    [
      'logits all -Infinity',
      () => new Categorical({ logits: [-Infinity, -Infinity] }),
      /argument 'logits' must be finite somewhere along the last axis/,
    ],
    [
      'a value below 0',
      () => new Categorical({ logits }).logProb([-1, 0]),
      /Categorical.logProb: argument 'x' must be an integer in \[0, 3\), got -1/,
    ],
    [
      'a value of K',
      () => new Categorical({ logits }).logProb(3),
      /argument 'x' must be an integer in \[0, 3\), got 3/,
    ],
    [
      'a fractional value',
      () => new Categorical({ logits }).logProb([0, 1.5]),
      /argument 'x' must be an integer in \[0, 3\), got 1.5/,
    ],
    [
      'values that do not broadcast',
      () => new Categorical({ logits }).logProb([0, 1, 2]),
      /Categorical.logProb: parameter shapes \[3\] and \[2\] do not broadcast/,
    ],
  ])('rejects %s with an error naming the argument', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('without validation, values outside the support have log-mass -Infinity', () => {
    const d = new Categorical({ logits: [0, 0] }, { validateArgs: false });
    expect(d.logProb([-1, 2, 0.5, 1])).toBeAllClose([-Infinity, -Infinity, -Infinity, Math.log(0.5)]);
  });

  it('a NaN value gives a NaN log-mass, not an error', () => {
    expect(new Categorical({ logits }).logProb([NaN, 1])).toBeAllClose([NaN, -4.065883903757429], {
      rtol: 1e-4,
    });
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const d = new Categorical({ logits });
      const e = new Categorical({ probs });
      const k = tf.tensor([1, 2], undefined, 'int32');
      tf.dispose([d.logProb(x), d.logProb(k), k, d.sample([3]), e.entropy()]);
      tf.dispose([klDivergence(d, e), klMonteCarlo(d, e, 10), e.prob([0, 1])]);
      d.dispose();
      e.dispose();
    }, 'Categorical');
  });
});
