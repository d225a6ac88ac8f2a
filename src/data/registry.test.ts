import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataNotFoundError } from './dataset.js';
import { loadMnist } from './mnist.js';
import { DATASET_NAMES, loadDataset } from './registry.js';
import { toy2dDataset } from './toy2d.js';

const EXPECTED =
  'mnist, mnist-full, fashion-mnist, moons, 8gaussians, 25gaussians, checkerboard, swissroll, circles, pinwheel, ring8, grid25, idx:DIR ' +
  'or a CSV/TSV/JSON file';

describe('loadDataset', () => {
  it('knows mnist, mnist-full, fashion-mnist and the toy 2-D densities by name', () => {
    expect(DATASET_NAMES).toEqual([
      'mnist',
      'mnist-full',
      'fashion-mnist',
      'moons',
      '8gaussians',
      '25gaussians',
      'checkerboard',
      'swissroll',
      'circles',
      'pinwheel',
      'ring8',
      'grid25',
    ]);
    expect(loadDataset('mnist')).toBe(loadMnist());
  });

  it('loads a toy 2-D density as its default split', () => {
    const split = loadDataset('pinwheel');
    expect(split).toEqual(toy2dDataset('pinwheel'));
    expect([split.train.n, split.test?.n, split.train.shape, split.train.kind]).toEqual([
      20000,
      10000,
      [2],
      'vector',
    ]);
  });

  it('loads a table file as float64 vectors without a test part', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-registry-'));
    const path = join(dir, 'points.csv');
    writeFileSync(path, 'x,y,z\n0.1,2,3\n4,5,6.000000001\n');
    const split = loadDataset(path);
    expect(split.test).toBeNull();
    expect(split.train).toMatchObject({ name: path, kind: 'vector', shape: [3], n: 2, labels: null });
    expect(split.train.values).toBeInstanceOf(Float64Array);
    expect(Array.from(split.train.values)).toEqual([0.1, 2, 3, 4, 5, 6.000000001]);
    rmSync(dir, { recursive: true });
  });

  it.each([
    ['an unknown name', 'foo', `unknown data set 'foo' (expected ${EXPECTED})`],
    ['a wrong case', 'MNIST', `unknown data set 'MNIST' (expected ${EXPECTED})`],
    ['idx: without a directory', 'idx:', "data set 'idx:' names no directory (expected idx:DIR)"],
    [
      'mnist-full before it is fetched',
      'mnist-full',
      /^full MNIST not found \(looked in .*\/mnist\): run 'latentlab data fetch mnist' or put .* in \/nonexistent\/root\/mnist$/,
    ],
    [
      'idx: with a missing directory',
      'idx:/nonexistent/data',
      'IDX data directory not found: /nonexistent/data',
    ],
  ])('%s gives a DataNotFoundError with a one-line reason', (_, spec, message) => {
    // Neither the data directory nor the user's cache directory may hold a fetched MNIST here.
    const saved = { LATENTLAB_DATA: process.env.LATENTLAB_DATA, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
    Object.assign(process.env, { LATENTLAB_DATA: '/nonexistent/root', XDG_CACHE_HOME: '/nonexistent/cache' });
    try {
      expect(() => loadDataset(spec)).toThrow(DataNotFoundError);
      expect(() => loadDataset(spec)).toThrow(message);
    } finally {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
  });
});
