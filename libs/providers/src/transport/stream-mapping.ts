import { Observable, type OperatorFunction } from 'rxjs';
import { GatewayError, streamCutError, type ChatChunk } from '@app/core';
import { badResponse } from '../wire/json-guards';
import type { WireEvent } from './stream-decoders';

/**
 * How a provider turns its wire events into ChatChunks. `onEvent` and `onEnd` are pure functions of
 * the event and a per-stream state object they may update. `onEnd` runs when the upstream body
 * ends: it returns the last chunks, or a reason when the stream ended before the provider said it
 * was finished (a cut stream is an error, never a clean completion).
 */
export interface StreamMapper<S> {
  provider: string;
  createState(): S;
  onEvent(event: WireEvent, state: S): ChatChunk[];
  onEnd(state: S): ChatChunk[] | { cut: string };
}

export function mapWireStream<S>(mapper: StreamMapper<S>): OperatorFunction<WireEvent, ChatChunk> {
  return (source) =>
    new Observable<ChatChunk>((subscriber) => {
      const state = mapper.createState();
      const subscription = source.subscribe({
        next: (event) => {
          let chunks: ChatChunk[];
          try {
            chunks = mapper.onEvent(event, state);
          } catch (error) {
            subscriber.error(asGatewayError(mapper.provider, error));
            return;
          }
          for (const chunk of chunks) subscriber.next(chunk);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          const end = mapper.onEnd(state);
          if ('cut' in end) {
            subscriber.error(streamCutError(mapper.provider, end.cut));
            return;
          }
          for (const chunk of end) subscriber.next(chunk);
          subscriber.complete();
        },
      });
      return () => subscription.unsubscribe();
    });
}

function asGatewayError(provider: string, error: unknown): GatewayError {
  return error instanceof GatewayError
    ? error
    : badResponse(provider, 'an unreadable stream event');
}

/** Parses one event's JSON data, failing as an unreadable upstream event. */
export function parseEventJson(event: WireEvent): unknown {
  return JSON.parse(event.data) as unknown;
}
