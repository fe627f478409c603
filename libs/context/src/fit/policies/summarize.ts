import type { Message } from '@app/core';
import { analyzeConversation, isPinned, type Conversation } from '../conversation';
import { contextTooLong, summarizerFailure, throwIfAborted } from '../fit-errors';
import { countPrompt, type PolicyContext, type PolicyOutcome } from '../policy-context';
import { turnPrefixHashes } from '../prefix-hashes';
import type { SummaryCache } from '../summary-cache';
import type { Summarizer } from '../summarizer';

export const SUMMARY_PREFIX = 'Summary of the earlier conversation:\n';
export const DEFAULT_MAX_SUMMARY_TOKENS = 1024;
/** after a new summary, the verbatim recent turns use at most this share of the room */
export const KEEP_SHARE = 0.5;
/** and the summary at most this share */
export const SUMMARY_SHARE = 0.25;
/** a summary cut below this is no summary: 400 instead */
export const MIN_SUMMARY_TOKENS = 16;
/**
 * One summarizer call takes turns worth at most this share of the prompt budget (plus the
 * previous summary); more is folded in several calls, each extending the last summary. The
 * summary model's window is not known here; the share leaves room for the summary prompt.
 */
export const FOLD_SHARE = 0.75;

interface Plan {
  conversation: Conversation;
  hashes: string[];
  lastTurn: number;
  /** droppable tokens of turns [c, end) for each c */
  suffixTokens: number[];
}

/**
 * Replaces older turns with one summary (a system message after the leading system messages).
 * Summaries are cached by the hash of the exact turns they cover; a conversation that grows turn
 * by turn reuses the longest cached prefix until that no longer fits, and only then summarises a
 * new, larger prefix (extending the previous summary) sized so that the recent turns kept
 * verbatim use at most half the room. So the summarizer runs once per threshold crossing, not
 * once per turn.
 */
export class SummarizePolicy {
  constructor(
    private readonly summarizer: Summarizer,
    private readonly cache: SummaryCache,
  ) {}

  async apply(context: PolicyContext): Promise<PolicyOutcome> {
    const plan = this.plan(context);
    const { lastTurn, hashes } = plan;
    if (lastTurn < 1) {
      throw contextTooLong(context.tokensBefore, context.budget, 'there are no earlier turns');
    }

    let { cachedCut, cachedSummary } = this.longestCached(hashes, lastTurn);
    const fitting = (summary: string | undefined, cut: number) =>
      summary !== undefined &&
      countPrompt(context, build(plan.conversation, cut, summary)) <= context.budget.input;
    if (!fitting(cachedSummary, cachedCut) && this.cache.load !== undefined) {
      // nothing local makes it fit: a shared store may know a longer summary (a restart, another replica)
      await this.cache.load(hashes.slice(1, lastTurn + 1));
      ({ cachedCut, cachedSummary } = this.longestCached(hashes, lastTurn));
    }
    if (cachedSummary !== undefined && fitting(cachedSummary, cachedCut)) {
      const messages = build(plan.conversation, cachedCut, cachedSummary);
      return { messages, turnsDropped: 0, turnsSummarized: cachedCut, summaryCached: true };
    }

    const room = this.room(context, plan);
    const maxSummary = Math.min(
      context.options.maxSummaryTokens ?? DEFAULT_MAX_SUMMARY_TOKENS,
      Math.floor(room * SUMMARY_SHARE),
    );
    let cut = lastTurn;
    while (cut > 1 && plan.suffixTokens[cut - 1] <= room * KEEP_SHARE) cut--;
    if (plan.suffixTokens[cut] + MIN_SUMMARY_TOKENS > room || maxSummary < MIN_SUMMARY_TOKENS) {
      throw contextTooLong(
        context.tokensBefore,
        context.budget,
        'the most recent turn alone leaves no room for a summary',
      );
    }

    let summary: string;
    let summaryCached = false;
    if (cachedSummary !== undefined && cachedCut >= cut) {
      // the cached summary covers at least as much but is too long for this window
      cut = cachedCut;
      summary = cachedSummary;
      summaryCached = true;
    } else {
      summary = await this.summarize(context, plan, cachedCut, cachedSummary, cut, maxSummary);
    }
    summary = context.counter.truncateText(summary, context.model, maxSummary);
    if (!summaryCached) this.cache.set(hashes[cut], summary);
    const messages = this.fitSummary(context, plan.conversation, cut, summary);
    return { messages, turnsDropped: 0, turnsSummarized: cut, summaryCached };
  }

  /** The summary of the longest turn prefix the cache knows (cut 0: none). */
  private longestCached(
    hashes: readonly string[],
    lastTurn: number,
  ): { cachedCut: number; cachedSummary: string | undefined } {
    for (let cut = lastTurn; cut >= 1; cut--) {
      const summary = this.cache.get(hashes[cut]);
      if (summary !== undefined) return { cachedCut: cut, cachedSummary: summary };
    }
    return { cachedCut: 0, cachedSummary: undefined };
  }

  private plan(context: PolicyContext): Plan {
    const conversation = analyzeConversation(context.messages, (m) =>
      context.counter.countMessage(m, context.model),
    );
    const { turns } = conversation;
    const suffixTokens = new Array<number>(turns.length + 1).fill(0);
    for (let i = turns.length - 1; i >= 0; i--) {
      suffixTokens[i] = suffixTokens[i + 1] + turns[i].tokens;
    }
    return {
      conversation,
      hashes: turnPrefixHashes(conversation),
      lastTurn: turns.length - 1,
      suffixTokens,
    };
  }

  /** Tokens left for the summary and the recent turns once the pinned messages are in. */
  private room(context: PolicyContext, plan: Plan): number {
    const pinned = build(plan.conversation, plan.lastTurn + 1, '').filter(isPinned);
    return context.budget.input - countPrompt(context, pinned);
  }

  private async summarize(
    context: PolicyContext,
    plan: Plan,
    previousCut: number,
    previousSummary: string | undefined,
    cut: number,
    maxTokens: number,
  ): Promise<string> {
    const { conversation } = plan;
    const { turns } = conversation;
    const foldLimit = Math.max(1, Math.floor(context.budget.input * FOLD_SHARE));
    let summary = previousSummary;
    let start = previousCut;
    // fold the turns in batches the summarizer can take, each extending the summary so far
    // (a conversation never summarised, or one whose summary was lost, may be long)
    while (start < cut) {
      let end = start + 1;
      let tokens =
        turns[start].tokens +
        (summary === undefined ? 0 : context.counter.countText(summary, context.model));
      while (end < cut && tokens + turns[end].tokens <= foldLimit) tokens += turns[end++].tokens;
      const messages = conversation.messages
        .slice(turns[start].start, turns[end].start)
        .filter((m) => !isPinned(m));
      throwIfAborted(context.signal);
      try {
        const next = await this.summarizer.summarize(
          { previousSummary: summary, messages, maxTokens },
          context.signal,
        );
        throwIfAborted(context.signal);
        summary = context.counter.truncateText(next.trim(), context.model, maxTokens);
      } catch (error) {
        throw summarizerFailure(error, context.signal);
      }
      // each step is a summary of the prefix [0, end): worth keeping on its own
      if (end < cut) this.cache.set(plan.hashes[end], summary);
      start = end;
    }
    return summary ?? '';
  }

  /** The messages with the summary, cutting the summary further if framing pushed it over. */
  private fitSummary(
    context: PolicyContext,
    conversation: Conversation,
    cut: number,
    summary: string,
  ): Message[] {
    let text = summary;
    for (let attempt = 0; attempt < 3; attempt++) {
      const messages = build(conversation, cut, text);
      const tokens = countPrompt(context, messages);
      const over = tokens - context.budget.input;
      if (over <= 0) return messages;
      const allowed = context.counter.countText(text, context.model) - over;
      if (allowed < MIN_SUMMARY_TOKENS) throw contextTooLong(tokens, context.budget);
      text = context.counter.truncateText(text, context.model, allowed);
    }
    throw contextTooLong(countPrompt(context, build(conversation, cut, text)), context.budget);
  }
}

/** head, summary, pinned messages of the summarised turns, then the turns [cut, end) verbatim */
function build(conversation: Conversation, cut: number, summary: string): Message[] {
  const { messages, head, turns } = conversation;
  const result = messages.slice(0, head);
  result.push({ role: 'system', content: `${SUMMARY_PREFIX}${summary}` });
  for (let t = 0; t < turns.length; t++) {
    const turn = turns[t];
    if (t < cut) {
      for (const i of turn.pinned) result.push(messages[i]);
    } else {
      for (let i = turn.start; i < turn.end; i++) result.push(messages[i]);
    }
  }
  return result;
}
