import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { batches } from '../../data/batches.js';
import { head, type Dataset } from '../../data/dataset.js';
import { loadDataset } from '../../data/registry.js';
import { OptionError } from '../../train/options.js';
import { resolveBiganConfig, type BiganConfig, type BiganKind } from './config.js';
import { evaluateBigan } from './evaluate.js';
import { biganFamily } from './index.js';
import { biganEncoderGeneratorLoss } from './losses.js';
import { BiganModel } from './model.js';
import { estimateBiganParameters } from './networks.js';
import { BIGAN_LATENT, biganSamples } from './samples.js';

/** A model on 4-D vectors with a 2-D latent and 8-unit layers. */
function tinyModel(kind: BiganKind, options: Partial<BiganConfig> = {}): BiganModel {
  return new BiganModel(
    resolveBiganConfig({
      kind,
      inputShape: [4],
      latent: 2,
      encoderHidden: [8],
      generatorHidden: [8],
      discriminatorHidden: [8],
      seed: 3,
      ...options,
    }),
  );
}

const snapshot = (params: Map<string, tf.Variable>) =>
  new Map([...params].map(([name, v]) => [name, Array.from(v.dataSync())]));

/** The names of the parameters of `params` whose values differ from `before`. */
function changed(before: Map<string, number[]>, params: Map<string, tf.Variable>): string[] {
  return [...params]
    .filter(([name, v]) => Array.from(v.dataSync()).some((x, i) => x !== before.get(name)![i]))
    .map(([name]) => name);
}

const X = () =>
  tf.tensor2d([
    [0.1, 0.9, -0.4, 0.3],
    [1.2, -0.5, 0.2, 0.0],
    [-0.7, 0.4, 0.8, -1.1],
    [0.5, 0.5, -0.2, 0.6],
  ]);

describe('BiganModel', () => {
  it.each(['bigan', 'ali'] as const)(
    '%s: a D update moves D alone; an E+G update moves E and G, E through the discriminator',
    (kind) => {
      const model = tinyModel(kind, { batchNorm: true });
      const x = X();
      const e = () =>
        new Map([...model.encoderGeneratorParameters()].filter(([n]) => n.startsWith('encoder')));
      const g = () =>
        new Map([...model.encoderGeneratorParameters()].filter(([n]) => n.startsWith('generator')));
      const [e0, g0, d0] = [snapshot(e()), snapshot(g()), snapshot(model.discriminatorParameters())];
      model.discriminatorStep(x, 1);
      expect(changed(e0, e())).toEqual([]);
      expect(changed(g0, g())).toEqual([]);
      expect(changed(d0, model.discriminatorParameters())).toEqual([
        ...model.discriminatorParameters().keys(),
      ]);
      const [e1, g1, d1] = [snapshot(e()), snapshot(g()), snapshot(model.discriminatorParameters())];
      model.encoderGeneratorStep(x, 2);
      // Every parameter of E moves, though its loss reaches E only through D's input z = E(x).
      expect(changed(e1, e())).toEqual([...e().keys()]);
      expect(changed(g1, g())).toEqual([...g().keys()]);
      expect(changed(d1, model.discriminatorParameters())).toEqual([]);
      x.dispose();
      model.dispose();
    },
  );

  it.each(['bigan', 'ali'] as const)(
    "%s: the encoder's gradient of L_EG is the finite difference of the loss through D",
    (kind) => {
      const model = tinyModel(kind, { batchNorm: false });
      const x = X();
      const bias = model.encoder.parameters().get('loc.bias')!;
      // In inference mode, with the noise and ALI's draws fixed by the seed, the loss is a function of the weights.
      const loss = () => {
        const { real, generated } = model.pairLogits(x, 5);
        const l = biganEncoderGeneratorLoss(real, generated);
        tf.dispose([real, generated]);
        return l;
      };
      const { grads, value } = tf.variableGrads(loss, [bias]);
      const analytic = Array.from(grads[bias.name].dataSync());
      tf.dispose([value, grads[bias.name]]);
      const at = (j: number, h: number) => {
        const b0 = bias.arraySync() as number[];
        bias.assign(tf.tensor1d(b0.map((v, i) => (i === j ? v + h : v))));
        const l = loss();
        const out = l.dataSync()[0];
        l.dispose();
        bias.assign(tf.tensor1d(b0));
        return out;
      };
      const h = 1e-2;
      analytic.forEach((g, j) => {
        expect(Math.abs(g)).toBeGreaterThan(1e-3);
        expect(g).toBeCloseTo((at(j, h) - at(j, -h)) / (2 * h), 3);
      });
      x.dispose();
      model.dispose();
    },
  );

  it("draws ALI's codes z = mu(x) + sigma(x) eps with the moments of q(z | x)", () => {
    const model = tinyModel('ali');
    const n = 20000;
    const [z, mu, sigma] = tf.tidy(() => {
      const x = tf.tile<tf.Tensor2D>(tf.tensor2d([[0.3, -0.2, 0.9, 0.1]]), [n, 1]);
      const q = model.encoder.posterior(tf.slice(x, [0, 0], [1, 4]));
      return [model.encoder.code(x, 11), model.encode(tf.slice(x, [0, 0], [1, 4])), q.stddev()];
    });
    const { mean, variance } = tf.moments(z, 0);
    const [m, s] = [mu.dataSync(), sigma.dataSync()];
    const [sampleMean, sampleStd] = [mean.dataSync(), tf.sqrt(variance).dataSync()];
    for (let j = 0; j < 2; j++) {
      // Four standard errors: of the mean sigma / sqrt(n), of the standard deviation about sigma / sqrt(2 n).
      expect(Math.abs(sampleMean[j] - m[j])).toBeLessThan((4 * s[j]) / Math.sqrt(n));
      expect(Math.abs(sampleStd[j] - s[j])).toBeLessThan((4 * s[j]) / Math.sqrt(2 * n));
    }
    // Another seed, other draws; a BiGAN's code is E(x) whatever the seed.
    const again = tf.tidy(() => model.encoder.code(tf.tensor2d([[0.3, -0.2, 0.9, 0.1]]), 12));
    expect(Array.from(again.dataSync())).not.toEqual(Array.from(z.dataSync().subarray(0, 2)));
    const bigan = tinyModel('bigan');
    const codes = tf.tidy(() => {
      const x = X();
      return [bigan.encoder.code(x, 1), bigan.encoder.code(x, 2), bigan.encode(x)];
    });
    expect(codes[0]).toBeAllClose(codes[1], { atol: 0 });
    expect(codes[0]).toBeAllClose(codes[2], { atol: 0 });
    tf.dispose([z, mu, sigma, mean, variance, again, ...codes]);
    model.dispose();
    bigan.dispose();
  });

  it('counts its parameters as estimateBiganParameters does', () => {
    for (const kind of ['bigan', 'ali'] as const)
      for (const batchNorm of [true, false]) {
        const model = tinyModel(kind, { batchNorm, encoderHidden: [8, 5] });
        expect(estimateBiganParameters(model.config)).toBe(model.numParameters());
        model.dispose();
      }
  });
});

describe('ALI/BiGAN on digits', () => {
  const split = loadDataset('mnist');
  const train = head(split.train, 512);
  const test = head(split.test!, 300);

  it.each(['bigan', 'ali'] as const)(
    '%s: a short training lowers the reconstruction error of G(E(x)) on held-out digits',
    (kind) => {
      const model = new BiganModel(
        resolveBiganConfig({
          kind,
          inputShape: [28, 28, 1],
          latent: 16,
          encoderHidden: [64],
          generatorHidden: [64],
          discriminatorHidden: [64],
          generatorLr: 1e-3,
          discriminatorLr: 1e-3,
          seed: 0,
        }),
      );
      const before = evaluateBigan(model, test, { seed: 0 });
      let step = 0;
      for (let epoch = 0; epoch < 6; epoch++)
        for (const batch of batches(train, { batchSize: 64, seed: 1, epoch })) {
          model.discriminatorStep(batch.x, 2 * step);
          model.encoderGeneratorStep(batch.x, 2 * step + 1);
          tf.dispose([batch.x, batch.labels ?? []]);
          step += 1;
        }
      const after = evaluateBigan(model, test, { seed: 0 });
      // From about 0.23 (G's outputs near 1/2 everywhere) to about 0.12.
      expect(after.recon_mse).toBeLessThan(0.65 * before.recon_mse);
      // The codes carry more of the class than a random encoder's (0.46 here): 1-NN on them, 0.6 after training.
      expect(after.knn_accuracy!).toBeGreaterThan(before.knn_accuracy! + 0.05);
      model.dispose();
    },
    60_000,
  );

  it('evaluates reproducibly, with the bound read off the held-out D loss and the 1-NN accuracy of the codes', () => {
    const model = new BiganModel(
      resolveBiganConfig({
        inputShape: [28, 28, 1],
        latent: 4,
        encoderHidden: [16],
        generatorHidden: [16],
        discriminatorHidden: [16],
      }),
    );
    const small = head(test, 50);
    const e = evaluateBigan(model, small, { seed: 1, batchSize: 16 });
    expect(evaluateBigan(model, small, { seed: 1, batchSize: 16 })).toEqual(e);
    // Another seed draws other generated pairs: the same reconstructions, another D loss.
    const other = evaluateBigan(model, small, { seed: 2, batchSize: 16 });
    expect(other.recon_mse).toBe(e.recon_mse);
    expect(other.d_loss).not.toBe(e.d_loss);
    expect(e.n).toBe(50);
    expect(e.divergence).toBeCloseTo((Math.log(4) - e.d_loss) / 2, 10);
    const direct = tf.tidy(() => {
      const x = tf.tensor2d(Float32Array.from(small.values), [50, 784]);
      return tf.mean(tf.square(tf.sub(model.reconstruct(x), x))).dataSync()[0];
    });
    expect(e.recon_mse).toBeCloseTo(direct, 5);
    // Leave-one-out 1-NN by brute force in float64: each code takes the label of its nearest other code.
    const codes = tf.tidy(() => model.encode(tf.tensor2d(Float32Array.from(small.values), [50, 784])));
    const z = codes.arraySync();
    codes.dispose();
    const distance = (a: number[], b: number[]) => a.reduce((sum, v, k) => sum + (v - b[k]) ** 2, 0);
    const hits = z.filter((zi, i) => {
      const others = z.map((zj, j) => (j === i ? Infinity : distance(zi, zj)));
      return small.labels![others.indexOf(Math.min(...others))] === small.labels![i];
    }).length;
    expect(e.knn_accuracy).toBeCloseTo(hits / 50, 10);
    const unlabelled: Dataset = { ...small, labels: null, numClasses: 0 };
    expect(evaluateBigan(model, unlabelled, { seed: 1 }).knn_accuracy).toBeNull();
    model.dispose();
  });

  it('samples G(z) at a temperature, refuses labels, and encodes and decodes for interpolation', () => {
    const model = new BiganModel(
      resolveBiganConfig({ inputShape: [28, 28, 1], latent: 3, encoderHidden: [8], generatorHidden: [8] }),
    );
    const s = biganSamples(model, 5, { seed: 2 });
    expect(s.shape).toEqual([28, 28, 1]);
    expect(s.values.length).toBe(5 * 784);
    expect(Array.from(biganSamples(model, 5, { seed: 2 }).values)).toEqual(Array.from(s.values));
    // At temperature 0.5 the noise is the same draw, halved: G(z / 2).
    const half = tf.tidy(() => model.generate(tf.mul(model.noise(5, 2), 0.5)));
    expect(biganSamples(model, 5, { seed: 2, temperature: 0.5 }).values).toBeAllClose(half, { atol: 1e-6 });
    expect(() => biganSamples(model, 5, { seed: 2, labels: [0, 1, 2, 3, 4] })).toThrow(OptionError);
    expect(() => biganSamples(model, 5, { seed: 2, temperature: 0 })).toThrow(/temperature/);
    const z = tf.tidy(() =>
      BIGAN_LATENT.encode(model, tf.tensor2d(Float32Array.from(test.values.subarray(0, 2 * 784)), [2, 784])),
    );
    expect(z.shape).toEqual([2, 3]);
    const x = BIGAN_LATENT.decode(model, z);
    expect(x.shape).toEqual([2, 784]);
    tf.dispose([half, z, x]);
    model.dispose();
  });
});

describe('ALI/BiGAN configuration', () => {
  it.each([
    ['an unknown kind', { kind: 'gan' as BiganKind }, /kind/],
    ['a latent of 0', { latent: 0 }, /latent/],
    ['no encoder layer', { encoderHidden: [] }, /encoderHidden/],
    ['a dropout of 1', { dropout: 1 }, /dropout/],
    ['a negative learning rate', { generatorLr: -1 }, /generatorLr/],
    ['a negative seed', { seed: -1 }, /seed/],
  ])('refuses %s with an OptionError naming it', (_name, options, message) => {
    expect(() => resolveBiganConfig({ inputShape: [28, 28, 1], ...options })).toThrow(OptionError);
    expect(() => resolveBiganConfig({ inputShape: [28, 28, 1], ...options })).toThrow(message);
  });

  it('refuses an input shape that is neither a vector nor an image', () => {
    expect(() => resolveBiganConfig({ inputShape: [4, 4] })).toThrow(/inputShape/);
  });

  it('builds the configuration of a run from its options and the data', () => {
    const data = head(loadDataset('mnist').train, 10);
    const config = biganFamily.resolveConfig('ali', { seed: 4, latent: 8, encoderHidden: [16] }, data);
    expect(config).toMatchObject({
      kind: 'ali',
      inputShape: [28, 28, 1],
      latent: 8,
      encoderHidden: [16],
      seed: 4,
    });
  });

  it('refuses a batch size that leaves a batch of one example to batch normalisation', () => {
    const data = head(loadDataset('mnist').train, 65);
    const run = (options: Record<string, number | boolean>) => () =>
      biganFamily.resolveConfig('bigan', { seed: 0, ...options }, data);
    expect(run({ batchSize: 32 })).toThrow(OptionError);
    expect(run({ batchSize: 32 })).toThrow(
      /'batchSize' leaves a batch of one example \(65 examples in batches of 32\)/,
    );
    expect(run({ batchSize: 1 })).toThrow(/batchSize/);
    expect(run({ batchSize: 32, batchNorm: false })).not.toThrow();
    expect(run({ batchSize: 64 })).toThrow(/batchSize/);
    expect(run({ batchSize: 65 })).not.toThrow();
  });
});
