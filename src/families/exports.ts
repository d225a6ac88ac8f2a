/**
 * The model families and what they are made of, as the package exports them: the family interface and list, and
 * each family's models, configurations, options, evaluation and pictures.
 */
export { FAMILIES, familyOfKind, allKinds } from './index.js';
export type {
  EvaluateOptions,
  Family,
  FamilyBase,
  FamilyModel,
  FitFamily,
  FitOptions,
  FitResult,
  KindInfo,
  LatentCodes,
  Metrics,
  ModelConfig,
  Picture,
  PictureContext,
  SampleOptions,
  SavedModel,
  StepContext,
  StepFamily,
  StepResult,
} from './family.js';
export { curvesFigure, interpolationFigure, MAX_GRID_IMAGES, planePoints, samplesFigure } from './figures.js';
export type { InterpolationFigureOptions } from './figures.js';

// The VAE family.
export { vaeFamily } from './vae/index.js';
export { VAE } from './vae/model.js';
export type {
  Labels,
  LabelOptions,
  VaeBatch,
  VaeLoss,
  VaeLossOptions,
  VaeSampleOptions,
} from './vae/model.js';
export { resolveVaeConfig, VAE_KINDS, VAE_OPTIONS, PRIOR_KINDS } from './vae/config.js';
export type { VaeConfig, VaeKind, PriorKind } from './vae/config.js';
export {
  ConditionalGaussianPrior,
  Decoder,
  GaussianEncoder,
  LIKELIHOODS,
  ARCHITECTURES,
  MixturePrior,
  StandardNormalPrior,
} from './vae/networks.js';
export type { Architecture, Likelihood } from './vae/networks.js';
export { evaluateVae, ACTIVE_UNIT_THRESHOLD } from './vae/evaluate.js';
export type { EvaluateOptions as VaeEvaluateOptions, VaeEvaluation } from './vae/evaluate.js';
export { vaeSamples, VAE_LATENT } from './vae/samples.js';
export {
  latentScatterFigure,
  manifoldFigure,
  reconstructionsFigure,
  vaeCurvesFigure,
  vaePictures,
} from './vae/pictures.js';

// The flow family.
export { flowFamily } from './flow/index.js';
export { FlowModel, nice, realNVP, glow, buildFlowBijector, bitsPerDim } from './flow/model.js';
export type { FlowOptions, FlowSampleOptions } from './flow/model.js';
export { resolveFlowConfig, FLOW_ARCHS, FLOW_OPTIONS } from './flow/config.js';
export type { FlowArch, FlowConfig } from './flow/config.js';
export { evaluateFlow } from './flow/evaluate.js';
export type { FlowEvaluateOptions, FlowEvaluation } from './flow/evaluate.js';
export {
  densityFigure,
  flowPictures,
  layersFigure,
  SAMPLE_TEMPERATURES,
  temperatureSamplesFigure,
} from './flow/pictures.js';

// The mixture family.
export { mixtureFamily } from './mixture/index.js';
export { GaussianMixture, GaussianMixtureError, COVARIANCE_TYPES } from './mixture/gmm.js';
export type {
  CovarianceType,
  EStep,
  GaussianMixtureOptions,
  MatrixInput,
  MixtureFitOptions,
  MixtureIterationInfo,
} from './mixture/gmm.js';
export { BayesianGaussianMixture } from './mixture/bayesian-gmm.js';
export type {
  BayesianCovarianceType,
  BayesianFitOptions,
  BayesianGaussianMixtureOptions,
  BayesianIterationInfo,
  WeightConcentrationPriorType,
} from './mixture/bayesian-gmm.js';
export { MixtureModel } from './mixture/model.js';
export type { Mixture } from './mixture/model.js';
export { MIXTURE_KINDS, MIXTURE_OPTIONS } from './mixture/config.js';
export type { MixtureConfig, MixtureKind } from './mixture/config.js';

// The GAN family.
export { ganFamily } from './gan/index.js';
export { GanModel } from './gan/model.js';
export type { GenerateOptions, GeneratorInput } from './gan/model.js';
export { resolveGanConfig, GAN_KINDS, GAN_LOSSES, GAN_OPTIONS, GENERATOR_ARCHS } from './gan/config.js';
export type { GanConfig, GanKind, GanLoss, GeneratorArch } from './gan/config.js';
export {
  discriminatorLoss,
  divergenceBound,
  generatorLoss,
  gradientPenalty,
  infoLoss,
  regOldPenalty,
} from './gan/losses.js';
export type { InfoCodes, InfoWeights } from './gan/losses.js';
export {
  createGenerator,
  Discriminator,
  estimateGanParameters,
  generatorInputSize,
  QHead,
  Q_HIDDEN,
} from './gan/networks.js';
export type { CodePosterior, Generator } from './gan/networks.js';
export {
  assignedAccuracy,
  COVERAGE_SAMPLES,
  evaluateGan,
  ganModeCoverage,
  ganOptimalDiscriminator,
  ganQAccuracy,
  heldOutDiscriminatorLoss,
  predictedCodes,
} from './gan/evaluate.js';
export { ganSamples } from './gan/samples.js';
export {
  codesImageFigure,
  codesScatterFigure,
  discriminatorFigure,
  ganPictures,
  ganSamplesFigure,
  generatorArrows,
} from './gan/pictures.js';

// The Helmholtz machine family.
export { helmholtzFamily } from './helmholtz/index.js';
export { HelmholtzMachine, estimateHelmholtzParameters } from './helmholtz/model.js';
export type { HelmholtzStep } from './helmholtz/model.js';
export { resolveHelmholtzConfig, HELMHOLTZ_ALGORITHMS, HELMHOLTZ_OPTIONS } from './helmholtz/config.js';
export type { HelmholtzAlgorithm, HelmholtzConfig } from './helmholtz/config.js';
export { evaluateHelmholtz } from './helmholtz/evaluate.js';
export type { HelmholtzEvaluation, HelmholtzEvaluationOptions } from './helmholtz/evaluate.js';
export { helmholtzPictures, helmholtzSamples } from './helmholtz/pictures.js';
