/**
 * Commander options built from the families' option declarations: the flag, its placeholder, its help with the
 * kind's real defaults, and a parser that checks the value against the declaration. Also `--config` files, and the
 * options a command was given (by name, with where each came from).
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { DataKind } from '../data/dataset.js';
import {
  defaultOf,
  expected,
  flagOf,
  OptionError,
  parseOptionText,
  type GivenOption,
  type OptionSpec,
  type OptionValue,
} from '../train/options.js';

/** A value as `--help` shows it. */
function shown(value: OptionValue): string {
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** The default of `spec` for `kind` in words: `5`, or `5 on images, 1500 on vectors`. */
export function describeDefault(spec: OptionSpec, kind: string): string | undefined {
  const on = (data: DataKind) => defaultOf(spec, { kind, data });
  const [image, vector] = [on('image'), on('vector')];
  if (spec.data !== undefined) {
    const value = on(spec.data);
    return value === undefined ? undefined : shown(value);
  }
  if (image === undefined && vector === undefined) return undefined;
  if (image !== undefined && vector !== undefined && shown(image) === shown(vector)) return shown(image);
  return [
    image === undefined ? '' : `${shown(image)} on images`,
    vector === undefined ? '' : `${shown(vector)} on vectors`,
  ]
    .filter((s) => s !== '')
    .join(', ');
}

function placeholderOf(spec: OptionSpec): string {
  if (spec.placeholder) return spec.placeholder;
  if (spec.type === 'choice') return '<name>';
  if (spec.type === 'table') return '<file>';
  return '<value>';
}

/** The help line of `spec` for `kind`: its help, what it applies to, and its default. */
export function helpOf(spec: OptionSpec, kind: string): string {
  const notes: string[] = [];
  if (spec.type === 'choice') notes.push((spec.choices ?? []).join(', '));
  if (spec.data !== undefined) notes.push(`${spec.data === 'image' ? 'images' : 'vectors'} only`);
  if (spec.when !== undefined)
    notes.push(`with ${flagOf({ name: spec.when.option })} ${spec.when.is.map(String).join(' or ')}`);
  const fallback = describeDefault(spec, kind);
  if (fallback !== undefined && spec.type !== 'boolean') notes.push(`default ${fallback}`);
  return notes.length === 0 ? spec.help : `${spec.help} (${notes.join('; ')})`;
}

/** A commander option for `spec`; booleans that default to true become `--no-<flag>`. */
export function commanderOption(spec: OptionSpec, kind: string): Option {
  const flag = flagOf(spec);
  if (spec.type === 'boolean') {
    const on = defaultOf(spec, { kind, data: 'image' }) === true;
    return new Option(on ? `--no-${flag.slice(2)}` : flag, helpOf(spec, kind));
  }
  return new Option(`${flag} ${placeholderOf(spec)}`, helpOf(spec, kind)).argParser((text: string) => {
    // A table option keeps its file name: the run lifecycle reads the file, and names it in any error.
    if (spec.type === 'table') return text;
    try {
      return parseOptionText(spec, text);
    } catch {
      throw new InvalidArgumentError(`expected ${expected(spec)}, got '${text}'`);
    }
  });
}

/** Add the options `specs` (for `kind`) to `command`, remembering which commander key is which option. */
export function addOptions(
  command: Command,
  specs: readonly OptionSpec[],
  kind: string,
): Map<string, OptionSpec> {
  const keys = new Map<string, OptionSpec>();
  for (const spec of specs) {
    // A switch whose default depends on the data (on for images only) can be turned either way.
    if (spec.type === 'boolean' && typeof spec.default === 'function') {
      const flag = flagOf(spec);
      const onFor = (['image', 'vector'] as const).filter((data) => defaultOf(spec, { kind, data }) === true);
      const note =
        onFor.length === 0 ? 'default off' : `default on for ${onFor.map((d) => `${d}s`).join(' and ')}`;
      const yes = new Option(flag, `${spec.help} (${note})`);
      command.addOption(yes);
      command.addOption(new Option(`--no-${flag.slice(2)}`, `turn ${flag} off`));
      keys.set(yes.attributeName(), spec);
      continue;
    }
    const option = commanderOption(spec, kind);
    command.addOption(option);
    keys.set(option.attributeName(), spec);
  }
  return keys;
}

/** The options given on the command line, by option name (commander's defaults are not "given"). */
export function givenFlags(command: Command, keys: Map<string, OptionSpec>): Record<string, GivenOption> {
  const values = command.opts();
  const given: Record<string, GivenOption> = {};
  for (const [key, spec] of keys) {
    const source = command.getOptionValueSource(key);
    if (source === 'cli' && values[key] !== undefined)
      given[spec.name] = { value: values[key], source: 'flag' };
  }
  return given;
}

/** A `--config` file that cannot be used. */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

/**
 * The options of a `--config` JSON file: an object whose keys are option names (the flags in camelCase: `batchSize`,
 * `lr`), each a value of its option's type; `out` is accepted too. A key no option of the command has is an
 * `OptionError` from the config.
 */
export function readConfigFile(
  path: string,
  specs: readonly OptionSpec[],
  what: string,
  extra: readonly string[] = [],
): Record<string, GivenOption> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigFileError(
      code === 'ENOENT'
        ? `--config ${path} does not exist`
        : `--config ${path} cannot be read (${code ?? 'error'})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigFileError(`--config ${path} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigFileError(`--config ${path} must hold a JSON object of options`);
  const names = new Set([...specs.map((s) => s.name), ...extra]);
  const given: Record<string, GivenOption> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!names.has(key)) throw new OptionError(key, `is not an option of ${what}`, 'config');
    given[key] = { value, source: 'config' };
  }
  return given;
}
