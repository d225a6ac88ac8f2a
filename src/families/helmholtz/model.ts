/**
 * The Helmholtz machine: a generative sigmoid belief network over binary units,
 *
 *   p(x, h_1, ..., h_L) = p(h_L) p(h_{L-1} | h_L) ... p(x | h_1),   p(h_L) = prod Bernoulli(sigmoid(b)),
 *   p(h_{l-1} | h_l) = prod Bernoulli(sigmoid(W_l h_l + c_l)),
 *
 * and a recognition network of the same layers bottom-up, q(h_1, ..., h_L | x) = q(h_1 | x) ... q(h_L | h_{L-1}),
 * trained by one of two algorithms (`trainStep`):
 *
 * - wake-sleep: the wake phase raises log p(x, h) at h ~ q(h | x); the sleep phase dreams (h, x) ~ p and raises
 *   log q(h | x) there. Each phase fits one model to the other's samples; neither follows the gradient of a bound.
 * - reweighted wake-sleep with K samples: h_k ~ q(h | x), w_k = p(x, h_k) / q(h_k | x) normalised over k; p is
 *   raised by sum_k w_k grad log p(x, h_k) (the gradient of log p(x) estimated by importance sampling) and q by
 *   sum_k w_k grad log q(h_k | x) (the wake-phase update of q: it fits q to the importance-weighted posterior).
 *
 * Both models keep their own Adam optimizer. The samples are constants of each update: discrete units carry no
 * reparameterized gradient, which is what the VAE's continuous latents change.
 *
 * References: G. E. Hinton, P. Dayan, B. J. Frey and R. M. Neal, "The wake-sleep algorithm for unsupervised neural
 * networks", Science 268, 1995; J. Bornschein and Y. Bengio, "Reweighted Wake-Sleep", 2015,
 * https://arxiv.org/abs/1406.2751
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { binarize } from '../../data/batches.js';
import { Bernoulli } from '../../distributions/bernoulli.js';
import { Dense } from '../../nn/dense.js';
import { Module } from '../../nn/module.js';
import { Adam } from '../../optim/adam.js';
import type { HelmholtzConfig } from './config.js';

/** Sum over the last axis of the Bernoulli log-probabilities of `x` under `logits`. */
function logBernoulli(x: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.sum(new Bernoulli({ logits }, { validateArgs: false }).logProb(x), -1);
}

/** Binary draws with P(1) = sigmoid(logits). */
function drawBernoulli(logits: tf.Tensor, seed: number): tf.Tensor {
  return new Bernoulli({ logits }, { validateArgs: false }).sample([], seed);
}

/** `x` (`[n, d]`) stacked `k` times: `[k n, d]`, whose row j n + i is row i of x. */
function repeatRows(x: tf.Tensor2D, k: number): tf.Tensor2D {
  const [n, d] = x.shape;
  return tf.tidy(() => tf.reshape<tf.Rank.R2>(tf.tile(tf.expandDims(x, 0), [k, 1, 1]), [k * n, d]));
}

/** One training step's figures, per example: the bound it estimates and its parts. */
export interface HelmholtzStep {
  /** -bound: for rws the K-sample importance-weighted bound, for wake-sleep the one-sample ELBO. */
  loss: number;
  /** The sleep phase's -log q(h | x) on the dreams (wake-sleep), or the wake-phase q loss (rws). */
  q_loss: number;
}

export class HelmholtzMachine extends Module {
  readonly config: HelmholtzConfig;
  /** Visible units, then the hidden layers' sizes: [D, h_1, ..., h_L]. */
  readonly sizes: number[];
  /** The logits b of p(h_L). */
  readonly prior: tf.Variable;
  /** generative[l] maps h_{l+1} to the logits of h_l (h_0 = x). */
  readonly generative: Dense[];
  /** recognition[l] maps h_l to the logits of h_{l+1}. */
  readonly recognition: Dense[];
  readonly pOptimizer: Adam;
  readonly qOptimizer: Adam;

  constructor(config: HelmholtzConfig) {
    super();
    this.config = config;
    const d = config.inputShape.reduce((a, b) => a * b, 1);
    this.sizes = [d, ...config.hidden];
    const L = config.hidden.length;
    this.prior = this.addParameter('prior', tf.zeros([this.sizes[L]]));
    this.generative = [];
    this.recognition = [];
    for (let l = 0; l < L; l++) {
      const down = new Dense(this.sizes[l + 1], this.sizes[l], { seed: deriveSeed(config.seed, `p${l}`) });
      const up = new Dense(this.sizes[l], this.sizes[l + 1], { seed: deriveSeed(config.seed, `q${l}`) });
      this.generative.push(this.addModule(`generative${l}`, down));
      this.recognition.push(this.addModule(`recognition${l}`, up));
    }
    this.pOptimizer = new Adam(config.learningRate);
    this.qOptimizer = new Adam(config.learningRate);
  }

  /** The generative model's parameters (the prior and the top-down layers). */
  generativeParameters(): Map<string, tf.Variable> {
    return new Map([...this.parameters()].filter(([name]) => !name.startsWith('recognition')));
  }

  /** The recognition model's parameters. */
  recognitionParameters(): Map<string, tf.Variable> {
    return new Map([...this.parameters()].filter(([name]) => name.startsWith('recognition')));
  }

  /** h ~ q(h | x) for each row of x (`[n, D]`, binary): the layers h_1 ... h_L, each `[n, size]`. */
  recognize(x: tf.Tensor2D, seed: number): tf.Tensor[] {
    return tf.tidy(() => {
      const hs: tf.Tensor[] = [];
      let below: tf.Tensor = x;
      this.recognition.forEach((layer, l) => {
        below = drawBernoulli(layer.apply(below), deriveSeed(seed, `q${l}`));
        hs.push(below);
      });
      return hs;
    });
  }

  /** log q(h | x) per row. */
  logRecognition(x: tf.Tensor, hs: readonly tf.Tensor[]): tf.Tensor1D {
    return tf.tidy(() => {
      let total: tf.Tensor = tf.zeros([x.shape[0]]);
      let below = x;
      this.recognition.forEach((layer, l) => {
        total = tf.add(total, logBernoulli(hs[l], layer.apply(below)));
        below = hs[l];
      });
      return total as tf.Tensor1D;
    });
  }

  /** log p(x, h) per row. */
  logJoint(x: tf.Tensor, hs: readonly tf.Tensor[]): tf.Tensor1D {
    return tf.tidy(() => {
      const top = hs[hs.length - 1];
      let total = logBernoulli(top, tf.broadcastTo(this.prior, top.shape));
      this.generative.forEach((layer, l) => {
        total = tf.add(total, logBernoulli(l === 0 ? x : hs[l - 1], layer.apply(hs[l])));
      });
      return total as tf.Tensor1D;
    });
  }

  /**
   * n ancestral samples of p, top-down: the binary layers `hs` (h_1 ... h_L), the binary visible units `x`, and the
   * probabilities p(x = 1 | h_1) that `x` was drawn from (what pictures show).
   */
  dream(n: number, seed: number): { hs: tf.Tensor[]; x: tf.Tensor2D; means: tf.Tensor2D } {
    return tf.tidy(() => {
      const L = this.config.hidden.length;
      const hs: tf.Tensor[] = new Array<tf.Tensor>(L);
      hs[L - 1] = drawBernoulli(tf.broadcastTo(this.prior, [n, this.sizes[L]]), deriveSeed(seed, 'top'));
      for (let l = L - 1; l >= 1; l--)
        hs[l - 1] = drawBernoulli(this.generative[l].apply(hs[l]), deriveSeed(seed, `p${l}`));
      const logits = this.generative[0].apply(hs[0]);
      const x = drawBernoulli(logits, deriveSeed(seed, 'x')) as tf.Tensor2D;
      return { hs, x, means: tf.sigmoid(logits) as tf.Tensor2D };
    });
  }

  /**
   * log w = log p(x, h) - log q(h | x) for K draws h ~ q(h | x) per row of x: `[K, n]`. Its log-mean-exp over K is
   * the K-sample importance-weighted bound on log p(x), and an estimate of log p(x) that tightens as K grows.
   */
  logWeights(x: tf.Tensor2D, k: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const xk = repeatRows(x, k);
      const hs = this.recognize(xk, seed);
      return tf.reshape<tf.Rank.R2>(tf.sub(this.logJoint(xk, hs), this.logRecognition(xk, hs)), [
        k,
        x.shape[0],
      ]);
    });
  }

  /**
   * One update of both models on a batch of images (`[n, ...]` in [0, 1], binarized afresh with `seed`), by the
   * configured algorithm. Returns the per-example loss (the negative bound) and the recognition model's loss.
   */
  trainStep(batch: tf.Tensor, seed: number): HelmholtzStep {
    const n = batch.shape[0];
    const x = tf.tidy(() => binarize(tf.reshape(batch, [n, this.sizes[0]]), deriveSeed(seed, 'binarize')));
    try {
      return this.config.algorithm === 'rws'
        ? this.reweighted(x as tf.Tensor2D, seed)
        : this.wakeSleep(x as tf.Tensor2D, seed);
    } finally {
      x.dispose();
    }
  }

  private wakeSleep(x: tf.Tensor2D, seed: number): HelmholtzStep {
    const n = x.shape[0];
    const hs = this.recognize(x, deriveSeed(seed, 'wake'));
    const dream = this.dream(n, deriveSeed(seed, 'sleep'));
    try {
      // Wake: p fits the recognition model's explanations of the data. Its loss is -log p(x, h); with log q(h | x)
      // added back it is the one-sample ELBO that the step reports.
      const logQ = this.logRecognition(x, hs);
      const wake = this.pOptimizer.minimize(this.generativeParameters(), () => ({
        loss: tf.neg(tf.mean(this.logJoint(x, hs))) as tf.Scalar,
      }));
      const meanLogQ = tf.tidy(() => tf.mean(logQ).dataSync()[0]);
      logQ.dispose();
      // Sleep: q fits the generative model's dreams.
      const sleep = this.qOptimizer.minimize(this.recognitionParameters(), () => ({
        loss: tf.neg(tf.mean(this.logRecognition(dream.x, dream.hs))) as tf.Scalar,
      }));
      return { loss: wake.loss + meanLogQ, q_loss: sleep.loss };
    } finally {
      tf.dispose([...hs, ...dream.hs, dream.x, dream.means]);
    }
  }

  private reweighted(x: tf.Tensor2D, seed: number): HelmholtzStep {
    const { k } = this.config;
    const n = x.shape[0];
    const xk = repeatRows(x, k);
    const hs = this.recognize(xk, deriveSeed(seed, 'wake'));
    // The normalised importance weights, constants of both updates, and the K-sample bound per example.
    const [weights, bound] = tf.tidy((): [tf.Tensor, tf.Scalar] => {
      const logW = tf.reshape(tf.sub(this.logJoint(xk, hs), this.logRecognition(xk, hs)), [k, n]);
      const lse = tf.logSumExp(logW, 0);
      return [tf.reshape(tf.exp(tf.sub(logW, lse)), [k * n]), tf.mean<tf.Scalar>(tf.sub(lse, Math.log(k)))];
    });
    try {
      this.pOptimizer.minimize(this.generativeParameters(), () => ({
        loss: tf.div<tf.Scalar>(tf.neg(tf.sum(tf.mul(weights, this.logJoint(xk, hs)))), n),
      }));
      const q = this.qOptimizer.minimize(this.recognitionParameters(), () => ({
        loss: tf.div<tf.Scalar>(tf.neg(tf.sum(tf.mul(weights, this.logRecognition(xk, hs)))), n),
      }));
      return { loss: -bound.dataSync()[0], q_loss: q.loss };
    } finally {
      tf.dispose([xk, ...hs, weights, bound]);
    }
  }

  override dispose(): void {
    super.dispose();
    this.pOptimizer.dispose();
    this.qOptimizer.dispose();
  }
}

/** The parameters a configuration makes, without making them. */
export function estimateHelmholtzParameters(config: HelmholtzConfig): number {
  const sizes = [config.inputShape.reduce((a, b) => a * b, 1), ...config.hidden];
  let total = sizes[sizes.length - 1];
  for (let l = 0; l + 1 < sizes.length; l++) total += 2 * sizes[l] * sizes[l + 1] + sizes[l] + sizes[l + 1];
  return total;
}
