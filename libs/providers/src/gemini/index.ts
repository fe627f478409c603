export * from './errors';
export * from './gemini-client';
export * from './request';
export * from './response';
export * from './stream';
export { SKIP_THOUGHT_SIGNATURE, splitToolCallId, toolCallId } from './tool-call-id';
export type * from './wire';
