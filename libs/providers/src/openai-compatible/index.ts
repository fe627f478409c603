export * from './openai-compatible-client';
export * from './dialect';
export * from './errors';
