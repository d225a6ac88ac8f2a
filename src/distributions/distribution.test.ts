import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { broadcastParams } from './distribution.js';
import { Normal } from './normal.js';
import { Uniform } from './uniform.js';

/** The kernels that `f` runs, by name. */
async function kernelsOf(f: () => void): Promise<string[]> {
  const info = await tf.profile(f);
  return info.kernelNames;
}

describe('broadcastParams', () => {
  it('uses a float32 tensor of the common shape as it is, and copies only what must broadcast', () => {
    const loc = tf.tensor([0, 1, 2]);
    const scale = tf.tensor([1]);
    const { shape, tensors, borrowed } = broadcastParams({ loc, scale }, 'Test');
    expect(shape).toEqual([3]);
    expect(tensors.loc).toBe(loc);
    expect(tensors.scale).not.toBe(scale);
    expect(tensors.scale).toBeAllClose([1, 1, 1]);
    expect(borrowed).toEqual([loc]);
    tf.dispose([loc, scale, tensors.scale]);
  });

  it('runs no kernel when nothing needs broadcasting or casting', async () => {
    const loc = tf.tensor([[0, 1]]);
    const scale = tf.tensor([[1, 2]]);
    expect(await kernelsOf(() => new Normal(loc, scale, { validateArgs: false }))).toEqual([]);
    expect(await kernelsOf(() => new Normal([0, 1], [1, 2], { validateArgs: false }))).toEqual([]);
    // A broadcast and a cast still run.
    expect(await kernelsOf(() => new Normal(loc, 1, { validateArgs: false }))).toContain('Tile');
    expect(await kernelsOf(() => new Normal(tf.tensor([1, 2], [1, 2], 'int32'), scale))).toContain('Cast');
    tf.dispose([loc, scale]);
  });
});

describe('Distribution.dispose', () => {
  it.each([
    ['Normal', (a: tf.Tensor, b: tf.Tensor) => new Normal(a, b), 'loc'],
    ['Uniform', (a: tf.Tensor, b: tf.Tensor) => new Uniform(a, b), 'low'],
    ['Bernoulli from logits', (a: tf.Tensor) => new Bernoulli({ logits: a }), 'logits'],
    ['Bernoulli from probs', (a: tf.Tensor) => new Bernoulli({ probs: a }), 'probs'],
  ] as const)('%s frees what it made and leaves the tensors it was given', (_, make, field) => {
    const a = tf.tensor([0.25, 0.5]);
    const b = tf.tensor([1, 2]);
    const before = tf.memory().numTensors;
    const d = make(a, b);
    expect((d as unknown as Record<string, tf.Tensor>)[field]).toBe(a);
    d.dispose();
    expect(a.isDisposed || b.isDisposed).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it('frees the copies it made from arrays and by broadcasting', () => {
    const zeros = tf.zeros([2, 3]);
    const before = tf.memory().numTensors;
    const broadcast = new Normal(zeros, 1);
    expect(tf.memory().numTensors - before).toBe(1);
    broadcast.dispose();
    const fromArrays = new Normal([0, 1], [1, 2]);
    fromArrays.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(zeros.isDisposed).toBe(false);
    zeros.dispose();
  });
});
