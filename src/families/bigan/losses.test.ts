import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { resolveBiganConfig } from './config.js';
import { biganDiscriminatorLoss, biganEncoderGeneratorLoss } from './losses.js';
import { JointDiscriminator } from './networks.js';

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('the ALI/BiGAN losses', () => {
  it('are the non-saturating losses with the two sides swapped for E and G', () => {
    // F = torch.nn.functional; real = [2, -1, 0.5], fake = [-3, 0.25, 1.5]
    // F.softplus(-real).mean() + F.softplus(fake).mean()  -> 1.4967355728149414
    // F.softplus(-fake).mean() + F.softplus(real).mean()  -> 2.4134023189544678
    const real = tf.tensor1d([2, -1, 0.5]);
    const fake = tf.tensor1d([-3, 0.25, 1.5]);
    expect(value(biganDiscriminatorLoss(real, fake))).toBeCloseTo(1.4967355728149414, 5);
    expect(value(biganEncoderGeneratorLoss(real, fake))).toBeCloseTo(2.4134023189544678, 5);
    tf.dispose([real, fake]);
  });

  it('start at log 4 for a discriminator that cannot tell the pairs apart', () => {
    const zeros = tf.zeros<tf.Rank.R1>([5]);
    expect(value(biganDiscriminatorLoss(zeros, zeros))).toBeCloseTo(Math.log(4), 6);
    expect(value(biganEncoderGeneratorLoss(zeros, zeros))).toBeCloseTo(Math.log(4), 6);
    zeros.dispose();
  });

  it('score the pairs of a hand-built discriminator as PyTorch does', () => {
    // D(x, z) = 0.5 + lrelu(x1) + 2 lrelu(x2) - lrelu(z), slope 0.2: an identity hidden layer, then fixed weights.
    const d = new JointDiscriminator(
      resolveBiganConfig({ inputShape: [2], latent: 1, discriminatorHidden: [3] }),
    );
    d.loadParameters(
      new Map([
        ['body.dense0.kernel', tf.eye(3)],
        ['body.dense0.bias', tf.zeros([3])],
        ['out.kernel', tf.tensor2d([[1], [2], [-1]])],
        ['out.bias', tf.tensor1d([0.5])],
      ]),
    );
    const [real, generated] = tf.tidy(() => [
      d.apply(
        tf.tensor2d([
          [1, -2],
          [0.5, 0.5],
        ]),
        tf.tensor2d([[0.3], [-1]]),
      ),
      d.apply(
        tf.tensor2d([
          [-1, 1],
          [2, 0],
        ]),
        tf.tensor2d([[1.5], [0.2]]),
      ),
    ]);
    // h = F.leaky_relu(torch.cat([x, z], 1), 0.2); logits = 0.5 + h[:, 0] + 2 * h[:, 1] - h[:, 2]
    expect(real).toBeAllClose([0.4, 2.2], { atol: 1e-5 });
    expect(generated).toBeAllClose([0.8, 2.3], { atol: 1e-5 });
    // F.softplus(-r).mean() + F.softplus(g).mean() -> 2.092372417449951
    // F.softplus(-g).mean() + F.softplus(r).mean() -> 1.8423724174499512
    expect(value(biganDiscriminatorLoss(real, generated))).toBeCloseTo(2.092372417449951, 5);
    expect(value(biganEncoderGeneratorLoss(real, generated))).toBeCloseTo(1.8423724174499512, 5);
    tf.dispose([real, generated]);
    d.dispose();
  });
});
