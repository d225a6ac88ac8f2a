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
export {
  curvesFigure,
  interpolationFigure,
  latentCodesFigure,
  latentGridFigure,
  latentOverPriorFigure,
  latentReconstructionsFigure,
  MAX_GRID_IMAGES,
  planePoints,
  samplesFigure,
} from './figures.js';
export type {
  InterpolationFigureOptions,
  LatentCodesFigureOptions,
  LatentOverPriorOptions,
} from './figures.js';

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
  aggregatePosteriorFigure,
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
  layerStages,
  SAMPLE_TEMPERATURES,
  temperatureSamplesFigure,
} from './flow/pictures.js';
export type { LayerStages, LayerStagesOptions } from './flow/pictures.js';

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

// The adversarial autoencoder family.
export { aaeFamily } from './aae/index.js';
export { AdversarialAutoencoder, estimateAaeParameters } from './aae/model.js';
export type { AaeStep } from './aae/model.js';
export { resolveAaeConfig, AAE_OPTIONS } from './aae/config.js';
export type { AaeConfig } from './aae/config.js';
export {
  AAE_PRIORS,
  createAaePrior,
  MIXTURE_PRIOR,
  PRIOR_COMPONENTS,
  SWISS_ROLL_PRIOR,
} from './aae/priors.js';
export type { AaePrior, AaePriorKind, PriorSampleOptions } from './aae/priors.js';
export { evaluateAae } from './aae/evaluate.js';
export type { AaeEvaluateOptions, AaeEvaluation } from './aae/evaluate.js';
export { AAE_LATENT, aaePictures, aaeSamples } from './aae/pictures.js';

// The ALI/BiGAN family.
export { biganFamily } from './bigan/index.js';
export { BiganModel } from './bigan/model.js';
export type { PairLogits } from './bigan/model.js';
export { resolveBiganConfig, BIGAN_KINDS, BIGAN_OPTIONS } from './bigan/config.js';
export type { BiganConfig, BiganKind } from './bigan/config.js';
export { biganDiscriminatorLoss, biganEncoderGeneratorLoss } from './bigan/losses.js';
export {
  BIGAN_LEAKY_SLOPE,
  BiganEncoder,
  BiganGenerator,
  BiganHiddenLayers,
  estimateBiganParameters,
  JointDiscriminator,
} from './bigan/networks.js';
export type { BiganHiddenLayersOptions } from './bigan/networks.js';
export { evaluateBigan } from './bigan/evaluate.js';
export type { BiganEvaluation } from './bigan/evaluate.js';
export { BIGAN_LATENT, biganSamples } from './bigan/samples.js';
export { biganPictures } from './bigan/pictures.js';

// The CycleGAN family.
export { cycleganFamily } from './cyclegan/index.js';
export { CycleGanModel, CYCLEGAN_BANK_SIZE, estimateCycleGanParameters } from './cyclegan/model.js';
export { resolveCycleGanConfig, CYCLEGAN_DEFAULT_PAIR, CYCLEGAN_OPTIONS } from './cyclegan/config.js';
export type { CycleGanConfig } from './cyclegan/config.js';
export {
  CYCLEGAN_LOSSES,
  cycleGanDiscriminatorObjective,
  cycleGanGeneratorObjective,
  meanAbsoluteError,
} from './cyclegan/losses.js';
export type {
  CycleGanLoss,
  CycleGanNetworks,
  CycleGanWeights,
  GeneratorObjective,
} from './cyclegan/losses.js';
export {
  DOMAIN_TRANSFORMS,
  domainOf,
  imageTransform,
  quarterTurnIndices,
  splitBatch,
  splitDomains,
} from './cyclegan/domains.js';
export type { DomainBatch, DomainSplit, ImageTransform, TransformName } from './cyclegan/domains.js';
export { CYCLEGAN_EVALUATION_POINTS, evaluateCycleGan } from './cyclegan/evaluate.js';
export type { CycleGanEvaluationOptions } from './cyclegan/evaluate.js';
export { cycleGanSamples, domainBDraws } from './cyclegan/samples.js';
export { cycleGanPictures, translationFigure, translationsFigure } from './cyclegan/pictures.js';
export { translationSpec } from './cyclegan/translation-figure.js';
export type { TranslationPanel, TranslationSpecOptions } from './cyclegan/translation-figure.js';

// The Helmholtz machine family.
export { helmholtzFamily } from './helmholtz/index.js';
export { HelmholtzMachine, estimateHelmholtzParameters } from './helmholtz/model.js';
export type { HelmholtzStep } from './helmholtz/model.js';
export { resolveHelmholtzConfig, HELMHOLTZ_ALGORITHMS, HELMHOLTZ_OPTIONS } from './helmholtz/config.js';
export type { HelmholtzAlgorithm, HelmholtzConfig } from './helmholtz/config.js';
export { evaluateHelmholtz } from './helmholtz/evaluate.js';
export type { HelmholtzEvaluation, HelmholtzEvaluationOptions } from './helmholtz/evaluate.js';
export { helmholtzPictures, helmholtzSamples } from './helmholtz/pictures.js';
