import Ajv from 'ajv';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatRequest, ToolDefinition } from '@app/core';
import { parseDirectives } from './directives';
import { REPLY_MAX_TOKENS, REPLY_MIN_TOKENS, buildReply, type SimReply } from './reply';

const weather: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        location: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      },
      required: ['location', 'unit'],
    },
  },
};

function reply(
  req: Partial<ChatRequest>,
  maxTokens?: number,
  seed = 1,
  defaultMaxTokens = 0,
): SimReply {
  const full: ChatRequest = { model: 'sim', messages: [{ role: 'user', content: 'Hi' }], ...req };
  const text = full.messages.at(-1)?.content;
  const directives = parseDirectives(typeof text === 'string' ? text : '');
  const out = buildReply(full, { seed, maxTokens, defaultMaxTokens, directives });
  if ('invalid' in out) throw new Error(out.invalid);
  return out;
}

function unitText(r: SimReply): string {
  return r.units.map((u) => (u.kind === 'tool' ? '' : u.text)).join('');
}

describe('buildReply', () => {
  it('answers English text of 20..120+ tokens ending with a period, deterministically', () => {
    for (let seed = 0; seed < 30; seed++) {
      const r = reply({}, undefined, seed);
      expect(r.finishReason).toBe('stop');
      expect(r.content).toMatch(/^[A-Z].*\.$/);
      expect(r.outputTokens).toBe(countTokens(r.content!));
      expect(r.outputTokens).toBeGreaterThanOrEqual(REPLY_MIN_TOKENS);
      expect(r.outputTokens).toBeLessThan(REPLY_MAX_TOKENS + 40);
      expect(unitText(r)).toBe(r.content);
      expect(reply({}, undefined, seed)).toEqual(r);
    }
    expect(reply({}, undefined, 1).content).not.toBe(reply({}, undefined, 2).content);
  });

  it('maxTokens cuts the same reply with finish reason length', () => {
    const full = reply({});
    const cut = reply({}, 7);
    expect(cut.finishReason).toBe('length');
    expect(cut.outputTokens).toBe(7);
    expect(countTokens(cut.content!)).toBe(7);
    expect(full.content!.startsWith(cut.content!)).toBe(true);
    expect(reply({}, 10_000).finishReason).toBe('stop');
  });

  it('defaultMaxTokens bounds free text to whole sentences when maxTokens is unset', () => {
    for (let seed = 0; seed < 30; seed++) {
      const r = reply({}, undefined, seed, 40);
      expect(r.outputTokens).toBeLessThanOrEqual(40);
      expect(r.finishReason).toBe('stop');
      expect(r.content).toMatch(/\.$/);
      expect(r.outputTokens).toBe(countTokens(r.content!));
    }
    const tiny = reply({}, undefined, 1, 3);
    expect(tiny).toMatchObject({ outputTokens: 3, finishReason: 'length' });
    expect(reply({}, 100, 1, 3).outputTokens).toBeGreaterThan(3);
    const json = reply({ responseFormat: { type: 'json_object' } }, undefined, 1, 3);
    expect(() => JSON.parse(json.content!)).not.toThrow();
  });

  it('stop sequences end the reply early', () => {
    const full = reply({});
    const word = full.content!.split(' ')[3];
    const stopped = reply({ stop: [` ${word}`] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.content!.length).toBeLessThan(full.content!.length);
    expect(stopped.content).not.toContain(` ${word}`);
  });

  it('[[sim:tokens=N]] gives exactly N tokens', () => {
    for (const n of [0, 1, 5, 300]) {
      const r = reply({ messages: [{ role: 'user', content: `Go [[sim:tokens=${n}]]` }] });
      expect(r.outputTokens).toBe(n);
      expect(r.finishReason).toBe('stop');
    }
  });

  it('calls a tool with schema-valid arguments and a deterministic id', () => {
    const r = reply({
      messages: [{ role: 'user', content: "What's get_weather for Paris?" }],
      tools: [weather],
    });
    expect(r.finishReason).toBe('tool_calls');
    expect(r.content).toBeNull();
    expect(r.toolCalls).toHaveLength(1);
    const call = r.toolCalls![0];
    expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
    const args = JSON.parse(call.function.arguments);
    expect(new Ajv().validate(weather.function.parameters!, args)).toBe(true);
    expect(r.units[0]).toMatchObject({ kind: 'tool', index: 0, id: call.id, name: 'get_weather' });
    expect(r.outputTokens).toBe(countTokens('get_weather') + countTokens(call.function.arguments));
    expect(unitText(r)).toBe(call.function.arguments);
  });

  it('maxTokens truncates tool arguments with finish reason length', () => {
    const r = reply(
      { messages: [{ role: 'user', content: 'x' }], tools: [weather], toolChoice: 'required' },
      6,
    );
    expect(r.finishReason).toBe('length');
    expect(r.outputTokens).toBeLessThanOrEqual(6);
  });

  it('rejects a tool_choice naming an unknown function', () => {
    const out = buildReply(
      {
        model: 'sim',
        messages: [{ role: 'user', content: 'x' }],
        tools: [weather],
        toolChoice: { type: 'function', function: { name: 'nope' } },
      },
      { seed: 1, directives: {} },
    );
    expect(out).toEqual({ invalid: "No tool named 'nope' in 'tools'." });
  });

  it('answers valid JSON in json_object and json_schema modes', () => {
    const obj = reply({ responseFormat: { type: 'json_object' } });
    expect(JSON.parse(obj.content!)).toHaveProperty('answer');
    const schema = {
      type: 'object',
      properties: { title: { type: 'string' }, score: { type: 'integer', minimum: 1, maximum: 5 } },
      required: ['title', 'score'],
      additionalProperties: false,
    };
    const r = reply({ responseFormat: { type: 'json_schema', jsonSchema: { name: 's', schema } } });
    expect(new Ajv().validate(schema, JSON.parse(r.content!))).toBe(true);
    expect(r.outputTokens).toBe(countTokens(r.content!));
  });
});
