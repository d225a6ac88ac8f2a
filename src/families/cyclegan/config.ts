/**
 * The configuration of a CycleGAN (what `config.json` stores) and its options, declared once
 * ({@link CYCLEGAN_OPTIONS}). The data decide the use: on 2-D data domain A is the training data and domain B the
 * toy density `--target` names; on images domain B is `--transform` of the digits (see `domains.ts`).
 */
import { isToy2dName, TOY2D_NAMES, type Toy2dName } from '../../data/toy2d.js';
import { ACTIVATIONS, type Activation } from '../../nn/activations.js';
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
import { DOMAIN_TRANSFORMS, imageTransform, type TransformName } from './domains.js';
import { CYCLEGAN_LOSSES, type CycleGanLoss } from './losses.js';

/**
 * Everything that makes a CycleGAN (what `config.json` holds): the domains, the objective's weights, the networks'
 * widths and the optimizers' settings.
 *
 * @example
 * const config: CycleGanConfig = resolveCycleGanConfig({ inputShape: [28, 28, 1], transform: 'invert' });
 */
export interface CycleGanConfig {
  kind: 'cyclegan';
  /** The shape of one example of either domain: `[2]` for points, `[h, w, c]` for images. */
  inputShape: number[];
  /** 2-D: the toy density domain A (the training data) was drawn from, where it is one; else null. */
  source: Toy2dName | null;
  /** 2-D: the toy density of domain B; null for images. */
  target: Toy2dName | null;
  /** Images: the transform T that makes domain B of the odd-indexed digits; null for 2-D. */
  transform: TransformName | null;
  loss: CycleGanLoss;
  /** lambda_cyc, the weight of the cycle-consistency terms. */
  cycle: number;
  /** lambda_id, the weight of the identity terms. */
  identity: number;
  /** Hidden widths of both generators' MLPs. */
  hidden: number[];
  /** Hidden widths of both discriminators' MLPs. */
  discriminatorHidden: number[];
  activation: Activation;
  generatorLr: number;
  discriminatorLr: number;
  beta1: number;
  beta2: number;
  seed: number;
}

/** The 2-D data of `latentlab train cyclegan` without `--data`, and the target it takes without `--target`. */
export const CYCLEGAN_DEFAULT_PAIR = { data: 'ring8', target: '8gaussians' } as const;

const isImage = ({ data }: { data: string }) => data === 'image';

/** The options of `latentlab train cyclegan`. */
export const CYCLEGAN_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'target',
    type: 'choice',
    choices: TOY2D_NAMES,
    data: 'vector',
    help: `the toy density of domain B, against the training data as domain A (required, except that the default data ${CYCLEGAN_DEFAULT_PAIR.data} takes ${CYCLEGAN_DEFAULT_PAIR.target})`,
  },
  {
    name: 'transform',
    type: 'choice',
    choices: DOMAIN_TRANSFORMS,
    default: 'invert-rotate',
    data: 'image',
    help: 'domain B: the odd-indexed digits inverted (1 - x), rotated a quarter turn counter-clockwise, or both; domain A: the even-indexed ones',
  },
  {
    name: 'loss',
    type: 'choice',
    choices: CYCLEGAN_LOSSES,
    default: 'lsgan',
    help: 'the adversarial loss: lsgan (least squares, as in the paper) or ns (non-saturating)',
  },
  {
    name: 'cycle',
    type: 'number',
    min: 0,
    default: 10,
    placeholder: '<lambda>',
    help: 'lambda_cyc, the weight of the cycle terms ||F(G(a)) - a||_1 + ||G(F(b)) - b||_1 (mean over entries)',
  },
  {
    name: 'identity',
    type: 'number',
    min: 0,
    // Not the paper's 5 (half of lambda_cyc): the identity terms ask G to leave B's examples alone, which holds for
    // the paper's photos and paintings (keep the colours) but not here, where G must be T on A. On MNIST against
    // invert-rotate, 8 epochs with 5 kept 5% of the labels through T^-1(G(a)) (chance: 10%), with 0 15 to 27%;
    // on ring8 -> 8gaussians, 5 held G at the identity map (log-density gap under p_B 1.53 after 3000 steps,
    // against -0.83 with 0, where G moved each mode of the ring onto one of B's).
    default: 0,
    placeholder: '<lambda>',
    help: 'lambda_id, the weight of the identity terms ||G(b) - b||_1 + ||F(a) - a||_1 (0: left out)',
  },
  widthsOption(
    'hidden',
    (c) => (isImage(c) ? [256] : [64, 64]),
    'hidden widths of the MLPs of both generators (G: A -> B and F: B -> A; each beside a linear map), comma-separated',
  ),
  widthsOption(
    'discriminatorHidden',
    (c) => (isImage(c) ? [256] : [64, 64]),
    "hidden widths of both discriminators' MLPs (D_A and D_B), comma-separated",
    { flag: 'd-hidden' },
  ),
  {
    name: 'activation',
    type: 'choice',
    choices: ACTIVATIONS,
    default: (c) => (isImage(c) ? 'leaky-relu' : 'relu'),
    help: 'hidden activation of the four networks',
  },
  // On MNIST (invert-rotate, 8 epochs, the generators of `networks.ts`), 2e-3 collapsed: one class drawn, cycle
  // errors 0.17 and 0.13 per pixel; 1e-3 learned (cycle errors 0.07 to 0.14, Frechet distances 300 to 420 from
  // 1,750). The paper's 2e-4 (tried with plain MLP generators only) had not left the median after 5 epochs.
  playerRateOption('generatorLr', 1e-3, "the generators' Adam learning rate (the paper's is 2e-4)"),
  playerRateOption(
    'discriminatorLr',
    (c) => (isImage(c) ? 2e-4 : 1e-3),
    "the discriminators' Adam learning rate (the paper's 2e-4)",
  ),
  ...adamBetaOptions("both Adams' first-moment decay (the paper's 0.5)"),
];

/** The fields every configuration fills from its options; `target` and `transform` depend on the data. */
const FIELDS = configFields(CYCLEGAN_OPTIONS).filter(
  ([field]) => field !== 'target' && field !== 'transform',
);

/**
 * A full configuration from partial options: defaults filled in for the data the shape says, every value checked
 * (an `OptionError` naming it). Points (`[2]`) need a `target` density and take no `transform`; images take a
 * `transform` (default `invert-rotate`) and no `target`.
 *
 * @example
 * resolveCycleGanConfig({ inputShape: [2], source: 'ring8', target: '8gaussians' });
 * resolveCycleGanConfig({ inputShape: [28, 28, 1] }); // transform invert-rotate, MLPs of 256 units
 */
export function resolveCycleGanConfig(
  options: Partial<CycleGanConfig> & { inputShape: number[] },
): CycleGanConfig {
  const shape = options.inputShape;
  const data = checkInputShape(shape);
  const config = { ...options, kind: 'cyclegan', inputShape: [...shape] } as CycleGanConfig;
  resolveConfigFields(config as unknown as Record<string, unknown>, FIELDS, { kind: 'cyclegan', data });
  config.seed ??= 0;
  if (!Number.isSafeInteger(config.seed) || config.seed < 0)
    throw new OptionError('seed', `must be a non-negative integer, got ${config.seed}`);
  config.source ??= null;
  config.target ??= null;
  config.transform ??= null;
  if (data === 'image') {
    if (config.target !== null)
      throw new OptionError('target', 'applies to 2-D data only; images take --transform');
    if (config.source !== null)
      throw new OptionError('source', 'applies to 2-D data only: the density of domain A');
    config.transform ??= 'invert-rotate';
    if (!DOMAIN_TRANSFORMS.includes(config.transform))
      throw new OptionError(
        'transform',
        `must be one of ${DOMAIN_TRANSFORMS.join(', ')}, got '${String(config.transform)}'`,
      );
    imageTransform(config.transform, shape);
    return config;
  }
  if (config.transform !== null)
    throw new OptionError('transform', 'applies to images only; 2-D data take --target');
  if (shape[0] !== 2)
    throw new OptionError(
      'target',
      `translates between 2-D densities, and the data have ${shape[0]} dimensions`,
    );
  for (const field of ['source', 'target'] as const) {
    const name = config[field];
    if (name !== null && !isToy2dName(name))
      throw new OptionError(field, `must be one of ${TOY2D_NAMES.join(', ')}, got '${String(name)}'`);
  }
  if (config.target === null)
    throw new OptionError(
      'target',
      `is required for 2-D data: the toy density of domain B, one of ${TOY2D_NAMES.join(', ')}`,
    );
  return config;
}
