import { groupUnits } from './chunking';
import type { ReplyUnit } from './reply';

describe('groupUnits', () => {
  it('merges consecutive text units into one content delta', () => {
    const units: ReplyUnit[] = [
      { kind: 'text', text: 'Hello', tokens: 1 },
      { kind: 'text', text: ' world', tokens: 1 },
      { kind: 'text', text: '.', tokens: 1 },
    ];
    expect(groupUnits(units, 0, 3)).toEqual([{ content: 'Hello world.' }]);
    expect(groupUnits(units, 1, 2)).toEqual([{ content: ' world' }]);
    expect(groupUnits(units, 3, 3)).toEqual([]);
  });

  it('opens tool calls OpenAI-style and merges their argument fragments per call', () => {
    const units: ReplyUnit[] = [
      { kind: 'tool', index: 0, id: 'call_a', name: 'f', tokens: 1 },
      { kind: 'args', index: 0, text: '{"a"', tokens: 1 },
      { kind: 'args', index: 0, text: ':1}', tokens: 1 },
      { kind: 'tool', index: 1, id: 'call_b', name: 'g', tokens: 1 },
      { kind: 'args', index: 1, text: '{}', tokens: 1 },
    ];
    expect(groupUnits(units, 0, 5)).toEqual([
      {
        toolCalls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } },
        ],
      },
      { toolCalls: [{ index: 0, function: { arguments: '{"a":1}' } }] },
      {
        toolCalls: [
          { index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '' } },
        ],
      },
      { toolCalls: [{ index: 1, function: { arguments: '{}' } }] },
    ]);
  });
});
