/**
 * The studio's training worker. It owns the TensorFlow.js engine, on the backend named by the page's first message
 * (`studio/engine.ts`), and reports each training step's time alone (pictures and evaluations apart). The family
 * panels: any family trained by steps, through {@link FamilyRun}, with the family's evaluation and pictures sent to
 * the page as it trains; a family run is downloaded as the command line's run directory, and a run of the command
 * line's opened where it stood (run-transfer.ts). The flow panel: a NICE, RealNVP or Glow flow fitted to a toy 2-D density by the
 * library's own flow family ({@link FlowRun}), one step at a time, yielding to its message queue between steps so
 * that pause and single steps act at once, with its density beside the true one, samples at the page's temperature
 * and the grid of z through its layers (flow-frame.ts). The EM panel: the mixture family's `GaussianMixture`, or
 * its `BayesianGaussianMixture`, fitted to the same data, every iteration kept, and shown one at a time with its
 * responsibilities (mixture-fit.ts).
 */
import { FamilyRun, defaultData, stepFamily } from './family-run.js';
import { isUserDataName, loadData, planeData, type UserDataStore } from './data.js';
import { startEngine } from './engine.js';
import { FLOW_POINTS, FlowRun } from './flow-run.js';
import { flowFrame, trueLogDensity } from './flow-frame.js';
import { MIXTURE_POINTS, MixtureSteps } from './mixture-fit.js';
import { isFamilyPanel, type FromWorker, type Stamped, type StudioSetup, type ToWorker } from './protocol.js';
import { openRun, runArchive, type GivenFile } from './run-transfer.js';

/** The page's run in hand (its 'setup' or 'open'), whose number stamps everything the worker sends. */
let generation = 0;
const post = (message: FromWorker) => self.postMessage({ ...message, generation } satisfies Stamped);

/** How often the flow's pictures are drawn. */
const FRAME_EVERY = 25;

let run: FlowRun | null = null;
/** The flow panel's view: the true density on the picture's grid (null: none known), and the samples' temperature. */
const flowView: { truth: Float32Array | null; temperature: number } = { truth: null, temperature: 1 };
/** The EM panel's fit, every iteration of it, and the one shown. */
let mixture: MixtureSteps | null = null;
/** A family panel's run, and when its view was last refreshed and how long that took. */
let familyRun: FamilyRun | null = null;
let lastView = { at: 0, cost: 0 };
let playing = false;
let delayMs = 0;
let looping = false;
/** The user's drawn points and dropped table, as the page last sent them. */
const userData: UserDataStore = {};

/** Show the EM panel's iteration in hand. */
function showMixture(m: MixtureSteps): void {
  post({ type: 'mixture', frame: m.frame() });
}

/** Show the next EM iteration; false at the last. */
function nextMixture(m: MixtureSteps): boolean {
  if (!m.next()) return false;
  showMixture(m);
  return true;
}

/** Start a family panel's run: resolve its options on its data, build its model, and show it untrained. */
async function startFamily(setup: StudioSetup): Promise<void> {
  const mine = generation;
  const family = stepFamily(setup.panel);
  const kind = setup.kind === '' ? family.kinds[0].name : setup.kind;
  const data = setup.data === '' ? defaultData(family, kind) : setup.data;
  const split = await loadData(data, setup.seed, userData);
  // A later set-up came while the data loaded: it wins.
  if (mine !== generation) return;
  const r = new FamilyRun({ family: family.name, kind, seed: setup.seed, options: setup.options }, split);
  familyRun = r;
  announce(r, data);
  await view(r);
}

/** Tell the page about the family run in hand: its kind and data, and its options with their values. */
function announce(r: FamilyRun, data: string): void {
  post({
    type: 'family',
    kind: r.setup.kind,
    kinds: r.family.kinds.map((k) => k.name),
    data,
    fields: r.fields,
    parameters: r.model.numParameters(),
  });
}

/**
 * Open the run in the files the page was given, in place of the run in hand, where it stood; files that hold no run
 * the page can open leave the run in hand (paused) and say why.
 */
async function openFiles(files: GivenFile[]): Promise<void> {
  const mine = generation;
  playing = false;
  const { run: r, panel, source } = await openRun(files, (name, seed) => loadData(name, seed, userData));
  // A set-up that came while the data loaded wins.
  if (mine !== generation) return r.dispose();
  run?.dispose();
  run = null;
  mixture = null;
  familyRun?.dispose();
  familyRun = r;
  const data = String(r.options.data);
  announce(r, data);
  const { kind, seed, options } = r.setup;
  post({ type: 'opened', source, step: r.step, setup: { panel, kind, data, seed, options } });
  await view(r);
}

/** Send the family run as the command line's files, with the page showing the metrics its summary holds. */
async function download(r: FamilyRun): Promise<void> {
  if (r.evaluated?.step !== r.step) await view(r);
  const { name, bytes } = runArchive(r);
  self.postMessage({ type: 'download', name, bytes, generation } satisfies Stamped, {
    transfer: [bytes.buffer as ArrayBuffer],
  });
}

/** Send the family run's held-out metrics and pictures. */
async function view(r: FamilyRun): Promise<void> {
  const started = performance.now();
  const metrics = r.evaluate();
  const pictures = await r.pictures();
  if (r !== familyRun) return;
  lastView = { at: performance.now(), cost: performance.now() - started };
  post({ type: 'view', step: r.step, metrics, pictures });
}

/**
 * Whether the view is due: pictures and evaluation take at most a quarter of the time, and come at most every
 * 1.5 seconds.
 */
const viewDue = () => performance.now() - lastView.at > Math.max(1500, 3 * lastView.cost);

/** One step of a family panel's run, reported to the page. */
async function familyStep(r: FamilyRun, always: boolean): Promise<void> {
  const started = performance.now();
  const parts = r.trainOne();
  const ms = performance.now() - started;
  post({ type: 'parts', step: r.step, epoch: r.step / r.batchesPerEpoch, parts, ms, playing });
  if (always || viewDue()) await view(r);
}

/** The flow panel's pictures of the run in hand: its density beside the true one, samples, and the grid's layers. */
function frame(r: FlowRun): void {
  const data = Float32Array.from((r.test ?? r.train).values);
  const { truth, temperature } = flowView;
  post({
    type: 'frame',
    frame: flowFrame(r.flow, { data, truth, temperature, seed: r.setup.seed + r.step }),
  });
}

/** One step of the flow panel's run, reported to the page with the time of the step alone. */
function trainOne(r: FlowRun): void {
  const started = performance.now();
  const loss = r.trainOne();
  const ms = performance.now() - started;
  const report = r.step % FRAME_EVERY === 0;
  post({ type: 'progress', step: r.step, loss, ms, heldOut: report ? r.heldOut() : null });
  if (report) frame(r);
}

/** Train while playing, yielding to the message queue between steps. */
async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    while (playing && (run !== null || mixture !== null || familyRun !== null)) {
      if (familyRun !== null) await familyStep(familyRun, false);
      else if (run !== null) trainOne(run);
      // EM moves in visible steps: an iteration every 150 ms at least.
      else if (!nextMixture(mixture!)) playing = false;
      await new Promise((resolve) =>
        setTimeout(resolve, mixture === null ? delayMs : Math.max(150, delayMs)),
      );
    }
    // The last step's view, unless it has one (a step that came while playing, a set-up just shown).
    if (familyRun !== null && familyRun.evaluated?.step !== familyRun.step) await view(familyRun);
  } catch (e) {
    playing = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  } finally {
    looping = false;
  }
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  try {
    const message = event.data;
    switch (message.type) {
      case 'engine': {
        // The wasm binaries are served beside the page (the build copies them into wasm/).
        const engine = await startEngine(
          message.backend,
          new URL(/* @vite-ignore */ '../wasm/', import.meta.url).href,
        );
        post({ type: 'ready', requested: message.backend, ...engine });
        break;
      }
      case 'setup':
        playing = false;
        run?.dispose();
        run = null;
        mixture = null;
        familyRun?.dispose();
        familyRun = null;
        generation = message.generation;
        if (isFamilyPanel(message.setup.panel)) {
          await startFamily(message.setup);
          // A 'play' that came while the data loaded starts the run now.
          if (playing) void loop();
        } else if (message.setup.panel === 'em') {
          mixture = new MixtureSteps(message.setup, planeData(message.setup, userData, MIXTURE_POINTS).train);
          showMixture(mixture);
        } else {
          run = new FlowRun(message.setup, planeData(message.setup, userData, FLOW_POINTS));
          // The user's own points have no known density.
          flowView.truth = isUserDataName(message.setup.data) ? null : trueLogDensity(message.setup.density);
          flowView.temperature = message.setup.temperature;
          post({ type: 'progress', step: 0, loss: NaN, ms: NaN, heldOut: run.heldOut() });
          frame(run);
        }
        break;
      case 'play':
        playing = true;
        void loop();
        break;
      case 'pause':
        playing = false;
        break;
      case 'step':
        playing = false;
        if (familyRun !== null) await familyStep(familyRun, true);
        else if (run !== null) trainOne(run);
        else if (mixture !== null) nextMixture(mixture);
        break;
      case 'speed':
        delayMs = message.delayMs;
        break;
      case 'temperature':
        // Redrawn at once, paused or not: between two steps when playing.
        flowView.temperature = message.temperature;
        if (run !== null) frame(run);
        break;
      case 'data':
        userData[message.data.name] = message.data;
        break;
      case 'download':
        if (familyRun === null)
          throw new Error(
            'download: there is no run to download yet (still setting up, or its set-up failed)',
          );
        await download(familyRun);
        break;
      case 'open':
        generation = message.generation;
        await openFiles(message.files);
        break;
    }
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
