/**
 * Benchmarks `page-flow` and `page-vae`: the training speed of the studio's flow and VAE panels in headless
 * Chromium, on wasm and on WebGL, beside the same step in Node.
 *
 * The page: the built studio (`LATENTLAB_STUDIO_DIR`, else `dist/studio`) served by `latentlab studio`'s server and
 * opened in Debian's Chromium with the tests' flags (`test/chromium.ts`), once per backend, at its default set-up
 * (`?panel=flow`: RealNVP, 8 couplings of 64-64 networks, batches of 256 two-moons points; `?panel=vae`: the vae
 * family's default on the embedded MNIST, a 784-400-20 MLP with batches of 128). The worker times each training step
 * alone (the flow panel's `FlowRun.trainOne`, the family panel's `FamilyRun.trainOne`; both read the loss back, so
 * the step has finished) and the page shows the median of the last {@link STEP_WINDOW} steps; the benchmark plays
 * until that window holds only steps after the first {@link WARMUP}, and reads the median. WebGL runs in software
 * there (SwiftShader).
 *
 * Node: the same runs (`studio/flow-run.ts`, `studio/family-run.ts` on the same MNIST split), the same steps, timed
 * with `bench/timing.ts` after the same warm-up: first on the engine Node uses by default (`npm run bench` sets it up
 * as the command line does: the wasm backend, with the native matrix product where it was built), then on the wasm
 * backend's own kernels (the native product stopped), which is what the page runs.
 *
 * The row: latentlab is the page on wasm, the peer Node's default engine, so the ratio is page/Node. The columns: the
 * page on WebGL and its ratio to Node, Node on the wasm kernels and the page's ratio to that (the target: at most
 * {@link MAX_PAGE_OVER_NODE_WASM}, since the library's wasm kernels apply in the page as in Node), and the steps per
 * second in the page on each backend. `--steps N` sets Node's timed steps (default {@link STEP_WINDOW}, as the page).
 */
import type { Browser, Page } from 'playwright-core';
import { engineInfo, initEngine } from '../src/engine/backend.js';
import { nativeKernelsInfo, stopNativeKernels, useNativeKernels } from '../src/engine/native-kernels.js';
import { loadMnist } from '../src/data/mnist.js';
import { serveStudio } from '../src/cli/studio-server.js';
import { FamilyRun } from '../studio/family-run.js';
import { FlowRun } from '../studio/flow-run.js';
import { STEP_WINDOW } from '../studio/step-times.js';
import { DEFAULT_SETUP } from '../studio/url.js';
import { browserMissing, launchChromium, studioUnderTest } from '../test/chromium.js';
import { ratio, type Benchmark, type BenchContext, type BenchResult } from './harness.js';
import { median, timeSteps } from './timing.js';

/** Untimed steps first, on each side. */
export const WARMUP = 10;
/** Untimed steps after the engine changes under a run (Node's native product stopped). */
const REWARM = 2;
/** The page on wasm should take at most this many times Node's step on the same wasm kernels. */
export const MAX_PAGE_OVER_NODE_WASM = 1.5;
/** The page backends timed. */
const PAGE_BACKENDS = ['wasm', 'webgl'] as const;
/** The longest the page may take to start a run, or to take its steps (WebGL in software is slow). */
const PAGE_TIMEOUT_MS = 300_000;

/** A run the Node side times: one training step at a time. */
interface StepRun {
  trainOne(): unknown;
  dispose(): void;
}

/** What the Node side measured: each step's milliseconds on the default engine, and on the wasm kernels. */
interface NodeTimes {
  engine: string;
  times: number[];
  /** Null where the default engine is not wasm with the native product (then it is the wasm kernels already). */
  wasmTimes: number[] | null;
}

/** The engine Node runs, as a phrase: `wasm with native avx512, 2 threads products`. */
function nodeEngine(): string {
  const info = engineInfo();
  return info.matMul === info.backend ? info.backend : `${info.backend} with ${info.matMul} products`;
}

/** Time `steps` steps of a fresh run on Node's default engine, then as many on the wasm kernels alone. */
async function timeInNode(make: () => StepRun, steps: number, label: string): Promise<NodeTimes> {
  const { backend } = await initEngine();
  const engine = nodeEngine();
  const run = make();
  try {
    const times = timeSteps(() => run.trainOne(), { steps, warmup: WARMUP, label: `${label} (Node)` });
    const native = nativeKernelsInfo();
    if (backend !== 'wasm' || !native.active) return { engine, times, wasmTimes: null };
    stopNativeKernels();
    try {
      const wasmTimes = timeSteps(() => run.trainOne(), {
        steps,
        warmup: REWARM,
        label: `${label} (Node, wasm kernels)`,
      });
      return { engine, times, wasmTimes };
    } finally {
      useNativeKernels({ threads: native.threads });
    }
  } finally {
    run.dispose();
  }
}

/** What the page measured on one backend. */
interface PageTimes {
  msPerStep: number;
  /** The library's kernels in force in the page's worker (studio/engine.ts). */
  kernels: string[];
}

/** Open the studio at `query` on `backend`, play until the page's step window is past the warm-up, and read it. */
async function timeInPage(browser: Browser, url: string, query: string, backend: string): Promise<PageTimes> {
  const page: Page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${url}${query}&backend=${backend}`);
    await page.waitForFunction(
      () =>
        document.getElementById('status')!.dataset.step === '0' ||
        document.getElementById('error')!.textContent !== '',
      null,
      { timeout: PAGE_TIMEOUT_MS },
    );
    const { running, text, kernels, error } = await page.evaluate(() => {
      const shown = document.getElementById('backend')!;
      return {
        running: shown.dataset.backend,
        text: shown.textContent,
        kernels: shown.dataset.kernels ?? '',
        error: document.getElementById('error')!.textContent,
      };
    });
    if (error !== '') throw new Error(`the page at ${query} failed: ${error}`);
    if (running !== backend)
      throw new Error(`the page runs ${running ?? 'no backend'}, not ${backend}: ${text}`);
    await page.click('#play');
    await page.waitForFunction(
      (n) =>
        Number(document.getElementById('status')!.dataset.step) >= n ||
        document.getElementById('error')!.textContent !== '',
      WARMUP + STEP_WINDOW,
      { timeout: PAGE_TIMEOUT_MS, polling: 100 },
    );
    const { ms, failed } = await page.evaluate(() => ({
      ms: Number(document.getElementById('speed')?.dataset.msPerStep),
      failed: document.getElementById('error')!.textContent,
    }));
    await page.click('#pause');
    if (failed !== '') throw new Error(`the page at ${query} failed while training: ${failed}`);
    if (errors.length > 0) throw new Error(`the page at ${query} threw: ${errors[0]}`);
    if (!Number.isFinite(ms))
      throw new Error('the page shows no step times (#speed): rebuild the studio (npm run build)');
    return { msPerStep: ms, kernels: kernels.split(' ').filter(Boolean) };
  } finally {
    await page.close();
  }
}

/** One panel's benchmark: its name, what it times, the page's query and the same run in Node. */
function pageSpeed(name: string, description: string, query: string, make: () => StepRun): Benchmark {
  return {
    name,
    description,
    async run({ steps = STEP_WINDOW, log }: BenchContext): Promise<BenchResult> {
      const dir = studioUnderTest();
      const missing = browserMissing(dir);
      if (missing !== null) throw new Error(missing);

      log(`${name}: Node (${nodeEngine()}, then wasm kernels), ${steps} steps after ${WARMUP} warm-up`);
      const node = await timeInNode(make, steps, name);
      const nodeMs = median(node.times);
      const nodeWasmMs = node.wasmTimes === null ? nodeMs : median(node.wasmTimes);

      const server = await serveStudio(dir!, { port: 0 });
      const browser = await launchChromium();
      const page: Record<string, PageTimes> = {};
      try {
        for (const backend of PAGE_BACKENDS) {
          log(`${name}: Chromium ${browser.version()}, ${backend}, the median of ${STEP_WINDOW} steps`);
          page[backend] = await timeInPage(browser, server.url, query, backend);
        }
      } finally {
        await browser.close();
        await server.close();
      }

      const { wasm, webgl } = page;
      const overNodeWasm = ratio(wasm.msPerStep, nodeWasmMs) ?? Infinity;
      return {
        unit: 'ms',
        latentlab: wasm.msPerStep,
        peer: nodeMs,
        peerName: `latentlab in Node ${process.version} (${node.engine})`,
        columns: [
          { label: 'page webgl', value: webgl.msPerStep, unit: 'ms' },
          { label: 'webgl/Node', value: webgl.msPerStep / nodeMs, unit: 'x' },
          { label: 'Node wasm', value: nodeWasmMs, unit: 'ms' },
          { label: 'page/Node wasm', value: overNodeWasm, unit: 'x' },
          { label: 'steps/s wasm', value: 1000 / wasm.msPerStep, unit: '' },
          { label: 'steps/s webgl', value: 1000 / webgl.msPerStep, unit: '' },
        ],
        targets: [
          {
            description: `the page on wasm <= ${MAX_PAGE_OVER_NODE_WASM}x Node on the same wasm kernels`,
            met: overNodeWasm <= MAX_PAGE_OVER_NODE_WASM,
          },
        ],
        raw: {
          query,
          warmup: WARMUP,
          pageWindow: STEP_WINDOW,
          nodeSteps: steps,
          studio: dir,
          page,
          node: { ...node, msPerStep: nodeMs, wasmMsPerStep: nodeWasmMs },
        },
      };
    },
  };
}

export const pageFlow = pageSpeed(
  'page-flow',
  "the studio's flow panel (RealNVP on two moons, batch 256): a step in Chromium on wasm and WebGL, and in Node",
  '?panel=flow',
  () => new FlowRun(DEFAULT_SETUP),
);

export const pageVae = pageSpeed(
  'page-vae',
  "the studio's VAE panel (784-400-20 MLP on MNIST, batch 128): a step in Chromium on wasm and WebGL, and in Node",
  '?panel=vae',
  () => new FamilyRun({ family: 'vae', kind: 'vae', seed: 0, options: {} }, loadMnist()),
);
