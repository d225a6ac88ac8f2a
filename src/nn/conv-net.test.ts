import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { Adam } from '../optim/adam.js';
import { ConvDecoder, ConvEncoder } from './conv-net.js';
import { ModuleArgumentError } from './errors.js';

const shapes = (m: ConvEncoder | ConvDecoder) => [...m.parameters()].map(([name, v]) => [name, v.shape]);

describe('ConvEncoder', () => {
  it('maps 28x28x1 images to 7x7x64 = 3136 features with the default channels', () => {
    const encoder = new ConvEncoder([28, 28, 1], { seed: 0 });
    expect(shapes(encoder)).toEqual([
      ['conv0.kernel', [4, 4, 1, 32]],
      ['conv0.bias', [32]],
      ['conv1.kernel', [4, 4, 32, 64]],
      ['conv1.bias', [64]],
    ]);
    expect(encoder.outFeatures).toBe(3136);
    const y = encoder.apply(tf.zeros<tf.Rank.R4>([5, 28, 28, 1]));
    expect(y.shape).toEqual([5, 3136]);
    tf.dispose(y);
    encoder.dispose();
  });

  it('adds a dense layer named hidden when asked, and accepts flattened images alike', () => {
    const encoder = new ConvEncoder([28, 28, 1], { channels: [8, 16], kernelSize: 3, hidden: 50, seed: 1 });
    expect(shapes(encoder).slice(-2)).toEqual([
      ['hidden.kernel', [7 * 7 * 16, 50]],
      ['hidden.bias', [50]],
    ]);
    expect(encoder.outFeatures).toBe(50);
    const images = tf.randomUniform<tf.Rank.R4>([3, 28, 28, 1], 0, 1, 'float32', 2);
    const flat = tf.reshape<tf.Rank.R2>(images, [3, 784]);
    const [a, b] = [encoder.apply(images), encoder.apply(flat)];
    expect(a.shape).toEqual([3, 50]);
    expect(a).toBeAllClose(b, { rtol: 0, atol: 0 });
    // ReLU features: non-negative, and not all zero.
    expect(Math.min(...a.dataSync())).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.dataSync())).toBeGreaterThan(0);
    tf.dispose([images, flat, a, b]);
    encoder.dispose();
  });

  it.each([
    {
      what: 'a size not divisible by 4',
      make: () => new ConvEncoder([30, 28, 1]),
      message: 'image size 30x28 must be divisible by 4',
    },
    {
      what: 'a size not divisible by 8 with three layers',
      make: () => new ConvEncoder([28, 28, 1], { channels: [4, 8, 16] }),
      message: 'must be divisible by 8 (2^3 stride-2 layers)',
    },
    {
      what: 'no channels',
      make: () => new ConvEncoder([28, 28, 1], { channels: [] }),
      message: "'channels' must not be empty",
    },
    {
      what: 'a negative hidden width',
      make: () => new ConvEncoder([28, 28, 1], { hidden: -1 }),
      message: "'hidden' must be an integer >= 0, got -1",
    },
  ])('refuses $what', ({ make, message }) => {
    const before = tf.memory().numTensors;
    expect(make).toThrow(ModuleArgumentError);
    expect(make).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses images of another size', () => {
    const encoder = new ConvEncoder([8, 8, 1], { channels: [2, 2], seed: 0 });
    const x = tf.zeros([2, 63]);
    expect(() => encoder.apply(x as tf.Tensor2D)).toThrow(
      'ConvEncoder([8, 8, 1]): input has shape [2, 63], expected [n, 8, 8, 1] or [n, 64]',
    );
    x.dispose();
    encoder.dispose();
  });
});

describe('ConvDecoder', () => {
  it('maps codes to flattened 28x28x1 logits through 7x7x64 and 14x14x32', () => {
    const decoder = new ConvDecoder(20, [28, 28, 1], { seed: 0 });
    expect(shapes(decoder)).toEqual([
      ['project.kernel', [20, 3136]],
      ['project.bias', [3136]],
      ['deconv0.kernel', [4, 4, 32, 64]],
      ['deconv0.bias', [32]],
      ['deconv1.kernel', [4, 4, 1, 32]],
      ['deconv1.bias', [1]],
    ]);
    expect(decoder.outFeatures).toBe(784);
    const y = decoder.apply(tf.randomNormal<tf.Rank.R2>([4, 20], 0, 1, 'float32', 1));
    expect(y.shape).toEqual([4, 784]);
    expect(Math.min(...y.dataSync())).toBeLessThan(0); // linear output: logits of both signs
    tf.dispose(y);
    decoder.dispose();
  });

  it('puts a dense layer named hidden before the projection when asked', () => {
    const decoder = new ConvDecoder(2, [12, 8, 3], { channels: [4, 6], hidden: 10, kernelSize: 3, seed: 0 });
    expect(shapes(decoder).map(([name]) => name)).toEqual([
      'hidden.kernel',
      'hidden.bias',
      'project.kernel',
      'project.bias',
      'deconv0.kernel',
      'deconv0.bias',
      'deconv1.kernel',
      'deconv1.bias',
    ]);
    const y = decoder.apply(tf.ones<tf.Rank.R2>([2, 2]));
    expect(y.shape).toEqual([2, 12 * 8 * 3]);
    tf.dispose(y);
    decoder.dispose();
  });

  it('refuses codes of the wrong width', () => {
    const decoder = new ConvDecoder(4, [8, 8, 1], { channels: [2, 2], seed: 0 });
    const z = tf.zeros([3, 5]);
    expect(() => decoder.apply(z as tf.Tensor2D)).toThrow(
      'ConvDecoder(4, [8, 8, 1]): input has shape [3, 5], expected [n, 4]',
    );
    z.dispose();
    decoder.dispose();
  });
});

describe('convolutional autoencoder training', () => {
  it('trains on the default backend (wasm in the tests): finite gradients for every parameter, falling loss', () => {
    expect(tf.getBackend()).toBe('wasm');
    const encoder = new ConvEncoder([8, 8, 1], { channels: [4, 8], seed: 1 });
    const decoder = new ConvDecoder(encoder.outFeatures, [8, 8, 1], { channels: [4, 8], seed: 2 });
    const params = new Map([
      ...[...encoder.parameters()].map(([k, v]) => [`encoder.${k}`, v] as const),
      ...[...decoder.parameters()].map(([k, v]) => [`decoder.${k}`, v] as const),
    ]);
    const x = tf.tidy(() =>
      tf.cast(tf.greater(tf.randomUniform([6, 64], 0, 1, 'float32', 3), 0.5), 'float32'),
    ) as tf.Tensor2D;
    const bce = () =>
      tf.tidy(() => {
        const logits = decoder.apply(encoder.apply(x));
        // Bernoulli negative log-likelihood with logits: softplus(l) - x l.
        return tf.mean<tf.Scalar>(tf.sub(tf.softplus(logits), tf.mul(x, logits)));
      });
    const { grads } = tf.variableGrads(bce, [...params.values()]);
    expect(Object.keys(grads)).toHaveLength(params.size);
    for (const g of Object.values(grads)) {
      const values = g.dataSync();
      expect(values.every(Number.isFinite)).toBe(true);
      expect(values.some((v) => v !== 0)).toBe(true);
    }
    tf.dispose(Object.values(grads));
    const adam = new Adam(1e-2);
    const losses = Array.from({ length: 60 }, () => adam.minimize(params, () => ({ loss: bce() })).loss);
    expect(losses[59]).toBeLessThan(0.8 * losses[0]);
    adam.dispose();
    tf.dispose(x);
    encoder.dispose();
    decoder.dispose();
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const encoder = new ConvEncoder([8, 8, 1], { channels: [2, 2], hidden: 3, seed: 1 });
      const decoder = new ConvDecoder(3, [8, 8, 1], { channels: [2, 2], hidden: 3, seed: 2 });
      const params = new Map([
        ...encoder.parameters(),
        ...[...decoder.parameters()].map(([k, v]) => [`d.${k}`, v] as const),
      ]);
      const adam = new Adam(1e-3);
      for (let i = 0; i < 3; i++)
        adam.minimize(params, () => ({
          loss: tf.mean<tf.Scalar>(tf.square(decoder.apply(encoder.apply(tf.ones<tf.Rank.R2>([2, 64]))))),
        }));
      adam.dispose();
      encoder.dispose();
      decoder.dispose();
    }, 'ConvEncoder/ConvDecoder');
  });
});

describe('batch normalisation in ConvEncoder and ConvDecoder', () => {
  const names = (m: ConvEncoder | ConvDecoder) => [...m.state().keys()];

  it("normalises every layer but the encoder's first and the decoder's output, as DCGAN does", () => {
    const encoder = new ConvEncoder([8, 8, 1], { channels: [2, 3], hidden: 4, batchNorm: true, seed: 0 });
    expect(names(encoder)).toEqual([
      'conv0.kernel',
      'conv0.bias',
      'conv1.kernel',
      'conv1.bias',
      'norm1.gamma',
      'norm1.beta',
      'norm1.running_mean',
      'norm1.running_var',
      'hidden.kernel',
      'hidden.bias',
      'hidden_norm.gamma',
      'hidden_norm.beta',
      'hidden_norm.running_mean',
      'hidden_norm.running_var',
    ]);
    const decoder = new ConvDecoder(3, [8, 8, 1], { channels: [2, 3], batchNorm: true, seed: 0 });
    expect(names(decoder).filter((n) => n.includes('norm'))).toEqual([
      'project_norm.gamma',
      'project_norm.beta',
      'project_norm.running_mean',
      'project_norm.running_var',
      'norm0.gamma',
      'norm0.beta',
      'norm0.running_mean',
      'norm0.running_var',
    ]);
    expect(decoder.state().get('norm0.gamma')!.shape).toEqual([2]);
    encoder.dispose();
    decoder.dispose();
  });

  it("in training mode an example's output depends on its batch and the running statistics move; in inference mode neither", () => {
    const decoder = new ConvDecoder(3, [8, 8, 1], { channels: [2, 3], batchNorm: true, seed: 0 });
    const a = tf.randomNormal<tf.Rank.R2>([4, 3], 0, 1, 'float32', 1);
    const b = tf.concat<tf.Tensor2D>([
      tf.slice(a, [0, 0], [1, 3]),
      tf.randomNormal([3, 3], 0, 1, 'float32', 2),
    ]);
    const first = (x: tf.Tensor2D) => tf.tidy(() => tf.slice(decoder.apply(x), [0, 0], [1, 64]));
    const difference = (x: tf.Tensor, y: tf.Tensor) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).arraySync());
    decoder.train();
    const [ta, tb] = [first(a), first(b)];
    expect(difference(ta, tb)).toBeGreaterThan(1e-3);
    const mean = decoder.buffers().get('norm0.running_mean')!;
    expect(tf.tidy(() => tf.max(tf.abs(mean)).arraySync())).toBeGreaterThan(0);
    decoder.train(false);
    const frozen = tf.clone(mean);
    const [ia, ib] = [first(a), first(b)];
    expect(difference(ia, ib)).toBeLessThan(1e-6);
    expect(difference(mean, frozen)).toBe(0);
    tf.dispose([a, b, ta, tb, ia, ib, frozen]);
    decoder.dispose();
  });
});
