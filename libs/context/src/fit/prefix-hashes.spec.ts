import { messageText } from '@app/core';
import { assistant, chatTurns, user } from '../testing/conversations';
import { analyzeConversation } from './conversation';
import { turnPrefixHashes } from './prefix-hashes';

const analyze = (messages: Parameters<typeof analyzeConversation>[0]) =>
  analyzeConversation(messages, () => 1);

describe('turnPrefixHashes', () => {
  it('gives one hash per turn prefix, stable when the conversation grows', () => {
    const history = chatTurns(5, 10);
    const short = turnPrefixHashes(analyze(history));
    const longer = turnPrefixHashes(analyze([...history, user('one more'), assistant('ok')]));
    expect(short).toHaveLength(6);
    expect(longer).toHaveLength(7);
    expect(longer.slice(0, 6)).toEqual(short);
    expect(new Set(longer).size).toBe(7);
  });

  it('changes when any earlier message changes', () => {
    const history = chatTurns(5, 10);
    const edited = history.map((m, i) => (i === 2 ? { ...m, content: `${messageText(m)}!` } : m));
    const a = turnPrefixHashes(analyze(history));
    const b = turnPrefixHashes(analyze(edited));
    expect(b[1]).toBe(a[1]);
    for (let c = 2; c < a.length; c++) expect(b[c]).not.toBe(a[c]);
  });

  it('depends on names and tool call ids, not only on text', () => {
    const a = turnPrefixHashes(analyze([user('hi')]));
    const b = turnPrefixHashes(analyze([{ ...user('hi'), name: 'bob' }]));
    expect(a[1]).not.toBe(b[1]);
  });
});
