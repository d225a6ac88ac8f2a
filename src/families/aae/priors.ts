/**
 * The priors p(z) an adversarial autoencoder's codes are matched to (Makhzani et al., Figure 4): a standard normal in
 * any dimension, and two 2-D priors of ten components each, which the label-guided model (Figure 6) assigns one per
 * class:
 *
 * - `normal`: z ~ N(0, I_d).
 * - `mixture`: ten Gaussians whose centres lie on the circle of radius 1.4, component k at the angle
 *   theta_k = 2 pi k / 10, each elongated along its radius: z = R(theta_k) (1.4 + 0.5 e1, 0.05 e2), e ~ N(0, I), with
 *   R the rotation by theta_k, so its covariance is R diag(0.5^2, 0.05^2) R^T. The ten petals of the paper's
 *   figure; the parameters are those of the widely used reimplementation (musyoku/adversarial-autoencoder), and
 *   neighbouring petals only touch within about 0.4 of the origin.
 * - `swiss-roll`: points on the spiral z = r (cos 4 pi sqrt(u), sin 4 pi sqrt(u)), r = 3 sqrt(u), u ~ U(0, 1) (two
 *   turns out to radius 3, uniform in u, the curve itself without noise, as the same reimplementation draws it);
 *   segment k is u in [k / 10, (k + 1) / 10), so the segments run outwards from the centre in the order of k.
 *
 * Draws are made in JavaScript from a seeded {@link Random}: the same seed gives the same points on every backend.
 *
 * References: A. Makhzani, J. Shlens, N. Jaitly, I. Goodfellow and B. Frey, "Adversarial Autoencoders", 2015,
 * https://arxiv.org/abs/1511.05644
 */
import * as tf from '../../engine/tf.js';
import { Random, resolveSeed } from '../../engine/random.js';
import { OptionError } from '../../train/options.js';

/** The priors of `--prior`: N(0, I), ten 2-D Gaussians, or the 2-D swiss roll. */
export type AaePriorKind = 'normal' | 'mixture' | 'swiss-roll';
/** Every {@link AaePriorKind}, in the order `--help` lists them. */
export const AAE_PRIORS: readonly AaePriorKind[] = ['normal', 'mixture', 'swiss-roll'];

/** The components of the 2-D priors: one per MNIST class, for the label-guided model. */
export const PRIOR_COMPONENTS = 10;

/** The mixture prior's geometry: centres at `radius`, standard deviations `radialStd` and `tangentialStd`. */
export const MIXTURE_PRIOR = { radius: 1.4, radialStd: 0.5, tangentialStd: 0.05 } as const;

/** The swiss roll's geometry: r = `radius` sqrt(u), angle = `turns` 2 pi sqrt(u), u ~ U(0, 1). */
export const SWISS_ROLL_PRIOR = { radius: 3, turns: 2 } as const;

/** Options of {@link AaePrior.sample}. */
export interface PriorSampleOptions {
  /**
   * The component of each draw (integers in [0, 10)), for the 2-D priors; drawn uniformly when absent. A normal
   * prior has none, and refuses them.
   */
  components?: readonly number[];
  /**
   * Scale each draw's offset from its component's centre by T: z = T e for the normal prior, mu_k + T (z - mu_k)
   * for a mixture component, and u = u_k + T (u - u_k) (clamped to [0, 1]) along a swiss-roll segment of middle u_k,
   * so that the draws stay on the curve. Default 1, the prior itself.
   */
  temperature?: number;
}

/** A prior p(z) of an adversarial autoencoder. */
export interface AaePrior {
  readonly kind: AaePriorKind;
  /** The dimension of z. */
  readonly dimension: number;
  /** The components a draw may be asked to come from: 10 for the 2-D priors, 0 for the normal prior. */
  readonly components: number;
  /** The centre of component k: its mean for a Gaussian, the middle of a swiss-roll segment (at u_k). */
  centre(k: number): number[];
  /**
   * `n` draws, `[n, dimension]`, from `seed`.
   *
   * @example
   * const prior = createAaePrior('mixture', 2);
   * const z = prior.sample(3, 0, { components: [0, 7, 7] }); // one draw of petal 0, two of petal 7
   */
  sample(n: number, seed: number, options?: PriorSampleOptions): tf.Tensor2D;
}

/** One draw of a component k (or of the whole prior, for the normal), at temperature T, into `out` at `offset`. */
type Draw = (random: Random, k: number, t: number, out: Float32Array, offset: number) => void;

function checkTemperature(temperature: number): void {
  if (!(temperature > 0 && Number.isFinite(temperature)))
    throw new OptionError('temperature', `must be a positive number, got ${temperature}`);
}

/** The components of `n` draws, checked: those given, or uniform ones from `random`. */
function componentsOf(
  prior: AaePrior,
  n: number,
  random: Random,
  components: readonly number[] | undefined,
): ArrayLike<number> {
  const k = prior.components;
  if (components === undefined) return Int32Array.from({ length: n }, () => (k === 0 ? 0 : random.int(k)));
  if (k === 0)
    throw new OptionError(
      'labels',
      'cannot be given: a normal prior has no components (--prior mixture or swiss-roll has ten, one per label)',
    );
  if (components.length !== n)
    throw new OptionError('labels', `must hold one label per draw (${n}), got ${components.length}`);
  const bad = components.findIndex((c) => !Number.isInteger(c) || c < 0 || c >= k);
  if (bad >= 0)
    throw new OptionError('labels', `must be integers in [0, ${k}), got ${components[bad]} at index ${bad}`);
  return components;
}

function makePrior(
  kind: AaePriorKind,
  dimension: number,
  components: number,
  centre: (k: number) => number[],
  draw: Draw,
): AaePrior {
  const prior: AaePrior = {
    kind,
    dimension,
    components,
    centre,
    sample(n, seed, { components: given, temperature = 1 } = {}) {
      if (!Number.isInteger(n) || n < 1) throw new OptionError('n', `must be a positive integer, got ${n}`);
      checkTemperature(temperature);
      const random = new Random(resolveSeed(seed));
      const ks = componentsOf(prior, n, random, given);
      const out = new Float32Array(n * dimension);
      for (let i = 0; i < n; i++) draw(random, ks[i], temperature, out, i * dimension);
      return tf.tensor2d(out, [n, dimension]);
    },
  };
  return prior;
}

/** The angle of mixture component k's centre. */
const angleOf = (k: number) => (2 * Math.PI * k) / PRIOR_COMPONENTS;

/** The point of the swiss roll at u in [0, 1]. */
function swissRollPoint(u: number): [number, number] {
  const s = Math.sqrt(u);
  const r = SWISS_ROLL_PRIOR.radius * s;
  const phi = 2 * Math.PI * SWISS_ROLL_PRIOR.turns * s;
  return [r * Math.cos(phi), r * Math.sin(phi)];
}

/**
 * The prior `kind` over `dimension`-dimensional codes. The 2-D priors need `dimension` 2 (an `OptionError` naming
 * `latent` otherwise).
 *
 * @example
 * const p = createAaePrior('swiss-roll', 2);
 * p.centre(0); // the middle of the innermost segment, at u = 0.05
 * const z = p.sample(1000, 7); // [1000, 2], on the spiral
 */
export function createAaePrior(kind: AaePriorKind, dimension: number): AaePrior {
  if (!Number.isInteger(dimension) || dimension < 1)
    throw new OptionError('latent', `must be a positive integer, got ${dimension}`);
  if (kind !== 'normal' && dimension !== 2)
    throw new OptionError('latent', `must be 2 for the ${kind} prior (a 2-D density), got ${dimension}`);
  switch (kind) {
    case 'normal':
      return makePrior(
        kind,
        dimension,
        0,
        () => new Array<number>(dimension).fill(0),
        (random, _k, t, out, offset) => {
          for (let j = 0; j < dimension; j++) out[offset + j] = t * random.normal();
        },
      );
    case 'mixture': {
      const { radius, radialStd, tangentialStd } = MIXTURE_PRIOR;
      return makePrior(
        kind,
        2,
        PRIOR_COMPONENTS,
        (k) => [radius * Math.cos(angleOf(k)), radius * Math.sin(angleOf(k))],
        (random, k, t, out, offset) => {
          const a = radius + t * radialStd * random.normal();
          const b = t * tangentialStd * random.normal();
          const [c, s] = [Math.cos(angleOf(k)), Math.sin(angleOf(k))];
          out[offset] = a * c - b * s;
          out[offset + 1] = a * s + b * c;
        },
      );
    }
    case 'swiss-roll':
      return makePrior(
        kind,
        2,
        PRIOR_COMPONENTS,
        (k) => swissRollPoint((k + 0.5) / PRIOR_COMPONENTS),
        (random, k, t, out, offset) => {
          const middle = (k + 0.5) / PRIOR_COMPONENTS;
          const u = middle + (t * (random.next() - 0.5)) / PRIOR_COMPONENTS;
          const [x, y] = swissRollPoint(Math.min(1, Math.max(0, u)));
          out[offset] = x;
          out[offset + 1] = y;
        },
      );
  }
}
