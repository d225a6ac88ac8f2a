/**
 * The page's drawing of the library's figures: a raster into a canvas, pixel for pixel, and a Vega-Lite chart with
 * Vega's canvas renderer, the same spec Node renders to PNG. So a family panel shows the pictures `latentlab train`
 * writes, drawn from the live model.
 */
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { Figure, Raster } from '../src/plot/figure.js';

/** The RGBA pixels of a raster (grey or RGB). */
function rgba(raster: Raster): ImageData {
  const { width, height, channels, data } = raster;
  const image = new ImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] =
      channels === 1 ? [data[p], data[p], data[p]] : [data[3 * p], data[3 * p + 1], data[3 * p + 2]];
    image.data.set([r, g, b, 255], 4 * p);
  }
  return image;
}

/** One figure's place in the page: a titled box whose content is replaced as new figures of that name come. */
interface Slot {
  box: HTMLElement;
  content: HTMLElement;
  view: vega.View | null;
}

/**
 * A gallery of named figures. `show` replaces each name's figure in place (so the layout holds still as training
 * goes on) and removes the names no longer sent.
 */
export class Gallery {
  private slots = new Map<string, Slot>();
  /** Calls of `show` so far: a call gives up when a later one has begun (its charts render asynchronously). */
  private shows = 0;

  constructor(private readonly container: HTMLElement) {}

  async show(figures: ReadonlyArray<{ name: string; figure: Figure }>): Promise<void> {
    const mine = ++this.shows;
    const names = new Set(figures.map((f) => f.name));
    for (const [name, slot] of this.slots)
      if (!names.has(name)) {
        slot.view?.finalize();
        slot.box.remove();
        this.slots.delete(name);
      }
    for (const { name, figure } of figures) {
      if (mine !== this.shows) return;
      await this.draw(this.slot(name), figure, () => mine === this.shows);
    }
  }

  clear(): void {
    void this.show([]);
  }

  private slot(name: string): Slot {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      const box = document.createElement('figure');
      box.dataset.picture = name;
      const content = document.createElement('div');
      const caption = document.createElement('figcaption');
      caption.textContent = name;
      box.append(content, caption);
      this.container.append(box);
      slot = { box, content, view: null };
      this.slots.set(name, slot);
    }
    return slot;
  }

  /** Draw `figure` in `slot`, unless `current()` says a later `show` has begun by the time a chart is rendered. */
  private async draw(slot: Slot, figure: Figure, current: () => boolean): Promise<void> {
    if (figure.kind === 'raster') {
      slot.view?.finalize();
      slot.view = null;
      let canvas = slot.content.firstElementChild;
      if (!(canvas instanceof HTMLCanvasElement)) {
        slot.content.replaceChildren((canvas = document.createElement('canvas')));
        (canvas as HTMLCanvasElement).className = 'raster';
      }
      const c = canvas as HTMLCanvasElement;
      c.width = figure.raster.width;
      c.height = figure.raster.height;
      c.getContext('2d')!.putImageData(rgba(figure.raster), 0, 0);
      // Small pictures are scaled up by whole pixels, to about 300 pixels across.
      const zoom = Math.max(1, Math.floor(320 / Math.max(figure.raster.width, figure.raster.height)));
      c.style.width = `${figure.raster.width * zoom}px`;
      return;
    }
    const view = new vega.View(vega.parse(compile(figure.spec).spec), { renderer: 'canvas' });
    const holder = document.createElement('div');
    await view.initialize(holder).runAsync();
    if (!current()) {
      view.finalize();
      return;
    }
    slot.view?.finalize();
    slot.view = view;
    slot.content.replaceChildren(holder);
  }
}

/** A Vega-Lite bar chart of a list metric (`kl_per_dim`: one bar per latent unit). */
export function barsFigure(name: string, values: readonly number[]): Figure {
  return {
    kind: 'chart',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 260,
      height: 140,
      data: { values: values.map((value, index) => ({ index, value })) },
      mark: 'bar',
      encoding: {
        x: {
          field: 'index',
          type: 'ordinal',
          title: name.includes('dim') || name.includes('unit') ? 'latent unit' : 'index',
        },
        y: { field: 'value', type: 'quantitative', title: name },
      },
    },
  };
}
