import * as tf from '../../engine/tf.js';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../data/dataset.js';
import { deriveSeed } from '../../engine/random.js';
import { OptionError } from '../../train/options.js';
import { resolveHelmholtzConfig, type HelmholtzAlgorithm } from './config.js';
import { evaluateHelmholtz } from './evaluate.js';
import { helmholtzFamily } from './index.js';
import { HelmholtzMachine } from './model.js';

/** Every binary vector of length d, as rows. */
function allBinary(d: number): number[][] {
  return Array.from({ length: 2 ** d }, (_, i) => Array.from({ length: d }, (_, j) => (i >> j) & 1));
}

/** A machine small enough to enumerate: 4 visible units (2x2 images), layers of 3 and 2. */
function tinyMachine(algorithm: HelmholtzAlgorithm = 'rws', seed = 3): HelmholtzMachine {
  return new HelmholtzMachine(
    resolveHelmholtzConfig({
      inputShape: [2, 2, 1],
      hidden: [3, 2],
      algorithm,
      k: 5,
      learningRate: 0.02,
      seed,
    }),
  );
}

/** log p(x) of each row of `xs` by summing p(x, h1, h2) over all 8 x 4 hidden states. */
function exactLogLikelihood(model: HelmholtzMachine, xs: number[][]): number[] {
  const h1s = allBinary(3);
  const h2s = allBinary(2);
  return xs.map((x) =>
    tf.tidy(() => {
      const rows = h1s.flatMap((h1) => h2s.map((h2) => ({ h1, h2 })));
      const X = tf.tensor2d(rows.map(() => x));
      const logJ = model.logJoint(X, [
        tf.tensor2d(rows.map((r) => r.h1)),
        tf.tensor2d(rows.map((r) => r.h2)),
      ]);
      return tf.logSumExp(logJ).dataSync()[0];
    }),
  );
}

function binaryImages(xs: number[][]): Dataset {
  return {
    name: 'patterns',
    kind: 'image',
    shape: [2, 2, 1],
    values: Float32Array.from(xs.flat()),
    labels: null,
    n: xs.length,
    numClasses: 0,
  };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('HelmholtzMachine', () => {
  it('defines a normalised joint p(x, h) and a normalised q(h | x)', () => {
    const model = tinyMachine();
    // sum over all 16 x of p(x) = 1
    const all = exactLogLikelihood(model, allBinary(4));
    expect(Math.log(all.reduce((s, l) => s + Math.exp(l), 0))).toBeCloseTo(0, 5);
    // sum over the 32 hidden states of q(h | x) = 1, for one x
    const h1s = allBinary(3);
    const h2s = allBinary(2);
    const rows = h1s.flatMap((h1) => h2s.map((h2) => ({ h1, h2 })));
    const total = tf.tidy(() => {
      const X = tf.tensor2d(rows.map(() => [1, 0, 1, 1]));
      const logQ = model.logRecognition(X, [
        tf.tensor2d(rows.map((r) => r.h1)),
        tf.tensor2d(rows.map((r) => r.h2)),
      ]);
      return tf.logSumExp(logQ).dataSync()[0];
    });
    expect(total).toBeCloseTo(0, 5);
    model.dispose();
  });

  it('estimates log p(x) by importance sampling to the exact sum, with the ELBO below it', () => {
    const model = tinyMachine();
    const xs = [
      [1, 0, 1, 1],
      [0, 0, 0, 1],
      [1, 1, 1, 1],
    ];
    const exact = mean(exactLogLikelihood(model, xs));
    const e = evaluateHelmholtz(model, binaryImages(xs), { iwSamples: 5000, seed: 4 });
    expect(e.loglik).toBeCloseTo(exact, 2);
    expect(e.elbo).toBeLessThan(exact);
    expect(e.n).toBe(3);
    model.dispose();
  });

  it.each(['wake-sleep', 'rws'] as const)(
    '%s raises the exact log-likelihood of a small data set, and leaks nothing',
    (algorithm) => {
      const model = tinyMachine(algorithm);
      const xs = [
        [1, 1, 0, 0],
        [0, 0, 1, 1],
        [1, 0, 1, 0],
        [1, 1, 0, 0],
      ];
      const before = mean(exactLogLikelihood(model, xs));
      const batch = tf.tensor4d(xs.flat(), [4, 2, 2, 1]);
      model.trainStep(batch, 0); // Adam's moments appear on the first step
      const tensors = tf.memory().numTensors;
      for (let step = 1; step < 300; step++) model.trainStep(batch, step);
      expect(tf.memory().numTensors).toBe(tensors);
      const after = mean(exactLogLikelihood(model, xs));
      // Four patterns, three distinct: log p(x) can rise from about -2.7 towards -1.0.
      expect(after).toBeGreaterThan(before + 0.4);
      batch.dispose();
      model.dispose();
    },
  );

  it('has a K-sample bound between the ELBO and log p(x) on average, rising with K', () => {
    const model = tinyMachine('rws');
    const x = [1, 0, 1, 1];
    const [exact] = exactLogLikelihood(model, [x]);
    // 4,000 independent K-sample bounds of one example: their mean is E[log (1/K) sum_k w_k].
    const bound = (k: number) =>
      tf.tidy(() => {
        const logW = tf.reshape(model.logWeights(tf.tile(tf.tensor2d([x]), [4000, 1]), k, 5), [k, 4000]);
        return tf.mean(tf.sub(tf.logSumExp(logW, 0), Math.log(k))).dataSync()[0];
      });
    const [elbo, five, fifty] = [bound(1), bound(5), bound(50)];
    expect(elbo).toBeLessThan(five);
    expect(five).toBeLessThan(fifty);
    expect(fifty).toBeLessThan(exact + 0.01);
    expect(fifty).toBeGreaterThan(exact - 0.05);
    model.dispose();
  });

  it('moves p up the gradient of the K-sample bound (rws), the first Adam step being lr sign(gradient)', () => {
    const model = tinyMachine('rws');
    const xs = [1, 0, 1, 1, 0, 1, 0, 0];
    const batch = tf.tensor4d(xs, [2, 2, 2, 1]);
    // The step's own draws: the batch is binary, so binarizing leaves it as it is.
    const x = tf.tensor2d(xs, [2, 4]);
    const xk = tf.tidy(() => tf.reshape<tf.Rank.R2>(tf.tile(tf.expandDims(x, 0), [5, 1, 1]), [10, 4]));
    const hs = model.recognize(xk, deriveSeed(7, 'wake'));
    const params = model.generativeParameters();
    const bound = () =>
      tf.tidy(() => {
        const logW = tf.reshape(tf.sub(model.logJoint(xk, hs), model.logRecognition(xk, hs)), [5, 2]);
        return tf.mean<tf.Scalar>(tf.logSumExp(logW, 0));
      });
    const { grads } = tf.variableGrads(bound, [...params.values()]);
    const before = new Map([...params].map(([name, v]) => [name, Array.from(v.dataSync())]));
    model.trainStep(batch, 7);
    let compared = 0;
    for (const [name, v] of params) {
      const g = grads[v.name].dataSync();
      const after = v.dataSync();
      const old = before.get(name) ?? [];
      for (let i = 0; i < g.length; i++) {
        if (Math.abs(g[i]) < 1e-4) continue;
        expect(Math.sign(after[i] - old[i])).toBe(Math.sign(g[i]));
        expect(Math.abs(after[i] - old[i])).toBeCloseTo(0.02, 3);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
    tf.dispose([batch, x, xk, ...hs, ...Object.values(grads)]);
    model.dispose();
  });

  it('updates both models in a step, and reports a finite loss', () => {
    const model = tinyMachine('rws');
    const batch = tf.tensor4d([1, 0, 1, 1, 0, 1, 0, 0], [2, 2, 2, 1]);
    const snapshot = (vars: Map<string, tf.Variable>) =>
      [...vars.values()].map((v) => Array.from(v.dataSync()));
    const [p0, q0] = [snapshot(model.generativeParameters()), snapshot(model.recognitionParameters())];
    const { loss, q_loss } = model.trainStep(batch, 7);
    expect(Number.isFinite(loss) && Number.isFinite(q_loss)).toBe(true);
    expect(snapshot(model.generativeParameters())).not.toEqual(p0);
    expect(snapshot(model.recognitionParameters())).not.toEqual(q0);
    expect(model.generativeParameters().size + model.recognitionParameters().size).toBe(
      model.parameters().size,
    );
    batch.dispose();
    model.dispose();
  });
});

describe('Helmholtz configuration', () => {
  it('needs images and at least one hidden layer, and names the option', () => {
    const vectors: Dataset = {
      name: 'moons',
      kind: 'vector',
      shape: [2],
      values: new Float32Array(4),
      labels: null,
      n: 2,
      numClasses: 0,
    };
    expect(() => helmholtzFamily.resolveConfig('helmholtz', { seed: 0 }, vectors)).toThrow(OptionError);
    expect(() => helmholtzFamily.resolveConfig('helmholtz', { seed: 0 }, vectors)).toThrow(
      /binarized images/,
    );
    expect(() => resolveHelmholtzConfig({ inputShape: [28, 28, 1], hidden: [] })).toThrow(/hidden/);
    expect(() => resolveHelmholtzConfig({ inputShape: [28, 28, 1], k: 0 })).toThrow(/k/);
  });
});
