export * from './chat-client';
export * from './openai-client';
export * from './dialect';
export * from './errors';
export * from './request';
export * from './response';
export * from './stream';
export type * from './wire-types';
