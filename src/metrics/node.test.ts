import { describe, expect, it } from 'vitest';
import { classifierFor, shippedClassifierPath } from './node.js';

describe('classifierFor', () => {
  it('scores full MNIST on the classifier shipped for the embedded digits (the same kind of digits)', () => {
    const full = classifierFor('mnist-full');
    const mnist = classifierFor('mnist');
    expect(full.path).toBe(shippedClassifierPath('mnist'));
    expect(full.info).toEqual(mnist.info);
    expect(full.classifier.config).toEqual(mnist.classifier.config);
    full.classifier.dispose();
    mnist.classifier.dispose();
  });

  it('says how to train a classifier for a data set that has none shipped', () => {
    expect(() => classifierFor('idx:/some/dir')).toThrow(
      "no classifier ships for data 'idx:/some/dir' (only for mnist, fashion-mnist): train one with " +
        "'latentlab classifier --data idx:/some/dir -o FILE' and pass --classifier FILE",
    );
  });
});
