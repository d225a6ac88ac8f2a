/**
 * KL weight schedules: beta as a function of training progress t (in epochs, fractional within an epoch).
 *
 * Warm-up raises the KL weight from 0 to its target so that the decoder learns to use z before the KL term pushes
 * q(z|x) onto the prior (a remedy for posterior collapse); cyclical annealing repeats the ramp.
 *
 * References: S. R. Bowman et al., "Generating Sentences from a Continuous Space", 2016,
 * https://arxiv.org/abs/1511.06349; C. K. Sønderby et al., "Ladder Variational Autoencoders", 2016,
 * https://arxiv.org/abs/1602.02282; H. Fu et al., "Cyclical Annealing Schedule: A Simple Approach to Mitigating KL
 * Vanishing", 2019, https://arxiv.org/abs/1903.10145
 */

/** beta(t) for progress t >= 0 in epochs. */
export type BetaSchedule = (t: number) => number;

function check(value: number, name: string, fn: string, min: number, inclusive = true): void {
  if (!Number.isFinite(value) || (inclusive ? value < min : value <= min))
    throw new Error(
      `${fn}: argument '${name}' must be a number ${inclusive ? '>=' : '>'} ${min}, got ${value}`,
    );
}

/** beta(t) = beta. */
export function constantBeta(beta: number): BetaSchedule {
  check(beta, 'beta', 'constantBeta', 0);
  return () => beta;
}

/**
 * beta(t) = beta * min(1, t / warmup): a linear ramp over the first `warmup` epochs (Sønderby et al.); `warmup` 0
 * means no ramp.
 *
 * @example
 * const schedule = linearWarmup(1, 10); // schedule(5) === 0.5
 */
export function linearWarmup(beta: number, warmup: number): BetaSchedule {
  check(beta, 'beta', 'linearWarmup', 0);
  check(warmup, 'warmup', 'linearWarmup', 0);
  if (warmup === 0) return () => beta;
  return (t) => beta * Math.min(1, Math.max(0, t) / warmup);
}

/**
 * Cyclical annealing (Fu et al.): t is cut into cycles of `period` epochs; in each, beta rises linearly from 0 over
 * the first `ratio` of the cycle and then stays at `beta`.
 *
 * @example
 * const schedule = cyclicalAnnealing(1, { period: 4, ratio: 0.5 }); // 0 at t = 0, 0.5 at t = 1, 1 at t = 2..4
 */
export function cyclicalAnnealing(
  beta: number,
  { period, ratio = 0.5 }: { period: number; ratio?: number },
): BetaSchedule {
  check(beta, 'beta', 'cyclicalAnnealing', 0);
  check(period, 'period', 'cyclicalAnnealing', 0, false);
  if (!(ratio > 0 && ratio <= 1))
    throw new Error(`cyclicalAnnealing: argument 'ratio' must be in (0, 1], got ${ratio}`);
  return (t) => {
    const phase = (Math.max(0, t) % period) / period;
    return beta * Math.min(1, phase / ratio);
  };
}
