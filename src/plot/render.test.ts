import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PlotArgumentError } from './errors.js';
import { chartFigure, rasterFigure, type Figure, type Raster, type TopLevelSpec } from './figure.js';
import {
  encodePng,
  PNG_SIGNATURE,
  renderChart,
  renderFigure,
  renderVegaLite,
  svgToPng,
  writeFigure,
  writePng,
} from './render.js';

// A disk that fills up half-way through a write: when `failNext` is set, the next writeFile writes the first 16
// bytes and then throws, as ENOSPC would.
const disk = vi.hoisted(() => ({ failNext: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    writeFile: async (path: string, data: Uint8Array, options?: object) => {
      if (!disk.failNext) return real.writeFile(path, data, options);
      disk.failNext = false;
      await real.writeFile(path, data.subarray(0, 16));
      throw Object.assign(new Error('ENOSPC: no space left on device (simulated)'), { code: 'ENOSPC' });
    },
  };
});

// A 2 x 2 heatmap of fixed size: 4 cells of 20 x 20 units, plus axes and a title.
const spec: TopLevelSpec = {
  title: 'Tiny heatmap',
  width: 40,
  height: 40,
  data: {
    values: [
      { x: 'a', y: 'u', v: 0 },
      { x: 'a', y: 'w', v: 1 },
      { x: 'b', y: 'u', v: 2 },
      { x: 'b', y: 'w', v: 3 },
    ],
  },
  mark: 'rect',
  encoding: {
    x: { field: 'x', type: 'nominal' },
    y: { field: 'y', type: 'nominal' },
    color: { field: 'v', type: 'quantitative' },
  },
};

function decode(png: Buffer): PNG {
  return PNG.sync.read(png);
}

/** The number of distinct RGBA colours in a decoded image. */
function distinctColours(image: PNG): number {
  const seen = new Set<number>();
  for (let i = 0; i < image.data.length; i += 4) seen.add(image.data.readUInt32BE(i));
  return seen.size;
}

/** The fraction of pixels that are not pure white. */
function inkFraction(image: PNG): number {
  let ink = 0;
  for (let i = 0; i < image.data.length; i += 4) if (image.data.readUInt32BE(i) !== 0xffffffff) ink++;
  return ink / (image.width * image.height);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latentlab-chart-'));
});

describe('renderVegaLite', () => {
  it('gives a PNG whose size is the chart size times the scale, with more than one colour', async () => {
    const png1 = await renderVegaLite(spec, { scale: 1 });
    const png3 = await renderVegaLite(spec, { scale: 3 });
    expect(png1.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const [a, b] = [decode(png1), decode(png3)];
    // The plot area is 40 x 40 units; axes, labels and title add to it.
    expect(a.width).toBeGreaterThan(40);
    expect(a.height).toBeGreaterThan(40);
    expect(a.width).toBeLessThan(200);
    expect(b.width).toBe(3 * a.width);
    expect(b.height).toBe(3 * a.height);
    // Four cell colours, the white page, grey axes and anti-aliased text.
    expect(distinctColours(a)).toBeGreaterThan(6);
  });

  it('paints an opaque white page behind a transparent chart', async () => {
    const image = decode(await renderVegaLite({ ...spec, background: 'transparent' }, { scale: 1 }));
    expect(image.data.readUInt32BE(0)).toBe(0xffffffff);
    const dark = decode(await renderVegaLite(spec, { scale: 1, background: '#000000' }));
    // Vega-Lite's own white background is drawn over the page colour, so it stays white.
    expect(dark.data.readUInt32BE(0)).toBe(0xffffffff);
  });

  it('draws text: a title alone puts ink on the page (fails when no font is installed)', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30">' +
      '<text x="4" y="22" font-family="sans-serif" font-size="18">Hello ELBO</text></svg>';
    const image = decode(svgToPng(svg, { scale: 1 }));
    expect(image.width).toBe(120);
    expect(inkFraction(image)).toBeGreaterThan(0.03);
  });

  it.each([
    ['a non-positive scale', { scale: 0 }, /option 'scale'/],
    ['an infinite scale', { scale: Infinity }, /option 'scale'/],
  ])('rejects %s', async (_, options, message) => {
    await expect(renderVegaLite(spec, options)).rejects.toThrow(message);
  });

  it('rejects a spec Vega-Lite cannot compile, naming the function and the argument', async () => {
    const bad = { data: { values: [] }, mark: 'no-such-mark' } as unknown as TopLevelSpec;
    await expect(renderVegaLite(bad)).rejects.toThrow(/^renderVegaLite: argument 'spec'/);
    await expect(renderChart(bad)).rejects.toThrow(/^renderChart: argument 'spec'/);
  });

  it('gives the same bytes as renderChart and as renderFigure of the chart figure', async () => {
    const png = await renderVegaLite(spec, { scale: 1 });
    expect((await renderChart(spec, { scale: 1 })).equals(png)).toBe(true);
    expect((await renderFigure(chartFigure(spec), { scale: 1 })).equals(png)).toBe(true);
  });
});

// A 3 x 2 RGB raster: top row red, green, blue; bottom row black, grey 128, white.
const RGB: Raster = {
  width: 3,
  height: 2,
  channels: 3,
  data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 128, 128, 128, 255, 255, 255]),
};

describe('encodePng', () => {
  it('encodes an RGB raster as 8-bit RGB that decodes to the same pixels', () => {
    const png = encodePng(RGB);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([3, 2, 8, 2]);
    const image = decode(png);
    const rgb = Array.from({ length: 6 }, (_, p) => Array.from(image.data.subarray(4 * p, 4 * p + 3)));
    expect(rgb.flat()).toEqual(Array.from(RGB.data));
    expect(Array.from({ length: 6 }, (_, p) => image.data[4 * p + 3])).toEqual(Array(6).fill(255));
  });

  it('encodes a grey raster as 8-bit grey, reading only its own bytes of a larger buffer', () => {
    const bytes = Uint8Array.from([9, 9, 0, 64, 200, 255, 9]);
    const png = encodePng({ width: 2, height: 2, channels: 1, data: bytes.subarray(2, 6) });
    expect(png[25]).toBe(0);
    const image = decode(png);
    expect([image.width, image.height]).toEqual([2, 2]);
    expect(Array.from({ length: 4 }, (_, p) => image.data[4 * p])).toEqual([0, 64, 200, 255]);
  });

  it.each([
    ['a width of 0', { ...RGB, width: 0 }, /argument 'raster.width' must be an integer >= 1, got 0/],
    ['a fractional height', { ...RGB, height: 1.5 }, /argument 'raster.height'/],
    ['4 channels', { ...RGB, channels: 4 as 3 }, /argument 'raster.channels' must be 1 \(grey\) or 3/],
    [
      'too few bytes',
      { ...RGB, data: RGB.data.subarray(1) },
      /argument 'raster.data' must be a Uint8Array of width \* height \* channels = 18 bytes, got 17/,
    ],
    [
      'numbers instead of bytes',
      { ...RGB, data: Array.from(RGB.data) as unknown as Uint8Array },
      /argument 'raster.data' must be a Uint8Array .* got object/,
    ],
  ])('rejects %s, naming the argument', (_, raster, message) => {
    expect(() => encodePng(raster)).toThrow(message);
    expect(() => encodePng(raster)).toThrow(PlotArgumentError);
  });
});

describe('renderFigure', () => {
  it('encodes a raster figure as it is, whatever the chart options', async () => {
    const png = encodePng(RGB);
    expect((await renderFigure(rasterFigure(RGB))).equals(png)).toBe(true);
    expect((await renderFigure(rasterFigure(RGB), { scale: 3, background: 'black' })).equals(png)).toBe(true);
  });

  it('rejects a figure of another kind, naming the argument', async () => {
    const odd = { kind: 'svg', svg: '<svg/>' } as unknown as Figure;
    await expect(renderFigure(odd)).rejects.toThrow(
      /renderFigure: argument 'figure' must have kind 'raster' or 'chart', got svg/,
    );
  });
});

describe('writeFigure', () => {
  it('writes the rendered PNG of a raster or a chart, leaving no temporary file', async () => {
    const path = join(dir, 'figure.png');
    await writeFigure(path, rasterFigure(RGB));
    expect((await readFile(path)).equals(encodePng(RGB))).toBe(true);
    await writeFigure(path, chartFigure(spec), { scale: 1 });
    expect((await readFile(path)).equals(await renderChart(spec, { scale: 1 }))).toBe(true);
    expect(await readdir(dir)).toEqual(['figure.png']);
  });

  it('keeps the old file when the disk fills up mid-write', async () => {
    const path = join(dir, 'figure.png');
    await writeFigure(path, rasterFigure(RGB));
    disk.failNext = true;
    await expect(writeFigure(path, chartFigure(spec), { scale: 1 })).rejects.toThrow(/ENOSPC/);
    expect((await readFile(path)).equals(encodePng(RGB))).toBe(true);
    expect(await readdir(dir)).toEqual(['figure.png']);
  });
});

describe('writePng', () => {
  it('writes the bytes and leaves no temporary file behind', async () => {
    const png = await renderVegaLite(spec, { scale: 1 });
    const path = join(dir, 'chart.png');
    await writePng(path, png);
    expect((await readFile(path)).equals(png)).toBe(true);
    expect(await readdir(dir)).toEqual(['chart.png']);
    // Overwriting an existing picture also goes through a temporary file.
    const bigger = await renderVegaLite(spec, { scale: 2 });
    await writePng(path, bigger);
    expect((await readFile(path)).equals(bigger)).toBe(true);
    expect(await readdir(dir)).toEqual(['chart.png']);
  });

  it('keeps the old file and removes the partial one when the disk fills up mid-write', async () => {
    const path = join(dir, 'chart.png');
    const old = await renderVegaLite(spec, { scale: 1 });
    await writePng(path, old);
    disk.failNext = true;
    await expect(writePng(path, await renderVegaLite(spec, { scale: 2 }))).rejects.toThrow(/ENOSPC/);
    expect((await readFile(path)).equals(old)).toBe(true);
    expect(await readdir(dir)).toEqual(['chart.png']);
  });

  it('leaves nothing when the rename fails (the target is a folder) or the folder is missing', async () => {
    const png = await renderVegaLite(spec, { scale: 1 });
    await writeFile(join(dir, 'keep.txt'), 'x');
    await mkdir(join(dir, 'taken.png'));
    await expect(writePng(join(dir, 'taken.png'), png)).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['keep.txt', 'taken.png']);
    await expect(writePng(join(dir, 'missing', 'a.png'), png)).rejects.toThrow(/ENOENT/);
    expect((await readdir(dir)).sort()).toEqual(['keep.txt', 'taken.png']);
  });

  it('refuses bytes that are not a PNG, leaving any existing file untouched', async () => {
    const path = join(dir, 'chart.png');
    await writeFile(path, PNG_SIGNATURE);
    await expect(writePng(path, Buffer.from('not a png at all'))).rejects.toThrow(/argument 'png'/);
    expect((await readFile(path)).equals(PNG_SIGNATURE)).toBe(true);
    expect(await readdir(dir)).toEqual(['chart.png']);
  });
});
