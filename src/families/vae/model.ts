/**
 * The variational autoencoder and its family (beta-VAE, IWAE, conditional VAE), with the scikit-learn-like methods
 * of the AEVB notes: `partialFit`, `cost`, `transform`, `generate`, `reconstruct`.
 *
 * References: D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", 2014, https://arxiv.org/abs/1312.6114;
 * I. Higgins et al., "beta-VAE: Learning Basic Visual Concepts with a Constrained Variational Framework", 2017,
 * https://openreview.net/forum?id=Sy2fzU9gl; Y. Burda, R. Grosse and R. Salakhutdinov, "Importance Weighted
 * Autoencoders", 2016, https://arxiv.org/abs/1509.00519; K. Sohn, H. Lee and X. Yan, "Learning Structured Output
 * Representation using Deep Conditional Generative Models", 2015 (the CVAE).
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, resolveSeed } from '../../engine/random.js';
import type { Distribution } from '../../distributions/distribution.js';
import { binarize } from '../../data/batches.js';
import { elboLoss, elboTerms } from '../../inference/elbo.js';
import { iwaeBound } from '../../inference/iwae.js';
import type { LatentVariableModel } from '../../inference/model.js';
import { Module } from '../../nn/module.js';
import { Adam } from '../../optim/adam.js';
import { resolveVaeConfig, type VaeConfig, type VaeKind } from './config.js';
import {
  ConditionalGaussianPrior,
  Decoder,
  GaussianEncoder,
  MixturePrior,
  StandardNormalPrior,
} from './networks.js';

/** Class labels: a tensor, or plain integers. */
export type Labels = tf.Tensor1D | readonly number[] | Int32Array;

/** A minibatch: flattened examples `[m, D]` and, for the conditional VAE, integer labels `[m]`. */
export interface VaeBatch {
  x: tf.Tensor2D;
  labels?: Labels | null;
}

/** The loss to minimise and its parts, batch means in nats per example. */
// A type alias (not an interface) so that it is assignable to Record<string, tf.Scalar>.
export type VaeLoss = {
  loss: tf.Scalar;
  /** The ELBO (or, for the IWAE, the K-sample bound). */
  elbo: tf.Scalar;
  reconstruction: tf.Scalar;
  kl: tf.Scalar;
};

export interface VaeLossOptions {
  /** Seed of the z draws. */
  seed?: number;
  /** KL weight for this step; defaults to the configured beta. */
  beta?: number;
  /** N, the training-set size, when the configuration asks for N/M scaling. */
  datasetSize?: number;
}

type Prior = StandardNormalPrior | MixturePrior | ConditionalGaussianPrior;
type Matrix = tf.Tensor2D | number[][];

/** Options of the methods that may take labels (the conditional VAE needs them). */
export interface LabelOptions {
  labels?: Labels;
}

/** Options of {@link VAE.sample}: the sampling signature of every latentlab model. */
export interface VaeSampleOptions extends LabelOptions {
  seed?: number;
  /** Draw z at this temperature: z = mu + T sigma eps under the prior (T < 1 keeps to its typical set). */
  temperature?: number;
}

/**
 * A VAE: q(z|x) a diagonal Gaussian, p(z) standard normal (or a learnable mixture, or p(z|c) for the CVAE), and
 * p(x|z) Bernoulli or Gaussian, with MLP or convolutional networks. It owns its Adam optimizer.
 *
 * @example
 * const vae = new VAE(resolveVaeConfig('vae', { inputShape: [28, 28, 1] }));
 * const cost = vae.partialFit(xBatch); // one Adam step, returns -ELBO per example
 * const z = vae.transform(xBatch); // posterior means
 * const images = vae.sample(16, { seed: 0 }); // decoder means of prior draws
 */
export class VAE extends Module implements LatentVariableModel {
  readonly config: VaeConfig;
  readonly encoder: GaussianEncoder;
  readonly decoder: Decoder;
  readonly priorNetwork: Prior;
  readonly optimizer: Adam;
  constructor(config: VaeConfig) {
    super();
    this.config = config = resolveVaeConfig(config.kind, config);
    const { inputShape, latent, numClasses, seed } = config;
    const net = { architecture: config.architecture, hidden: config.hidden, activation: config.activation };
    this.encoder = this.addModule(
      'encoder',
      new GaussianEncoder(inputShape, numClasses, latent, { ...net, seed: deriveSeed(seed, 'encoder') }),
    );
    this.decoder = this.addModule(
      'decoder',
      new Decoder(
        inputShape,
        latent + numClasses,
        config.likelihood,
        config.decoderScale,
        config.decoderMinScale,
        {
          ...net,
          seed: deriveSeed(seed, 'decoder'),
        },
      ),
    );
    const priorSeed = deriveSeed(seed, 'prior');
    this.priorNetwork = this.addModule(
      'prior',
      config.kind === 'cvae' && config.conditionalPrior
        ? new ConditionalGaussianPrior(numClasses, latent, priorSeed)
        : config.prior === 'mixture'
          ? new MixturePrior(latent, config.priorComponents, priorSeed)
          : new StandardNormalPrior(latent),
    );
    this.optimizer = new Adam(config.learningRate);
  }

  get kind(): VaeKind {
    return this.config.kind;
  }

  /** D, the flattened size of one example. */
  get inputSize(): number {
    return this.config.inputShape.reduce((a, b) => a * b, 1);
  }

  // ---- LatentVariableModel ----

  posterior(x: tf.Tensor2D, context?: tf.Tensor2D): Distribution {
    return this.encoder.apply(x, context);
  }

  prior(context?: tf.Tensor2D): Distribution {
    const p = this.priorNetwork;
    if (p instanceof ConditionalGaussianPrior) return p.apply(this.requireContext(context));
    return p.apply();
  }

  likelihood(z: tf.Tensor2D, context?: tf.Tensor2D): Distribution {
    return this.decoder.apply(z, context);
  }

  private requireContext(context?: tf.Tensor2D): tf.Tensor2D {
    if (!context) throw new Error(`${this.kind}: this model is conditional; pass the labels`);
    return context;
  }

  /** The one-hot context of a conditional VAE, `[m, C]`; undefined for the unconditional models. */
  context(labels: Labels | null | undefined, m: number): tf.Tensor2D | undefined {
    const classes = this.config.numClasses;
    if (classes === 0) return undefined;
    if (labels === null || labels === undefined)
      throw new Error(`${this.kind}: a conditional VAE needs labels; the data set has none`);
    // One tidy around the checks too, so that a refused label leaves no tensor behind.
    return tf.tidy(() => {
      const t =
        labels instanceof tf.Tensor ? tf.cast(labels, 'int32') : tf.tensor1d(Array.from(labels), 'int32');
      if (t.shape[0] !== m)
        throw new Error(
          `${this.kind}: argument 'labels' must have ${m} entries (one per example), got ${t.shape[0]}`,
        );
      const values = t.dataSync();
      for (const v of values)
        if (!(v >= 0 && v < classes))
          throw new Error(`${this.kind}: argument 'labels' must be integers in [0, ${classes}), got ${v}`);
      return tf.cast(tf.oneHot(t, classes), 'float32') as tf.Tensor2D;
    });
  }

  // ---- training ----

  /**
   * The loss of a batch and its parts. VAE, beta-VAE, CVAE: -(E_q[log p(x|z)] - beta KL) with the configured
   * estimator and L; IWAE: minus the K-sample bound. The batch is used as given (binarize it before, if wanted).
   */
  loss(batch: VaeBatch, options: VaeLossOptions = {}): VaeLoss {
    const { seed, beta = this.config.beta, datasetSize } = options;
    const m = batch.x.shape[0];
    return tf.tidy(() => {
      const context = this.context(batch.labels, m);
      const scale = this.config.datasetScaling ? datasetSize : undefined;
      if (this.config.kind === 'iwae') {
        const bound = tf.mean(iwaeBound(this, batch.x, this.config.iwSamples, seed, context));
        const terms = elboTerms(this, batch.x, { estimator: 'analytic-kl', seed, context });
        const loss = tf.neg(scale === undefined ? bound : tf.mul(bound, scale));
        // The ELBO's parts are reported beside the bound (they take no part in the gradient).
        return {
          loss: loss as tf.Scalar,
          elbo: bound as tf.Scalar,
          reconstruction: tf.mean<tf.Scalar>(terms.reconstruction),
          kl: tf.mean<tf.Scalar>(terms.kl),
        };
      }
      const terms = elboTerms(this, batch.x, {
        estimator: this.config.estimator,
        samples: this.config.samples,
        seed,
        context,
      });
      return elboLoss(terms, { beta, datasetSize: scale });
    });
  }

  /** The batch as the likelihood sees it: binarized afresh (seeded) for a Bernoulli decoder. */
  prepare(x: tf.Tensor2D, seed: number): tf.Tensor2D {
    return this.config.likelihood === 'bernoulli' ? (binarize(x, seed) as tf.Tensor2D) : tf.clone(x);
  }

  /**
   * One Adam step on a batch (binarized afresh for a Bernoulli decoder); returns the loss and its parts as numbers.
   */
  trainStep(batch: VaeBatch, options: VaeLossOptions & { seed: number }): Record<string, number> {
    const x = this.prepare(batch.x, options.seed);
    try {
      return this.optimizer.minimize(this.parameters(), () =>
        this.loss({ x, labels: batch.labels }, { ...options, seed: options.seed + 1 }),
      );
    } finally {
      x.dispose();
    }
  }

  // ---- the scikit-learn-like methods of the AEVB notes ----

  /**
   * One Adam step on `x` (and labels, for the CVAE), binarized afresh for a Bernoulli decoder; returns the loss
   * before the step: -ELBO per example, with the KL weighted by the configured beta. (There is no N/M scaling here:
   * `partialFit` does not know the training set's size; the trainer passes it to `trainStep`.)
   */
  partialFit(x: Matrix, { labels, seed }: LabelOptions & { seed?: number } = {}): number {
    const t = toMatrix(x, this.inputSize, 'partialFit');
    try {
      return this.trainStep({ x: t, labels }, { seed: resolveSeed(seed) }).loss;
    } finally {
      if (t !== x) t.dispose();
    }
  }

  /** -ELBO per example of `x`, averaged, without updating anything (`seed` fixes the z draws). */
  cost(x: Matrix, { labels, seed }: LabelOptions & { seed?: number } = {}): number {
    // Every method below makes its tensors inside one tidy, so that a refused argument leaves none behind.
    const elbo = tf.tidy(
      () => this.loss({ x: toMatrix(x, this.inputSize, 'cost'), labels }, { seed, beta: 1 }).elbo,
    );
    const value = elbo.dataSync()[0];
    elbo.dispose();
    return -value;
  }

  /** The posterior means E_q[z|x], `[m, d]`. */
  transform(x: Matrix, { labels }: LabelOptions = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const t = toMatrix(x, this.inputSize, 'transform');
      return this.encoder.parameterize(t, this.context(labels, t.shape[0]))[0];
    });
  }

  /**
   * The decoder's means (pixel probabilities for Bernoulli) at `z` (`[n, d]`), or at one draw from the prior when
   * `z` is absent (one per label, for the CVAE, which needs `labels`).
   */
  generate(z?: Matrix, { labels, seed }: LabelOptions & { seed?: number } = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const n = z
        ? Array.isArray(z)
          ? z.length
          : z.shape[0]
        : labels
          ? labels instanceof tf.Tensor
            ? labels.shape[0]
            : labels.length
          : 1;
      const context = this.context(labels, n);
      const latent = z
        ? toMatrix(z, this.config.latent, 'generate', 'z')
        : this.drawPrior(n, context, { seed });
      return this.decoder.mean(latent, context);
    });
  }

  /** Decoder means at the posterior means: x -> E_q[z|x] -> E[x|z]. */
  reconstruct(x: Matrix, { labels }: LabelOptions = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const t = toMatrix(x, this.inputSize, 'reconstruct');
      const context = this.context(labels, t.shape[0]);
      return this.decoder.mean(this.encoder.parameterize(t, context)[0], context);
    });
  }

  /**
   * `n` decoder means E[x|z] of prior draws z ~ p(z) (or p(z|c), one label per sample), `[n, D]`: the usual
   * picture of a VAE's samples (pixel probabilities for a Bernoulli decoder).
   */
  sample(n: number, { seed, temperature = 1, labels }: VaeSampleOptions = {}): tf.Tensor2D {
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`sample: argument 'n' must be a positive integer, got ${n}`);
    return tf.tidy(() => {
      const context = this.context(labels, n);
      return this.decoder.mean(this.drawPrior(n, context, { seed, temperature }), context);
    });
  }

  /**
   * `n` draws z from the prior p(z) (or p(z|c)) at `temperature`: z = mu + T (z0 - mu) for a draw z0 of a Gaussian
   * of mean mu (the prior itself, or the chosen component of the mixture prior).
   */
  drawPrior(
    n: number,
    context: tf.Tensor2D | undefined,
    { seed, temperature = 1 }: { seed?: number; temperature?: number } = {},
  ): tf.Tensor2D {
    if (!(temperature > 0 && Number.isFinite(temperature)))
      throw new Error(`sample: option 'temperature' must be a positive number, got ${temperature}`);
    const s = resolveSeed(seed);
    if (this.priorNetwork instanceof MixturePrior)
      return this.priorNetwork.sample(n, { seed: s, temperature });
    return tf.tidy(() => {
      const p = this.prior(context);
      // p(z|c) has one batch entry per example already; N(0, I) draws n.
      const z = tf.reshape(p.sample(p.batchShape.length > 0 ? [] : [n], s), [n, this.config.latent]);
      if (temperature === 1) return z as tf.Tensor2D;
      const mean = tf.broadcastTo(p.mean(), [n, this.config.latent]);
      return tf.add<tf.Tensor2D>(mean, tf.mul(tf.sub(z, mean), temperature));
    });
  }

  override dispose(): void {
    super.dispose();
    this.optimizer.dispose();
  }

  /** The seed the model was built with (its weights, and its default training stream). */
  get seed(): number {
    return this.config.seed;
  }
}

/**
 * A `[m, width]` tensor from a tensor or nested array, with an error naming the method and the argument when the
 * width is wrong.
 */
function toMatrix(x: Matrix, width: number, method: string, argument = 'x'): tf.Tensor2D {
  const t = Array.isArray(x) ? tf.tensor2d(x) : x;
  if (t.rank !== 2 || t.shape[1] !== width) {
    if (t !== x) t.dispose();
    throw new Error(
      `${method}: argument '${argument}' must have shape [m, ${width}], got [${t.shape.join(', ')}]`,
    );
  }
  return t;
}
