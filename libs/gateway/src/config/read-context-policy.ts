import { DEFAULT_CONTEXT } from './config.defaults';
import type { ContextPolicyName } from '@app/core';
import type { ContextConfig } from './config.types';
import type { ObjectReader } from './reader';

export const CONTEXT_FIELDS = Object.keys(DEFAULT_CONTEXT).concat('summarizeWith');

const POLICIES: readonly ContextPolicyName[] = [
  'reject',
  'truncate',
  'middle-out',
  'summarize',
  'map-reduce',
  'retrieve',
];

/**
 * A `context` block (on a route, or `conversations.context`): the policy that makes a request fit
 * a deployment's window, with `base` filling what is not set. `summarizeWith` is checked against
 * the route names by the caller, which knows them.
 */
export function readContextPolicy(
  r: ObjectReader | undefined,
  base: Readonly<ContextConfig> = DEFAULT_CONTEXT,
): ContextConfig {
  const text = r?.string('policy', { oneOf: POLICIES });
  const config: ContextConfig = {
    policy: POLICIES.find((policy) => policy === text) ?? base.policy,
    reserveOutputTokens: r?.integer('reserveOutputTokens', { min: 0 }) ?? base.reserveOutputTokens,
    summaryPrompt: r?.string('summaryPrompt') ?? base.summaryPrompt,
    chunkTokens: r?.integer('chunkTokens', { min: 64 }) ?? base.chunkTokens,
    overlapTokens: r?.integer('overlapTokens', { min: 0 }) ?? base.overlapTokens,
    concurrency: r?.integer('concurrency', { min: 1, max: 64 }) ?? base.concurrency,
  };
  const summarizeWith = r?.string('summarizeWith') ?? base.summarizeWith;
  if (summarizeWith !== undefined) config.summarizeWith = summarizeWith;
  if (r !== undefined && config.overlapTokens >= config.chunkTokens) {
    r.context.report(r.at('overlapTokens'), `must be below chunkTokens (${config.chunkTokens})`);
  }
  return config;
}
