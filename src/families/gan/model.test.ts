import { describe, expect, it } from 'vitest';
import { changed, snapshot } from '../../../test/helpers.js';
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { numTensors } from '../../engine/memory.js';
import { resolveGanConfig, type GanConfig } from './config.js';
import { ganFamily } from './index.js';
import { discriminatorLoss } from './losses.js';
import { GanModel } from './model.js';
import { createGenerator, estimateGanParameters } from './networks.js';

function makeGan(options: Partial<GanConfig> = {}): GanModel {
  return new GanModel(
    resolveGanConfig({
      inputShape: [2],
      generatorHidden: [8],
      discriminatorHidden: [8],
      generatorLr: 1e-2,
      discriminatorLr: 1e-2,
      seed: 5,
      ...options,
    }),
  );
}

/** A small DCGAN-style pair on 8x8 images (batch normalisation on, the default for images). */
function makeImageGan(options: Partial<GanConfig> = {}): GanModel {
  return new GanModel(
    resolveGanConfig({ inputShape: [8, 8, 1], channels: [2, 4], latent: 3, seed: 5, ...options }),
  );
}

const real = () => tf.randomNormal<tf.Rank.R2>([32, 2], 0, 1, 'float32', 3);

describe('GanModel', () => {
  it("on images carries DCGAN's batch normalisation: running statistics in the state, not the optimizers', moved by training and not by sampling", () => {
    const gan = makeImageGan();
    const buffers = [...gan.state().keys()].filter((k) => !gan.parameters().has(k));
    expect(buffers.sort()).toEqual([
      'discriminator.body.norm1.running_mean',
      'discriminator.body.norm1.running_var',
      'generator.net.norm0.running_mean',
      'generator.net.norm0.running_var',
      'generator.net.project_norm.running_mean',
      'generator.net.project_norm.running_var',
    ]);
    const before = snapshot(gan.state());
    const x = tf.randomUniform<tf.Rank.R2>([8, 64], 0, 1, 'float32', 3);
    gan.discriminatorStep(x, 1);
    expect(changed(before, gan.state())).toEqual(expect.arrayContaining(buffers));
    // Sampling runs in inference mode: one example at a time gives the batch's examples, and no statistic moves.
    const after = snapshot(gan.state());
    const batch = gan.generate(3, 7);
    const { input } = gan.generatorInput(3, 7);
    const one = tf.tidy(() => gan.generator.apply(tf.slice(input, [1, 0], [1, -1])));
    expect(one).toBeAllClose(tf.slice(batch, [1, 0], [1, -1]), { atol: 1e-6 });
    expect(changed(after, gan.state())).toEqual([]);
    tf.dispose([x, batch, input, one]);
    gan.dispose();
  });

  it('with batch normalisation, a discriminator step normalises the real and the generated batch each by its own statistics', () => {
    const gan = makeImageGan();
    const twin = makeImageGan();
    const x = tf.randomUniform<tf.Rank.R2>([8, 64], 0, 1, 'float32', 3);
    // The twin computes the loss by hand, in training mode, on the same generated batch the step draws.
    const expected = tf.tidy(() => {
      twin.generator.train();
      twin.discriminator.train();
      const { input } = twin.generatorInput(8, deriveSeed(1, 'noise'));
      const fake = twin.generator.apply(input);
      const separate = discriminatorLoss('ns', twin.logits(x), twin.logits(fake)).arraySync();
      const both = tf.split(twin.logits(tf.concat([x, fake])), 2) as [tf.Tensor1D, tf.Tensor1D];
      return { separate, together: discriminatorLoss('ns', ...both).arraySync() };
    });
    expect(Math.abs(expected.separate - expected.together)).toBeGreaterThan(1e-3);
    expect(gan.discriminatorStep(x, 1).loss).toBeCloseTo(expected.separate, 5);
    tf.dispose(x);
    gan.dispose();
    twin.dispose();
  });

  it.each([
    { what: 'an MLP pair on 2-D data', options: { inputShape: [2] } },
    { what: 'a flow generator', options: { inputShape: [2], generator: 'flow' as const, flowLayers: 3 } },
    { what: 'the DCGAN pair', options: { inputShape: [28, 28, 1] } },
    { what: 'the DCGAN pair with dense layers', options: { inputShape: [28, 28, 1], convHidden: 256 } },
    {
      what: 'InfoGAN with dense layers',
      options: { kind: 'infogan' as const, inputShape: [28, 28, 1], convHidden: 256 },
    },
  ])('estimates the parameters of $what to 1% without building it', ({ options }) => {
    const config = resolveGanConfig({ seed: 0, ...options });
    const gan = new GanModel(config);
    const actual = gan.numParameters();
    expect(Math.abs(estimateGanParameters(config) - actual) / actual).toBeLessThan(0.01);
    gan.dispose();
  });

  it('puts a dense layer of --conv-hidden units on each side of the convolutions, each batch-normalised', () => {
    const gan = makeImageGan({ convHidden: 5 });
    const shapes = Object.fromEntries([...gan.state()].map(([k, v]) => [k, v.shape]));
    expect(shapes['generator.net.hidden.kernel']).toEqual([3, 5]);
    expect(shapes['generator.net.project.kernel']).toEqual([5, 2 * 2 * 4]);
    expect(shapes['generator.net.hidden_norm.running_var']).toEqual([5]);
    expect(shapes['discriminator.body.hidden.kernel']).toEqual([2 * 2 * 4, 5]);
    expect(shapes['discriminator.head.kernel']).toEqual([5, 1]);
    gan.dispose();
  });

  it('never puts batch normalisation in a WGAN-GP critic: its penalty is per example', () => {
    const gan = makeImageGan({ loss: 'wgan-gp' });
    const names = [...gan.state().keys()];
    expect(names.some((k) => k.startsWith('generator.') && k.includes('norm'))).toBe(true);
    expect(names.some((k) => k.startsWith('discriminator.') && k.includes('norm'))).toBe(false);
    gan.dispose();
  });

  it.each(['ns', 'wgan-gp'] as const)(
    '%s: a discriminator step moves every discriminator array and no generator array, and back',
    (loss) => {
      const gan = makeGan({ loss, regOld: 1 });
      const x = real();
      const d0 = snapshot(gan.discriminatorParameters());
      const g0 = snapshot(gan.parameters());
      const parts = gan.discriminatorStep(x, 1);
      expect(Object.keys(parts).sort()).toEqual(loss === 'wgan-gp' ? ['loss', 'penalty'] : ['loss']);
      // A critic's output bias cancels from E_q[d] - E_p[d] and from its gradient: WGAN-GP leaves it alone.
      const names = [...d0.keys()].sort();
      const outputBias = names.filter((k) => k.endsWith('bias')).at(-1)!;
      const moved = loss === 'wgan-gp' ? names.filter((k) => k !== outputBias) : names;
      expect(changed(d0, gan.discriminatorParameters()).sort()).toEqual(moved);
      expect(changed(g0, gan.parameters()).every((k) => k.startsWith('discriminator.'))).toBe(true);

      const g1 = snapshot(gan.generatorParameters());
      const all1 = snapshot(gan.parameters());
      gan.generatorStep(32, 2);
      expect(changed(g1, gan.generatorParameters()).sort()).toEqual([...g1.keys()].sort());
      // The first generator update refreshes nothing: the frozen copies still hold the initial generator.
      expect(changed(all1, gan.parameters()).every((k) => k.startsWith('generator.'))).toBe(true);
      tf.dispose(x);
      gan.dispose();
    },
  );

  it('the frozen copies start as the generator and no optimizer is given them', () => {
    const gan = makeImageGan({ regOld: 1 });
    const params = gan.state();
    const generator = [...params].filter(([name]) => name.startsWith('generator.'));
    expect(generator.some(([name]) => name.endsWith('running_var'))).toBe(true);
    for (const [name, v] of generator) {
      const tail = name.slice('generator.'.length);
      expect(params.get(`generator_old.${tail}`)!.dataSync()).toEqual(v.dataSync());
      expect(params.get(`generator_next_old.${tail}`)!.dataSync()).toEqual(v.dataSync());
    }
    expect([...gan.generatorParameters().keys()].every((k) => k.startsWith('generator.'))).toBe(true);
    gan.dispose();
  });

  it.each([1, 3])(
    'reg-old with k = %i: update u penalises the distance to the generator of update k floor(u / k) - k',
    (k) => {
      // G_u: the generator before update u. The penalty at update u is E||G(z) - G_old(z)||^2 at G = G_u, with
      // G_old = G_{k floor(u/k) - k} (G_0 for u < 2k): for k = 1 exactly the previous update's G_{u-1}.
      const gan = makeGan({ regOld: 0.5, regOldEvery: k });
      const history: Map<string, Float32Array>[] = [];
      const replica = createGenerator(gan.config);
      const m = 16;
      for (let u = 0; u < 3 * k + 2; u++) {
        history.push(snapshot(gan.generator.parameters()));
        const seed = 100 + u;
        const oldIndex = Math.max(0, k * Math.floor(u / k) - k);
        const z = gan.noise(m, deriveSeed(seed, 'noise'));
        for (const [name, v] of replica.parameters())
          v.assign(tf.tensor(history[oldIndex].get(name)!, v.shape));
        const expected = tf.tidy(() =>
          tf.mean(tf.sum(tf.square(tf.sub(gan.generator.apply(z), replica.apply(z))), 1)),
        );
        const parts = gan.generatorStep(m, seed);
        expect(parts.reg_old).toBeCloseTo(expected.dataSync()[0], 5);
        if (u === 0) expect(parts.reg_old).toBeCloseTo(0, 10);
        tf.dispose([z, expected]);
      }
      replica.dispose();
      gan.dispose();
    },
  );

  it('a larger reg-old weight keeps the generator nearer its previous self', () => {
    const distance = (regOld: number) => {
      const gan = makeGan({ regOld, generatorLr: 5e-2 });
      const x = real();
      let last = 0;
      for (let s = 0; s < 6; s++) {
        gan.discriminatorStep(x, 10 + s);
        last = gan.generatorStep(32, 20 + s).reg_old;
      }
      tf.dispose(x);
      gan.dispose();
      return last;
    };
    expect(distance(100)).toBeLessThan(0.5 * distance(1e-3));
  });

  it('trainStep: one discriminator update per step, k_G generator updates after every k_D-th', () => {
    const config = ganFamily.resolveConfig('gan', { discriminatorSteps: 3, generatorSteps: 2, seed: 1 }, {
      shape: [2],
    } as never);
    const gan = ganFamily.create(config);
    const x = real();
    const keys: string[][] = [];
    for (let step = 0; step < 6; step++)
      keys.push(Object.keys(ganFamily.trainStep(gan, { x } as never, { step, seed: step } as never)).sort());
    expect(keys.map((k) => k.includes('g_loss'))).toEqual([false, false, true, false, false, true]);
    expect(gan.discriminatorOptimizer.step).toBe(6);
    expect(gan.generatorOptimizer.step).toBe(4);
    tf.dispose(x);
    gan.dispose();
  });

  it.each(['ns', 'wgan-gp', 'lsgan'] as const)('%s: the tensor count stays flat over steps', (loss) => {
    const gan = makeGan({ loss, regOld: 1 });
    const x = real();
    gan.discriminatorStep(x, 0);
    gan.generatorStep(32, 0);
    const before = numTensors();
    for (let s = 1; s < 5; s++) {
      gan.discriminatorStep(x, s);
      gan.generatorStep(32, s);
    }
    expect(numTensors()).toBe(before);
    tf.dispose(x);
    gan.dispose();
  });
});
