export * from './types';
export { checkConfig } from './config-check';
export { suggest, defaultInitialCount } from './suggest';
export { SuggestWorker } from './suggest-worker-client';
export { bestTrial, campaignStop, paretoFront, thresholdsReached, minimisedValues, type StopReason, type StopRules } from './objectives';
export { parseLinearInequality, type LinearInequality } from './linear-constraint';
