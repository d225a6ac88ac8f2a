/**
 * The configuration of a normalizing flow (what `config.json` stores) and the flow family's options, declared once
 * ({@link FLOW_OPTIONS}): the defaults of {@link resolveFlowConfig} are theirs.
 */
import type { DataKind } from '../../data/dataset.js';
import { ACTIVATIONS, type Activation } from '../../nn/activations.js';
import {
  checkInputShape,
  checkOptionValue,
  defaultOf,
  learningRateOption,
  OptionError,
  type OptionSpec,
} from '../../train/options.js';

export type FlowArch = 'nice' | 'realnvp' | 'glow';
export const FLOW_ARCHS: readonly FlowArch[] = ['nice', 'realnvp', 'glow'];

export interface FlowConfig {
  kind: 'flow';
  arch: FlowArch;
  /** The shape of one example: `[d]` for vectors, `[h, w, c]` for images. */
  inputShape: number[];
  /** Vectors: coupling layers. Images: coupling layers (RealNVP) or flow steps (Glow) per scale. */
  layers: number;
  /** Images: the number of scales (each squeezes, and all but the last factor out half the channels). */
  levels: number;
  /** Hidden widths of the coupling networks (vectors: MLP widths; images: channels of the 3x3 convolutions). */
  hidden: number[];
  activation: Activation;
  /** RealNVP on vectors: the bound of the log-scale, s = bound * tanh(raw) (the PyTorch peer uses 1). */
  logScaleBound: number;
  /** Classes of the label a conditional flow reads (0: unconditional). */
  numClasses: number;
  learningRate: number;
  seed: number;
}

/**
 * The options of `latentlab train flow`. On 2-D data the default is the PyTorch peer's RealNVP (8 affine couplings,
 * 64-64 ReLU networks, tanh-bounded log-scales); on images a two-scale flow with 64-channel convolutions.
 */
export const FLOW_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'arch',
    type: 'choice',
    choices: FLOW_ARCHS,
    default: 'realnvp',
    help: 'the flow: nice, realnvp or glow',
  },
  {
    name: 'layers',
    sizes: true,
    type: 'integer',
    min: 1,
    max: 256,
    default: 8,
    placeholder: '<n>',
    help: 'coupling layers (vectors), or coupling layers / Glow steps per scale (images)',
  },
  {
    name: 'levels',
    sizes: true,
    type: 'integer',
    min: 1,
    max: 8,
    default: 2,
    placeholder: '<n>',
    data: 'image',
    help: 'scales, each squeezing the image (all but the last factor out half the channels)',
  },
  {
    name: 'hidden',
    sizes: true,
    type: 'integers',
    min: 1,
    max: 4096,
    placeholder: '<widths>',
    default: ({ data }: { data: DataKind }) => (data === 'image' ? [64] : [64, 64]),
    help: 'hidden widths of the coupling networks (images: channels of their 3x3 convolutions), comma-separated',
  },
  { name: 'activation', type: 'choice', choices: ACTIVATIONS, default: 'relu', help: 'hidden activation' },
  {
    name: 'logScaleBound',
    type: 'number',
    min: 0,
    exclusiveMin: true,
    default: 1,
    data: 'vector',
    when: { option: 'arch', is: ['realnvp'] },
    help: "RealNVP's log-scale bound: s = bound * tanh(raw)",
  },
  {
    name: 'conditional',
    type: 'boolean',
    default: false,
    help: "condition the flow on the data set's labels (its coupling networks read a one-hot label)",
  },
  learningRateOption(),
];

const FIELDS = FLOW_OPTIONS.filter((s) => s.name !== 'conditional' && s.name !== 'arch');

/**
 * The full configuration of a flow of `arch` on examples of shape `options.inputShape` ([d] or [h, w, c]): each
 * field not given takes its option's default for that data, then everything is checked (an `OptionError` names the
 * field).
 *
 * @example
 * resolveFlowConfig('glow', { inputShape: [28, 28, 1], layers: 4 }); // two levels, 64-channel couplings
 */
export function resolveFlowConfig(
  arch: FlowArch,
  options: Partial<FlowConfig> & { inputShape: number[] },
): FlowConfig {
  if (!FLOW_ARCHS.includes(arch))
    throw new OptionError('arch', `must be one of ${FLOW_ARCHS.join(', ')}, got '${String(arch)}'`);
  const shape = options.inputShape;
  const data = checkInputShape(shape);
  const c = { ...options, kind: 'flow', arch, inputShape: [...shape] } as FlowConfig;
  const record = c as unknown as Record<string, unknown>;
  for (const spec of FIELDS) {
    const field = spec.configKey ?? spec.name;
    record[field] = checkOptionValue(
      { ...spec, name: field },
      record[field] ?? defaultOf(spec, { kind: 'flow', data }),
    );
  }
  c.numClasses ??= 0;
  c.seed ??= 0;
  if (!Number.isSafeInteger(c.numClasses) || c.numClasses < 0)
    throw new OptionError('numClasses', `must be an integer >= 0, got ${c.numClasses}`);
  if (!Number.isSafeInteger(c.seed) || c.seed < 0)
    throw new OptionError('seed', `must be an integer >= 0, got ${c.seed}`);
  if (data === 'vector' && shape[0] < 2)
    throw new OptionError('inputShape', `a coupling flow needs at least 2 dimensions, got [${shape[0]}]`);
  if (data === 'image') {
    if (arch === 'nice') throw new OptionError('arch', `nice is for vectors; use realnvp or glow for images`);
    const [h, w] = shape;
    const f = 2 ** c.levels;
    if (h % f !== 0 || w % f !== 0)
      throw new OptionError(
        'levels',
        `${c.levels} squeeze the image ${c.levels} times, so its height and width must be multiples of ${f}; got ${h}x${w}`,
      );
  }
  return c;
}
