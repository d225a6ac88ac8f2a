/**
 * The pictures of a trained GAN. On 2-D data: samples over the true density (`samples`), and the discriminator's
 * heatmap with real and generated points and the arrows along which the generator's gradient moves its points,
 * beside the optimal D* = p / (p + q) when both densities are known (`discriminator`). On images: a grid of samples.
 * For InfoGAN, what each code does (`codes`). And the curves of both players' losses and of the held-out metrics
 * (`curves`).
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import type { Dataset } from '../../data/dataset.js';
import { toy2dLogDensity } from '../../data/toy2d.js';
import { densityComparisonSpec, densityGrid } from '../../plot/density2d.js';
import { discriminatorSpec, type DiscriminatorGrid } from '../../plot/discriminator2d.js';
import { chartFigure, rasterFigure, type Figure } from '../../plot/figure.js';
import { imageGrid } from '../../plot/image-grid.js';
import { latentScatterSpec } from '../../plot/latent-scatter.js';
import { optimalDiscriminator } from '../../metrics/optimal-discriminator.js';
import type { Picture, PictureContext } from '../family.js';
import { curvesFigure, planePoints, samplesFigure } from '../figures.js';
import { generatorLoss } from './losses.js';
import { ganSamples } from './samples.js';
import type { GanModel } from './model.js';

/** The square a 2-D picture shows, from the data's extent (with a margin), at least [-1, 1]^2. */
export function pictureRange(values: ArrayLike<number>): [number, number] {
  let m = 1;
  for (let i = 0; i < values.length; i++)
    if (Number.isFinite(values[i])) m = Math.max(m, Math.abs(values[i]));
  const r = 1.15 * m;
  return [-r, r];
}

/** The grid's cell centres as points, row by row from the bottom (the order of `densityGrid`). */
export function gridPoints(range: readonly [number, number], resolution: number): Float64Array {
  const [lo, hi] = range;
  const at = (i: number) => lo + ((i + 0.5) * (hi - lo)) / resolution;
  const out = new Float64Array(2 * resolution * resolution);
  for (let j = 0; j < resolution; j++)
    for (let i = 0; i < resolution; i++) {
      out[2 * (j * resolution + i)] = at(i);
      out[2 * (j * resolution + i) + 1] = at(j);
    }
  return out;
}

/** D(x) = sigmoid(logit) at 2-D points (a WGAN critic's values are squashed the same way for the picture). */
export function discriminatorAt(gan: GanModel, points: Float64Array): Float64Array {
  const d = tf.tidy(() =>
    tf.sigmoid(gan.logits(tf.tensor2d(Float32Array.from(points), [points.length / 2, 2]))),
  );
  const out = Float64Array.from(d.dataSync());
  d.dispose();
  return out;
}

/**
 * Where the generator's gradient moves `m` generated points: each point x = G(z) and the step -grad_x of the
 * generator's loss, scaled so that the longest arrow is `length`.
 */
export function generatorArrows(
  gan: GanModel,
  m: number,
  seed: number,
  length: number,
): { from: Float32Array; to: Float32Array } {
  const [x, step] = tf.tidy((): [tf.Tensor2D, tf.Tensor] => {
    const xs = gan.generate(m, seed);
    const g = tf.grad((p: tf.Tensor) =>
      tf.mul(generatorLoss(gan.config.loss, gan.logits(p as tf.Tensor2D)), m),
    )(xs);
    const norms = tf.sqrt(tf.sum(tf.square(g), 1));
    const scale = tf.div(length, tf.add(tf.max(norms), 1e-12));
    return [xs, tf.mul(tf.neg(g), scale)];
  });
  const from = x.dataSync() as Float32Array;
  const moved = step.dataSync() as Float32Array;
  tf.dispose([x, step]);
  return { from, to: from.map((v, i) => v + moved[i]) };
}

/** The learned D (and D* when the generator's density and the data's are known), with points and arrows. */
export function discriminatorFigure(gan: GanModel, real: ArrayLike<number>, seed: number): Figure {
  const range = pictureRange(real);
  const resolution = 80;
  const points = gridPoints(range, resolution);
  const centres = Float64Array.from({ length: resolution }, (_, i) => points[2 * i]);
  const grid = (values: Float64Array): DiscriminatorGrid => ({ xs: centres, ys: centres, values });
  const panels = [{ title: 'learned D(x)', grid: grid(discriminatorAt(gan, points)) }];
  const logP = gan.config.density === null ? null : toy2dLogDensity(gan.config.density);
  const logProb = gan.generator.logProb?.bind(gan.generator);
  if (logP !== null && logProb !== undefined) {
    const logQ = (x: Float64Array) => {
      const lq = tf.tidy(() => logProb(tf.tensor2d(Float32Array.from(x), [x.length / 2, 2])));
      const values = Float64Array.from(lq.dataSync());
      lq.dispose();
      return values;
    };
    // The same cells in the same order as `points`.
    const { dStar } = optimalDiscriminator({ logP, logQ, range, resolution });
    panels.push({ title: 'optimal D*(x) = p / (p + q)', grid: grid(dStar) });
  }
  const arrows = generatorArrows(gan, 200, deriveSeed(seed, 'arrows'), 0.08 * (range[1] - range[0]));
  const fake = gan.generate(500, deriveSeed(seed, 'fake'));
  const fakeValues = fake.dataSync() as Float32Array;
  fake.dispose();
  return chartFigure(
    discriminatorSpec({
      panels,
      real: Float32Array.from(real).subarray(0, 1000),
      fake: Float32Array.from([...arrows.from, ...fakeValues]),
      arrows: { to: Float32Array.from([...arrows.to, ...fakeValues]) },
      title: `${gan.config.loss} GAN${gan.config.density === null ? '' : ` on ${gan.config.density}`}`,
      range,
    }),
  );
}

/** Samples over the true density (when known) on 2-D data. */
function samples2dFigure(gan: GanModel, real: ArrayLike<number>, data: string, seed: number): Figure {
  const range = pictureRange(real);
  const logP = gan.config.density === null ? null : toy2dLogDensity(gan.config.density);
  const x = gan.generate(2500, seed);
  const values = x.dataSync() as Float32Array;
  x.dispose();
  return chartFigure(
    densityComparisonSpec({
      learned: null,
      truth: logP === null ? null : densityGrid(logP, { xRange: range, yRange: range, resolution: 120 }),
      samples: values,
      title: `${gan.config.loss} GAN on ${data}: 2,500 samples`,
      range,
    }),
  );
}

/** Rows of fixed noise in the categorical part of the codes picture. */
const NOISE_ROWS = 8;
/** The values a continuous code takes across the codes picture, from -2 to 2 (beyond its training range -1..1). */
const CODE_STEPS = 10;
/** The most categorical values the codes picture shows. */
const MAX_CATEGORIES_SHOWN = 20;

/**
 * InfoGAN's codes on images, as in Chen et al.'s Figure 2: first a block whose rows are fixed noise z and whose
 * columns are the K values of the categorical code c (the continuous codes at 0); then, for each continuous code
 * u_i, a block whose rows hold one categorical value each (and one noise each) and whose columns vary u_i from -2 to
 * 2 (the other continuous codes at 0). A blank row separates the blocks.
 */
export function codesImageFigure(gan: GanModel, seed: number): Figure {
  const { categories: k, continuousCodes, latent, inputShape } = gan.config;
  const [height, width, channels] = inputShape;
  const shown = Math.min(k, MAX_CATEGORIES_SHOWN);
  const columns = Math.max(shown, continuousCodes > 0 ? CODE_STEPS : 0);
  const codeRows = Math.min(k, CODE_STEPS);
  const noise = tf.tidy(() => gan.noise(Math.max(NOISE_ROWS, codeRows), seed));
  const z = noise.arraySync();
  noise.dispose();
  // The generator's input of each cell of the grid, row by row; null for a blank cell.
  const cells: Array<number[] | null> = [];
  const input = (row: number, category: number, u: number[]) => [
    ...z[row],
    ...Array.from({ length: k }, (_, j) => (j === category ? 1 : 0)),
    ...u,
  ];
  const zeros = new Array<number>(continuousCodes).fill(0);
  const blankRow = () => cells.push(...new Array<null>(columns).fill(null));
  for (let r = 0; r < NOISE_ROWS; r++)
    for (let j = 0; j < columns; j++) cells.push(j < shown ? input(r, j, zeros) : null);
  for (let i = 0; i < continuousCodes; i++) {
    blankRow();
    for (let r = 0; r < codeRows; r++)
      for (let j = 0; j < columns; j++) {
        const u = [...zeros];
        u[i] = -2 + (4 * j) / (CODE_STEPS - 1);
        cells.push(j < CODE_STEPS ? input(r, r, u) : null);
      }
  }
  const drawn = cells.filter((c): c is number[] => c !== null);
  const x = tf.tidy(() =>
    gan.generator.apply(tf.tensor2d(drawn, [drawn.length, latent + k + continuousCodes])),
  );
  const images = x.dataSync();
  x.dispose();
  const size = height * width * channels;
  const values = new Float32Array(cells.length * size).fill(1);
  let next = 0;
  cells.forEach((cell, i) => {
    if (cell !== null) values.set(images.subarray(next * size, ++next * size), i * size);
  });
  return rasterFigure(
    imageGrid(values, { count: cells.length, height, width, channels: channels as 1 | 3, columns, scale: 2 }),
  );
}

/** InfoGAN's codes on vectors: samples coloured by their categorical code (first two principal components beyond 2-D). */
export function codesScatterFigure(gan: GanModel, seed: number): Figure {
  const samples = ganSamples(gan, 2000, { seed });
  const { points, axes } = planePoints(samples);
  return chartFigure(
    latentScatterSpec(points, samples.labels, {
      title: `InfoGAN: 2,000 samples coloured by their categorical code (K = ${gan.config.categories})`,
      xTitle: axes[0],
      yTitle: axes[1],
      classNames: Array.from({ length: gan.config.categories }, (_, j) => `c = ${j}`),
    }),
  );
}

/**
 * A picture of samples drawn by `ganSamples`: the generic grid or scatter, with one column per categorical code when
 * InfoGAN's samples were drawn with the codes in turn (a grid of random codes is laid out as any other).
 */
export function ganSamplesFigure(_gan: GanModel, samples: Dataset): Figure {
  const k = samples.numClasses;
  const inTurn = samples.labels?.every((label, i) => label === i % k) ?? false;
  return samplesFigure(inTurn ? samples : { ...samples, labels: null, numClasses: 0 });
}

/** Every picture that applies to `gan`. */
export async function ganPictures(gan: GanModel, context: PictureContext): Promise<Picture[]> {
  const seed = deriveSeed(context.seed, 'gan-pictures');
  const pictures: Picture[] = [];
  const real = context.train.values;
  // An InfoGAN's grid of samples has one column per categorical code (up to 10 codes).
  const k = gan.config.categories;
  const labels = gan.hasCodes && k <= 10 ? Array.from({ length: 100 }, (_, i) => i % k) : undefined;
  if (gan.isImage)
    pictures.push({
      name: 'samples',
      figure: ganSamplesFigure(gan, ganSamples(gan, 100, { seed, labels })),
    });
  else if (gan.dimension === 2) {
    pictures.push({ name: 'samples', figure: samples2dFigure(gan, real, context.data, seed) });
    pictures.push({ name: 'discriminator', figure: discriminatorFigure(gan, real, seed) });
  }
  if (gan.hasCodes) {
    const codesSeed = deriveSeed(seed, 'codes');
    pictures.push({
      name: 'codes',
      figure: gan.isImage ? codesImageFigure(gan, codesSeed) : codesScatterFigure(gan, codesSeed),
    });
  }
  const curves = curvesFigure(
    context.history,
    [
      { title: 'losses', fields: ['loss', 'g_loss'] },
      { title: 'information loss -L_I', fields: ['info_loss'] },
      { title: "Q's categorical accuracy (best assignment)", fields: ['test_q_accuracy'] },
      { title: 'held-out divergence bound', fields: ['test_divergence'] },
      { title: 'modes covered', fields: ['test_modes_covered'] },
      { title: 'high-quality fraction', fields: ['test_high_quality_frac'] },
      { title: 'V(G, D) and V(G, D*) = -log 4 + 2 JSD', fields: ['test_value', 'test_value_optimal'] },
      { title: 'E|D - D*|', fields: ['test_d_star_distance'] },
      { title: 'Frechet distance of the samples', fields: ['frechet_distance'] },
      { title: 'precision and recall of the samples', fields: ['precision', 'recall'] },
      { title: 'class histogram KL to uniform', fields: ['class_kl'] },
      { title: 'the codes read by the classifier (best assignment)', fields: ['code_accuracy'] },
    ],
    {
      title: 'Training curves',
      titles: {
        loss: 'discriminator',
        g_loss: 'generator',
        test_value: 'V(G, D), learned D',
        test_value_optimal: 'V(G, D*)',
      },
    },
  );
  if (curves !== null) pictures.push({ name: 'curves', figure: curves });
  return Promise.resolve(pictures);
}
