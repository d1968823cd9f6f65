export * from './types';
export { checkConfig } from './config-check';
export { suggest, defaultInitialCount } from './suggest';
export { SuggestWorker } from './suggest-worker-client';
export { bestTrial, paretoFront, thresholdsReached, minimisedValues } from './objectives';
export { parseLinearInequality, type LinearInequality } from './linear-constraint';
