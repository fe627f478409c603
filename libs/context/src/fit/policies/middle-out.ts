import { analyzeConversation, firstUserTurn, keepTurns } from '../conversation';
import { contextTooLong } from '../fit-errors';
import { countPrompt, type PolicyContext, type PolicyOutcome } from '../policy-context';

/**
 * Keeps the beginning (system messages and the first user turn) and the end (the last user turn
 * and after), and drops whole turns from the middle outward until the prompt fits. 400 when
 * nothing in between is left to drop.
 */
export function dropMiddle(context: PolicyContext): PolicyOutcome {
  const conversation = analyzeConversation(context.messages, (m) =>
    context.counter.countMessage(m, context.model),
  );
  const { turns } = conversation;
  const low = firstUserTurn(conversation) + 1;
  const high = turns.length - 2;
  if (low > high) throw contextTooLong(context.tokensBefore, context.budget, 'no turn to drop');
  const middle = Math.floor((low + high) / 2);
  let from = middle;
  let to = middle;
  let estimate = context.tokensBefore - turns[middle].tokens;
  for (;;) {
    if (estimate <= context.budget.input) {
      const [a, b] = [from, to];
      const messages = keepTurns(conversation, (index) => index < a || index > b);
      const tokens = countPrompt(context, messages);
      if (tokens <= context.budget.input) {
        return { messages, turnsDropped: to - from + 1, turnsSummarized: 0 };
      }
      estimate = tokens;
    }
    // widen the dropped range on the side that keeps it centred
    const growLeft = from > low && (middle - from <= to - middle || to >= high);
    if (growLeft) {
      from--;
      estimate -= turns[from].tokens;
    } else if (to < high) {
      to++;
      estimate -= turns[to].tokens;
    } else {
      throw contextTooLong(
        estimate,
        context.budget,
        `still too long after dropping the ${to - from + 1} middle turns`,
      );
    }
  }
}
