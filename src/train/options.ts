/**
 * Options, declared once: each model family lists the options it takes (name, type, default, help, which kinds and
 * data use it), and the command line, `--config` files, the resume checks and the documentation are all built from
 * these declarations. This module holds the declaration type, the checks of a value against it, and the resolution
 * of what a user gave into a complete, validated record.
 */
import type { DataKind } from '../data/dataset.js';

/**
 * What an option holds: an integer, a number, a string, a flag, a list of integers, one of a few words, or a table
 * of numbers (rows of equal width; given as a CSV/TSV/JSON file, which Node's run lifecycle reads).
 */
export type OptionType = 'integer' | 'number' | 'string' | 'boolean' | 'integers' | 'choice' | 'table';

/** An option's value. */
export type OptionValue = number | string | boolean | number[] | number[][];

/** Resolved options by name. */
export type OptionValues = Record<string, OptionValue>;

/** What a default may depend on: the model kind, and the kind of data it is trained on. */
export interface DefaultContext {
  kind: string;
  data: DataKind;
}

/** A default: a value, or one that depends on the kind and the data (`undefined`: unset there). */
export type OptionDefault = OptionValue | ((context: DefaultContext) => OptionValue | undefined);

/** The commands an option belongs to: training (`train`, `fit`) or evaluation (`eval`). */
export type OptionCommand = 'train' | 'eval';

/**
 * One option of a family (or of the run lifecycle), as a user sets it.
 *
 * @example
 * const latent: OptionSpec = {
 *   name: 'latent', type: 'integer', min: 1, max: 4096, help: 'latent dimensions',
 *   default: ({ data }) => (data === 'image' ? 20 : 2),
 * };
 */
export interface OptionSpec {
  /** The name in option records and `--config` files, camelCase (`batchSize`); the flag is its kebab-case. */
  name: string;
  /** The flag without its dashes, where it is not the kebab-case of `name` (`lr`). */
  flag?: string;
  type: OptionType;
  /** One line for `--help` and the docs. */
  help: string;
  /** The placeholder in help (`<rate>`); by default one derived from the type. */
  placeholder?: string;
  default?: OptionDefault;
  /** The allowed words of a `choice`. */
  choices?: readonly string[];
  /** The smallest value (of each entry, for `integers`). */
  min?: number;
  /** The value must exceed `min` rather than equal it. */
  exclusiveMin?: boolean;
  /** The largest value (of each entry, for `integers`): a size that could not fit in memory is refused at once. */
  max?: number;
  /** It sets the size of the model (a width, a number of layers): named when a model is too large for memory. */
  sizes?: boolean;
  /** The kinds that use it; every kind of its family when absent. */
  kinds?: readonly string[];
  /** The kind of data it applies to; any when absent. */
  data?: DataKind;
  /** It applies only when another option holds one of these values (`--prior-components` with `--prior mixture`). */
  when?: { option: string; is: readonly OptionValue[] };
  /** The command that takes it; `train` when absent. */
  command?: OptionCommand;
  /** At the end of training, evaluate with this evaluation option set to this option's value (`evalIw` sets `iw`). */
  finalEvaluation?: string;
  /** The field of the model's configuration it sets, where the name differs (`lr` sets `learningRate`). */
  configKey?: string;
}

/** Where a value came from, so that an error can name what the user wrote. */
export type OptionSource = 'flag' | 'config' | 'default' | 'run' | 'code';

/**
 * A bad option value, or options that do not go together. `option` is the option's name (or a model configuration
 * field); the command line turns it into the flag or config key the user wrote. The message reads on its own.
 */
export class OptionError extends Error {
  override name = 'OptionError';
  constructor(
    readonly option: string,
    /** What is wrong, without the option's name: `must be a positive integer, got 0`. */
    readonly reason: string,
    readonly source: OptionSource = 'code',
  ) {
    super(`'${option}' ${reason}`);
  }
}

/**
 * The configuration fields a family's options set: its `train` options that are not final-evaluation settings, each
 * as [the configuration field (`configKey`, else the name), its spec].
 */
export function configFields(specs: readonly OptionSpec[]): Array<[string, OptionSpec]> {
  return specs
    .filter((s) => (s.command ?? 'train') === 'train' && s.finalEvaluation === undefined)
    .map((s) => [s.configKey ?? s.name, s]);
}

/**
 * Fill every field of `record` left unset with its option's default for `context`, then check each field, with an
 * `OptionError` that names it; a field another option switches off (`when`, as `--prior-components` without
 * `--prior mixture`) keeps its default unchecked.
 */
export function resolveConfigFields(
  record: Record<string, unknown>,
  fields: ReadonlyArray<[string, OptionSpec]>,
  context: DefaultContext,
): void {
  for (const [field, spec] of fields) record[field] ??= defaultOf(spec, context);
  for (const [field, spec] of fields) {
    const { when } = spec;
    const other = when && fields.find(([, s]) => s.name === when.option)?.[0];
    if (when && other && !when.is.includes(record[other] as string)) continue;
    record[field] = checkOptionValue({ ...spec, name: field }, record[field]);
  }
}

/** What every learning-rate option is: a positive number. */
const RATE = { type: 'number', min: 0, exclusiveMin: true, placeholder: '<rate>' } as const;

/**
 * The `--lr` option of a family trained by Adam: a positive step size that sets the configuration's `learningRate`.
 *
 * @example
 * const OPTIONS = [learningRateOption(), ...];
 */
export function learningRateOption(
  help = 'Adam learning rate',
  defaultRate = 1e-3,
  configKey: string | undefined = 'learningRate',
): OptionSpec {
  return {
    name: 'lr',
    ...(configKey === undefined ? {} : { configKey }),
    ...RATE,
    default: defaultRate,
    help,
  };
}

/**
 * The Adam learning rate of one player of an adversarial family, as an option: `--lr-d` (`discriminatorLr`) or
 * `--lr-g` (`generatorLr`); without a default where the configuration works it out from other options.
 *
 * @example
 * playerRateOption('discriminatorLr', 2e-4, "the discriminator's Adam learning rate");
 */
export function playerRateOption(
  name: 'discriminatorLr' | 'generatorLr',
  defaultRate: OptionDefault | undefined,
  help: string,
): OptionSpec {
  return {
    name,
    flag: name === 'discriminatorLr' ? 'lr-d' : 'lr-g',
    ...RATE,
    ...(defaultRate === undefined ? {} : { default: defaultRate }),
    help,
  };
}

/**
 * The hidden widths of a network as an option (`--hidden 512,256`, `--d-hidden ...`): positive integers, each a size
 * the memory estimate checks.
 *
 * @example
 * widthsOption('discriminatorHidden', [256, 256], "hidden widths of the discriminator's MLP, comma-separated", {
 *   flag: 'd-hidden',
 * });
 */
export function widthsOption(
  name: string,
  defaultWidths: OptionDefault,
  help: string,
  { flag, max = 8192 }: { flag?: string; max?: number } = {},
): OptionSpec {
  return {
    name,
    ...(flag === undefined ? {} : { flag }),
    sizes: true,
    type: 'integers',
    min: 1,
    max,
    placeholder: '<widths>',
    default: defaultWidths,
    help,
  };
}

/**
 * Adam's moment decays beta1 (0.5 by default, as DCGAN and the adversarial papers after it train) and beta2 (0.999)
 * as options, for a family whose optimizers all share them.
 */
export function adamBetaOptions(beta1Help = "both Adams' first-moment decay"): OptionSpec[] {
  const decay = (name: string, value: number, help: string): OptionSpec => ({
    name,
    type: 'number',
    min: 0,
    max: 0.999999,
    default: value,
    placeholder: '<b>',
    help,
  });
  return [decay('beta1', 0.5, beta1Help), decay('beta2', 0.999, "both Adams' second-moment decay")];
}

/**
 * The kind of data an example of shape `shape` is (`[d]`: a vector, `[height, width, channels]`: an image), or an
 * `OptionError` naming `inputShape`.
 */
export function checkInputShape(shape: unknown): DataKind {
  if (!Array.isArray(shape) || (shape.length !== 1 && shape.length !== 3))
    throw new OptionError(
      'inputShape',
      `must be [d] or [height, width, channels], got ${JSON.stringify(shape)}`,
    );
  shape.forEach((v: unknown, i) => {
    if (!Number.isSafeInteger(v) || (v as number) < 1)
      throw new OptionError(`inputShape[${i}]`, `must be a positive integer, got ${String(v)}`);
  });
  return shape.length === 3 ? 'image' : 'vector';
}

/** The flag of an option, with its dashes: `--batch-size`, `--lr`. */
export function flagOf(spec: Pick<OptionSpec, 'name' | 'flag'>): string {
  return `--${spec.flag ?? spec.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** What a value of `spec` must be, in words: `a positive integer`, `a number > 0`, `one of full, diag`. */
export function expected(spec: OptionSpec, source: OptionSource = 'flag'): string {
  const { type, min, max, exclusiveMin } = spec;
  const bound = (what: string) => {
    const low =
      min === undefined
        ? ''
        : min === 0 && exclusiveMin
          ? 'positive '
          : min === 1 && !exclusiveMin && what === 'integer'
            ? 'positive '
            : '';
    const lowText = min === undefined || low !== '' ? '' : ` ${exclusiveMin ? '>' : '>='} ${min}`;
    const highText = max === undefined ? '' : `${lowText === '' ? '' : ' and'} at most ${max}`;
    return { low, tail: `${lowText}${highText}` };
  };
  switch (type) {
    case 'integer': {
      const { low, tail } = bound('integer');
      return `${low === '' ? 'an' : 'a'} ${low}integer${tail}`;
    }
    case 'number': {
      const { low, tail } = bound('number');
      return `a ${low}number${tail}`;
    }
    case 'integers': {
      const { low, tail } = bound('integer');
      return source === 'flag'
        ? `comma-separated ${low}integers such as 512,256${tail === '' ? '' : `, each${tail}`}`
        : `a list of ${low}integers such as [512, 256]${tail === '' ? '' : `, each${tail}`}`;
    }
    case 'choice':
      return `one of ${(spec.choices ?? []).join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a non-empty string';
    case 'table':
      return source === 'flag' ? 'a CSV, TSV or JSON file of numbers' : 'rows of numbers of equal width';
  }
}

/** A value as an error message shows it: JSON, except for the numbers JSON cannot hold. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  return typeof value === 'number' && !Number.isFinite(value)
    ? String(value)
    : (JSON.stringify(value) ?? String(value));
}

function inRange(spec: OptionSpec, v: number): boolean {
  const { min, max, exclusiveMin } = spec;
  if (min !== undefined && (exclusiveMin ? !(v > min) : !(v >= min))) return false;
  return max === undefined || v <= max;
}

/**
 * Check `value` against `spec`; returns it typed, or throws an {@link OptionError} (from `source`) that says what
 * was expected. Integers must be safe integers, numbers finite.
 *
 * @example
 * checkOptionValue(epochsSpec, 0, 'config'); // OptionError: 'epochs' must be a positive integer, got 0
 */
export function checkOptionValue(
  spec: OptionSpec,
  value: unknown,
  source: OptionSource = 'code',
): OptionValue {
  const fail = (): never => {
    throw new OptionError(spec.name, `must be ${expected(spec, source)}, got ${shown(value)}`, source);
  };
  switch (spec.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || !inRange(spec, value)) fail();
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || !inRange(spec, value)) fail();
      break;
    case 'integers':
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        !value.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && inRange(spec, v))
      )
        fail();
      break;
    case 'choice':
      if (typeof value !== 'string' || !(spec.choices ?? []).includes(value)) fail();
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail();
      break;
    case 'string':
      if (typeof value !== 'string' || value === '') fail();
      break;
    case 'table':
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        !value.every(
          (row) =>
            Array.isArray(row) &&
            row.length === (value[0] as unknown[]).length &&
            row.length > 0 &&
            row.every((v) => typeof v === 'number' && Number.isFinite(v)),
        )
      )
        fail();
      break;
  }
  return value as OptionValue;
}

/**
 * Parse the text of a flag (`--hidden 512,256`) into a value of `spec`, checked; throws an {@link OptionError} that
 * quotes the text.
 */
export function parseOptionText(spec: OptionSpec, text: string): OptionValue {
  const fail = (): never => {
    throw new OptionError(spec.name, `must be ${expected(spec)}, got '${text}'`, 'flag');
  };
  let value: unknown;
  switch (spec.type) {
    case 'integer':
      if (!/^\s*[+-]?\d+\s*$/.test(text)) fail();
      value = Number(text);
      break;
    case 'number':
      if (text.trim() === '') fail();
      value = Number(text);
      break;
    case 'integers': {
      const parts = text.split(',').map((p) => p.trim());
      if (parts.some((p) => !/^[+-]?\d+$/.test(p))) fail();
      value = parts.map(Number);
      break;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') fail();
      value = text === 'true';
      break;
    default:
      value = text;
  }
  try {
    return checkOptionValue(spec, value, 'flag');
  } catch {
    return fail();
  }
}

/** The default of `spec` for a kind and kind of data (undefined: none). */
export function defaultOf(spec: OptionSpec, context: DefaultContext): OptionValue | undefined {
  return typeof spec.default === 'function' ? spec.default(context) : spec.default;
}

/** Whether `spec` is one of the options of `kind` (for its command); data and `when` conditions aside. */
export function usedBy(spec: OptionSpec, kind: string, command: OptionCommand = 'train'): boolean {
  return (spec.command ?? 'train') === command && (spec.kinds === undefined || spec.kinds.includes(kind));
}

/** A value the user gave, and where it came from. */
export interface GivenOption {
  value: unknown;
  source: OptionSource;
}

/** What {@link resolveOptions} returns: every option of the kind that has a value, and where each came from. */
export interface ResolvedOptions {
  values: OptionValues;
  sources: Record<string, OptionSource>;
}

/**
 * Resolve what a user gave for a model `kind` trained on `data` into complete options: every given value is checked
 * against its declaration, must be an option of the kind, must apply to the data and to the other options' values
 * (`when`); every option not given takes its default. Throws an {@link OptionError} naming the first problem; a
 * name no spec declares is reported as not an option of the kind (with the kinds that do use it, from `others`).
 *
 * @example
 * const { values } = resolveOptions(specs, { latent: { value: 2, source: 'flag' } }, { kind: 'vae', data: 'image' });
 */
export function resolveOptions(
  specs: readonly OptionSpec[],
  given: Record<string, GivenOption>,
  context: DefaultContext,
  { command = 'train', others = [] }: { command?: OptionCommand; others?: readonly OptionSpec[] } = {},
): ResolvedOptions {
  const mine = specs.filter((s) => usedBy(s, context.kind, command));
  const byName = new Map(mine.map((s) => [s.name, s]));
  const values: OptionValues = {};
  const sources: Record<string, OptionSource> = {};
  for (const [name, { value, source }] of Object.entries(given)) {
    if (value === undefined) continue;
    const spec = byName.get(name);
    if (spec === undefined) {
      const users = [...specs, ...others].filter(
        (s) => s.name === name && (s.command ?? 'train') === command,
      );
      const kinds = [...new Set(users.flatMap((s) => s.kinds ?? []))];
      throw new OptionError(
        name,
        users.length === 0
          ? `is not an option of ${context.kind}`
          : `is not an option of ${context.kind}${kinds.length > 0 ? ` (it is one of ${kinds.join(', ')})` : ''}`,
        source,
      );
    }
    if (spec.data !== undefined && spec.data !== context.data)
      throw new OptionError(
        name,
        `applies to ${spec.data} data only, and ${context.kind} is trained on ${context.data} data here`,
        source,
      );
    values[name] = checkOptionValue(spec, value, source);
    sources[name] = source;
  }
  for (const spec of mine) {
    if (spec.name in values || (spec.data !== undefined && spec.data !== context.data)) continue;
    const value = defaultOf(spec, context);
    if (value === undefined) continue;
    values[spec.name] = value;
    sources[spec.name] = 'default';
  }
  for (const spec of mine) {
    const { when } = spec;
    if (when === undefined || !(spec.name in values)) continue;
    const applies = when.is.some((v) => JSON.stringify(v) === JSON.stringify(values[when.option]));
    if (applies) continue;
    if (sources[spec.name] === 'default') {
      delete values[spec.name];
      delete sources[spec.name];
    } else
      throw new OptionError(
        spec.name,
        `applies only when '${when.option}' is ${when.is.map(String).join(' or ')}`,
        sources[spec.name],
      );
  }
  return { values, sources };
}
