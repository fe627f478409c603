import type { ChatChunk } from '@app/core';
import type { ReplyUnit } from './reply';

export type ChunkDelta = NonNullable<ChatChunk['delta']>;

/**
 * The deltas for units[from, to): consecutive text units become one content delta, a tool unit a
 * delta opening that call (OpenAI style: index, id, type, name and empty arguments), consecutive
 * argument units of one call one arguments delta.
 */
export function groupUnits(units: readonly ReplyUnit[], from: number, to: number): ChunkDelta[] {
  const deltas: ChunkDelta[] = [];
  let text = '';
  let args = '';
  let argsIndex = -1;
  const flush = (): void => {
    if (text !== '') deltas.push({ content: text });
    if (argsIndex >= 0)
      deltas.push({ toolCalls: [{ index: argsIndex, function: { arguments: args } }] });
    text = '';
    args = '';
    argsIndex = -1;
  };
  for (let i = from; i < to; i++) {
    const unit = units[i];
    if (unit.kind === 'text') {
      if (argsIndex >= 0) flush();
      text += unit.text;
    } else if (unit.kind === 'args') {
      if (text !== '' || (argsIndex >= 0 && argsIndex !== unit.index)) flush();
      argsIndex = unit.index;
      args += unit.text;
    } else {
      flush();
      deltas.push({
        toolCalls: [
          {
            index: unit.index,
            id: unit.id,
            type: 'function',
            function: { name: unit.name, arguments: '' },
          },
        ],
      });
    }
  }
  flush();
  return deltas;
}
