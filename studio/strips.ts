/**
 * Live curves of a training step's parts (`loss`, `reconstruction`, `kl`, `d_loss`, ...), one strip each with its
 * own scale, so that a small term is not flattened by a large one: the ELBO's two terms pulling against each other,
 * a discriminator's loss against its generator's.
 */

/** The most points a series keeps: older ones are thinned to every other one. */
const KEEP = 2000;

export class Strips {
  private series = new Map<string, Array<[number, number]>>();

  constructor(private readonly canvas: HTMLCanvasElement) {}

  clear(): void {
    this.series.clear();
    this.draw();
  }

  add(step: number, parts: Record<string, number>): void {
    for (const [name, value] of Object.entries(parts)) {
      if (!Number.isFinite(value)) continue;
      let points = this.series.get(name);
      if (points === undefined) this.series.set(name, (points = []));
      points.push([step, value]);
      if (points.length > KEEP)
        this.series.set(
          name,
          points.filter((_, i) => i % 2 === 0 || i === points.length - 1),
        );
    }
  }

  draw(): void {
    const { canvas } = this;
    const context = canvas.getContext('2d')!;
    context.fillStyle = 'white';
    context.fillRect(0, 0, canvas.width, canvas.height);
    const names = [...this.series.keys()];
    if (names.length === 0) return;
    const height = canvas.height / names.length;
    const last = Math.max(1, ...names.map((n) => this.series.get(n)!.at(-1)![0]));
    names.forEach((name, row) => {
      const points = this.series.get(name)!;
      // The first tenth of the run is left out, its large early losses would flatten the rest.
      const shown = points.filter(([step]) => step >= last / 10 || points.length < 20);
      const values = shown.map(([, v]) => v);
      const [low, high] = [Math.min(...values), Math.max(...values)];
      const top = row * height;
      context.strokeStyle = '#ddd';
      context.strokeRect(0.5, top + 0.5, canvas.width - 1, height - 1);
      context.fillStyle = '#333';
      context.font = '11px sans-serif';
      context.fillText(`${name} ${points.at(-1)![1].toPrecision(5)}`, 6, top + 13);
      context.strokeStyle = `hsl(${(row * 137) % 360}, 60%, 40%)`;
      context.beginPath();
      shown.forEach(([step, v], i) => {
        const x = 5 + (step / last) * (canvas.width - 10);
        const y = top + height - 4 - ((v - low) / (high - low || 1)) * (height - 20);
        if (i === 0) context.moveTo(x, y);
        else context.lineTo(x, y);
      });
      context.stroke();
    });
  }
}
