import { GatewayError, type Message } from '@app/core';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import { chatTurns, system, user } from '../testing/conversations';
import { DefaultTokenCounter } from '../tokenizer/token-counter';
import { ContextFitter } from './context-fitter';
import type { ContextPolicy, FitRequest } from './fit-types';

const target = { model: 'gpt-4o-mini', contextWindow: 2_000, maxOutputTokens: 16_384 };
const counter = new DefaultTokenCounter();

function request(
  messages: Message[],
  policy: ContextPolicy,
  extra: Partial<FitRequest> = {},
): FitRequest {
  return { messages, target, options: { policy, reserveOutputTokens: 500 }, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('ContextFitter', () => {
  const fitter = new ContextFitter(counter);
  const small = [system('Be brief.'), ...chatTurns(3, 20), user('Thanks!')];
  const large = [system('Be brief.'), ...chatTurns(40, 25), user('And now?')];

  it('returns a request that fits unchanged, with the counts', async () => {
    for (const policy of ['reject', 'truncate', 'summarize', 'map-reduce'] as const) {
      const { messages, report } = await fitter.fit(request(small, policy));
      expect(messages).toEqual(small);
      expect(messages).not.toBe(small);
      const tokens = counter.countMessages(small, 'gpt-4o-mini');
      expect(report).toEqual({
        policy,
        applied: false,
        tokensBefore: tokens,
        tokensAfter: tokens,
        window: 2_000,
        reservedOutput: 500,
        exact: true,
        turnsDropped: 0,
        turnsSummarized: 0,
      });
    }
  });

  it('answers the fast path from the count cache: no tokenizer work for a resent conversation', async () => {
    await fitter.fit(request(small, 'reject'));
    const resent = JSON.parse(JSON.stringify(small)) as Message[]; // new objects, as from a new request
    const spy = jest.spyOn(o200k, 'countTokens');
    try {
      await fitter.fit(request(resent, 'reject'));
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('reject: 400 context_length_exceeded with the counts', async () => {
    const error = await failure(fitter.fit(request(large, 'reject')));
    const tokens = counter.countMessages(large, 'gpt-4o-mini');
    expect(error.status).toBe(400);
    expect(error.code).toBe('context_length_exceeded');
    expect(error.param).toBe('messages');
    expect(error.message).toContain('maximum context length is 2000 tokens');
    expect(error.message).toContain(
      `needs ${tokens + 500} tokens (${tokens} in the messages, 500 reserved`,
    );
  });

  it("reserves the request's max_tokens, capped by the model's maximum output", async () => {
    const ok = await fitter.fit(request(small, 'reject', { maxTokens: 1_000 }));
    expect(ok.report.reservedOutput).toBe(1_000);
    const capped = { ...target, maxOutputTokens: 600 };
    const result = await fitter.fit({
      ...request(small, 'reject', { maxTokens: 1_500 }),
      target: capped,
    });
    expect(result.report.reservedOutput).toBe(600);
    const error = await failure(fitter.fit(request(small, 'reject', { maxTokens: 1_990 })));
    expect(error.code).toBe('context_length_exceeded');
  });

  it('applies the policy and reports what it did', async () => {
    const { messages, report } = await fitter.fit(request(large, 'truncate'));
    expect(report.applied).toBe(true);
    expect(report.tokensAfter).toBe(counter.countMessages(messages, 'gpt-4o-mini'));
    expect(report.tokensAfter).toBeLessThanOrEqual(1_500);
    expect(report.tokensBefore).toBe(counter.countMessages(large, 'gpt-4o-mini'));
    expect(report.turnsDropped).toBeGreaterThan(0);
  });

  it('fails with GatewayErrors for misconfiguration and aborted requests', async () => {
    expect((await failure(fitter.fit(request(large, 'summarize')))).status).toBe(500);
    expect((await failure(fitter.fit(request(large, 'map-reduce')))).status).toBe(500);
    const unknown = { ...request(large, 'reject'), options: { policy: 'shrink' as ContextPolicy } };
    expect((await failure(fitter.fit(unknown))).status).toBe(500);
    const controller = new AbortController();
    controller.abort();
    expect(
      (await failure(fitter.fit(request(large, 'truncate', { signal: controller.signal })))).status,
    ).toBe(499);
  });

  it('estimates for models without a public tokenizer and says so', async () => {
    const claude = {
      model: 'claude-3-5-haiku-20241022',
      contextWindow: 2_000,
      maxOutputTokens: 8_192,
    };
    const { report, messages } = await fitter.fit({
      ...request(large, 'truncate'),
      target: claude,
    });
    expect(report.exact).toBe(false);
    expect(counter.countMessages(messages, claude.model)).toBeLessThanOrEqual(1_500);
  });
});
