import type { ChatRequest, ToolDefinition } from '@app/core';
import { createRng } from './prng';
import { selectTools } from './tool-choice';

const weather: ToolDefinition = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object' } },
};
const time: ToolDefinition = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object' } },
};

function req(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'm',
    messages: [{ role: 'user', content: text }],
    tools: [weather, time],
    ...extra,
  };
}

const names = (selection: ReturnType<typeof selectTools>) =>
  'tools' in selection ? selection.tools.map((t) => t.function.name) : selection.invalid;

describe('tool selection', () => {
  const rng = createRng(1);

  it('calls nothing without tools or with tool_choice none', () => {
    expect(names(selectTools(req('get_weather', { tools: undefined }), undefined, rng))).toEqual(
      [],
    );
    expect(names(selectTools(req('get_weather', { toolChoice: 'none' }), undefined, rng))).toEqual(
      [],
    );
  });

  it('auto calls the mentioned tools, by name or in words', () => {
    expect(names(selectTools(req('What does get_weather say?'), undefined, rng))).toEqual([
      'get_weather',
    ]);
    expect(names(selectTools(req('Please GET WEATHER and get time'), undefined, rng))).toEqual([
      'get_weather',
      'get_time',
    ]);
    expect(names(selectTools(req('Just chat'), undefined, rng))).toEqual([]);
  });

  it('auto answers in text after a tool result', () => {
    const after = req('get_weather please', {
      messages: [
        { role: 'user', content: 'get_weather please' },
        {
          role: 'assistant',
          content: null,
          toolCalls: [
            { id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', content: '{"t":21}', toolCallId: 'c' },
      ],
    });
    expect(names(selectTools(after, undefined, rng))).toEqual([]);
  });

  it('required always calls a tool', () => {
    expect(names(selectTools(req('hi', { toolChoice: 'required' }), undefined, rng))).toHaveLength(
      1,
    );
    expect(names(selectTools(req('hi'), true, rng))).toHaveLength(1);
  });

  it('a named function is called; an unknown name is invalid', () => {
    const choice = { type: 'function', function: { name: 'get_time' } } as const;
    expect(names(selectTools(req('hi', { toolChoice: choice }), undefined, rng))).toEqual([
      'get_time',
    ]);
    expect(names(selectTools(req('hi'), 'get_weather', rng))).toEqual(['get_weather']);
    expect(names(selectTools(req('hi'), 'nope', rng))).toMatch(/No tool named 'nope'/);
  });

  it('parallelToolCalls false keeps one call', () => {
    const selection = selectTools(
      req('get_weather and get_time', { parallelToolCalls: false }),
      undefined,
      rng,
    );
    expect(names(selection)).toEqual(['get_weather']);
  });
});
