import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../data/registry.js';
import { head } from '../../data/dataset.js';
import { OptionError, resolveOptions } from '../../train/options.js';
import { optionsOf } from '../../train/run-options.js';
import { cli } from '../../../test/cli.js';
import { CYCLEGAN_DEFAULT_PAIR, resolveCycleGanConfig } from './config.js';
import { cycleganFamily } from './index.js';

/** The configuration `latentlab train cyclegan` resolves from `given` (flags by name), as the run lifecycle does. */
function configOf(given: Record<string, unknown>) {
  const data = (given.data as string | undefined) ?? CYCLEGAN_DEFAULT_PAIR.data;
  const train = head(loadDataset(data).train, 64);
  const { values } = resolveOptions(
    optionsOf(cycleganFamily),
    Object.fromEntries(
      Object.entries({ ...given, data }).map(([k, value]) => [k, { value, source: 'flag' as const }]),
    ),
    { kind: 'cyclegan', data: train.kind },
  );
  return cycleganFamily.resolveConfig('cyclegan', values, train);
}

/** The OptionError `f` throws. */
function optionError(f: () => unknown): OptionError {
  try {
    f();
  } catch (e) {
    if (e instanceof OptionError) return e;
    throw e;
  }
  throw new Error('no OptionError was thrown');
}

describe('the CycleGAN configuration', () => {
  it('pairs the default 2-D data with its default target, and keeps the density names', () => {
    const c = configOf({});
    expect(c).toMatchObject({ source: 'ring8', target: '8gaussians', transform: null });
    expect(configOf({ data: 'moons', target: 'circles' })).toMatchObject({
      source: 'moons',
      target: 'circles',
    });
  });

  it('on images keeps a transform and no density names', () => {
    expect(configOf({ data: 'mnist' })).toMatchObject({
      transform: 'invert-rotate',
      target: null,
      source: null,
      inputShape: [28, 28, 1],
    });
  });

  it('needs --target for 2-D data other than the default, and names it', () => {
    const e = optionError(() => configOf({ data: 'moons' }));
    expect(e.option).toBe('target');
    expect(e.message).toMatch(/required for 2-D data/);
    expect(optionError(() => resolveCycleGanConfig({ inputShape: [2] })).option).toBe('target');
  });

  it.each([
    ['an unknown target', { target: 'nowhere' }, 'target', /must be one of moons/],
    ['--transform with 2-D data', { transform: 'invert' }, 'transform', /applies to image data only/],
    ['--target with images', { data: 'mnist', target: 'moons' }, 'target', /applies to vector data only/],
    ['a batch of one image', { data: 'mnist', batchSize: 1 }, 'batchSize', /at least 2 on images/],
    ['a negative cycle weight', { cycle: -1 }, 'cycle', /must be a number >= 0/],
  ])('refuses %s, naming the option', (_name, given, option, message) => {
    const e = optionError(() => configOf(given));
    expect(e.option).toBe(option);
    expect(e.message).toMatch(message);
  });

  it('refuses a target for images and a transform for points in the configuration itself', () => {
    expect(
      optionError(() => resolveCycleGanConfig({ inputShape: [28, 28, 1], target: 'moons' })).option,
    ).toBe('target');
    expect(
      optionError(() => resolveCycleGanConfig({ inputShape: [2], target: 'moons', transform: 'invert' }))
        .option,
    ).toBe('transform');
    expect(optionError(() => resolveCycleGanConfig({ inputShape: [3], target: 'moons' })).option).toBe(
      'target',
    );
    expect(optionError(() => resolveCycleGanConfig({ inputShape: [28, 20, 1] })).option).toBe('transform');
  });

  it.each([
    [['--data', 'moons'], /--target.*required for 2-D data/],
    [['--target', 'nowhere'], /--target.*'nowhere' is invalid\. expected one of moons/],
    [['--transform', 'invert'], /--transform.*applies to image data only/],
  ])('the command line refuses %j with one line and writes nothing', async (args, message) => {
    const { code, err } = await cli(['train', 'cyclegan', ...args, '--out', '/nonexistent/cyclegan-refused']);
    expect(code).not.toBe(0);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});
