import { describe, expect, it } from 'vitest';
import { DEFAULT_SETUP, queryOfSetup, setupFromQuery } from './url.js';

describe('the studio set-up in the URL', () => {
  it('fills in what the URL leaves out', () => {
    expect(setupFromQuery('?density=ring8&seed=3')).toEqual({ ...DEFAULT_SETUP, density: 'ring8', seed: 3 });
  });

  it('round-trips every field, and writes only what differs from the defaults', () => {
    const setup = {
      panel: 'em' as const,
      backend: 'webgl' as const,
      density: 'grid25',
      seed: 12,
      arch: 'glow' as const,
      layers: 4,
      hidden: 32,
      learningRate: 0.003,
      batchSize: 128,
      temperature: 0.35,
      components: 25,
      mixture: 'bayesian' as const,
      kind: '',
      data: '',
      options: {},
    };
    const query = queryOfSetup(setup);
    expect(query).toBe(
      '?panel=em&backend=webgl&density=grid25&seed=12&arch=glow&layers=4&hidden=32&lr=0.003&batch=128&t=0.35&k=25&mixture=bayesian',
    );
    expect(setupFromQuery(query)).toEqual(setup);
    const family = {
      ...DEFAULT_SETUP,
      panel: 'vae' as const,
      kind: 'beta-vae',
      data: 'mnist',
      options: { beta: '4', hidden: '256,128' },
    };
    const familyQuery = queryOfSetup(family);
    expect(familyQuery).toBe('?panel=vae&kind=beta-vae&data=mnist&o.beta=4&o.hidden=256%2C128');
    expect(setupFromQuery(familyQuery)).toEqual(family);
    expect(queryOfSetup(DEFAULT_SETUP)).toBe('');
  });

  it.each([
    ['?density=spiral9', /'density' must be one of .*moons.*got 'spiral9'/],
    ['?seed=-1', /'seed' must be an integer in \[0, 9007199254740991\], got '-1'/],
    ['?layers=0', /'layers' must be an integer in \[1, 32\], got '0'/],
    ['?arch=maf', /'arch' must be one of nice, realnvp, glow, got 'maf'/],
    ['?hidden=1.5', /'hidden' must be an integer/],
    ['?lr=abc', /'lr' must be a number in \(0, 1\), got 'abc'/],
    ['?lr=', /'lr' must be a number/],
    ['?batch=1', /'batch' must be an integer in \[2, 4096\]/],
    ['?panel=vae9', /'panel' must be one of flow, em, vae, gan, .*, got 'vae9'/],
    ['?kind=Beta%20VAE', /'kind' must be a name such as beta-vae, got 'Beta VAE'/],
    ['?data=../x', /'data' must be a name such as moons, got '..\/x'/],
    ['?o.2x=1', /'o.2x' does not name an option/],
    ['?k=0', /'k' must be an integer in \[1, 50\]/],
    ['?t=0', /'t' must be a number in \[0.05, 2\], got '0'/],
    ['?t=', /'t' must be a number in \[0.05, 2\], got ''/],
    ['?t=hot', /'t' must be a number in \[0.05, 2\], got 'hot'/],
    ['?mixture=vb', /'mixture' must be one of em, bayesian, got 'vb'/],
    ['?backend=webgl2', /'backend' must be one of wasm, webgl, webgpu, cpu, got 'webgl2'/],
  ])('refuses %s, naming the parameter', (query, message) => {
    expect(() => setupFromQuery(query)).toThrow(message);
  });
});
