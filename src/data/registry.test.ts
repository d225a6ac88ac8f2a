import { describe, expect, it } from 'vitest';
import { DataNotFoundError } from './dataset.js';
import { loadMnist } from './mnist.js';
import { DATASET_NAMES, loadDataset } from './registry.js';

describe('loadDataset', () => {
  it('knows mnist and fashion-mnist by name', () => {
    expect(DATASET_NAMES).toEqual(['mnist', 'fashion-mnist']);
    expect(loadDataset('mnist')).toBe(loadMnist());
  });

  it.each([
    ['an unknown name', 'foo', "unknown data set 'foo' (expected mnist, fashion-mnist or idx:DIR)"],
    ['a wrong case', 'MNIST', "unknown data set 'MNIST' (expected mnist, fashion-mnist or idx:DIR)"],
    ['idx: without a directory', 'idx:', "data set 'idx:' names no directory (expected idx:DIR)"],
    [
      'idx: with a missing directory',
      'idx:/nonexistent/data',
      'IDX data directory not found: /nonexistent/data',
    ],
  ])('%s gives a DataNotFoundError with a one-line reason', (_, spec, message) => {
    expect(() => loadDataset(spec)).toThrow(DataNotFoundError);
    expect(() => loadDataset(spec)).toThrow(message);
  });
});
