export * from './errors';
export * from './ollama-client';
export * from './request';
export * from './response';
export * from './stream';
export type * from './wire';
