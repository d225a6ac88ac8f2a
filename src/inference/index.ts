export type { LatentVariableModel } from './model.js';
export { elboTerms, elboLoss, repeatRows, ELBO_ESTIMATORS } from './elbo.js';
export type { ElboEstimator, ElboOptions, ElboTerms, ElboLossOptions } from './elbo.js';
export { iwaeBound, logImportanceWeights } from './iwae.js';
export { importanceLogLikelihood, logMeanExpOfDraws } from './importance.js';
export type { ImportanceOptions } from './importance.js';
export { constantBeta, linearWarmup, cyclicalAnnealing } from './annealing.js';
export type { BetaSchedule } from './annealing.js';
