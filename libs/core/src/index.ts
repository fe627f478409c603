export * from './chat';
export * from './context';
export * from './errors';
export * from './llm-client';
export * from './messages';
export * from './redact';
export * from './usage';
