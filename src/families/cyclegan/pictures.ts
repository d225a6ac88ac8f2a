/**
 * The pictures of a trained CycleGAN. On 2-D data, `translation`: arrows from points of each domain to their
 * translation and on to the translation back (see `translation-figure.ts`). On images, `translations`: rows a,
 * G(a), F(G(a)), then b, F(b), G(F(b)), for held-out digits of each domain. And `curves`: the losses and the
 * held-out metrics over training.
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, Random, resolveSeed } from '../../engine/random.js';
import { exampleSize } from '../../data/dataset.js';
import { chartFigure, rasterFigure, type Figure } from '../../plot/figure.js';
import { imageGrid } from '../../plot/image-grid.js';
import type { Picture, PictureContext } from '../family.js';
import { curvesFigure } from '../figures.js';
import { pictureRange } from '../gan/pictures.js';
import { splitDomains } from './domains.js';
import type { CycleGanModel } from './model.js';
import { domainBDraws } from './samples.js';
import { translationSpec } from './translation-figure.js';

/** Arrows drawn per direction, and real points shown per domain, in the 2-D picture. */
const ARROWS = 100;
const BACKGROUND = 1000;

/** `x` (`[n, D]` values) through `f`, and on through `g`: [f(x), g(f(x))]. */
function roundTrip(
  x: Float32Array,
  d: number,
  f: (x: tf.Tensor2D) => tf.Tensor2D,
  g: (x: tf.Tensor2D) => tf.Tensor2D,
): [Float32Array, Float32Array] {
  const [there, back] = tf.tidy(() => {
    const y = f(tf.tensor2d(x, [x.length / d, d]));
    return [y, g(y)];
  });
  const out: [Float32Array, Float32Array] = [
    there.dataSync() as Float32Array,
    back.dataSync() as Float32Array,
  ];
  tf.dispose([there, back]);
  return out;
}

/**
 * The 2-D translation picture: `ARROWS` points of A (a seeded sample of `real`, the training points) with arrows
 * a -> G(a) -> F(G(a)), and as many fresh draws of B with b -> F(b) -> G(F(b)), over real points of both domains.
 */
export function translationFigure(model: CycleGanModel, real: ArrayLike<number>, seed: number): Figure {
  const n = real.length / 2;
  const random = new Random(resolveSeed(deriveSeed(seed, 'arrows')));
  const pick = (values: ArrayLike<number>, count: number, order: Int32Array) =>
    Float32Array.from(
      { length: 2 * Math.min(count, order.length) },
      (_, i) => values[2 * order[i >> 1] + (i & 1)],
    );
  const a = pick(real, BACKGROUND, random.permutation(n));
  const drawn = domainBDraws(model, BACKGROUND, deriveSeed(seed, 'target'));
  const b = drawn.dataSync() as Float32Array;
  drawn.dispose();
  const from = { a: a.subarray(0, 2 * ARROWS), b: b.subarray(0, 2 * ARROWS) };
  const G = (x: tf.Tensor2D) => model.translate('ab', x);
  const F = (x: tf.Tensor2D) => model.translate('ba', x);
  const [ga, fga] = roundTrip(from.a, 2, G, F);
  const [fb, gfb] = roundTrip(from.b, 2, F, G);
  const { source, target } = model.config;
  const range = pictureRange([...a, ...b, ...ga, ...fb].filter((v) => Math.abs(v) < 50));
  return chartFigure(
    translationSpec({
      title: `CycleGAN: ${source ?? 'A'} <-> ${target!}`,
      range,
      panels: [
        {
          title: `A (${source ?? 'the data'}) -> G(a) -> F(G(a))`,
          domains: ['A', 'B'],
          source: a,
          target: b,
          from: from.a,
          there: ga,
          back: fga,
          legs: ['a -> G(a)', 'G(a) -> F(G(a))'],
        },
        {
          title: `B (${target!}) -> F(b) -> G(F(b))`,
          domains: ['B', 'A'],
          source: b,
          target: a,
          from: from.b,
          there: fb,
          back: gfb,
          legs: ['b -> F(b)', 'F(b) -> G(F(b))'],
        },
      ],
    }),
  );
}

/** Columns of the image picture: digits per row. */
const COLUMNS = 10;

/**
 * The image translations: for the first `COLUMNS` digits of each domain of `data` (even indices A, odd ones B
 * through T), six rows: a, G(a), F(G(a)), then b, F(b), G(F(b)).
 */
export function translationsFigure(model: CycleGanModel, data: PictureContext['train']): Figure {
  const { a, b } = splitDomains(data, model.transform!, COLUMNS);
  const d = exampleSize(data);
  const [height, width, channels] = model.config.inputShape;
  const G = (x: tf.Tensor2D) => model.translate('ab', x);
  const F = (x: tf.Tensor2D) => model.translate('ba', x);
  const count = Math.min(a.n, b.n);
  const first = (values: ArrayLike<number>) => Float32Array.from(values).subarray(0, count * d);
  const rowsA = [first(a.values), ...roundTrip(first(a.values), d, G, F)];
  const rowsB = [first(b.values), ...roundTrip(first(b.values), d, F, G)];
  const values = new Float32Array(6 * count * d);
  [...rowsA, ...rowsB].forEach((row, i) => values.set(row, i * count * d));
  return rasterFigure(
    imageGrid(values, {
      count: 6 * count,
      height,
      width,
      channels: channels as 1 | 3,
      columns: count,
      scale: 2,
    }),
  );
}

/** Every picture that applies to `model`. */
export function cycleGanPictures(model: CycleGanModel, context: PictureContext): Promise<Picture[]> {
  const seed = deriveSeed(context.seed, 'cyclegan-pictures');
  const pictures: Picture[] = model.isImage
    ? [{ name: 'translations', figure: translationsFigure(model, context.test ?? context.train) }]
    : [{ name: 'translation', figure: translationFigure(model, context.train.values, seed) }];
  const curves = curvesFigure(
    context.history,
    [
      { title: "generators' objective and its adversarial part", fields: ['loss', 'adversarial'] },
      { title: 'cycle and identity L1 (unweighted)', fields: ['cycle', 'identity'] },
      { title: "discriminators' loss", fields: ['d_loss'] },
      { title: 'held-out cycle error', fields: ['test_cycle_error_a', 'test_cycle_error_b'] },
      {
        title: 'log-density gap to real draws (0: as likely)',
        fields: ['test_logp_gap_ab', 'test_logp_gap_ba'],
      },
      { title: 'modes covered', fields: ['test_modes_covered_ab', 'test_modes_covered_ba'] },
      { title: 'labels preserved', fields: ['test_label_preserved_ab', 'test_label_preserved_ba'] },
      { title: 'Frechet distance', fields: ['test_frechet_a', 'test_frechet_b', 'frechet_distance'] },
    ],
    {
      title: `Training curves, CycleGAN (${model.config.loss})`,
      titles: {
        loss: 'generators (weighted total)',
        adversarial: 'adversarial',
        test_cycle_error_a: 'A -> B -> A',
        test_cycle_error_b: 'B -> A -> B',
        test_logp_gap_ab: 'G(a) under p_B',
        test_logp_gap_ba: 'F(b) under p_A',
        test_modes_covered_ab: 'G(a)',
        test_modes_covered_ba: 'F(b)',
        test_label_preserved_ab: 'T^-1(G(a))',
        test_label_preserved_ba: 'F(b)',
        test_frechet_a: 'F(b) vs A',
        test_frechet_b: 'T^-1(G(a)) vs T^-1(B)',
        frechet_distance: 'samples F(b) vs test digits',
      },
    },
  );
  if (curves !== null) pictures.push({ name: 'curves', figure: curves });
  return Promise.resolve(pictures);
}
