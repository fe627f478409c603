export * from './anthropic-client';
export * from './defaults';
export { anthropicStreamError, parseAnthropicError } from './errors';
export { toAnthropicRequest, type AnthropicRequestOptions } from './request';
export { fromAnthropicResponse } from './response';
export { mapAnthropicStopReason } from './stop-reason';
export { anthropicStreamMapper, type AnthropicStreamState } from './stream';
export type * from './wire-types';
