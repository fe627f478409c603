import { messageText, type ChatRequest } from '@app/core';
import { hashString } from './prng';

/**
 * The seed of a request's reply: a hash of the simulator seed and everything that shapes the
 * answer (model, temperature, messages, tools, tool choice, response format). maxTokens and stop
 * are left out on purpose: they only cut the same reply shorter, as with a real model.
 */
export function requestSeed(req: ChatRequest, seed: number): number {
  let h = hashString(req.model, seed);
  h = hashString(req.temperature === undefined ? '' : String(req.temperature), h);
  for (const message of req.messages) {
    h = hashString(message.role, h);
    h = hashString(messageText(message), h);
    if (message.name !== undefined) h = hashString(message.name, h);
    if (message.toolCallId !== undefined) h = hashString(message.toolCallId, h);
    for (const call of message.toolCalls ?? []) {
      h = hashString(call.function.name, h);
      h = hashString(call.function.arguments, h);
    }
  }
  if (req.tools !== undefined) h = hashString(JSON.stringify(req.tools), h);
  if (req.toolChoice !== undefined) h = hashString(JSON.stringify(req.toolChoice), h);
  if (req.responseFormat !== undefined) h = hashString(JSON.stringify(req.responseFormat), h);
  return h;
}
