import { DefaultTokenCounter, type TokenCounter } from '@app/context';
import {
  costNanoUsd,
  makeUsage,
  type AttemptRecord,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type GatewayError,
  type Pricing,
  type Usage,
} from '@app/core';

/**
 * What each upstream attempt consumed, in tokens and dollars. The provider's report wins; when there
 * is none (a stream cut or cancelled before its usage event, a hedge aborted in flight, a server
 * that reports no usage) the gateway counts the prompt it sent and the text it received with the
 * target model's tokenizer and flags the usage `estimated`.
 */
export class UsageMeter {
  constructor(private readonly counter: TokenCounter = sharedTokenCounter()) {}

  /** The tokens counted for a request as sent and the output received, flagged `estimated`. */
  estimate(request: ChatRequest, output: string): Usage {
    const input = this.counter.countMessages(request.messages, request.model, request.tools);
    const generated =
      output.length === 0 ? 0 : this.counter.countText(output, request.model, { cache: false });
    return makeUsage(input, generated, { estimated: true });
  }

  /** A response's usage: the provider's, else counted (a body without usage reports zeros, estimated). */
  responseUsage(request: ChatRequest, response: ChatResponse): Usage {
    const usage = response.usage;
    if (!usage.estimated) return usage;
    return this.estimate(request, responseText(response));
  }

  /** Sets the attempt's usage and its cost at the target's prices (none when it has no prices). */
  bill(record: AttemptRecord, usage: Usage, pricing: Pricing | undefined): void {
    record.usage = usage;
    if (pricing === undefined) delete record.costNanoUsd;
    else record.costNanoUsd = costNanoUsd(usage, pricing);
  }
}

/**
 * Whether an attempt that was sent and ended without a usage report consumed tokens all the same:
 * one whose upstream stream had opened did; one the gateway gave up on after sending it (lost to
 * a hedge, cancelled by the caller, timed out waiting) is taken to have read its prompt; one the
 * upstream refused with an error status, or that never connected, consumed nothing.
 */
export function consumedTokens(
  opened: boolean,
  error: GatewayError | undefined,
  lost: boolean,
): boolean {
  if (opened || lost || error === undefined) return true;
  if (error.code === 'client_closed_request') return true;
  return error.type === 'timeout_error' && error.upstreamStatus === undefined;
}

/** The text of a streamed chunk that counts as output: content, refusal, tool-call fragments. */
export function chunkText(chunk: ChatChunk): string {
  const delta = chunk.delta;
  if (delta === undefined) return '';
  let text = delta.content ?? '';
  if (delta.refusal) text += delta.refusal;
  if (delta.toolCalls !== undefined) {
    for (const call of delta.toolCalls) {
      if (call.function?.name) text += call.function.name;
      if (call.function?.arguments) text += call.function.arguments;
    }
  }
  return text;
}

function responseText(response: ChatResponse): string {
  const { message } = response;
  let text = message.content ?? '';
  if (message.refusal) text += message.refusal;
  for (const call of message.toolCalls ?? []) text += call.function.name + call.function.arguments;
  return text;
}

let shared: TokenCounter | undefined;

/** One token counter per process for the gateway's counts (its caches are shared). */
export function sharedTokenCounter(): TokenCounter {
  return (shared ??= new DefaultTokenCounter());
}
