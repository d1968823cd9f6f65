export * from './json';
export * from './errors';
export * from './schema';
export * from './workflow';
export * from './runs';
export * from './events';
export * from './transport';
export * from './agent';
