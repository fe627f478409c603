import { GatewayError } from '@app/core';
import { DEFAULT_RESERVE_OUTPUT_TOKENS, resolveBudget } from './budget';

const target = { model: 'gpt-4o', contextWindow: 8_000, maxOutputTokens: 2_000 };

describe('resolveBudget', () => {
  it("reserves the request's max_tokens first", () => {
    expect(resolveBudget(target, { policy: 'reject', reserveOutputTokens: 500 }, 700)).toEqual({
      window: 8_000,
      reservedOutput: 700,
      input: 7_300,
    });
  });

  it("else the route's reserve, else the default, capped by the model's max output", () => {
    expect(
      resolveBudget(target, { policy: 'reject', reserveOutputTokens: 500 }, undefined),
    ).toMatchObject({ reservedOutput: 500, input: 7_500 });
    expect(resolveBudget(target, { policy: 'reject' }, undefined).reservedOutput).toBe(
      DEFAULT_RESERVE_OUTPUT_TOKENS,
    );
    expect(resolveBudget(target, { policy: 'reject' }, 50_000)).toMatchObject({
      reservedOutput: 2_000,
      input: 6_000,
    });
    expect(
      resolveBudget(target, { policy: 'reject', reserveOutputTokens: 0 }, undefined).input,
    ).toBe(8_000);
  });

  it("rejects bad max_tokens as the caller's 400 and bad limits as the gateway's 500", () => {
    const bad = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error as GatewayError;
      }
      throw new Error('expected a throw');
    };
    const maxTokens = bad(() => resolveBudget(target, { policy: 'reject' }, -3));
    expect(maxTokens).toBeInstanceOf(GatewayError);
    expect(maxTokens).toMatchObject({ status: 400, param: 'max_tokens' });
    expect(bad(() => resolveBudget(target, { policy: 'reject' }, 1.5)).status).toBe(400);
    expect(
      bad(() => resolveBudget({ ...target, contextWindow: 0 }, { policy: 'reject' }, undefined))
        .status,
    ).toBe(500);
    expect(
      bad(() => resolveBudget(target, { policy: 'reject', reserveOutputTokens: -1 }, undefined))
        .status,
    ).toBe(500);
  });
});
