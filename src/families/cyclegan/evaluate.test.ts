import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { loadDataset } from '../../data/registry.js';
import { head } from '../../data/dataset.js';
import { classifierAccuracy, classifierOutputs, type FeatureClassifier } from '../../metrics/classifier.js';
import { frechetDistance } from '../../metrics/frechet.js';
import { classifierFor } from '../../metrics/node.js';
import { resolveCycleGanConfig } from './config.js';
import { imageTransform, splitDomains } from './domains.js';
import { evaluateCycleGan, meanDistance } from './evaluate.js';
import { CycleGanModel } from './model.js';

describe('the CycleGAN evaluation', () => {
  it('measures distances per example: Euclidean in 2-D, per-pixel absolute on images', () => {
    // Two points off by (3, 4) and (0, 0): Euclidean 5 and 0; absolute per entry (3 + 4) / 2 and 0.
    expect(meanDistance([3, 4, 1, 1], [0, 0, 1, 1], 2, 'l2')).toBeCloseTo(2.5, 12);
    expect(meanDistance([3, 4, 1, 1], [0, 0, 1, 1], 2, 'l1')).toBeCloseTo(1.75, 12);
  });

  it('on 2-D data, scores a perfect translation (the identity between equal densities) at 0', () => {
    const model = new CycleGanModel(
      resolveCycleGanConfig({ inputShape: [2], source: '8gaussians', target: '8gaussians' }),
    );
    model.translate = (_direction, x) => tf.clone(x);
    const m = evaluateCycleGan(model, loadDataset('8gaussians').test!, { seed: 1 });
    expect(m).toMatchObject({
      cycle_error_a: 0,
      cycle_error_b: 0,
      modes_covered_ab: 8,
      modes_covered_ba: 8,
      n: 2500,
    });
    // Real draws against real draws of one density: the gaps are Monte Carlo noise of 2,500 points.
    expect(Math.abs(m.logp_gap_ab as number)).toBeLessThan(0.1);
    expect(Math.abs(m.logp_gap_ba as number)).toBeLessThan(0.1);
    expect(m.logp_ab).toBeCloseTo(m.logp_a as number, 12);
    model.dispose();
  });

  describe('on images, with the shipped classifier', () => {
    let classifier: FeatureClassifier;
    beforeAll(() => void ({ classifier } = classifierFor('mnist')));
    afterAll(() => classifier.dispose());
    const test = head(loadDataset('mnist').test!, 400);
    const t = imageTransform('invert-rotate', [28, 28, 1]);

    /** A model whose G is T and whose F is T^-1 exactly: the translation a perfect CycleGAN would learn. */
    function perfect(): CycleGanModel {
      const model = new CycleGanModel(resolveCycleGanConfig({ inputShape: [28, 28, 1], hidden: [4] }));
      model.translate = (direction, x) => (direction === 'ab' ? t.forward(x) : t.inverse(x));
      return model;
    }

    it('reads labels through T^-1, and scores each domain on plain digits', () => {
      const model = perfect();
      const m = evaluateCycleGan(model, test, { seed: 0, classifier });
      const { a, bSource } = splitDomains(test, t);
      // 0 up to the rounding of 1 - x in float32.
      expect(m.cycle_error_a as number).toBeLessThan(1e-7);
      expect(m.cycle_error_b as number).toBeLessThan(1e-7);
      // T^-1(G(a)) = a and F(b) = the digit b was made from: the classifier's own accuracy on each half.
      expect(m.label_preserved_ab).toBeCloseTo(classifierAccuracy(classifier, a), 12);
      expect(m.label_preserved_ba).toBeCloseTo(classifierAccuracy(classifier, bSource), 12);
      expect(m.label_preserved_ab as number).toBeGreaterThan(0.9);
      const features = (o: ReturnType<typeof classifierOutputs>) => ({ values: o.features, n: o.n, d: o.d });
      const between = frechetDistance(
        features(classifierOutputs(classifier, bSource)),
        features(classifierOutputs(classifier, a)),
      );
      expect(m.frechet_a).toBeCloseTo(between, 4);
      expect(m.frechet_b).toBeCloseTo(between, 4);
      model.dispose();
    });

    it('scores a translation that keeps nothing of the digit near chance', () => {
      const model = perfect();
      // G(a) = T of one digit for every a, F(b) = that digit: the labels are lost, the domains still right.
      const one = tf.tensor2d(Float32Array.from(test.values.subarray(0, 784)), [1, 784]);
      model.translate = (direction, x) =>
        tf.tidy(() => {
          const image = direction === 'ab' ? t.forward(one) : one;
          return tf.tile(image, [x.shape[0], 1]);
        });
      const m = evaluateCycleGan(model, test, { seed: 0, classifier });
      expect(m.label_preserved_ab as number).toBeLessThan(0.2);
      expect(m.label_preserved_ba as number).toBeLessThan(0.2);
      expect(m.cycle_error_a as number).toBeGreaterThan(0.05);
      one.dispose();
      model.dispose();
    });

    it('leaves the classifier metrics out without a classifier', () => {
      const model = perfect();
      const m = evaluateCycleGan(model, test, { seed: 0 });
      expect(Object.keys(m).sort()).toEqual(['cycle_error_a', 'cycle_error_b', 'n']);
      expect(m.n).toBe(400);
      model.dispose();
    });
  });
});
