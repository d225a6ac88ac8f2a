import { describe, expect, it } from 'vitest';
import { changed, snapshot } from '../../../test/helpers.js';
import { cli } from '../../../test/cli.js';
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { batches, binarize } from '../../data/batches.js';
import { head, type Dataset } from '../../data/dataset.js';
import { loadDataset } from '../../data/registry.js';
import { OptionError, type OptionValues } from '../../train/options.js';
import { interpolationFigure } from '../figures.js';
import { resolveAaeConfig, type AaeConfig } from './config.js';
import { evaluateAae } from './evaluate.js';
import { aaeFamily } from './index.js';
import { AdversarialAutoencoder, estimateAaeParameters } from './model.js';
import { AAE_LATENT, aaeSamples } from './pictures.js';
import { PRIOR_COMPONENTS } from './priors.js';

const mnist = loadDataset('mnist');
/** A small digit subset: 600 training digits of every class, 500 test digits. */
const train = head(mnist.train, 600);
const test = head(mnist.test!, 500);

function makeAae(options: Partial<AaeConfig> = {}): AdversarialAutoencoder {
  return new AdversarialAutoencoder(
    resolveAaeConfig({
      inputShape: [28, 28, 1],
      hidden: [64],
      discriminatorHidden: [32],
      learningRate: 3e-3,
      discriminatorLr: 3e-3,
      generatorLr: 3e-3,
      seed: 3,
      ...options,
    }),
  );
}

/** Train `aae` for `epochs` passes over `data` in batches of 50. */
function fit(aae: AdversarialAutoencoder, data: Dataset, epochs: number): void {
  for (let epoch = 0; epoch < epochs; epoch++)
    for (const batch of batches(data, { batchSize: 50, seed: 1, epoch })) {
      aae.trainStep(batch.x, batch.labels, deriveSeed(1, 'step', epoch, batch.index));
      tf.dispose([batch.x, batch.labels ?? []]);
    }
}

/** The first `n` test digits, flattened, and their labels. */
function firstDigits(n: number): { x: tf.Tensor2D; labels: number[] } {
  const first = batches(test, { batchSize: n, shuffle: false }).next();
  if (first.done === true) throw new Error('no test digits');
  const labels = Array.from(first.value.labels!.dataSync());
  first.value.labels!.dispose();
  return { x: first.value.x, labels };
}

describe('AdversarialAutoencoder', () => {
  it('one step: the encoder and decoder on the reconstruction, the discriminator on the GAN loss, the encoder alone on the adversarial loss', () => {
    const aae = makeAae();
    const before = snapshot(aae.parameters());
    const { x } = firstDigits(32);
    aae.trainStep(x, null, 5);
    expect(changed(before, aae.parameters()).sort()).toEqual([...aae.parameters().keys()].sort());
    const slots = (o: { state(): Map<string, tf.Tensor> }) => {
      const state = o.state();
      const names = [...state.keys()].filter((k) => k.startsWith('adam.m.')).map((k) => k.slice(7));
      tf.dispose([...state.values()]);
      return new Set(names.map((n) => n.split('.')[0]));
    };
    expect(slots(aae.autoencoderOptimizer)).toEqual(new Set(['encoder', 'decoder']));
    expect(slots(aae.discriminatorOptimizer)).toEqual(new Set(['discriminator']));
    expect(slots(aae.generatorOptimizer)).toEqual(new Set(['encoder']));
    for (const o of [aae.autoencoderOptimizer, aae.discriminatorOptimizer, aae.generatorOptimizer])
      expect(o.step).toBe(1);
    x.dispose();
    aae.dispose();
  });

  it('reports as loss the binary cross-entropy summed over pixels of the binarized batch, before the step', () => {
    const aae = makeAae();
    const { x } = firstDigits(16);
    const seed = 9;
    // The same binary images the step draws, and the decoder's logits at their codes before any update.
    const xb = binarize(x, deriveSeed(seed, 'binarize'));
    const [logits] = aae.decoder.parameterize(aae.encode(xb as tf.Tensor2D));
    const l = logits.dataSync();
    const b = xb.dataSync();
    // -[x log sigmoid(l) + (1 - x) log(1 - sigmoid(l))] in float64, per pixel, summed per image, averaged.
    let total = 0;
    for (let i = 0; i < l.length; i++) {
      const p = 1 / (1 + Math.exp(-l[i]));
      total -= b[i] * Math.log(p) + (1 - b[i]) * Math.log(1 - p);
    }
    const { loss, d_loss, g_loss } = aae.trainStep(x, null, seed);
    expect(loss).toBeCloseTo(total / 16, 2);
    // Both players' losses start near log 4 and log 2 (D cannot yet tell codes from draws).
    expect(d_loss).toBeGreaterThan(1);
    expect(g_loss).toBeGreaterThan(0.3);
    tf.dispose([x, xb, logits]);
    aae.dispose();
  });

  it('learns: the reconstruction loss falls, and the adversarial phase pulls the codes onto the prior (MMD falls)', () => {
    const aae = makeAae();
    // The same autoencoder with the adversarial updates switched off (Adam moves by about its step size).
    const plain = makeAae({ discriminatorLr: 1e-12, generatorLr: 1e-12 });
    const start = evaluateAae(aae, test, { seed: 2 });
    fit(aae, train, 25);
    fit(plain, train, 25);
    const end = evaluateAae(aae, test, { seed: 2 });
    const unregularised = evaluateAae(plain, test, { seed: 2 });
    expect(end.reconBce).toBeLessThan(0.8 * start.reconBce);
    expect(end.reconMse).toBeLessThan(start.reconMse);
    expect(end.priorMmd!).toBeLessThan(0.3 * start.priorMmd!);
    expect(end.priorMmd!).toBeLessThan(0.3 * unregularised.priorMmd!);
    aae.dispose();
    plain.dispose();
  });

  it('label-guided: each class gathers in its own component, and the discriminator reads the labels', () => {
    const aae = makeAae({ prior: 'mixture', labelGuided: true, numClasses: 10 });
    fit(aae, train, 25);
    const { x, labels } = firstDigits(500);
    const codes = aae.encode(x);
    const z = codes.arraySync();
    const centres = Array.from({ length: PRIOR_COMPONENTS }, (_, k) => aae.prior.centre(k));
    const nearest = (p: number[]) => {
      const d = centres.map(([a, b]) => (p[0] - a) ** 2 + (p[1] - b) ** 2);
      return d.indexOf(Math.min(...d));
    };
    const accuracy = z.filter((p, i) => nearest(p) === labels[i]).length / z.length;
    // Chance is 0.1: the labels' components hold their classes (0.52 after these 300 steps on held-out digits).
    expect(accuracy).toBeGreaterThan(0.4);
    // With each label moved to the next class, the codes sit in the wrong components: D, which reads the labels,
    // tells them from the prior's draws more easily (a lower loss; 1.20 against 1.27).
    const shifted: Dataset = { ...test, labels: test.labels!.map((y) => (y + 1) % 10) };
    const right = evaluateAae(aae, test, { seed: 4 });
    const wrong = evaluateAae(aae, shifted, { seed: 4 });
    expect(wrong.dLoss).toBeLessThan(right.dLoss - 0.03);
    tf.dispose(codes);
    x.dispose();
    aae.dispose();
  });

  it('samples: labels choose the components of the prior draws that are decoded; a normal prior refuses them', () => {
    const aae = makeAae({ prior: 'swiss-roll' });
    const labels = [0, 9, 9, 4];
    const drawn = aaeSamples(aae, 4, { seed: 6, labels });
    const z = aae.prior.sample(4, 6, { components: labels });
    const expected = aae.decode(z);
    expect(drawn.values).toBeAllClose(expected.dataSync() as Float32Array, { atol: 1e-6 });
    expect(Array.from(drawn.labels!)).toEqual(labels);
    expect(drawn.shape).toEqual([28, 28, 1]);
    // Another component decodes another image: the labels are not ignored.
    const other = aaeSamples(aae, 4, { seed: 6, labels: [1, 2, 3, 5] });
    expect(Array.from(other.values)).not.toEqual(Array.from(drawn.values));
    tf.dispose([z, expected]);
    aae.dispose();
    const normal = makeAae();
    expect(() => aaeSamples(normal, 2, { seed: 0, labels: [0, 1] })).toThrow(OptionError);
    expect(() => aaeSamples(normal, 2, { seed: 0, labels: [0, 1] })).toThrow(/'labels' cannot be given/);
    normal.dispose();
  });

  it('latent codes: encode gives [m, latent], decode [m, D] in [0, 1], and an interpolation strip can be drawn', () => {
    const aae = makeAae({ latent: 5 });
    const { x } = firstDigits(7);
    const z = AAE_LATENT.encode(aae, x);
    expect(z.shape).toEqual([7, 5]);
    const back = AAE_LATENT.decode(aae, z);
    expect(back.shape).toEqual([7, 784]);
    const values = back.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    const figure = interpolationFigure(AAE_LATENT, aae, test, { pairs: 2, steps: 5 });
    expect(figure.kind).toBe('raster');
    tf.dispose([x, z, back]);
    aae.dispose();
  });

  it('estimates its parameter count exactly', () => {
    for (const options of [{}, { prior: 'mixture' as const, labelGuided: true, numClasses: 10 }]) {
      const aae = makeAae(options);
      expect(estimateAaeParameters(aae.config)).toBe(aae.numParameters());
      aae.dispose();
    }
  });
});

describe('the AAE family refuses options that do not go together', () => {
  const values = (options: OptionValues): OptionValues => ({
    latent: 2,
    hidden: [8],
    discriminatorHidden: [8],
    prior: 'normal',
    labelGuided: false,
    lr: 1e-3,
    discriminatorLr: 2e-4,
    seed: 0,
    ...options,
  });
  const vectors = loadDataset('moons').train;
  const unlabelled: Dataset = { ...train, labels: null, numClasses: 0 };

  it.each([
    ['vectors', {}, vectors, 'data', /models images/],
    [
      'a 3-D mixture prior',
      { prior: 'mixture', latent: 3 },
      train,
      'latent',
      /must be 2 with --prior mixture/,
    ],
    [
      'a label-guided normal prior',
      { labelGuided: true },
      train,
      'labelGuided',
      /--prior mixture or swiss-roll/,
    ],
    [
      'label guidance without labels',
      { labelGuided: true, prior: 'swiss-roll' },
      unlabelled,
      'labelGuided',
      /labelled data of 10 classes, one per component of the prior; the data has no labels/,
    ],
  ])('%s', (_name, options, data, option, message) => {
    let error: unknown;
    try {
      aaeFamily.resolveConfig('aae', values(options), data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).option).toBe(option);
    expect((error as OptionError).message).toMatch(message);
  });

  it('defaults the adversarial step size by label guidance', () => {
    expect(aaeFamily.resolveConfig('aae', values({}), train).generatorLr).toBe(2e-4);
    const guided = aaeFamily.resolveConfig('aae', values({ prior: 'mixture', labelGuided: true }), train);
    expect(guided.generatorLr).toBe(1e-3);
    expect(aaeFamily.resolveConfig('aae', values({ generatorLr: 5e-4 }), train).generatorLr).toBe(5e-4);
  });

  it('on the command line, names the flag in one line', async () => {
    const { code, err } = await cli(['train', 'aae', '--label-guided', '--out', '/nonexistent/aae-bad']);
    expect(code).not.toBe(0);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/--label-guided/);
  });
});
