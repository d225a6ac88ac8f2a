import * as tf from './tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks, TensorLeakError } from './memory.js';

describe('assertNoLeaks', () => {
  it('passes a function that cleans up, and one that returns its tensors', async () => {
    await assertNoLeaks(() => tf.tidy(() => tf.add(tf.ones([3]), 1).dataSync()));
    await assertNoLeaks(() => ({ a: tf.ones([2]), b: [tf.zeros([1])] }));
    await assertNoLeaks(async () => {
      const t = tf.ones([2]);
      await t.data();
      t.dispose();
    });
  });

  it('fails a function that leaks, saying how many tensors', async () => {
    let kept: tf.Tensor[] = [];
    await expect(
      assertNoLeaks(() => {
        kept = [tf.ones([2]), tf.ones([3])];
      }, 'leaky step'),
    ).rejects.toThrow(new TensorLeakError('leaky step', 2));
    tf.dispose(kept);
  });
});
