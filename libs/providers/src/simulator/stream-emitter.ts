import type { Subscriber } from 'rxjs';
import type { ChatChunk, GatewayError, Usage } from '@app/core';
import { groupUnits, type ChunkDelta } from './chunking';
import type { SimReply } from './reply';
import { schedule, type Cancel } from './schedule';

/** Shortest gap between two streamed chunks: faster rates send several tokens per chunk. */
export const MIN_TICK_MS = 5;

export interface StreamPlan {
  id: string;
  model: string;
  reply: SimReply;
  usage: Usage;
  /** delay of the first chunk, stall included */
  firstTokenMs: number;
  /** 0 = unpaced: everything in the first tick */
  msPerToken: number;
  /** error after this many chunks instead of finishing */
  cutAfterChunks?: number;
  /** pause `midStreamStallMs` after this many chunks (a model or network hiccup mid-answer) */
  stallAfterChunks?: number;
  midStreamStallMs?: number;
  cutError: (chunks: number) => GatewayError;
}

/**
 * Streams a reply on timers: the first chunk (role + first token) after firstTokenMs, then tokens
 * at the planned rate (due tokens are computed from the clock, so late timers catch up instead of
 * drifting), then a finish chunk, a usage chunk and completion. A planned cut errors after
 * `cutAfterChunks` chunks and never sends the finish chunk. A planned mid-stream stall holds the
 * rest back for `midStreamStallMs` after `stallAfterChunks` chunks, then goes on at the same pace
 * (the pause does not turn into a burst). Returns the cancel of the pending timer.
 */
export function emitStream(plan: StreamPlan, out: Subscriber<ChatChunk>): Cancel {
  const { units } = plan.reply;
  let pending: Cancel | undefined;
  let firstAt = -1;
  let next = 0;
  let tokens = 0;
  let chunks = 0;
  /** deltas held back by a mid-stream stall, sent when it ends */
  let held: ChunkDelta[] = [];
  let stallPending = plan.stallAfterChunks !== undefined && (plan.midStreamStallMs ?? 0) > 0;

  const send = (chunk: ChatChunk): boolean => {
    out.next(chunk);
    return !out.closed;
  };
  const sendDelta = (delta: ChunkDelta): boolean => {
    if (plan.cutAfterChunks !== undefined && chunks >= plan.cutAfterChunks) {
      out.error(plan.cutError(chunks));
      return false;
    }
    chunks++;
    return send({ id: plan.id, model: plan.model, delta });
  };

  const tick = (): void => {
    pending = undefined;
    const now = Date.now();
    const first = firstAt < 0;
    if (first) firstAt = now;
    const due = plan.msPerToken > 0 ? 1 + Math.floor((now - firstAt) / plan.msPerToken) : Infinity;
    const from = next;
    while (next < units.length && tokens < due) tokens += units[next++].tokens;
    const deltas = groupUnits(units, from, next);
    if (first) deltas[0] = { role: 'assistant', ...(deltas[0] ?? { content: '' }) };
    sendAll(deltas);
  };

  /** Sends deltas, stopping for the stall when its chunk count is reached; then what comes next. */
  const sendAll = (deltas: ChunkDelta[]): void => {
    for (let i = 0; i < deltas.length; i++) {
      if (!sendDelta(deltas[i])) return;
      if (stallPending && chunks >= (plan.stallAfterChunks ?? 0)) {
        const rest = deltas.slice(i + 1);
        if (rest.length === 0 && next >= units.length) break; // nothing left to hold back
        stallPending = false;
        held = rest;
        const stallMs = plan.midStreamStallMs ?? 0;
        firstAt += stallMs;
        pending = schedule(stallMs, resume);
        return;
      }
    }
    continueOrFinish();
  };

  const resume = (): void => {
    pending = undefined;
    const deltas = held;
    held = [];
    sendAll(deltas);
  };

  const continueOrFinish = (): void => {
    const now = Date.now();
    if (next < units.length) {
      const nextDueAt = firstAt + tokens * plan.msPerToken;
      pending = schedule(Math.max(MIN_TICK_MS, nextDueAt - now), tick);
      return;
    }
    if (plan.cutAfterChunks !== undefined) {
      out.error(plan.cutError(chunks));
      return;
    }
    const base = { id: plan.id, model: plan.model };
    if (!send({ ...base, finishReason: plan.reply.finishReason })) return;
    if (!send({ ...base, usage: plan.usage })) return;
    out.complete();
  };

  pending = schedule(plan.firstTokenMs, tick);
  return () => pending?.();
}
