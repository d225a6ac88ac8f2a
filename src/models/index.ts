/** The VAE family: models, configuration, evaluation, pictures, checkpoints and whole training runs. */
export { VAE } from './vae.js';
export type { VaeBatch, VaeLoss, VaeLossOptions } from './vae.js';
export { resolveVaeConfig, ConfigError, VAE_KINDS, PRIOR_KINDS } from './vae-config.js';
export type { VaeConfig, VaeKind, PriorKind } from './vae-config.js';
export {
  GaussianEncoder,
  Decoder,
  StandardNormalPrior,
  MixturePrior,
  ConditionalGaussianPrior,
  LIKELIHOODS,
  ARCHITECTURES,
} from './vae-networks.js';
export type { Likelihood, Architecture } from './vae-networks.js';
export { evaluateVae, ACTIVE_UNIT_THRESHOLD } from './vae-evaluate.js';
export type { VaeEvaluation, EvaluateOptions } from './vae-evaluate.js';
export { loadVae } from './vae-io.js';
export type { LoadedVae } from './vae-io.js';
export {
  writeSamples,
  writeReconstructions,
  writeLatentScatter,
  writeManifold,
  writeInterpolation,
  writeCurves,
  writeVaePictures,
} from './vae-pictures.js';
export { trainVaeRun, resumeVaeRun, evaluationRecord } from './vae-run.js';
export type { VaeRunOptions, VaeRunResult, RunIO } from './vae-run.js';
export {
  FlowModel,
  nice,
  realNVP,
  glow,
  resolveFlowConfig,
  buildFlowBijector,
  bitsPerDim,
  FLOW_ARCHS,
  FlowConfigError,
} from './flows.js';
export type { FlowArch, FlowConfig, FlowOptions } from './flows.js';
export { evaluateFlow } from './flow-evaluate.js';
export type { FlowEvaluation } from './flow-evaluate.js';
export { loadFlow } from './flow-io.js';
export type { LoadedFlow } from './flow-io.js';
export { trainFlowRun, resumeFlowRun } from './flow-run.js';
export type { FlowRunOptions, FlowRunResult } from './flow-run.js';
export {
  writeFlowSamples,
  writeDensity,
  writeLayers,
  writeFlowPictures,
  SAMPLE_TEMPERATURES,
} from './flow-pictures.js';
export { GaussianMixture, GaussianMixtureError, COVARIANCE_TYPES } from './gmm.js';
export type {
  GaussianMixtureOptions,
  MatrixInput,
  EStep,
  CovarianceType,
  MixtureFitOptions,
  MixtureIterationInfo,
} from './gmm.js';
export { BayesianGaussianMixture } from './bayesian-gmm.js';
export type {
  BayesianGaussianMixtureOptions,
  BayesianCovarianceType,
  WeightConcentrationPriorType,
  BayesianFitOptions,
  BayesianIterationInfo,
} from './bayesian-gmm.js';
export { saveMixture, loadMixture, isMixtureKind, MIXTURE_KINDS } from './gmm-io.js';
export type { Mixture, MixtureKind, LoadedMixture } from './gmm-io.js';
export { fitMixtureRun, MixtureRunError } from './gmm-run.js';
export type { MixtureRunOptions, MixtureRunResult } from './gmm-run.js';
