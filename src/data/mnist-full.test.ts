import { describe, expect, it } from 'vitest';
import { DataNotFoundError } from './dataset.js';
import { loadMnistFull, mnistFullSearchPath } from './mnist-full.js';

describe('loadMnistFull', () => {
  it('searches <data root>/mnist, then the cache directory when LATENTLAB_DATA points elsewhere', () => {
    const where = { platform: 'linux', home: '/home/ada' } as const;
    expect(mnistFullSearchPath({ ...where, env: { LATENTLAB_DATA: '/data' } })).toEqual([
      '/data/mnist',
      '/home/ada/.cache/latentlab/mnist',
    ]);
    expect(mnistFullSearchPath({ ...where, env: {} })).toEqual(['/home/ada/.cache/latentlab/mnist']);
  });

  it('says how to fetch the files, or where to put them, when no directory holds them', () => {
    const searchPath = ['/nonexistent/a/mnist', '/nonexistent/b/mnist'];
    expect(() => loadMnistFull({ searchPath })).toThrow(DataNotFoundError);
    expect(() => loadMnistFull({ searchPath })).toThrow(
      new RegExp(
        '^full MNIST not found \\(looked in /nonexistent/a/mnist, /nonexistent/b/mnist\\): run ' +
          "'latentlab data fetch mnist' or put train-images-idx3-ubyte\\.gz, train-labels-idx1-ubyte\\.gz, " +
          't10k-images-idx3-ubyte\\.gz, t10k-labels-idx1-ubyte\\.gz in /nonexistent/a/mnist$',
      ),
    );
  });
});
