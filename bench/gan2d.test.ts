// The gan2d benchmarks without their timing: the networks are the peer's (parameter counts), a short training run
// takes k_D discriminator updates per generator update with no leak, and its samples are scored.
import { describe, expect, it } from 'vitest';
import { GanModel } from '../src/families/gan/model.js';
import { BENCHMARKS } from './registry.js';
import { gan2dConfig, trainGan2d, EVAL_SAMPLES } from './gan2d.js';

describe('gan2d', () => {
  it("has the peer's networks", () => {
    // cd ../shared/peers && /usr/bin/python3 -c "import gan2d_torch as g; \
    //   print(sum(p.numel() for p in g.mlp([2,128,128,2]).parameters()), \
    //         sum(p.numel() for p in g.mlp([2,128,128,1]).parameters()))"   # 17154 17025
    const gan = new GanModel(gan2dConfig('ns', 0));
    try {
      expect(gan.generator.numParameters()).toBe(17154);
      expect(gan.discriminator.numParameters()).toBe(17025);
    } finally {
      gan.dispose();
    }
  });

  it.each(['ns', 'wgan-gp'] as const)('%s: a short run scores 2,500 samples and leaks nothing', (loss) => {
    const config = gan2dConfig(loss, 1, { generatorHidden: [8], discriminatorHidden: [8] });
    const run = trainGan2d('grid25', config, 6);
    expect(run.coverage.n).toBe(EVAL_SAMPLES);
    expect(run.coverage.counts.length).toBe(25);
    expect(run.msPerStep).toBeGreaterThan(0);
    expect(Object.keys(run.lastLosses)).toEqual(
      expect.arrayContaining(loss === 'wgan-gp' ? ['loss', 'g_loss', 'penalty'] : ['loss', 'g_loss']),
    );
  });

  it('is registered, with the grid, WGAN-GP and regularised variants', () => {
    const names = BENCHMARKS.map((b) => b.name);
    for (const name of ['gan2d', 'gan2d-grid25', 'gan2d-wgan', 'gan2d-reg-old'])
      expect(names).toContain(name);
  });
});
