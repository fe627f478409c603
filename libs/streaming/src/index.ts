export * from './sse-frames';
export * from './sse-writer';
