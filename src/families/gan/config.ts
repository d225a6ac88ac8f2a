/**
 * The configuration of a GAN (what `config.json` stores) and the GAN family's options, declared once
 * ({@link GAN_OPTIONS}): the defaults of {@link resolveGanConfig} are theirs. On 2-D data the defaults are the
 * PyTorch peer's (`gan2d_torch.py`: z of 2 dimensions, 128-128 ReLU networks, Adam 1e-4 with betas 0.5 and 0.999,
 * batch 256); on images a DCGAN-style pair of convolutional networks. The `infogan` kind adds InfoGAN's latent
 * codes (a categorical code and continuous ones) and their weights in the mutual-information bound.
 */
import type { DataKind } from '../../data/dataset.js';
import { ACTIVATIONS, type Activation } from '../../nn/activations.js';
import { FLOW_ARCHS, type FlowArch } from '../flow/config.js';
import {
  adamBetaOptions,
  checkInputShape,
  checkOptionValue,
  defaultOf,
  OptionError,
  type OptionSpec,
  playerRateOption,
  usedBy,
  widthsOption,
} from '../../train/options.js';

/** The kinds of the GAN family: a plain GAN, and InfoGAN (a GAN whose codes a Q head reads back). */
export type GanKind = 'gan' | 'infogan';
export const GAN_KINDS: readonly GanKind[] = ['gan', 'infogan'];

/** The adversarial losses (see `losses.ts`). */
export type GanLoss = 'ns' | 'minimax' | 'lsgan' | 'wgan-gp';
export const GAN_LOSSES: readonly GanLoss[] = ['ns', 'minimax', 'lsgan', 'wgan-gp'];

/** The generator's network: an MLP, a normalizing flow (whose density is exact), or transposed convolutions. */
export type GeneratorArch = 'mlp' | 'flow' | 'conv';
export const GENERATOR_ARCHS: readonly GeneratorArch[] = ['mlp', 'flow', 'conv'];

export interface GanConfig {
  kind: GanKind;
  loss: GanLoss;
  generator: GeneratorArch;
  /** The shape of one example: `[d]` for vectors, `[h, w, c]` for images. */
  inputShape: number[];
  /** Dimensions of the noise z ~ N(0, I) (a flow generator's noise has the data's dimension). */
  latent: number;
  /** InfoGAN: the values K of the categorical code c ~ Cat(K) (0 for a plain GAN). */
  categories: number;
  /** InfoGAN: the continuous codes u ~ U(-1, 1) (0 for a plain GAN). */
  continuousCodes: number;
  /** InfoGAN: the weight of E[log Q(c | x)] in the mutual-information bound L_I (0 for a plain GAN). */
  infoCategorical: number;
  /** InfoGAN: the weight of E[log Q(u | x)] in L_I (0 for a plain GAN). */
  infoContinuous: number;
  /** Hidden widths of the generator's MLP (or of a flow generator's coupling networks). */
  generatorHidden: number[];
  /** Hidden widths of the discriminator's MLP. */
  discriminatorHidden: number[];
  /** Channels of the convolutional networks' stride-2 layers, in the discriminator's order. */
  channels: number[];
  /**
   * Batch normalisation in the convolutional networks (DCGAN's placement). A WGAN-GP critic never has it: the
   * gradient penalty is a per-example constraint, which a batch's statistics would couple.
   */
  batchNorm: boolean;
  /** The width of the convolutional networks' dense layer (after the discriminator's convolutions; 0: none). */
  convHidden: number;
  activation: Activation;
  /** A flow generator's architecture and coupling layers. */
  flowArch: FlowArch;
  flowLayers: number;
  generatorLr: number;
  discriminatorLr: number;
  beta1: number;
  beta2: number;
  /** Discriminator updates per generator turn (k_D). */
  discriminatorSteps: number;
  /** Generator updates per turn (k_G). */
  generatorSteps: number;
  /** WGAN-GP: the weight of the gradient penalty. */
  gradientPenalty: number;
  /** The weight lambda of lambda E_z ||G(z) - G_old(z)||^2 (0: off). */
  regOld: number;
  /** G_old is the generator as it was this many generator updates back. */
  regOldEvery: number;
  /** The toy 2-D density the training data were drawn from (its log-density is known), or null. */
  density: string | null;
  seed: number;
}

const isImage = ({ data }: { data: DataKind }) => data === 'image';

/** The options of `latentlab train gan`. */
export const GAN_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'loss',
    type: 'choice',
    choices: GAN_LOSSES,
    default: 'ns',
    help: 'ns (non-saturating), minimax, lsgan (least squares) or wgan-gp (critic with a gradient penalty)',
  },
  {
    name: 'generator',
    type: 'choice',
    choices: GENERATOR_ARCHS,
    default: (c) => (isImage(c) ? 'conv' : 'mlp'),
    help: 'the generator: mlp, flow (a RealNVP-style flow, whose density is exact) or conv (DCGAN, images)',
  },
  {
    name: 'latent',
    sizes: true,
    type: 'integer',
    min: 1,
    max: 4096,
    // InfoGAN's 62 on images is the paper's (MNIST: 62 noise variables beside the 10-way code and two continuous).
    default: (c) => (isImage(c) ? (c.kind === 'infogan' ? 62 : 64) : 2),
    placeholder: '<n>',
    help: 'dimensions of the noise z (a flow generator uses the data dimension)',
  },
  {
    name: 'categories',
    sizes: true,
    type: 'integer',
    min: 2,
    max: 1000,
    default: 10,
    placeholder: '<k>',
    kinds: ['infogan'],
    help: "values K of InfoGAN's categorical code c ~ Cat(K), given to the generator one-hot",
  },
  {
    name: 'continuousCodes',
    sizes: true,
    type: 'integer',
    min: 0,
    max: 100,
    default: 2,
    placeholder: '<n>',
    kinds: ['infogan'],
    help: "InfoGAN's continuous codes u ~ U(-1, 1), given to the generator beside z and c",
  },
  {
    name: 'infoCategorical',
    type: 'number',
    min: 0,
    default: 1,
    placeholder: '<weight>',
    kinds: ['infogan'],
    help: 'the weight of E[log Q(c | x)] in the mutual-information bound L_I that both players maximise',
  },
  {
    name: 'infoContinuous',
    type: 'number',
    min: 0,
    default: 0.1,
    placeholder: '<weight>',
    kinds: ['infogan'],
    help: 'the weight of E[log Q(u | x)] in L_I (Q(u | x): a Gaussian of unit variance)',
  },
  widthsOption(
    'generatorHidden',
    (c) => (isImage(c) ? [256, 512] : [128, 128]),
    "hidden widths of the generator's MLP (or a flow generator's coupling networks), comma-separated",
    { flag: 'g-hidden' },
  ),
  widthsOption(
    'discriminatorHidden',
    (c) => (isImage(c) ? [512, 256] : [128, 128]),
    "hidden widths of the discriminator's MLP, comma-separated",
    { flag: 'd-hidden' },
  ),
  {
    name: 'channels',
    sizes: true,
    type: 'integers',
    min: 1,
    max: 1024,
    placeholder: '<channels>',
    default: [64, 128],
    data: 'image',
    when: { option: 'generator', is: ['conv'] },
    help: "channels of the convolutional networks' stride-2 layers (the generator mirrors them)",
  },
  {
    name: 'convHidden',
    sizes: true,
    type: 'integer',
    min: 0,
    max: 16384,
    placeholder: '<n>',
    // InfoGAN's MNIST networks have a 1024-unit dense layer on each side of the convolutions (Chen et al.). Off by
    // default: with it, `train infogan --seed 0` collapsed in its first epoch (Frechet 1,517 against 260 without).
    default: 0,
    data: 'image',
    when: { option: 'generator', is: ['conv'] },
    help: "a dense layer of this width between the noise and the generator's projection, and after the discriminator's convolutions (0: none)",
  },
  {
    name: 'batchNorm',
    type: 'boolean',
    default: (c) => isImage(c),
    data: 'image',
    when: { option: 'generator', is: ['conv'] },
    help: "batch normalisation in the convolutional networks, as DCGAN places it (not after the discriminator's first layer nor the generator's output; never in a WGAN-GP critic)",
  },
  {
    name: 'activation',
    type: 'choice',
    choices: ACTIVATIONS,
    default: (c) => (isImage(c) ? 'leaky-relu' : 'relu'),
    help: 'hidden activation of both networks',
  },
  {
    name: 'flowArch',
    type: 'choice',
    choices: FLOW_ARCHS,
    default: 'realnvp',
    data: 'vector',
    when: { option: 'generator', is: ['flow'] },
    help: 'the flow generator: nice, realnvp or glow',
  },
  {
    name: 'flowLayers',
    sizes: true,
    type: 'integer',
    min: 1,
    max: 256,
    default: 8,
    placeholder: '<n>',
    data: 'vector',
    when: { option: 'generator', is: ['flow'] },
    help: "the flow generator's coupling layers",
  },
  // InfoGAN's paper trains its generator five times faster than its discriminator (1e-3 against 2e-4); at 2e-4 the
  // generator collapsed in our runs before its codes became legible, and the information term stayed at log K.
  playerRateOption(
    'generatorLr',
    (c) => (isImage(c) ? (c.kind === 'infogan' ? 1e-3 : 2e-4) : 1e-4),
    "the generator's Adam learning rate",
  ),
  playerRateOption(
    'discriminatorLr',
    (c) => (isImage(c) ? 2e-4 : 1e-4),
    "the discriminator's Adam learning rate",
  ),
  ...adamBetaOptions(),
  {
    name: 'discriminatorSteps',
    flag: 'd-steps',
    type: 'integer',
    min: 1,
    max: 100,
    placeholder: '<k>',
    help: 'discriminator updates per generator turn, k_D (default 5 for wgan-gp, else 1); each is one training step',
  },
  {
    name: 'generatorSteps',
    flag: 'g-steps',
    type: 'integer',
    min: 1,
    max: 100,
    default: 1,
    placeholder: '<k>',
    help: 'generator updates per turn, k_G, each on fresh noise',
  },
  {
    name: 'gradientPenalty',
    flag: 'gp',
    type: 'number',
    min: 0,
    default: 10,
    placeholder: '<weight>',
    when: { option: 'loss', is: ['wgan-gp'] },
    help: "WGAN-GP: the gradient penalty's weight",
  },
  {
    name: 'regOld',
    type: 'number',
    min: 0,
    default: 0,
    placeholder: '<lambda>',
    help: "the variational view's penalty lambda E||G(z) - G_old(z)||^2 on the generator (0: off)",
  },
  {
    name: 'regOldEvery',
    type: 'integer',
    min: 1,
    max: 1000000,
    default: 1,
    placeholder: '<k>',
    help: 'G_old is the generator as it was k generator updates back',
  },
];

const FIELDS = GAN_OPTIONS.filter((s) => s.name !== 'discriminatorSteps');

/**
 * The full configuration of a GAN on examples of shape `options.inputShape` ([d] or [h, w, c]): each field not
 * given takes its option's default for that kind and data, then everything is checked (an `OptionError` names the
 * field). The kind is `gan` unless `options.kind` says `infogan`; a plain GAN's InfoGAN fields are 0.
 *
 * @example
 * resolveGanConfig({ inputShape: [2], loss: 'wgan-gp' }); // 5 critic steps per generator step, penalty 10
 * resolveGanConfig({ kind: 'infogan', inputShape: [28, 28, 1] }); // z of 62, c ~ Cat(10), two u ~ U(-1, 1)
 */
export function resolveGanConfig(options: Partial<GanConfig> & { inputShape: number[] }): GanConfig {
  const kind = options.kind ?? 'gan';
  if (!GAN_KINDS.includes(kind))
    throw new OptionError('kind', `must be one of ${GAN_KINDS.join(', ')}, got '${String(kind)}'`);
  const shape = options.inputShape;
  const data = checkInputShape(shape);
  const c = { ...options, kind, inputShape: [...shape] } as GanConfig;
  const record = c as unknown as Record<string, unknown>;
  for (const spec of FIELDS) {
    const field = spec.configKey ?? spec.name;
    if (!usedBy(spec, kind)) {
      // A plain GAN has no codes; 0 is what its configuration stores (and what one written before InfoGAN lacks).
      if ((record[field] ?? 0) !== 0) throw new OptionError(field, `is an option of infogan, not of ${kind}`);
      record[field] = 0;
      continue;
    }
    const value = record[field] ?? defaultOf(spec, { kind, data });
    if (value !== undefined) record[field] = checkOptionValue({ ...spec, name: field }, value);
  }
  c.discriminatorSteps = checkOptionValue(
    { ...GAN_OPTIONS.find((s) => s.name === 'discriminatorSteps')! },
    c.discriminatorSteps ?? (c.loss === 'wgan-gp' ? 5 : 1),
  ) as number;
  c.seed ??= 0;
  c.density ??= null;
  if (!Number.isSafeInteger(c.seed) || c.seed < 0)
    throw new OptionError('seed', `must be an integer >= 0, got ${c.seed}`);
  if (c.generator === 'flow') {
    if (kind === 'infogan')
      throw new OptionError(
        'generator',
        "flow cannot take InfoGAN's codes (a flow maps noise of the data's own dimension); use mlp or conv",
      );
    if (data === 'image')
      throw new OptionError('generator', 'flow is for vectors here; use mlp or conv for images');
    if (shape[0] < 2)
      throw new OptionError('generator', `a coupling flow needs at least 2 dimensions, got [${shape[0]}]`);
    c.latent = shape[0];
  }
  if (c.generator === 'conv') {
    if (data !== 'image')
      throw new OptionError('generator', 'conv needs images; use mlp or flow for vectors');
    const factor = 2 ** c.channels.length;
    if (shape[0] % factor !== 0 || shape[1] % factor !== 0)
      throw new OptionError(
        'channels',
        `${c.channels.length} stride-2 layers need an image size divisible by ${factor}, got ${shape[0]}x${shape[1]}`,
      );
  }
  return c;
}
