/**
 * The studio page: its controls, the worker that trains, and the canvases that show what it reports.
 */
import { TOY2D_NAMES } from '../src/data/toy2d.js';
import type { Figure } from '../src/plot/figure.js';
import { barsFigure, Gallery } from './figures.js';
import {
  isFamilyPanel,
  PANELS,
  type DensityFrame,
  type FromWorker,
  type MixtureFrame,
  type OptionField,
  type Panel,
  type StudioSetup,
  type ToWorker,
} from './protocol.js';
import { Strips } from './strips.js';
import { queryOfSetup, setupFromQuery } from './url.js';

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = element<HTMLParagraphElement>('status');
const errorLine = element<HTMLParagraphElement>('error');
const inputs = {
  panel: element<HTMLSelectElement>('panel'),
  density: element<HTMLSelectElement>('density'),
  seed: element<HTMLInputElement>('seed'),
  layers: element<HTMLInputElement>('layers'),
  hidden: element<HTMLInputElement>('hidden'),
  lr: element<HTMLInputElement>('lr'),
  components: element<HTMLInputElement>('components'),
  kind: element<HTMLSelectElement>('kind'),
  data: element<HTMLSelectElement>('data'),
};
const optionsBox = element<HTMLDivElement>('options');
const gallery = new Gallery(element('gallery'));
const strips = new Strips(element<HTMLCanvasElement>('parts-canvas'));
/** The option fields of the family run in hand, as the worker resolved them. */
let fields: OptionField[] = [];

/** Each family panel's title. */
const FAMILY_TITLES: Record<string, string> = {
  vae: 'Variational autoencoders (VAE, beta-VAE, IWAE, CVAE)',
  gan: 'Generative adversarial networks (GAN, WGAN-GP, LSGAN, InfoGAN)',
  aae: 'Adversarial autoencoder',
  bigan: 'Adversarial inference (BiGAN, ALI)',
  cyclegan: 'CycleGAN between two domains',
  helmholtz: 'Helmholtz machine (wake-sleep, reweighted wake-sleep)',
};
const PANEL_NAMES: Record<Panel, string> = {
  flow: 'normalizing flow (RealNVP)',
  em: 'Gaussian mixture (EM)',
  vae: 'VAE family',
  gan: 'GAN family',
  aae: 'adversarial autoencoder',
  bigan: 'BiGAN / ALI',
  cyclegan: 'CycleGAN',
  helmholtz: 'Helmholtz machine',
};
for (const panel of PANELS) inputs.panel.add(new Option(PANEL_NAMES[panel], panel));
inputs.data.add(new Option("the family's default", ''));
for (const name of ['mnist', ...TOY2D_NAMES]) inputs.data.add(new Option(name, name));

/** What the flow and EM panels' titles and captions say. */
const TEXTS: Record<'flow' | 'em', { title: string; density: string; loss: string }> = {
  flow: {
    title: 'Normalizing flow (RealNVP) on a 2-D density',
    density: 'log q(x) of the flow (light: high), with held-out data (blue) and samples (orange)',
    loss: 'training loss -log q(x) per batch (grey) and on held-out points (black)',
  },
  em: {
    title: 'Gaussian mixture, fitted by EM step by step',
    density:
      'the training points and each component’s 2-sigma ellipse (line width: its weight); EM starts from k random points',
    loss: 'the mean log-likelihood of each E-step, which EM never lowers',
  },
};
for (const name of TOY2D_NAMES) inputs.density.add(new Option(name, name));

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

let setup: StudioSetup;
const losses: Array<{ step: number; loss: number }> = [];
const heldOut: Array<{ step: number; loss: number }> = [];

function showSetup(s: StudioSetup): void {
  inputs.panel.value = s.panel;
  document.body.dataset.panel = s.panel;
  document.body.dataset.kind = isFamilyPanel(s.panel) ? 'family' : s.panel;
  if (isFamilyPanel(s.panel)) element('title').textContent = FAMILY_TITLES[s.panel];
  else {
    element('title').textContent = TEXTS[s.panel].title;
    element('density-caption').textContent = TEXTS[s.panel].density;
    element('loss-caption').textContent = TEXTS[s.panel].loss;
  }
  inputs.components.value = String(s.components);
  inputs.data.value = s.data;
  // The kinds arrive from the worker with the run; until then the select holds the set-up's own.
  if (![...inputs.kind.options].some((o) => o.value === s.kind))
    inputs.kind.replaceChildren(...(s.kind === '' ? [] : [new Option(s.kind, s.kind)]));
  inputs.kind.value = s.kind;
  inputs.density.value = s.density;
  inputs.seed.value = String(s.seed);
  inputs.layers.value = String(s.layers);
  inputs.hidden.value = String(s.hidden);
  inputs.lr.value = String(s.learningRate);
}

/**
 * Read the controls into a set-up, through the URL parser so that the page and a link accept the same values. A
 * family option is kept where the user set it or changed it from the value shown; a new panel starts from its
 * defaults.
 */
function readSetup(): StudioSetup {
  const panel = inputs.panel.value as Panel;
  const samePanel = panel === setup.panel;
  const query = new URLSearchParams({
    panel,
    k: inputs.components.value,
    density: inputs.density.value,
    seed: inputs.seed.value,
    layers: inputs.layers.value,
    hidden: inputs.hidden.value,
    lr: inputs.lr.value,
    batch: String(setup.batchSize),
  });
  if (samePanel && isFamilyPanel(panel)) {
    if (inputs.kind.value !== '') query.set('kind', inputs.kind.value);
    if (inputs.data.value !== '') query.set('data', inputs.data.value);
    // What the user set carries over; a new kind starts from its own defaults.
    const options = inputs.kind.value === setup.kind || setup.kind === '' ? { ...setup.options } : {};
    if (inputs.kind.value === setup.kind)
      for (const field of fields) {
        const input = optionsBox.querySelector<HTMLInputElement | HTMLSelectElement>(
          `[data-option="${field.name}"]`,
        );
        if (input === null) continue;
        const value =
          input instanceof HTMLInputElement && input.type === 'checkbox'
            ? String(input.checked)
            : input.value;
        if (value !== field.value) options[field.name] = value;
      }
    for (const [name, value] of Object.entries(options)) query.set(`o.${name}`, value);
  }
  return setupFromQuery(`?${query.toString()}`);
}

function reset(): void {
  try {
    setup = readSetup();
    errorLine.textContent = '';
  } catch (e) {
    errorLine.textContent = e instanceof Error ? e.message : String(e);
    return;
  }
  history.replaceState(null, '', `${location.pathname}${queryOfSetup(setup)}`);
  showSetup(setup);
  delete status.dataset.heldOut;
  delete status.dataset.bound;
  losses.length = 0;
  heldOut.length = 0;
  strips.clear();
  gallery.clear();
  element('metrics').replaceChildren();
  send({ type: 'setup', setup });
}

/** The controls of a family's options, one per option, each with its help as its tooltip. */
function showFields(list: OptionField[]): void {
  fields = list;
  optionsBox.replaceChildren(
    ...list.map((field) => {
      const label = document.createElement('label');
      label.title = field.help;
      label.append(`${field.name} `);
      let input: HTMLInputElement | HTMLSelectElement;
      if (field.type === 'choice') {
        input = document.createElement('select');
        for (const choice of field.choices ?? []) input.add(new Option(choice, choice));
        input.value = field.value;
      } else if (field.type === 'boolean') {
        input = document.createElement('input');
        input.type = 'checkbox';
        input.checked = field.value === 'true';
      } else {
        input = document.createElement('input');
        input.type = 'text';
        input.value = field.value;
      }
      input.dataset.option = field.name;
      input.addEventListener('change', reset);
      label.append(input);
      return label;
    }),
  );
}

/** The held-out metrics as a table; list metrics (KL per latent unit) become bar charts in the gallery. */
function showMetrics(
  step: number,
  metrics: Record<string, unknown>,
): Array<{ name: string; figure: Figure }> {
  const rows = [['step', String(step)]];
  const bars: Array<{ name: string; figure: Figure }> = [];
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value === 'number')
      rows.push([name, Number.isInteger(value) ? String(value) : value.toPrecision(6)]);
    else if (typeof value === 'boolean') rows.push([name, String(value)]);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'number') && value.length > 1)
      bars.push({ name, figure: barsFigure(name, value) });
  }
  element('metrics').replaceChildren(
    ...rows.map(([name, value]) => {
      const row = document.createElement('tr');
      row.dataset.metric = name;
      const [a, b] = [document.createElement('td'), document.createElement('td')];
      a.textContent = name;
      b.textContent = value;
      row.append(a, b);
      return row;
    }),
  );
  return bars;
}

/** A colour from dark blue (low) to yellow (high) for t in [0, 1]. */
function colour(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t));
  return [Math.round(30 + 225 * u), Math.round(20 + 210 * u ** 0.8), Math.round(90 + 60 * (1 - u))];
}

function drawDensity(frame: DensityFrame): void {
  const canvas = element<HTMLCanvasElement>('density-canvas');
  const context = canvas.getContext('2d')!;
  const { size, extent, logDensity } = frame;
  const image = context.createImageData(size, size);
  const finite = logDensity.filter((v) => Number.isFinite(v));
  const top = Math.max(...finite);
  const bottom = top - 8;
  for (let k = 0; k < size * size; k++) {
    const [r, g, b] = colour((logDensity[k] - bottom) / (top - bottom));
    image.data.set([r, g, b, 255], 4 * k);
  }
  const cells = document.createElement('canvas');
  cells.width = size;
  cells.height = size;
  cells.getContext('2d')!.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(cells, 0, 0, canvas.width, canvas.height);
  const toPixel = (x: number, y: number): [number, number] => [
    ((x + extent) / (2 * extent)) * canvas.width,
    ((extent - y) / (2 * extent)) * canvas.height,
  ];
  const dots = (points: Float32Array, fill: string) => {
    context.fillStyle = fill;
    for (let i = 0; i + 1 < points.length; i += 2) {
      const [px, py] = toPixel(points[i], points[i + 1]);
      context.fillRect(px - 1, py - 1, 2, 2);
    }
  };
  dots(frame.data, 'rgba(80, 160, 255, 0.6)');
  dots(frame.samples, 'rgba(255, 140, 0, 0.8)');
}

function drawLosses(): void {
  const canvas = element<HTMLCanvasElement>('loss-canvas');
  const context = canvas.getContext('2d')!;
  context.fillStyle = 'white';
  context.fillRect(0, 0, canvas.width, canvas.height);
  const all = [...losses, ...heldOut].filter((p) => Number.isFinite(p.loss));
  if (all.length < 2) return;
  const last = Math.max(...all.map((p) => p.step), 1);
  const low = Math.min(...all.map((p) => p.loss));
  const high = Math.max(...all.map((p) => p.loss));
  const line = (points: typeof losses, stroke: string) => {
    context.strokeStyle = stroke;
    context.beginPath();
    points.forEach((p, i) => {
      const x = (p.step / last) * (canvas.width - 10) + 5;
      const y = canvas.height - 5 - ((p.loss - low) / (high - low || 1)) * (canvas.height - 10);
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    });
    context.stroke();
  };
  line(losses, '#aaa');
  line(heldOut, '#000');
}

/** The EM panel's picture: the points, and each component's 2-sigma ellipse. */
function drawMixture(frame: MixtureFrame): void {
  const canvas = element<HTMLCanvasElement>('density-canvas');
  const context = canvas.getContext('2d')!;
  const extent = 4;
  const scale = canvas.width / (2 * extent);
  const toPixel = (x: number, y: number): [number, number] => [(x + extent) * scale, (extent - y) * scale];
  context.fillStyle = 'white';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = 'rgba(80, 160, 255, 0.5)';
  for (let i = 0; i + 1 < frame.data.length; i += 2) {
    const [px, py] = toPixel(frame.data[i], frame.data[i + 1]);
    context.fillRect(px - 1, py - 1, 2, 2);
  }
  const k = frame.weights.length;
  for (let j = 0; j < k; j++) {
    const [a, b, , d] = frame.covariances.subarray(4 * j, 4 * j + 4);
    // The eigenvalues of [[a, b], [b, d]] are the squared semi-axes; the major axis is at 1/2 atan2(2b, a - d).
    const half = (a + d) / 2;
    const root = Math.sqrt(((a - d) / 2) ** 2 + b * b);
    const [l1, l2] = [half + root, Math.max(half - root, 0)];
    const angle = 0.5 * Math.atan2(2 * b, a - d);
    const [cx, cy] = toPixel(frame.means[2 * j], frame.means[2 * j + 1]);
    context.strokeStyle = `hsl(${(360 * j) / k}, 70%, 40%)`;
    context.lineWidth = 1 + 6 * frame.weights[j];
    context.beginPath();
    // The canvas's y axis points down, so the plane's angle turns the other way there.
    context.ellipse(cx, cy, 2 * Math.sqrt(l1) * scale, 2 * Math.sqrt(l2) * scale, -angle, 0, 2 * Math.PI);
    context.stroke();
  }
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'ready':
      element('backend').textContent = `TensorFlow.js backend: ${message.backend}`;
      reset();
      break;
    case 'progress':
      if (Number.isFinite(message.loss)) losses.push({ step: message.step, loss: message.loss });
      if (message.heldOut !== null) heldOut.push({ step: message.step, loss: message.heldOut });
      status.textContent =
        `step ${message.step}` +
        (heldOut.length > 0 ? ` · held-out -log q(x) ${heldOut.at(-1)!.loss.toFixed(4)}` : '');
      status.dataset.step = String(message.step);
      if (heldOut.length > 0) status.dataset.heldOut = String(heldOut.at(-1)!.loss);
      if (message.heldOut !== null || message.step % 10 === 0) drawLosses();
      break;
    case 'frame':
      drawDensity(message.frame);
      break;
    case 'mixture': {
      const { iteration, iterations, lowerBound, converged } = message.frame;
      if (iteration === 0) heldOut.length = 0;
      if (Number.isFinite(lowerBound)) heldOut.push({ step: iteration, loss: lowerBound });
      status.textContent =
        `iteration ${iteration} of ${iterations}` +
        (Number.isFinite(lowerBound) ? ` · mean log-likelihood ${lowerBound.toFixed(4)}` : '') +
        (converged && iteration === iterations ? ' · converged' : '');
      status.dataset.step = String(iteration);
      if (Number.isFinite(lowerBound)) status.dataset.bound = String(lowerBound);
      drawMixture(message.frame);
      drawLosses();
      break;
    }
    case 'family':
      inputs.kind.replaceChildren(...message.kinds.map((k) => new Option(k, k)));
      inputs.kind.value = message.kind;
      inputs.data.value = message.data;
      setup = { ...setup, kind: message.kind, data: message.data };
      showFields(message.fields);
      status.textContent = `${message.kind} on ${message.data}: ${message.parameters.toLocaleString('en')} parameters`;
      status.dataset.step = '0';
      break;
    case 'parts':
      strips.add(message.step, message.parts);
      status.textContent =
        `step ${message.step} · epoch ${message.epoch.toFixed(2)} · ` +
        Object.entries(message.parts)
          .map(([k, v]) => `${k} ${v.toPrecision(4)}`)
          .join(' · ');
      status.dataset.step = String(message.step);
      if (message.step % 5 === 0 || !message.playing) strips.draw();
      break;
    case 'view': {
      const bars = showMetrics(message.step, message.metrics);
      status.dataset.viewStep = String(message.step);
      status.dataset.metrics = JSON.stringify(message.metrics);
      strips.draw();
      void gallery.show([...message.pictures, ...bars]).catch((e: unknown) => {
        errorLine.textContent = `cannot draw a picture: ${e instanceof Error ? e.message : String(e)}`;
      });
      break;
    }
    case 'error':
      errorLine.textContent = message.message;
      break;
  }
};
worker.onerror = (event) => {
  errorLine.textContent = `the training worker failed: ${event.message}`;
};

element('play').addEventListener('click', () => send({ type: 'play' }));
element('pause').addEventListener('click', () => send({ type: 'pause' }));
element('step').addEventListener('click', () => send({ type: 'step' }));
element('reset').addEventListener('click', reset);
element<HTMLInputElement>('slow').addEventListener('change', (event) =>
  send({ type: 'speed', delayMs: (event.target as HTMLInputElement).checked ? 250 : 0 }),
);
for (const input of Object.values(inputs)) input.addEventListener('change', reset);
/** Start the page's set-up: the first message the worker gets after it is ready. */

try {
  setup = setupFromQuery(location.search);
} catch (e) {
  errorLine.textContent = e instanceof Error ? e.message : String(e);
  setup = setupFromQuery('');
}
showSetup(setup);
