/**
 * A CycleGAN: two generators, G: A -> B and F: B -> A (each an MLP beside a linear map, see `networks.ts`), two
 * discriminators, D_A and D_B (MLPs), all on flattened examples, with an Adam optimizer for the generators together
 * and one for the discriminators together (see `losses.ts` for the objective). A training step updates the
 * generators on the batch, then the discriminators on real examples against the translations made before that
 * update, as the authors' code does (without its pool of 50 past translations). On images both generators end in a
 * sigmoid, into [0, 1] like the pixels.
 *
 * `sample` needs draws of domain B, which a model of images cannot make up: an image model keeps a bank of the
 * first {@link CYCLEGAN_BANK_SIZE} B-domain examples it was trained on (a buffer, saved with the weights), and
 * translates those.
 *
 * References: J.-Y. Zhu, T. Park, P. Isola and A. A. Efros, "Unpaired Image-to-Image Translation using
 * Cycle-Consistent Adversarial Networks", ICCV 2017, https://arxiv.org/abs/1703.10593
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { MLP } from '../../nn/mlp.js';
import { Module } from '../../nn/module.js';
import { Adam } from '../../optim/adam.js';
import type { StepResult } from '../../train/trainer.js';
import { resolveCycleGanConfig, type CycleGanConfig } from './config.js';
import { imageTransform, type ImageTransform } from './domains.js';
import { translatorParameters, Translator } from './networks.js';
import {
  cycleGanDiscriminatorObjective,
  cycleGanGeneratorObjective,
  type CycleGanNetworks,
} from './losses.js';

/** The most B-domain training examples an image model keeps to sample from (the sample metrics draw 1000). */
export const CYCLEGAN_BANK_SIZE = 1000;

/**
 * A CycleGAN of a configuration (see `config.ts`).
 *
 * @example
 * const model = new CycleGanModel(resolveCycleGanConfig({ inputShape: [2], target: '8gaussians' }));
 * model.trainStep(a, b); // { loss, adversarial, cycle, identity, d_loss }
 * const gb = model.translate('ab', a); // G(a)
 */
export class CycleGanModel extends Module {
  readonly config: CycleGanConfig;
  /** G: A -> B. */
  readonly G: Translator;
  /** F: B -> A. */
  readonly F: Translator;
  /** D_A: real A against F(b). */
  readonly dA: MLP;
  /** D_B: real B against G(a). */
  readonly dB: MLP;
  readonly generatorOptimizer: Adam;
  readonly discriminatorOptimizer: Adam;
  /** Images: T, which made domain B; null for 2-D. */
  readonly transform: ImageTransform | null;
  /** Images: the first B-domain training examples, `[CYCLEGAN_BANK_SIZE, D]`, and how many rows are filled; else null. */
  private readonly bank: { rows: tf.Variable<tf.Rank.R2>; filled: tf.Variable } | null;

  constructor(config: CycleGanConfig) {
    super();
    const c = (this.config = resolveCycleGanConfig(config));
    const d = this.dimension;
    const image = c.inputShape.length === 3;
    const translator = (name: string) =>
      this.addModule(
        name,
        new Translator(d, c.hidden, {
          activation: c.activation,
          output: image ? 'sigmoid' : 'linear',
          seed: deriveSeed(c.seed, name),
        }),
      );
    const discriminator = (name: string) =>
      this.addModule(
        name,
        new MLP(d, c.discriminatorHidden, 1, { activation: c.activation, seed: deriveSeed(c.seed, name) }),
      );
    this.G = translator('G');
    this.F = translator('F');
    this.dA = discriminator('D_A');
    this.dB = discriminator('D_B');
    const adam = (lr: number) => new Adam(lr, { beta1: c.beta1, beta2: c.beta2 });
    this.generatorOptimizer = adam(c.generatorLr);
    this.discriminatorOptimizer = adam(c.discriminatorLr);
    this.transform = c.transform === null ? null : imageTransform(c.transform, c.inputShape);
    this.bank = image
      ? {
          rows: this.addBuffer('bank', tf.zeros([CYCLEGAN_BANK_SIZE, d])) as tf.Variable<tf.Rank.R2>,
          filled: this.addBuffer('bank_filled', tf.zeros([1])),
        }
      : null;
  }

  /** D, the number of values of one example. */
  get dimension(): number {
    return this.config.inputShape.reduce((a, b) => a * b, 1);
  }

  /** Whether the domains are images (`[h, w, c]` examples) rather than 2-D points. */
  get isImage(): boolean {
    return this.config.inputShape.length === 3;
  }

  /** The networks as functions, what the objective reads. */
  networks(): CycleGanNetworks {
    const logits = (net: MLP) => (x: tf.Tensor2D) =>
      tf.tidy(() => tf.reshape<tf.Rank.R1>(net.apply(x), [x.shape[0]]));
    return {
      G: (x) => this.G.apply(x),
      F: (x) => this.F.apply(x),
      dA: logits(this.dA),
      dB: logits(this.dB),
    };
  }

  /** G(x) for `direction` 'ab', F(x) for 'ba'. */
  translate(direction: 'ab' | 'ba', x: tf.Tensor2D): tf.Tensor2D {
    return (direction === 'ab' ? this.G : this.F).apply(x);
  }

  /** The parameters of the networks whose names start with one of `prefixes`. */
  private parametersOf(...prefixes: string[]): Map<string, tf.Variable> {
    return new Map([...this.parameters()].filter(([name]) => prefixes.some((p) => name.startsWith(`${p}.`))));
  }

  /** G's and F's parameters, what the generator optimizer updates. */
  generatorParameters(): Map<string, tf.Variable> {
    return this.parametersOf('G', 'F');
  }

  /** D_A's and D_B's parameters, what the discriminator optimizer updates. */
  discriminatorParameters(): Map<string, tf.Variable> {
    return this.parametersOf('D_A', 'D_B');
  }

  /**
   * One update of the generators on batches `a` (`[m_a, D]`, domain A) and `b` (`[m_b, D]`, domain B), then one of
   * the discriminators against the translations G(a) and F(b) made before it. Returns the generators' objective
   * (`loss`) and its unweighted parts (`adversarial`, `cycle`, `identity` when lambda_id > 0), and the
   * discriminators' loss (`d_loss`). An image model also keeps `b` in its bank while that has room.
   */
  trainStep(a: tf.Tensor2D, b: tf.Tensor2D): StepResult {
    const c = this.config;
    const nets = this.networks();
    const fake = tf.tidy(() => ({ a: nets.F(b), b: nets.G(a) }));
    try {
      const generators = this.generatorOptimizer.minimize(this.generatorParameters(), () =>
        cycleGanGeneratorObjective(nets, a, b, c),
      );
      const discriminators = this.discriminatorOptimizer.minimize(this.discriminatorParameters(), () => ({
        loss: cycleGanDiscriminatorObjective(nets, { a, b }, fake, c.loss),
      }));
      this.remember(b);
      return { ...generators, d_loss: discriminators.loss };
    } finally {
      tf.dispose([fake.a, fake.b]);
    }
  }

  /** How many B-domain examples the bank holds (0 for a 2-D model, which draws B from its density). */
  get banked(): number {
    return this.bank === null ? 0 : this.bank.filled.dataSync()[0];
  }

  /** The first `n` rows of the bank, `[n, D]`. */
  bankRows(n: number): tf.Tensor2D {
    if (this.bank === null || n > this.banked)
      throw new RangeError(`bankRows: the bank holds ${this.banked} examples, ${n} were asked for`);
    return tf.slice(this.bank.rows, [0, 0], [n, this.dimension]);
  }

  /** Copy the rows of `b` into the bank's free rows, as many as fit. */
  private remember(b: tf.Tensor2D): void {
    if (this.bank === null) return;
    const { rows, filled } = this.bank;
    const start = this.banked;
    const count = Math.min(CYCLEGAN_BANK_SIZE - start, b.shape[0]);
    if (count === 0) return;
    tf.tidy(() => {
      const d = this.dimension;
      const parts = [tf.slice(b, [0, 0], [count, d])];
      if (start > 0) parts.unshift(tf.slice(rows, [0, 0], [start, d]));
      if (start + count < CYCLEGAN_BANK_SIZE)
        parts.push(tf.slice(rows, [start + count, 0], [CYCLEGAN_BANK_SIZE - start - count, d]));
      rows.assign(tf.concat(parts, 0));
      filled.assign(tf.tensor1d([start + count]));
    });
  }

  override dispose(): void {
    super.dispose();
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
  }
}

/** How many parameters `config` makes (the two generators and the two discriminators), without making them. */
export function estimateCycleGanParameters(config: CycleGanConfig): number {
  const d = config.inputShape.reduce((a, b) => a * b, 1);
  const widths = [d, ...config.discriminatorHidden, 1];
  const discriminator = widths.slice(1).reduce((sum, out, i) => sum + widths[i] * out + out, 0);
  return 2 * translatorParameters(d, config.hidden) + 2 * discriminator;
}
