import { Observable } from 'rxjs';
import {
  makeUsage,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type GatewayError,
  type LlmClient,
  type RequestContext,
  type Usage,
} from '@app/core';
import type { ProviderConfig, SimulatorSettings } from '../provider-config';
import { hasFaultDirective, parseDirectives, type SimDirectives } from './directives';
import { NO_FAULTS, directiveFaults, drawFaults, type FaultPlan } from './faults';
import { createRng, hashString, type Rng } from './prng';
import { buildReply, type SimReply } from './reply';
import { onAbort, schedule, type Cancel } from './schedule';
import { msPerToken, resolveSimulatorSettings } from './settings';
import { abortError, cutError, failureError, invalidRequestError } from './sim-errors';
import { emitStream } from './stream-emitter';
import { countPromptTokens, lastUserText } from './token-count';

/** request ids remembered for `[[sim:...,times=N]]` */
const MAX_TRACKED_REQUESTS = 10_000;

/** One call: either an error due after a delay, or a reply with its timing and faults. */
type Attempt =
  | { kind: 'error'; error: GatewayError; delayMs: number }
  | {
      kind: 'reply';
      id: string;
      reply: SimReply;
      usage: Usage;
      firstTokenMs: number;
      faults: FaultPlan;
    };

/**
 * The built-in offline provider (no keys, no network): deterministic replies from a seed and the
 * request, realistic token counts, OpenAI-like streaming pace, and seeded or per-request fault
 * injection. See README.md in this folder.
 */
export class SimulatorClient implements LlmClient {
  readonly provider: string;
  readonly settings: SimulatorSettings;
  private readonly faultRng: Rng;
  private readonly idRng: Rng;
  private readonly attemptsByRequest = new Map<string, number>();

  constructor(config: ProviderConfig) {
    this.provider = config.name;
    this.settings = resolveSimulatorSettings(config.simulator);
    this.faultRng = createRng(hashString('faults', this.settings.seed));
    this.idRng = createRng(hashString('ids', this.settings.seed));
  }

  complete(request: ChatRequest, context: RequestContext): Promise<ChatResponse> {
    return new Promise<ChatResponse>((resolve, reject) => {
      const { signal } = context;
      if (signal.aborted) return reject(abortError(this.provider, signal.reason));
      const attempt = this.start(request, context);
      let settle: () => void;
      let delayMs: number;
      if (attempt.kind === 'error') {
        delayMs = attempt.delayMs;
        settle = () => reject(attempt.error);
      } else {
        const generationMs =
          msPerToken(this.settings) * Math.max(0, attempt.reply.outputTokens - 1) +
          (attempt.faults.midStreamStallMs ?? 0);
        if (attempt.faults.cutAfterChunks !== undefined) {
          // no stream to cut: the connection drops half-way through the answer
          delayMs = attempt.firstTokenMs + generationMs / 2;
          settle = () => reject(failureError(this.provider, { kind: 'reset' }));
        } else {
          delayMs = attempt.firstTokenMs + generationMs;
          settle = () => resolve(toResponse(request, attempt.id, attempt.reply, attempt.usage));
        }
      }
      // both callbacks run asynchronously, after both constants are set
      const cancel = schedule(delayMs, () => {
        stopWatching();
        settle();
      });
      const stopWatching = onAbort(signal, () => {
        cancel();
        reject(abortError(this.provider, signal.reason));
      });
    });
  }

  stream(request: ChatRequest, context: RequestContext): Observable<ChatChunk> {
    return new Observable<ChatChunk>((subscriber) => {
      const { signal } = context;
      if (signal.aborted) {
        subscriber.error(abortError(this.provider, signal.reason));
        return;
      }
      const attempt = this.start(request, context);
      let cancel: Cancel;
      if (attempt.kind === 'error') {
        cancel = schedule(attempt.delayMs, () => subscriber.error(attempt.error));
      } else {
        cancel = emitStream(
          {
            id: attempt.id,
            model: request.model,
            reply: attempt.reply,
            usage: attempt.usage,
            firstTokenMs: attempt.firstTokenMs,
            msPerToken: msPerToken(this.settings),
            cutAfterChunks: attempt.faults.cutAfterChunks,
            stallAfterChunks: attempt.faults.stallAfterChunks,
            midStreamStallMs: attempt.faults.midStreamStallMs,
            cutError: (chunks) => cutError(this.provider, chunks),
          },
          subscriber,
        );
      }
      const stopWatching = onAbort(signal, () => {
        cancel();
        subscriber.error(abortError(this.provider, signal.reason));
      });
      return () => {
        cancel();
        stopWatching();
      };
    });
  }

  /** Everything decided when the request is sent: faults, the reply, usage and timing. */
  private start(request: ChatRequest, context: RequestContext): Attempt {
    const directives = parseDirectives(lastUserText(request.messages));
    const drawn = drawFaults(this.faultRng, this.settings.faults);
    const faults = hasFaultDirective(directives)
      ? this.directiveFaultsFor(context.requestId, directives)
      : drawn;
    const id = `chatcmpl-sim-${this.idRng.hex(24)}`;
    const invalid = validate(request);
    if (invalid !== undefined) {
      return { kind: 'error', error: invalidRequestError(this.provider, invalid), delayMs: 0 };
    }
    const { defaultMaxTokens, seed } = this.settings;
    const maxTokens = request.maxTokens;
    const reply = buildReply(request, { seed, maxTokens, defaultMaxTokens, directives });
    if ('invalid' in reply) {
      return {
        kind: 'error',
        error: invalidRequestError(this.provider, reply.invalid),
        delayMs: 0,
      };
    }
    const firstTokenMs = this.settings.firstTokenMs + faults.stallMs;
    if (faults.failure !== undefined) {
      const error = failureError(this.provider, faults.failure);
      return { kind: 'error', error, delayMs: firstTokenMs };
    }
    const usage = makeUsage(countPromptTokens(request.messages, request.tools), reply.outputTokens);
    return { kind: 'reply', id, reply, usage, firstTokenMs, faults };
  }

  /** Directive faults, limited to the first `times` attempts of a request id when asked. */
  private directiveFaultsFor(requestId: string, directives: SimDirectives): FaultPlan {
    if (directives.times === undefined) return directiveFaults(directives);
    const seen = this.attemptsByRequest.get(requestId) ?? 0;
    this.attemptsByRequest.delete(requestId);
    this.attemptsByRequest.set(requestId, seen + 1);
    if (this.attemptsByRequest.size > MAX_TRACKED_REQUESTS) {
      const oldest = this.attemptsByRequest.keys().next().value;
      if (oldest !== undefined) this.attemptsByRequest.delete(oldest);
    }
    return seen < directives.times ? directiveFaults(directives) : NO_FAULTS;
  }
}

/** The checks a real upstream answers with a 400. */
function validate(request: ChatRequest): string | undefined {
  if (request.messages.length === 0) return "'messages' must contain at least one message.";
  const { maxTokens } = request;
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 1)) {
    return "'max_tokens' must be a positive integer.";
  }
  return undefined;
}

function toResponse(request: ChatRequest, id: string, reply: SimReply, usage: Usage): ChatResponse {
  return {
    id,
    model: request.model,
    message: {
      role: 'assistant',
      content: reply.content,
      ...(reply.toolCalls ? { toolCalls: reply.toolCalls } : {}),
    },
    finishReason: reply.finishReason,
    usage,
  };
}
