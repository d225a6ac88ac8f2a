import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { curvesSpec } from './curves.js';
import { chartFigure } from './figure.js';
import { PNG_SIGNATURE, renderFigure } from './render.js';

// The test ELBO is computed every other epoch; `iw` never.
const rows = Array.from({ length: 10 }, (_, i) => ({
  epoch: i + 1,
  elbo: -200 + 60 * (1 - Math.exp(-i / 3)),
  reconstruction: -180 + 50 * (1 - Math.exp(-i / 3)),
  kl: 20 + 5 * (1 - Math.exp(-i / 2)),
  ...(i % 2 === 1 ? { test_elbo: -198 + 58 * (1 - Math.exp(-i / 3)) } : {}),
}));

interface Panel {
  title: string;
  data: { values: { x: number; y: number }[] };
  encoding: { x: { title: string }; y: { title: string } };
}
interface Concat {
  columns: number;
  concat: Panel[];
  resolve: { scale: { y: string; x: string } };
}

describe('curvesSpec', () => {
  it('makes one panel per series with values, each with its own y scale and title', () => {
    const spec = curvesSpec(rows, {
      series: ['elbo', 'reconstruction', 'kl', 'test_elbo', 'iw'],
      seriesTitles: { kl: 'KL (nats)' },
    }) as unknown as Concat;
    expect(spec.concat.map((p) => p.encoding.y.title)).toEqual([
      'elbo',
      'reconstruction',
      'KL (nats)',
      'test_elbo',
    ]);
    expect(spec.concat.map((p) => p.data.values.length)).toEqual([10, 10, 10, 5]);
    expect(spec.concat[3].data.values[0]).toEqual({ x: 2, y: rows[1].test_elbo, series: 'test_elbo' });
    expect(spec.concat[0].encoding.x.title).toBe('epoch');
    expect(spec.resolve.scale).toEqual({ y: 'independent', x: 'shared', color: 'independent' });
    expect(spec.columns).toBe(2);
  });

  it('draws a group of fields in one panel, one coloured line each', () => {
    const spec = curvesSpec(rows, {
      series: [{ title: 'ELBO (nats)', fields: ['elbo', 'test_elbo'] }, 'kl'],
      seriesTitles: { elbo: 'train', test_elbo: 'test' },
    }) as unknown as { concat: Array<Panel & { encoding: { color?: { field: string; sort: string[] } } }> };
    expect(spec.concat).toHaveLength(2);
    const [group, kl] = spec.concat;
    expect(group.encoding.y.title).toBe('ELBO (nats)');
    expect(group.encoding.color).toMatchObject({ field: 'series', sort: ['train', 'test'] });
    expect(group.data.values.filter((v) => (v as { series?: string }).series === 'train')).toHaveLength(10);
    expect(group.data.values.filter((v) => (v as { series?: string }).series === 'test')).toHaveLength(5);
    expect(kl.encoding.color).toBeUndefined();
  });

  it('skips rows whose x or value is not finite, and takes another x field', () => {
    const spec = curvesSpec(
      [
        { step: 1, loss: 3 },
        { step: NaN, loss: 2 },
        { step: 3, loss: Infinity },
        { step: 4, loss: 1 },
      ],
      { x: 'step', series: ['loss'] },
    ) as unknown as Concat;
    expect(spec.concat).toHaveLength(1);
    expect(spec.concat[0].data.values).toMatchObject([
      { x: 1, y: 3 },
      { x: 4, y: 1 },
    ]);
    expect(spec.concat[0].encoding.x.title).toBe('step');
    expect(spec.columns).toBe(1);
  });

  it.each([
    ['no series', rows, [], /option 'series' must name at least one field/],
    [
      'series without values',
      rows,
      ['iw'],
      /argument 'rows' has no finite value of any series \(iw\) with a finite 'epoch'/,
    ],
    ['no rows', [], ['elbo'], /argument 'rows'/],
  ])('rejects %s, naming the argument', (_, r, series, message) => {
    expect(() => curvesSpec(r, { series })).toThrow(message);
  });
});

describe('renderFigure of curvesSpec', () => {
  it('renders four panels in two rows to a PNG of sensible size', async () => {
    const png = await renderFigure(
      chartFigure(
        curvesSpec(rows, { series: ['elbo', 'reconstruction', 'kl', 'test_elbo'], title: 'Training' }),
      ),
      { scale: 1 },
    );
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const image = PNG.sync.read(png);
    // Two 260 x 150 panels a row, two rows, plus axes and titles.
    expect(image.width).toBeGreaterThan(2 * 260);
    expect(image.width).toBeLessThan(2 * 260 + 300);
    expect(image.height).toBeGreaterThan(2 * 150);
    expect(image.height).toBeLessThan(2 * 150 + 250);
  });
});
