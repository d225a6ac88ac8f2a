/**
 * The configuration of an ALI/BiGAN (what `config.json` stores) and the family's options, declared once
 * ({@link BIGAN_OPTIONS}): the defaults of {@link resolveBiganConfig} are theirs.
 *
 * On images the three networks are MLPs with batch normalisation and leaky ReLUs, as BiGAN's MNIST networks are, at
 * a size that trains on 2 CPU cores in a few minutes: a 50-dimensional latent (BiGAN's), 512-unit layers where the
 * paper has 1024 (a quarter of the multiply-adds per layer; about 0.12 s a step of 100 digits on 2 idle cores, so
 * 15 epochs of the 9,000 digits in about 3 minutes). D drops out a fifth of its units in training, as ALI's
 * discriminators do: without dropout (and with PyTorch's leaky-ReLU slope of 0.01 instead of the papers' 0.2), D
 * told the pairs apart within three epochs (L_D about 0.1) and G collapsed to a single image; without batch
 * normalisation in E and G, D won as quickly. On vectors (the 2-D toy densities) the networks are small MLPs around
 * a 2-D latent. Both players use Adam with step 2e-4 and beta1 = 0.5, as both papers do.
 *
 * References: J. Donahue, P. Kraehenbuehl and T. Darrell, "Adversarial Feature Learning", ICLR 2017,
 * https://arxiv.org/abs/1605.09782; V. Dumoulin et al., "Adversarially Learned Inference", ICLR 2017,
 * https://arxiv.org/abs/1606.00704
 */
import {
  adamBetaOptions,
  checkInputShape,
  configFields,
  OptionError,
  type OptionSpec,
  playerRateOption,
  resolveConfigFields,
  widthsOption,
} from '../../train/options.js';

/** `bigan`: a deterministic encoder z = E(x) (Donahue et al.); `ali`: a Gaussian one, z = mu(x) + sigma(x) eps. */
export type BiganKind = 'bigan' | 'ali';
/** The kinds of the family, as `latentlab train <kind>` takes them. */
export const BIGAN_KINDS: readonly BiganKind[] = ['bigan', 'ali'];

/** The configuration of an ALI/BiGAN, as `config.json` stores it; {@link resolveBiganConfig} fills it in. */
export interface BiganConfig {
  kind: BiganKind;
  /** The shape of one example: `[d]` for vectors, `[h, w, c]` for images. */
  inputShape: number[];
  /** Dimensions of z: of the prior N(0, I), the generator's input and the encoder's output. */
  latent: number;
  /** Hidden widths of the encoder E: x -> z. */
  encoderHidden: number[];
  /** Hidden widths of the generator G: z -> x. */
  generatorHidden: number[];
  /** Hidden widths of the discriminator D(x, z). */
  discriminatorHidden: number[];
  /** Batch normalisation after each hidden layer of E and G (never in D, which sees real and generated pairs at once). */
  batchNorm: boolean;
  /** The dropout rate after each hidden layer of D, in training (ALI's discriminators use 0.2). */
  dropout: number;
  /** Adam's step size for E and G together. */
  generatorLr: number;
  /** Adam's step size for D. */
  discriminatorLr: number;
  beta1: number;
  beta2: number;
  /** Discriminator updates per encoder-generator update (k_D). */
  discriminatorSteps: number;
  seed: number;
}

const isImage = ({ data }: { data: string }) => data === 'image';

/** The options of `latentlab train bigan` and `latentlab train ali`. */
export const BIGAN_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'latent',
    sizes: true,
    type: 'integer',
    min: 1,
    max: 4096,
    default: (c) => (isImage(c) ? 50 : 2),
    placeholder: '<n>',
    help: 'dimensions of z ~ N(0, I), the encoder output and the generator input (BiGAN: 50 on MNIST)',
  },
  widthsOption(
    'encoderHidden',
    (c) => (isImage(c) ? [512, 512] : [64, 64]),
    "hidden widths of the encoder's MLP, comma-separated",
    { flag: 'e-hidden' },
  ),
  widthsOption(
    'generatorHidden',
    (c) => (isImage(c) ? [512, 512] : [64, 64]),
    "hidden widths of the generator's MLP, comma-separated",
    { flag: 'g-hidden' },
  ),
  widthsOption(
    'discriminatorHidden',
    (c) => (isImage(c) ? [512, 512] : [128, 128]),
    "hidden widths of the discriminator's MLP on concat(x, z), comma-separated",
    { flag: 'd-hidden' },
  ),
  {
    name: 'batchNorm',
    type: 'boolean',
    default: (c) => isImage(c),
    help: 'batch normalisation after the hidden layers of the encoder and the generator (not the discriminator)',
  },
  {
    name: 'dropout',
    type: 'number',
    min: 0,
    max: 0.9,
    default: 0.2,
    placeholder: '<rate>',
    help: "dropout rate after each hidden layer of the discriminator, in training (ALI's 0.2)",
  },
  playerRateOption(
    'generatorLr',
    2e-4,
    "the Adam learning rate of the encoder and the generator, one optimizer ('generator')",
  ),
  playerRateOption('discriminatorLr', 2e-4, "the discriminator's Adam learning rate"),
  ...adamBetaOptions("both Adams' first-moment decay (0.5 in both papers)"),
  {
    name: 'discriminatorSteps',
    flag: 'd-steps',
    type: 'integer',
    min: 1,
    max: 100,
    default: 1,
    placeholder: '<k>',
    help: 'discriminator updates per encoder-generator update, k_D; each is one training step',
  },
];

const FIELDS = configFields(BIGAN_OPTIONS);

/**
 * The full configuration of an ALI/BiGAN on examples of shape `options.inputShape` (`[d]` or `[h, w, c]`): each
 * field not given takes its option's default for the kind and the data, then every field is checked (an
 * `OptionError` names it). The kind is `bigan` unless `options.kind` says `ali`.
 *
 * @example
 * resolveBiganConfig({ inputShape: [28, 28, 1] }); // z of 50, 512-512 MLPs, batch norm in E and G
 * resolveBiganConfig({ kind: 'ali', inputShape: [2], latent: 1 }); // a Gaussian encoder on 2-D points
 */
export function resolveBiganConfig(options: Partial<BiganConfig> & { inputShape: number[] }): BiganConfig {
  const kind = options.kind ?? 'bigan';
  if (!BIGAN_KINDS.includes(kind))
    throw new OptionError('kind', `must be one of ${BIGAN_KINDS.join(', ')}, got '${String(kind)}'`);
  const data = checkInputShape(options.inputShape);
  const config = { ...options, kind, inputShape: [...options.inputShape] } as BiganConfig;
  resolveConfigFields(config as unknown as Record<string, unknown>, FIELDS, { kind, data });
  config.seed ??= 0;
  if (!Number.isSafeInteger(config.seed) || config.seed < 0)
    throw new OptionError('seed', `must be an integer >= 0, got ${config.seed}`);
  return config;
}
