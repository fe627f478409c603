/**
 * What the benchmark's gateway runs with, shared by run.ts and instructions.ts: the fake
 * upstream's routes, the request body and the generated config.
 */

export const HOST = '127.0.0.1';
export const PATH = '/v1/chat/completions';
export const MODEL = 'bench';
export const PACED_MODEL = 'bench-paced';
export const UPSTREAM_KEY = 'bench-key';

export const MESSAGES = [
  {
    role: 'system',
    content:
      'You are the customer-support assistant of an online shop. Answer briefly and politely, ' +
      'use the order data you are given, never invent tracking numbers, and offer to hand over ' +
      'to a human agent when the customer asks for a refund above 200 EUR.',
  },
  {
    role: 'user',
    content:
      'Hi, I ordered a pair of running shoes last Monday (order #4411) and the tracking page has ' +
      'not changed for three days. Can you tell me where the parcel is and when it will arrive?',
  },
];

/**
 * The gateway's config: one provider at the fake upstream, the `bench` routes. This build's
 * routes run with resilience on (a request deadline; breakers, retry budgets and the bulkhead
 * always apply; hedging is opt-in per route and off here); a baseline build may predate those
 * fields, so it gets the plain routes. `metrics: false` turns the request metrics off (the
 * `gateway-bare` proxy).
 */
export function gatewayConfig(upstreamPort: number, resilience: boolean, metrics = true): string {
  const routeExtras = resilience ? ['    timeoutMs: 120000'] : [];
  return [
    '# written by the benchmark (bench/gateway-setup.ts)',
    'server:',
    '  drainTimeoutMs: 1000',
    ...(metrics ? [] : ['  metrics: false']),
    'providers:',
    '  - name: upstream',
    '    type: openai',
    `    baseUrl: http://${HOST}:${upstreamPort}/v1`,
    `    apiKey: ${UPSTREAM_KEY}`,
    'deployments:',
    '  - name: bench-model@upstream',
    '    provider: upstream',
    '    model: bench-model',
    '  - name: bench-model-paced@upstream',
    '    provider: upstream',
    '    model: bench-model-paced',
    'routes:',
    `  ${MODEL}:`,
    '    targets: [bench-model@upstream]',
    ...routeExtras,
    `  ${PACED_MODEL}:`,
    '    targets: [bench-model-paced@upstream]',
    ...routeExtras,
    '',
  ].join('\n');
}
