import { createHash, type Hash } from 'node:crypto';
import type { Message } from '@app/core';
import type { Conversation } from './conversation';

const VERSION = 'ctx-summary-v1';
/** Each field with its length in front: no two message lists feed the hash the same bytes. */
function field(hash: Hash, tag: string, value: string): void {
  hash.update(`${tag}${value.length}:`).update(value);
}

function update(hash: Hash, message: Message): void {
  field(hash, 'r', message.role);
  field(hash, 'n', message.name ?? '');
  const { content } = message;
  if (typeof content === 'string') field(hash, 's', content);
  else field(hash, 'j', JSON.stringify(content));
  field(hash, 't', message.toolCalls ? JSON.stringify(message.toolCalls) : '');
  field(hash, 'i', message.toolCallId ?? '');
}

/**
 * Hashes of every turn prefix, from one running SHA-256 over the messages (copied at each turn
 * boundary), so all prefixes cost one pass over the conversation. `hashes[c]` covers the
 * messages of turns [0, c); `hashes[0]` is the empty prefix.
 */
export function turnPrefixHashes(conversation: Conversation): string[] {
  const { messages, turns } = conversation;
  const running = createHash('sha256').update(VERSION);
  const hashes = [running.copy().digest('hex')];
  for (const turn of turns) {
    for (let i = turn.start; i < turn.end; i++) update(running, messages[i]);
    hashes.push(running.copy().digest('hex'));
  }
  return hashes;
}
