/**
 * Test data shared by the mixture models' tests (not part of the library).
 */
/**
 * 300 points from 3 Gaussians in 2-D, point i from component i % 3: x = c + A z with z from Box-Muller over the
 * Park-Miller generator, written identically in the Python that produced the references below.
 */
export function threeClusters(): { data: Float64Array; n: number; d: number } {
  let state = 12345;
  const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const normal = () => {
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const centres = [
    [0, 0],
    [5, 5],
    [-4, 6],
  ];
  const a = [
    [1, 0, 0.5, 0.8],
    [0.6, 0, -0.3, 1.2],
    [0.9, 0, 0, 0.4],
  ];
  const data = new Float64Array(600);
  for (let i = 0; i < 300; i++) {
    const c = i % 3;
    const z = [normal(), normal()];
    data[2 * i] = centres[c][0] + a[c][0] * z[0] + a[c][1] * z[1];
    data[2 * i + 1] = centres[c][1] + a[c][2] * z[0] + a[c][3] * z[1];
  }
  return { data, n: 300, d: 2 };
}
