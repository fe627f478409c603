import { createStreamDecoder, type StreamFraming, type WireEvent } from './stream-decoders';

function decodeInPieces(framing: StreamFraming, input: string, cuts: number[]): WireEvent[] {
  const bytes = Buffer.from(input, 'utf-8');
  const decoder = createStreamDecoder(framing);
  const out: WireEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    decoder.push(bytes.subarray(start, cut), (e) => out.push(e));
    start = cut;
  }
  decoder.end((e) => out.push(e));
  return out;
}

/** every way of cutting the input into two pieces, plus a one-byte-at-a-time feed */
function allSplits(length: number): number[][] {
  const splits: number[][] = [];
  for (let i = 1; i < length; i++) splits.push([i]);
  splits.push(Array.from({ length: length - 1 }, (_, i) => i + 1));
  return splits;
}

describe('stream decoders', () => {
  const sse =
    'event: message_start\ndata: {"type":"message_start"}\n\n' +
    ': keep-alive comment\n\n' +
    'data: {"text":"héllo 👋 wörld"}\n\n' +
    'data: [DONE]\r\n\r\n';
  const expectedSse: WireEvent[] = [
    { event: 'message_start', data: '{"type":"message_start"}' },
    { event: undefined, data: '{"text":"héllo 👋 wörld"}' },
    { event: undefined, data: '[DONE]' },
  ];

  it('decodes SSE split at every byte boundary, multi-byte characters included', () => {
    for (const cuts of allSplits(Buffer.byteLength(sse))) {
      expect(decodeInPieces('sse', sse, cuts)).toEqual(expectedSse);
    }
  });

  it('joins multi-line SSE data fields with newlines', () => {
    expect(decodeInPieces('sse', 'data: a\ndata: b\n\n', [])).toEqual([
      { event: undefined, data: 'a\nb' },
    ]);
  });

  it('drops an SSE event that was never terminated', () => {
    expect(decodeInPieces('sse', 'data: {"a":1}\n\ndata: {"b"', [])).toEqual([
      { event: undefined, data: '{"a":1}' },
    ]);
  });

  const ndjson = '{"message":{"content":"ça"},"done":false}\n\n{"done":true,"eval_count":3}';
  it('decodes NDJSON split at every byte boundary, with a last line lacking its newline', () => {
    for (const cuts of allSplits(Buffer.byteLength(ndjson))) {
      expect(decodeInPieces('ndjson', ndjson, cuts)).toEqual([
        { data: '{"message":{"content":"ça"},"done":false}' },
        { data: '{"done":true,"eval_count":3}' },
      ]);
    }
  });
});
