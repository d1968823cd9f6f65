export * from './database';
export * from './auth';
export * from './ports';
