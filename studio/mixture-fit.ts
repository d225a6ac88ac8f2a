/**
 * The EM panel's fit: a Gaussian mixture fitted to a toy density's points by the mixture family's own classes, EM
 * (`GaussianMixture`) or variational Bayes with a Dirichlet prior on the weights (`BayesianGaussianMixture`), with
 * every iteration kept (the model's `snapshot`) so that the page can step through them and see each one's
 * responsibilities, computed by that iteration's own `predictProba`.
 *
 * References: A. P. Dempster, N. M. Laird and D. B. Rubin, "Maximum Likelihood from Incomplete Data via the EM
 * Algorithm", 1977; C. M. Bishop, "Pattern Recognition and Machine Learning", 2006, sections 9.2 and 10.2.
 */
import { deriveSeed, Random } from '../src/engine/random.js';
import type { Dataset } from '../src/data/dataset.js';
import { BayesianGaussianMixture } from '../src/families/mixture/bayesian-gmm.js';
import { GaussianMixture } from '../src/families/mixture/gmm.js';
import type { MixtureFrame, StudioSetup } from './protocol.js';

/** What decides the EM panel's fit, besides its points. */
export type MixtureFitSetup = Pick<StudioSetup, 'seed' | 'components' | 'mixture'>;

/** How many of a toy density's points the mixture is fitted to. */
export const MIXTURE_POINTS = { trainSize: 2000, testSize: 0 };

/** One iteration of the fit: the model as it stood after that M-step. */
interface Iteration {
  iteration: number;
  lowerBound: number;
  model: GaussianMixture | BayesianGaussianMixture;
}

/**
 * A mixture fitted to the points of `train` (2-D), every iteration kept, the one shown stepped through by
 * {@link next}.
 *
 * @example
 * const { train } = toy2dDataset('ring8', { ...MIXTURE_POINTS, seed: 0 });
 * const steps = new MixtureSteps({ seed: 0, components: 20, mixture: 'bayesian' }, train);
 * while (steps.next());
 * steps.frame().active!.length; // 8: the prior pruned the other 12 components
 */
export class MixtureSteps {
  /** Every iteration of the fit, from the initial M-step (0) to the last. */
  readonly iterations: Iteration[] = [];
  /** The training points, float64 as the classes take them and float32 as the page draws them. */
  readonly points: { data: Float64Array; n: number; d: number };
  readonly data: Float32Array;
  /** The iteration shown. */
  shown = 0;

  constructor(
    readonly setup: MixtureFitSetup,
    train: Dataset,
  ) {
    if (train.shape.length !== 1 || train.shape[0] !== 2)
      throw new RangeError(
        `MixtureSteps: argument 'train' must hold 2-D points, got shape [${train.shape.join(', ')}]`,
      );
    this.data = Float32Array.from(train.values);
    this.points = { data: Float64Array.from(train.values), n: train.n, d: 2 };
    // The fit starts from k training points drawn by the seed (each point to its nearest), not from k-means, whose
    // start is already an EM-like fit: so the page shows the fit doing the work. The tolerance is tighter than the
    // family's default for the same reason.
    const picks = new Random(deriveSeed(setup.seed, 'em-start'))
      .permutation(train.n)
      .slice(0, setup.components);
    const means = Array.from(picks, (i) => [train.values[2 * i], train.values[2 * i + 1]]);
    const common = { seed: setup.seed, maxIter: 500, tol: 1e-4, init: { means } };
    const keep = ({
      iteration,
      lowerBound,
      model,
    }: {
      iteration: number;
      lowerBound: number;
      model: GaussianMixture | BayesianGaussianMixture;
    }) => this.iterations.push({ iteration, lowerBound, model: model.snapshot() });
    if (setup.mixture === 'bayesian')
      new BayesianGaussianMixture(setup.components, {
        ...common,
        weightConcentrationPriorType: 'dirichlet_distribution',
      }).fit(this.points, { onIteration: keep });
    else new GaussianMixture(setup.components, common).fit(this.points, { onIteration: keep });
  }

  /** The iteration `t` as the page draws it, its responsibilities computed from its own parameters. */
  frame(t = this.shown): MixtureFrame {
    const { iteration, lowerBound, model } = this.iterations[t];
    return {
      fit: this.setup.mixture,
      iteration,
      iterations: this.iterations.length - 1,
      lowerBound,
      converged: model.converged,
      weights: model.weights,
      means: model.means,
      covariances: model.covariances,
      data: this.data,
      responsibilities: Float32Array.from(model.predictProba(this.points)),
      active: model instanceof BayesianGaussianMixture ? model.activeComponents : null,
    };
  }

  /** Show the next iteration; false at the last. */
  next(): boolean {
    if (this.shown + 1 >= this.iterations.length) return false;
    this.shown += 1;
    return true;
  }
}
