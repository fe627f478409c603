export * from './azure-openai-client';
export * from './dialect';
export * from './errors';
