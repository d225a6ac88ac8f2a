/**
 * The networks of a VAE: the Gaussian encoder q(z|x, c), the decoder p(x|z, c) with its choice of likelihood, and
 * the priors p(z) (standard normal, a learnable mixture of Gaussians) and p(z|c) (a learned conditional Gaussian).
 * Each maps tensors to a distribution, as a conditional module should. `apply` methods build distributions from
 * intermediate tensors without a `tf.tidy` of their own (a tidy cannot return a distribution): call them inside one.
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, resolveSeed } from '../../engine/random.js';
import { Bernoulli } from '../../distributions/bernoulli.js';
import { Categorical } from '../../distributions/categorical.js';
import type { Distribution } from '../../distributions/distribution.js';
import { Independent } from '../../distributions/independent.js';
import { MixtureSameFamily } from '../../distributions/mixture-same-family.js';
import { Normal } from '../../distributions/normal.js';
import type { Activation } from '../../nn/activations.js';
import { ConvDecoder, ConvEncoder } from '../../nn/conv-net.js';
import { Dense } from '../../nn/dense.js';
import { MLP } from '../../nn/mlp.js';
import { Module } from '../../nn/module.js';

/** The decoder's p(x|z): Bernoulli logits, a Gaussian with learned mean and log-variance, or fixed variance. */
export type Likelihood = 'bernoulli' | 'gaussian' | 'gaussian-fixed';
export const LIKELIHOODS: readonly Likelihood[] = ['bernoulli', 'gaussian', 'gaussian-fixed'];
/** Dense layers, or convolutions for images. */
export type Architecture = 'mlp' | 'conv';
export const ARCHITECTURES: readonly Architecture[] = ['mlp', 'conv'];

/** Internal distributions skip argument validation: it reads values back from the backend on every step. */
const TRUSTED = { validateArgs: false };

/** The number of values of one example of shape `shape`. */
function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `shape` as `[height, width, channels]`: the convolutional networks need images. */
function imageShapeOf(shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3)
    throw new TypeError(`the conv architecture needs images of shape [h, w, c], got [${shape.join(', ')}]`);
  return shape as [number, number, number];
}

/** A diagonal Gaussian with these batch-by-event parameters, as one distribution over `[m, d]`. */
export function diagonalGaussian(loc: tf.Tensor, logVariance: tf.Tensor): Distribution {
  return new Independent(new Normal(loc, tf.exp(tf.mul(logVariance, 0.5)), TRUSTED), 1);
}

export interface NetworkOptions {
  architecture: Architecture;
  hidden: number[];
  activation: Activation;
  seed: number;
}

/**
 * q(z|x, c) = N(loc(h), diag(exp(logvar(h)))), h = the encoder network of x (and c, concatenated). With the
 * convolutional architecture the context joins after the convolutions.
 */
export class GaussianEncoder extends Module {
  private readonly body: Array<Dense> = [];
  private readonly conv: ConvEncoder | null = null;
  private readonly loc: Dense;
  private readonly logvar: Dense;

  constructor(inputShape: number[], contextSize: number, latent: number, options: NetworkOptions) {
    super();
    const { architecture, hidden, activation, seed } = options;
    let width: number;
    if (architecture === 'conv') {
      this.conv = this.addModule(
        'net',
        new ConvEncoder(imageShapeOf(inputShape), {
          hidden: hidden[0] ?? 0,
          activation,
          seed: deriveSeed(seed, 'net'),
        }),
      );
      width = this.conv.outFeatures + contextSize;
    } else {
      width = sizeOf(inputShape) + contextSize;
      hidden.forEach((units, i) => {
        this.body.push(
          this.addModule(
            `hidden${i}`,
            new Dense(width, units, { activation, seed: deriveSeed(seed, 'hidden', i) }),
          ),
        );
        width = units;
      });
    }
    this.loc = this.addModule('loc', new Dense(width, latent, { seed: deriveSeed(seed, 'loc') }));
    this.logvar = this.addModule('logvar', new Dense(width, latent, { seed: deriveSeed(seed, 'logvar') }));
  }

  /** loc and log-variance of q(z|x, c), each `[m, d]`. */
  parameterize(x: tf.Tensor2D, context?: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    return tf.tidy(() => {
      let h: tf.Tensor2D;
      if (this.conv) {
        h = this.conv.apply(x);
        if (context) h = tf.concat([h, context], 1);
      } else {
        h = context ? tf.concat([x, context], 1) : x;
        for (const layer of this.body) h = layer.apply(h) as tf.Tensor2D;
      }
      return [this.loc.apply(h) as tf.Tensor2D, this.logvar.apply(h) as tf.Tensor2D];
    });
  }

  apply(x: tf.Tensor2D, context?: tf.Tensor2D): Distribution {
    const [loc, logvar] = this.parameterize(x, context);
    return diagonalGaussian(loc, logvar);
  }
}

/**
 * p(x|z, c): the network maps z (and c) to Bernoulli logits, to a Gaussian's mean and log-variance, or to a
 * Gaussian's mean with the fixed standard deviation `fixedScale` (log p(x|z) is then -||x - mean||^2 / (2 s^2) up
 * to a constant: the squared-error form).
 *
 * The learned log-variance has a soft floor at 2 log(`minScale`): log s^2 = m + softplus(a - m) for the network's
 * output a, which is a to within exp(m - a) above the floor. Without it, a pixel that is constant in the training
 * data (MNIST's borders) drives its variance to 0 and the log-likelihood to infinity.
 */
export class Decoder extends Module {
  readonly likelihood: Likelihood;
  readonly fixedScale: number;
  /** The learned Gaussian's lower bound on its standard deviation. */
  readonly minScale: number;
  private readonly mlp: MLP | null = null;
  private readonly conv: ConvDecoder | null = null;
  private readonly outputShape: number[];

  constructor(
    outputShape: number[],
    inFeatures: number,
    likelihood: Likelihood,
    fixedScale: number,
    minScale: number,
    options: NetworkOptions,
  ) {
    super();
    const { architecture, hidden, activation, seed } = options;
    this.likelihood = likelihood;
    this.fixedScale = fixedScale;
    this.minScale = minScale;
    this.outputShape = outputShape;
    const heads = likelihood === 'gaussian' ? 2 : 1;
    const netSeed = deriveSeed(seed, 'net');
    if (architecture === 'conv') {
      const [h, w, c] = imageShapeOf(outputShape);
      this.conv = this.addModule(
        'net',
        new ConvDecoder(inFeatures, [h, w, c * heads], { hidden: hidden[0] ?? 0, activation, seed: netSeed }),
      );
    } else
      this.mlp = this.addModule(
        'net',
        new MLP(inFeatures, [...hidden].reverse(), sizeOf(outputShape) * heads, {
          activation,
          seed: netSeed,
        }),
      );
  }

  /**
   * The network's outputs: `[logits or mean]`, plus the log-variance (with its floor) for the learned Gaussian;
   * each `[n, D]`.
   */
  parameterize(z: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D[] {
    return tf.tidy(() => {
      const input = context ? tf.concat([z, context], 1) : z;
      const out = (this.conv ? this.conv.apply(input) : this.mlp!.apply(input)) as tf.Tensor2D;
      if (this.likelihood !== 'gaussian') return [out];
      const n = out.shape[0];
      let mean: tf.Tensor;
      let raw: tf.Tensor;
      if (this.conv) {
        const [h, w, c] = this.outputShape;
        // Channels [0, c) are the mean, [c, 2c) the log-variance.
        [mean, raw] = tf.split(tf.reshape(out, [n, h, w, 2 * c]), 2, 3);
        [mean, raw] = [tf.reshape(mean, [n, h * w * c]), tf.reshape(raw, [n, h * w * c])];
      } else [mean, raw] = tf.split(out, 2, 1);
      const floor = 2 * Math.log(this.minScale);
      return [mean as tf.Tensor2D, tf.add<tf.Tensor2D>(floor, tf.softplus(tf.sub(raw, floor)))];
    });
  }

  apply(z: tf.Tensor2D, context?: tf.Tensor2D): Distribution {
    const [a, b] = this.parameterize(z, context);
    if (this.likelihood === 'bernoulli') return new Independent(new Bernoulli({ logits: a }, TRUSTED), 1);
    if (this.likelihood === 'gaussian') return diagonalGaussian(a, b);
    return new Independent(new Normal(a, tf.fill(a.shape, this.fixedScale), TRUSTED), 1);
  }

  /** The mean of p(x|z, c): pixel probabilities for Bernoulli, the Gaussian mean otherwise. `[n, D]`. */
  mean(z: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [a] = this.parameterize(z, context);
      return this.likelihood === 'bernoulli' ? tf.sigmoid(a) : a;
    });
  }
}

/** p(z) = N(0, I). */
export class StandardNormalPrior extends Module {
  constructor(private readonly latent: number) {
    super();
  }
  apply(): Distribution {
    return new Independent(new Normal(tf.zeros([this.latent]), tf.ones([this.latent]), TRUSTED), 1);
  }
}

/**
 * A learnable mixture of K Gaussians, p(z) = sum_k pi_k N(z; mu_k, diag(sigma_k^2)): weights, means and
 * log-scales are trained with the rest of the model (the idea behind the VampPrior, with free means).
 *
 * References: J. M. Tomczak and M. Welling, "VAE with a VampPrior", 2018, https://arxiv.org/abs/1705.07120;
 * N. Dilokthanakul et al., "Deep Unsupervised Clustering with Gaussian Mixture VAEs", 2016,
 * https://arxiv.org/abs/1611.02648
 */
export class MixturePrior extends Module {
  private readonly logits: tf.Variable;
  private readonly loc: tf.Variable;
  private readonly logScale: tf.Variable;

  constructor(latent: number, components: number, seed: number) {
    super();
    if (!Number.isInteger(components) || components < 2)
      throw new Error(`MixturePrior: argument 'components' must be an integer >= 2, got ${components}`);
    this.logits = this.addParameter('logits', tf.zeros([components]));
    this.loc = this.addParameter(
      'loc',
      tf.randomNormal([components, latent], 0, 1, 'float32', resolveSeed(deriveSeed(seed, 'loc'))),
    );
    this.logScale = this.addParameter('logScale', tf.zeros([components, latent]));
  }

  /**
   * `n` draws at `temperature`: a component k ~ Categorical(pi), then z = mu_k + T sigma_k eps, eps ~ N(0, I).
   * At T = 1 these are draws of the mixture itself.
   */
  sample(n: number, { seed, temperature = 1 }: { seed: number; temperature?: number }): tf.Tensor2D {
    return tf.tidy(() => {
      const k = new Categorical({ logits: this.logits }, TRUSTED).sample([n], deriveSeed(seed, 'component'));
      const indices = tf.cast(k, 'int32') as tf.Tensor1D;
      const loc = tf.gather(this.loc, indices);
      const scale = tf.mul(tf.exp(tf.gather(this.logScale, indices)), temperature);
      const eps = tf.randomNormal(loc.shape, 0, 1, 'float32', resolveSeed(deriveSeed(seed, 'noise')));
      return tf.add<tf.Tensor2D>(loc, tf.mul(scale, eps));
    });
  }

  apply(): Distribution {
    return new MixtureSameFamily(
      new Categorical({ logits: this.logits }, TRUSTED),
      new Independent(new Normal(this.loc, tf.exp(this.logScale), TRUSTED), 1),
      TRUSTED,
    );
  }
}

/** The conditional VAE's learned prior p(z|c) = N(loc(c), diag(exp(logvar(c)))), linear in the one-hot label. */
export class ConditionalGaussianPrior extends Module {
  private readonly loc: Dense;
  private readonly logvar: Dense;

  constructor(contextSize: number, latent: number, seed: number) {
    super();
    this.loc = this.addModule(
      'loc',
      new Dense(contextSize, latent, { seed: deriveSeed(seed, 'loc'), init: 'glorot' }),
    );
    this.logvar = this.addModule(
      'logvar',
      new Dense(contextSize, latent, { seed: deriveSeed(seed, 'logvar'), init: 'glorot' }),
    );
  }

  apply(context: tf.Tensor2D): Distribution {
    return diagonalGaussian(this.loc.apply(context), this.logvar.apply(context));
  }
}

/** Weights and biases of a dense layer. */
const dense = (inputs: number, outputs: number) => inputs * outputs + outputs;

/**
 * About how many parameters a VAE of this shape has, without building it: its dense layers exactly, its
 * convolutions (channels 32 and 64, 4x4 kernels) as they are built.
 */
export function estimateVaeParameters(c: {
  inputShape: number[];
  latent: number;
  hidden: number[];
  architecture: Architecture;
  likelihood: Likelihood;
  numClasses: number;
  prior: string;
  priorComponents: number;
  conditionalPrior: boolean;
}): number {
  const size = c.inputShape.reduce((a, b) => a * b, 1);
  const heads = c.likelihood === 'gaussian' ? 2 : 1;
  const context = c.numClasses;
  let total = 0;
  if (c.architecture === 'conv' && c.inputShape.length === 3) {
    const [h, w, ch] = c.inputShape;
    const features = (h / 4) * (w / 4) * 64;
    const width = c.hidden[0] ?? 0;
    const convs = 16 * (ch * 32 + 32 * 64) + 32 + 64;
    total +=
      convs + (width > 0 ? dense(features, width) : 0) + 2 * dense((width || features) + context, c.latent);
    total += dense(c.latent + context, width || features) + (width > 0 ? dense(width, features) : 0);
    total += 16 * (64 * 32 + 32 * ch * heads) + 32 + ch * heads;
  } else {
    let width = size + context;
    for (const units of c.hidden) {
      total += dense(width, units);
      width = units;
    }
    total += 2 * dense(width, c.latent);
    width = c.latent + context;
    for (const units of [...c.hidden].reverse()) {
      total += dense(width, units);
      width = units;
    }
    total += dense(width, size * heads);
  }
  if (c.conditionalPrior && context > 0) total += 2 * dense(context, c.latent);
  else if (c.prior === 'mixture') total += c.priorComponents * (2 * c.latent + 1);
  return total;
}
