// The pure helpers of the vae-epoch benchmark: epochs from the environment, seconds per epoch, GNU time's report,
// shell quoting of the wrapper's paths, and the gap targets.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UsageError } from './harness.js';
import { BENCHMARKS } from './registry.js';
import {
  benchEpochs,
  DEFAULT_EPOCHS,
  gapTarget,
  parseMaxRss,
  secondsPerEpoch,
  shellQuote,
  vaeEpoch,
} from './vae-epoch.js';

describe('benchEpochs', () => {
  it('defaults to 3 and reads LATENTLAB_BENCH_EPOCHS', () => {
    expect(DEFAULT_EPOCHS).toBe(3);
    expect(benchEpochs({})).toBe(3);
    expect(benchEpochs({ LATENTLAB_BENCH_EPOCHS: '' })).toBe(3);
    expect(benchEpochs({ LATENTLAB_BENCH_EPOCHS: '10' })).toBe(10);
  });

  it.each([
    ['zero', '0'],
    ['a fraction', '2.5'],
    ['a word', 'many'],
    ['a negative number', '-1'],
  ])('rejects %s, naming the variable', (_, value) => {
    expect(() => benchEpochs({ LATENTLAB_BENCH_EPOCHS: value })).toThrow(UsageError);
    expect(() => benchEpochs({ LATENTLAB_BENCH_EPOCHS: value })).toThrow(
      `LATENTLAB_BENCH_EPOCHS: expected a positive integer, got '${value}'`,
    );
  });
});

describe('secondsPerEpoch', () => {
  // The peer: statistics.median(times[1:] or times)
  it('is the median of the epochs after the first, as the peer reports it', () => {
    expect(secondsPerEpoch([9, 3, 5])).toBe(4);
    expect(secondsPerEpoch([9, 3, 5, 4])).toBe(4);
    expect(secondsPerEpoch([9, 3])).toBe(3);
  });

  it('is the only epoch when there is one', () => {
    expect(secondsPerEpoch([7])).toBe(7);
  });
});

describe('parseMaxRss', () => {
  it('reads the kilobytes of GNU time -v as bytes', () => {
    const report = [
      '\tCommand being timed: "/usr/bin/python3 vae_torch.py"',
      '\tAverage resident set size (kbytes): 0',
      '\tMaximum resident set size (kbytes): 436896',
      '\tExit status: 0',
    ].join('\n');
    expect(parseMaxRss(report)).toBe(436896 * 1024);
  });

  it('is undefined without the line', () => {
    expect(parseMaxRss('')).toBeUndefined();
    expect(parseMaxRss('Command terminated by signal 9')).toBeUndefined();
  });
});

describe('shellQuote', () => {
  it.each([
    ['a plain path', '/tmp/x/time.txt'],
    ['spaces', '/tmp/my dir/time.txt'],
    ['quotes and dollars', `/tmp/it's $HOME/"x"`],
  ])('keeps %s intact through sh', (_, text) => {
    expect(execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(text)}`]).toString()).toBe(text);
  });
});

describe('gapTarget', () => {
  it('reports the signed gap latentlab - peer and meets it within 1 nat', () => {
    expect(gapTarget('test ELBO', -249.3, -248.8)).toEqual({
      description: 'test ELBO within 1 nat of the peer (latentlab - peer = -0.50 nats: -249.30 vs -248.80)',
      met: true,
    });
    expect(gapTarget('IW-100', -243.5, -245.1).description).toContain('= +1.60 nats');
    expect(gapTarget('IW-100', -243.5, -245.1).met).toBe(false);
    expect(gapTarget('IW-100', -250, -245.1, 5).met).toBe(true);
    expect(gapTarget('IW-100', NaN, -245.1).met).toBe(false);
  });
});

it('is registered after vae-step', () => {
  const names = BENCHMARKS.map((b) => b.name);
  expect(names).toContain('vae-epoch');
  expect(names.indexOf('vae-epoch')).toBeGreaterThan(names.indexOf('vae-step'));
  expect(vaeEpoch.description).toMatch(/LATENTLAB_BENCH_EPOCHS/);
});
