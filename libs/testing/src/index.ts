export * from './database';
export * from './auth';
