import { analyzeConversation, keepTurns } from '../conversation';
import { contextTooLong } from '../fit-errors';
import { countPrompt, type PolicyContext, type PolicyOutcome } from '../policy-context';

/**
 * Drops the oldest turns until the prompt fits. System and developer messages stay, and so does
 * the last user turn with everything after it; turns go whole, so a tool call never loses its
 * results. 400 when even the last turn alone does not fit.
 */
export function truncateOldest(context: PolicyContext): PolicyOutcome {
  const conversation = analyzeConversation(context.messages, (m) =>
    context.counter.countMessage(m, context.model),
  );
  const lastTurn = conversation.turns.length - 1;
  let estimate = context.tokensBefore;
  let dropped = 0;
  while (dropped < lastTurn) {
    // per-message counts are additive, so the estimate is the exact count up to framing quirks
    estimate -= conversation.turns[dropped].tokens;
    dropped++;
    if (estimate > context.budget.input) continue;
    const cut = dropped;
    const messages = keepTurns(conversation, (index) => index >= cut);
    const tokens = countPrompt(context, messages);
    if (tokens <= context.budget.input) {
      return { messages, turnsDropped: dropped, turnsSummarized: 0 };
    }
    estimate = tokens;
  }
  throw contextTooLong(
    estimate,
    context.budget,
    dropped > 0 ? `still too long after dropping all ${dropped} earlier turns` : undefined,
  );
}
