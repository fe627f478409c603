/**
 * The GatewayClient's own CPU per request, this build against another one, with no network: a
 * stub provider answers at once, so only the routing, planning and resilience bookkeeping are
 * measured. Interleaved rounds, medians. Both builds must be compiled (`nest build`).
 *
 * Usage: node -r ts-node/register/transpile-only bench/gateway-client-ab.ts <other repo root>
 * (e.g. a `git worktree add /tmp/base <commit>` with node_modules linked, then `npx nest build`).
 */
import path from 'node:path';

interface Lib {
  gateway: {
    parseConfig: (text: string, env: NodeJS.ProcessEnv, source: string) => unknown;
    Router: new (config: unknown) => unknown;
    GatewayClient: new (...args: unknown[]) => {
      complete: (r: unknown, c: unknown) => Promise<unknown>;
    };
    createResilienceRegistry?: (config: unknown) => unknown;
  };
  core: { createRequestContext: (init: { requestId: string; signal: AbortSignal }) => unknown };
}

function load(root: string): Lib {
  return {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a compiled build chosen at run time
    gateway: require(path.join(root, 'dist/libs/gateway/src/index.js')) as Lib['gateway'],
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a compiled build chosen at run time
    core: require(path.join(root, 'dist/libs/core/src/index.js')) as Lib['core'],
  };
}

const yaml = (routeExtra: string) => `
providers:
  - { name: up, type: openai, baseUrl: http://127.0.0.1:9/v1, apiKey: k }
deployments:
  - { name: m@up, provider: up, model: m }
routes:
  bench:
    targets: [m@up]
${routeExtra}`;

const answer = {
  model: 'm',
  message: { role: 'assistant', content: 'hi' },
  finishReason: 'stop',
  usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12 },
};
const stub = {
  complete: () => Promise.resolve(answer),
  stream: () => {
    throw new Error('not used');
  },
};
const request = { model: 'bench', messages: [{ role: 'user', content: 'x' }] };

function client(lib: Lib, routeExtra: string) {
  const config = lib.gateway.parseConfig(yaml(routeExtra), {}, 'ab');
  const router = new lib.gateway.Router(config);
  const providers = new Map([['up', stub]]);
  const resilience = lib.gateway.createResilienceRegistry?.(config);
  return resilience === undefined
    ? new lib.gateway.GatewayClient(router, providers)
    : new lib.gateway.GatewayClient(router, providers, resilience);
}

async function nsPerRequest(lib: Lib, target: ReturnType<typeof client>, n: number) {
  const signal = new AbortController().signal;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) {
    await target.complete(request, lib.core.createRequestContext({ requestId: 'r', signal }));
  }
  return Number(process.hrtime.bigint() - started) / n;
}

async function main(): Promise<void> {
  const other = process.argv[2];
  if (!other) throw new Error('usage: bench/gateway-client-ab.ts <other repo root>');
  const here = load(path.resolve(__dirname, '..'));
  const base = load(path.resolve(other));
  const variants: [string, Lib, ReturnType<typeof client>][] = [
    ['other build', base, client(base, '')],
    ['this build', here, client(here, '')],
    ['this build, hedge armed', here, client(here, '    hedge: { afterMs: 2000 }')],
  ];
  const results = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (const [, lib, target] of variants) await nsPerRequest(lib, target, 50_000);
  for (let round = 0; round < 7; round += 1) {
    for (const [name, lib, target] of variants) {
      results.get(name)?.push(await nsPerRequest(lib, target, 100_000));
    }
  }
  for (const [name, values] of results) {
    values.sort((a, b) => a - b);
    const median = values[Math.floor(values.length / 2)];
    process.stdout.write(
      `${name.padEnd(24)} ${(median / 1000).toFixed(2)} us/request (median of 7)\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
