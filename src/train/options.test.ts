import { describe, expect, it } from 'vitest';
import {
  checkOptionValue,
  expected,
  flagOf,
  OptionError,
  parseOptionText,
  resolveOptions,
  type OptionSpec,
} from './options.js';

const SPECS: OptionSpec[] = [
  {
    name: 'epochs',
    type: 'integer',
    min: 1,
    default: ({ data }) => (data === 'image' ? 5 : undefined),
    help: '',
  },
  { name: 'batchSize', type: 'integer', min: 1, max: 512, default: 128, help: '' },
  { name: 'lr', type: 'number', min: 0, exclusiveMin: true, default: 1e-3, help: '' },
  { name: 'hidden', type: 'integers', min: 1, default: [400], help: '' },
  { name: 'prior', type: 'choice', choices: ['normal', 'mixture'], default: 'normal', help: '' },
  {
    name: 'components',
    type: 'integer',
    min: 2,
    default: 10,
    when: { option: 'prior', is: ['mixture'] },
    help: '',
  },
  {
    name: 'beta',
    type: 'number',
    min: 0,
    default: ({ kind }) => (kind === 'beta' ? 4 : 1),
    kinds: ['plain', 'beta'],
    help: '',
  },
  { name: 'iwSamples', type: 'integer', min: 2, default: 5, kinds: ['iwae'], help: '' },
  { name: 'levels', type: 'integer', min: 1, default: 2, data: 'image', help: '' },
  { name: 'means', type: 'table', help: '' },
  { name: 'iw', type: 'integer', min: 0, default: 0, command: 'eval', help: '' },
];
const spec = (name: string) => SPECS.find((s) => s.name === name)!;
const given = (values: Record<string, unknown>, source: 'flag' | 'config' = 'flag') =>
  Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, source }]));

describe('option values', () => {
  it('says what each type expects', () => {
    expect(expected(spec('epochs'))).toBe('a positive integer');
    expect(expected(spec('batchSize'))).toBe('a positive integer at most 512');
    expect(expected(spec('lr'))).toBe('a positive number');
    expect(expected(spec('beta'))).toBe('a number >= 0');
    expect(expected(spec('components'))).toBe('an integer >= 2');
    expect(expected(spec('hidden'))).toBe('comma-separated positive integers such as 512,256');
    expect(expected(spec('hidden'), 'config')).toBe('a list of positive integers such as [512, 256]');
    expect(expected(spec('prior'))).toBe('one of normal, mixture');
  });

  it.each([
    ['epochs', 0],
    ['epochs', 2.5],
    ['epochs', '3'],
    ['batchSize', 513],
    ['lr', 0],
    ['lr', Infinity],
    ['lr', NaN],
    ['hidden', []],
    ['hidden', [64, 0]],
    ['hidden', 64],
    ['prior', 'vamp'],
    ['means', [[1, 2], [3]]],
    ['means', [[1, NaN]]],
  ])('refuses %s = %j, naming the option and quoting the value', (name, value) => {
    const call = () => checkOptionValue(spec(name), value, 'config');
    expect(call).toThrow(OptionError);
    try {
      call();
    } catch (e) {
      expect((e as OptionError).option).toBe(name);
      expect((e as OptionError).source).toBe('config');
      expect((e as OptionError).reason).toMatch(/^must be .+, got /);
    }
  });

  it('accepts the edges of each range and parses flag text', () => {
    expect(checkOptionValue(spec('batchSize'), 512)).toBe(512);
    expect(checkOptionValue(spec('beta'), 0)).toBe(0);
    expect(
      checkOptionValue(spec('means'), [
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(parseOptionText(spec('hidden'), '512, 256')).toEqual([512, 256]);
    expect(parseOptionText(spec('lr'), '3e-4')).toBe(3e-4);
    expect(() => parseOptionText(spec('epochs'), '1e3')).toThrow("must be a positive integer, got '1e3'");
    expect(() => parseOptionText(spec('hidden'), '400,,2')).toThrow("got '400,,2'");
  });

  it('spells flags in kebab-case, or as declared', () => {
    expect(flagOf({ name: 'batchSize' })).toBe('--batch-size');
    expect(flagOf({ name: 'learningRate', flag: 'lr' })).toBe('--lr');
  });
});

describe('resolveOptions', () => {
  it('fills defaults for the kind and the data, and keeps what was given', () => {
    const image = resolveOptions(SPECS, given({ lr: 0.01 }), { kind: 'beta', data: 'image' });
    expect(image.values).toEqual({
      epochs: 5,
      batchSize: 128,
      lr: 0.01,
      hidden: [400],
      prior: 'normal',
      beta: 4,
      levels: 2,
    });
    expect(image.sources).toMatchObject({ lr: 'flag', epochs: 'default' });
    const vector = resolveOptions(SPECS, {}, { kind: 'plain', data: 'vector' });
    expect(vector.values.epochs).toBeUndefined();
    expect(vector.values.levels).toBeUndefined();
    expect(vector.values.beta).toBe(1);
  });

  it('drops an option another one switches off, and refuses it when given', () => {
    const off = resolveOptions(SPECS, {}, { kind: 'plain', data: 'image' });
    expect(off.values.components).toBeUndefined();
    const on = resolveOptions(SPECS, given({ prior: 'mixture' }), { kind: 'plain', data: 'image' });
    expect(on.values.components).toBe(10);
    expect(() => resolveOptions(SPECS, given({ components: 4 }), { kind: 'plain', data: 'image' })).toThrow(
      "'components' applies only when 'prior' is mixture",
    );
  });

  it('refuses an option of another kind, of other data, of another command, or of nobody', () => {
    const context = { kind: 'plain', data: 'vector' as const };
    expect(() => resolveOptions(SPECS, given({ iwSamples: 3 }), context)).toThrow(
      "'iwSamples' is not an option of plain (it is one of iwae)",
    );
    expect(() => resolveOptions(SPECS, given({ levels: 3 }), context)).toThrow(
      "'levels' applies to image data only, and plain is trained on vector data here",
    );
    expect(() => resolveOptions(SPECS, given({ iw: 3 }), context)).toThrow("'iw' is not an option of plain");
    expect(resolveOptions(SPECS, given({ iw: 3 }), context, { command: 'eval' }).values).toEqual({ iw: 3 });
    expect(() => resolveOptions(SPECS, given({ frobnicate: 1 }, 'config'), context)).toThrow(
      expect.objectContaining({ option: 'frobnicate', source: 'config' }) as Error,
    );
  });
});
