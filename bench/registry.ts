/**
 * Every benchmark `npm run bench` knows, in the order it runs them. A new benchmark is one file, `bench/<name>.ts`,
 * exporting a `Benchmark`, and one line here.
 */
import { fashionDcgan, fashionFlow, fashionVae } from './fashion-samples.js';
import { flow2d } from './flow2d.js';
import { flowImages } from './flow-images.js';
import { gan2d, gan2dGrid25, gan2dRegOld, gan2dWgan } from './gan2d.js';
import { gmm } from './gmm.js';
import { gmmImages } from './gmm-images.js';
import type { Benchmark } from './harness.js';
import { pageFlow, pageVae } from './page-speed.js';
import { vaeEpoch } from './vae-epoch.js';
import { vaeStep } from './vae-step.js';

export const BENCHMARKS: readonly Benchmark[] = [
  vaeStep,
  vaeEpoch,
  flow2d,
  flowImages,
  gmm,
  gmmImages,
  gan2d,
  gan2dGrid25,
  gan2dWgan,
  gan2dRegOld,
  fashionVae,
  fashionFlow,
  fashionDcgan,
  pageFlow,
  pageVae,
];
