/**
 * What the Vega-Lite charts share: the schema they declare, and the extent of their data.
 */

/** The Vega-Lite schema every chart declares. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The smallest and largest finite values of `values` (null when none), without spreading them into arguments. */
export function finiteExtent(values: Iterable<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values)
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  return lo <= hi ? [lo, hi] : null;
}
