/**
 * The studio page: its controls, the worker that trains, and the canvases that show what it reports.
 */
import { TOY2D_NAMES } from '../src/data/toy2d.js';
import type { Figure } from '../src/plot/figure.js';
import { barsFigure, Gallery } from './figures.js';
import {
  isFamilyPanel,
  PANELS,
  STUDIO_BACKENDS,
  type MixtureFrame,
  type OptionField,
  type Panel,
  type StudioBackend,
  type Stamped,
  type StudioSetup,
  type PageMessage,
} from './protocol.js';
import { drawDensities, drawLayers } from './flow-draw.js';
import { drawMixture, MIXTURE_TEXTS, mixtureStatus } from './mixture-draw.js';
import { StepTimes } from './step-times.js';
import { Strips } from './strips.js';
import { MAX_TEMPERATURE, MIN_TEMPERATURE, queryOfSetup, setupFromQuery } from './url.js';
import { isUserDataName } from './data.js';
import { addUserDataChoices, UserDataControls } from './user-data.js';
import { RunFileControls, saveDownload } from './run-controls.js';

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = element<HTMLParagraphElement>('status');
const errorLine = element<HTMLParagraphElement>('error');
const inputs = {
  panel: element<HTMLSelectElement>('panel'),
  backend: element<HTMLSelectElement>('backend-select'),
  density: element<HTMLSelectElement>('density'),
  seed: element<HTMLInputElement>('seed'),
  arch: element<HTMLSelectElement>('arch'),
  layers: element<HTMLInputElement>('layers'),
  hidden: element<HTMLInputElement>('hidden'),
  lr: element<HTMLInputElement>('lr'),
  components: element<HTMLInputElement>('components'),
  mixture: element<HTMLSelectElement>('mixture'),
  kind: element<HTMLSelectElement>('kind'),
  data: element<HTMLSelectElement>('data'),
};
const optionsBox = element<HTMLDivElement>('options');
/** The flow's sample temperature: a view setting, sent to the worker as it moves, not a new run. */
const temperature = element<HTMLInputElement>('temperature');
temperature.min = String(MIN_TEMPERATURE);
temperature.max = String(MAX_TEMPERATURE);
/** Whether the EM panel colours the points by their responsibilities; the iteration shown, to redraw it. */
const responsibilities = element<HTMLInputElement>('responsibilities');
let mixtureShown: MixtureFrame | null = null;
/** A temperature sent whose frame has not come back: the slider's later moves wait for it. */
let temperaturePending = false;
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
  flow: 'normalizing flow (NICE, RealNVP, Glow)',
  em: 'Gaussian mixture (EM)',
  vae: 'VAE family',
  gan: 'GAN family',
  aae: 'adversarial autoencoder',
  bigan: 'BiGAN / ALI',
  cyclegan: 'CycleGAN',
  helmholtz: 'Helmholtz machine',
};
for (const panel of PANELS) inputs.panel.add(new Option(PANEL_NAMES[panel], panel));
for (const name of STUDIO_BACKENDS) inputs.backend.add(new Option(name, name));
inputs.data.add(new Option("the family's default", ''));
for (const name of ['mnist', ...TOY2D_NAMES]) inputs.data.add(new Option(name, name));
addUserDataChoices(inputs.data);

/** What the flow panel's title and captions say (the EM panel's: MIXTURE_TEXTS). */
const FLOW_TEXTS = {
  title: 'Normalizing flow on a 2-D density',
  density:
    'log q(x) of the flow (light: high), with held-out data (blue) and samples at the temperature chosen (orange)',
  loss: 'training loss -log q(x) per batch (grey) and on held-out points (black)',
};
for (const name of TOY2D_NAMES) inputs.density.add(new Option(name, name));
addUserDataChoices(inputs.density);

/** The training worker, and the backend it was started on: a backend is per worker, so another needs a new one. */
let worker: Worker | null = null;
let workerBackend: StudioBackend | null = null;
/** The page's runs so far: the worker stamps its messages with their run's, and the page drops earlier runs'. */
let generation = 0;
/** Send `message`; a new run ('setup', 'open') takes the next generation. */
const send = (message: PageMessage) => {
  if (message.type === 'setup' || message.type === 'open') generation += 1;
  worker?.postMessage({ ...message, generation });
};
/** The times of the last steps, as the worker measured them. */
const stepTimes = new StepTimes();
const userData = new UserDataControls({
  send,
  choose: (name) => {
    (isFamilyPanel(setup.panel) ? inputs.data : inputs.density).value = name;
    reset();
  },
  showError: (message) => (errorLine.textContent = message),
});
new RunFileControls({ send, showError: (message) => (errorLine.textContent = message) });

let setup: StudioSetup;
const losses: Array<{ step: number; loss: number }> = [];
const heldOut: Array<{ step: number; loss: number }> = [];

function showSetup(s: StudioSetup): void {
  inputs.panel.value = s.panel;
  inputs.backend.value = s.backend;
  document.body.dataset.panel = s.panel;
  document.body.dataset.kind = isFamilyPanel(s.panel) ? 'family' : s.panel;
  if (isFamilyPanel(s.panel)) element('title').textContent = FAMILY_TITLES[s.panel];
  else {
    const texts = s.panel === 'em' ? MIXTURE_TEXTS[s.mixture] : FLOW_TEXTS;
    element('title').textContent = texts.title;
    element('density-caption').textContent = texts.density;
    element('loss-caption').textContent = texts.loss;
  }
  inputs.components.value = String(s.components);
  inputs.mixture.value = s.mixture;
  temperature.value = String(s.temperature);
  element('temperature-value').textContent = s.temperature.toFixed(2);
  inputs.data.value = s.data;
  // The kinds arrive from the worker with the run; until then the select holds the set-up's own.
  if (!Array.from(inputs.kind.options).some((o) => o.value === s.kind))
    inputs.kind.replaceChildren(...(s.kind === '' ? [] : [new Option(s.kind, s.kind)]));
  inputs.kind.value = s.kind;
  // The flow and EM panels offer the user's own points among their densities.
  inputs.density.value = !isFamilyPanel(s.panel) && isUserDataName(s.data) ? s.data : s.density;
  inputs.seed.value = String(s.seed);
  inputs.arch.value = s.arch;
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
    backend: inputs.backend.value,
    k: inputs.components.value,
    mixture: inputs.mixture.value,
    t: String(setup.temperature),
    density: isUserDataName(inputs.density.value) ? setup.density : inputs.density.value,
    seed: inputs.seed.value,
    arch: inputs.arch.value,
    layers: inputs.layers.value,
    hidden: inputs.hidden.value,
    lr: inputs.lr.value,
    batch: String(setup.batchSize),
  });
  if (!isFamilyPanel(panel) && isUserDataName(inputs.density.value)) query.set('data', inputs.density.value);
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
  delete status.dataset.active;
  mixtureShown = null;
  temperaturePending = false;
  losses.length = 0;
  heldOut.length = 0;
  strips.clear();
  stepTimes.clear();
  element('speed').textContent = '';
  delete element('speed').dataset.msPerStep;
  gallery.clear();
  element('metrics').replaceChildren();
  delete status.dataset.loss;
  // The last run's line goes: a set-up the worker refuses shows its error alone.
  status.textContent = 'setting up…';
  delete status.dataset.step;
  delete status.dataset.viewStep;
  delete status.dataset.metrics;
  // A new backend starts a new worker, which asks for the set-up (this again) when it is ready.
  if (setup.backend !== workerBackend) {
    startWorker(setup.backend);
    return;
  }
  // The user's own data is not in the URL: after a reload the page asks for it before it starts a run.
  if (!userData.ready(setup)) return;
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

/** Record a step's time, and show the median of the last steps' times. */
function showSpeed(ms: number): void {
  stepTimes.add(ms);
  const median = stepTimes.median();
  if (!Number.isFinite(median)) return;
  const speed = element('speed');
  speed.textContent = `${median.toPrecision(3)} ms a step · ${(1000 / median).toPrecision(3)} steps/s`;
  speed.title = `the median of the last ${stepTimes.count} steps, each timed alone in the worker`;
  speed.dataset.msPerStep = String(median);
}

function onWorkerMessage(event: MessageEvent<Stamped>): void {
  const message = event.data;
  // What an earlier run sent after a reset: its engine start and errors aside, it is not this run's.
  if (message.generation !== generation && message.type !== 'ready' && message.type !== 'error') return;
  switch (message.type) {
    case 'ready': {
      const backend = element('backend');
      backend.textContent =
        `TensorFlow.js backend: ${message.backend}` +
        (message.note === null ? '' : ` (${message.requested} cannot run here)`);
      element('backend-note').textContent = message.note ?? '';
      backend.dataset.backend = message.backend;
      backend.dataset.kernels = message.kernels.join(' ');
      backend.title =
        message.kernels.length === 0
          ? "TensorFlow.js's own kernels"
          : `with latentlab's own kernels: ${message.kernels.join(', ')}`;
      reset();
      break;
    }
    case 'progress':
      if (Number.isFinite(message.loss)) losses.push({ step: message.step, loss: message.loss });
      if (Number.isFinite(message.loss)) status.dataset.loss = String(message.loss);
      if (message.heldOut !== null) heldOut.push({ step: message.step, loss: message.heldOut });
      // A table has no held-out points: the batch's loss is all there is to show.
      status.textContent =
        `step ${message.step}` +
        (heldOut.length > 0
          ? ` · held-out -log q(x) ${heldOut.at(-1)!.loss.toFixed(4)}`
          : Number.isFinite(message.loss)
            ? ` · -log q(x) of the batch ${message.loss.toFixed(4)}`
            : '');
      status.dataset.step = String(message.step);
      showSpeed(message.ms);
      if (heldOut.length > 0) status.dataset.heldOut = String(heldOut.at(-1)!.loss);
      if (message.heldOut !== null || message.step % 10 === 0) drawLosses();
      break;
    case 'frame':
      drawDensities(
        message.frame,
        element<HTMLCanvasElement>('density-canvas'),
        element<HTMLCanvasElement>('truth-canvas'),
      );
      drawLayers(element<HTMLCanvasElement>('layers-canvas'), message.frame.layers);
      temperaturePending = false;
      // The slider moved on while this frame was drawn: ask for its latest value.
      if (message.frame.temperature !== setup.temperature) sendTemperature();
      break;
    case 'mixture': {
      const { iteration, lowerBound, active } = message.frame;
      if (iteration === 0) heldOut.length = 0;
      if (Number.isFinite(lowerBound)) heldOut.push({ step: iteration, loss: lowerBound });
      status.textContent = mixtureStatus(message.frame);
      status.dataset.step = String(iteration);
      if (Number.isFinite(lowerBound)) status.dataset.bound = String(lowerBound);
      if (active !== null) status.dataset.active = String(active.length);
      else delete status.dataset.active;
      mixtureShown = message.frame;
      drawMixture(element<HTMLCanvasElement>('density-canvas'), message.frame, {
        responsibilities: responsibilities.checked,
      });
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
      status.dataset.loss = String(message.parts.loss);
      showSpeed(message.ms);
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
    case 'download':
      saveDownload(message.name, message.bytes);
      break;
    case 'opened':
      // The run opened is the page's now: its panel, its set-up in the URL, its pictures from its own step.
      setup = { ...setup, ...message.setup };
      errorLine.textContent = '';
      history.replaceState(null, '', `${location.pathname}${queryOfSetup(setup)}`);
      showSetup(setup);
      userData.ready(setup);
      strips.clear();
      stepTimes.clear();
      gallery.clear();
      element('metrics').replaceChildren();
      delete status.dataset.viewStep;
      delete status.dataset.metrics;
      status.dataset.step = String(message.step);
      status.dataset.opened = message.source;
      status.textContent = `opened ${message.source}: ${setup.kind} on ${setup.data} at step ${message.step}`;
      break;
    case 'error':
      errorLine.textContent = message.message;
      // A temperature sent may have no frame to answer it (the set-up failed): the slider must not wait for it.
      temperaturePending = false;
      break;
  }
}

/** The worker's pause between steps: a quarter of a second in slow motion. */
const delayMs = () => (element<HTMLInputElement>('slow').checked ? 250 : 0);

/** Start a worker on `backend`, ending the one before (its engine and run go with it); it answers 'ready'. */
function startWorker(backend: StudioBackend): void {
  worker?.terminate();
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  workerBackend = backend;
  worker.onmessage = onWorkerMessage;
  worker.onerror = (event) => {
    errorLine.textContent = `the training worker failed: ${event.message}`;
  };
  element('backend').textContent = `starting the engine (${backend})…`;
  send({ type: 'engine', backend });
  send({ type: 'speed', delayMs: delayMs() });
}

element('play').addEventListener('click', () => send({ type: 'play' }));
element('pause').addEventListener('click', () => send({ type: 'pause' }));
element('step').addEventListener('click', () => send({ type: 'step' }));
element('reset').addEventListener('click', reset);
element<HTMLInputElement>('slow').addEventListener('change', () =>
  send({ type: 'speed', delayMs: delayMs() }),
);
for (const input of Object.values(inputs)) input.addEventListener('change', reset);

/** Send the slider's temperature, unless a frame for an earlier one is still coming (which then asks again). */
function sendTemperature(): void {
  if (temperaturePending) return;
  temperaturePending = true;
  send({ type: 'temperature', temperature: setup.temperature });
}
temperature.addEventListener('input', () => {
  setup = { ...setup, temperature: Number(temperature.value) };
  element('temperature-value').textContent = setup.temperature.toFixed(2);
  history.replaceState(null, '', `${location.pathname}${queryOfSetup(setup)}`);
  if (setup.panel === 'flow') sendTemperature();
});
responsibilities.addEventListener('change', () => {
  if (mixtureShown !== null)
    drawMixture(element<HTMLCanvasElement>('density-canvas'), mixtureShown, {
      responsibilities: responsibilities.checked,
    });
});

try {
  setup = setupFromQuery(location.search);
} catch (e) {
  errorLine.textContent = e instanceof Error ? e.message : String(e);
  setup = setupFromQuery('');
}
showSetup(setup);
startWorker(setup.backend);
