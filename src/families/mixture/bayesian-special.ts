/**
 * Float64 special functions for the variational Gaussian mixture: log Gamma, digamma and log Beta on plain numbers.
 * (src/distributions/special.ts works on float32 tensors; the mixture code is plain float64 JavaScript.)
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * log Gamma(x) for x > 0 by the Lanczos approximation (g = 7, 9 terms; relative error ~1e-15), with the
 * reflection formula for x < 0.5.
 *
 * @example
 * lgamma(5); // log 24
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The digamma function psi(x) = d/dx log Gamma(x) for x > 0: the recurrence psi(x) = psi(x + 1) - 1/x up to
 * x >= 6, then the asymptotic series log x - 1/(2x) - sum B_2k / (2k x^2k).
 *
 * @example
 * digamma(1); // -0.5772156649015329 (minus the Euler-Mascheroni constant)
 */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0 && Number.isInteger(x)) return NaN;
  if (x < 0) return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  let result = 0;
  while (x < 6) {
    result -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  const series =
    f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760 - f / 12))))));
  return result + Math.log(x) - 0.5 / x - series;
}

/**
 * log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b).
 *
 * @example
 * lbeta(1, 1); // 0
 */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}
