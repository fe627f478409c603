import { PassThrough } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseConfig } from '@app/gateway';
import { createGatewayLogger } from '@app/observability';
import { createGatewayApp } from '../../apps/gateway/src/bootstrap/create-app';
import { LifecycleService } from '../../apps/gateway/src/lifecycle/lifecycle.service';

export interface RunningGateway {
  app: NestFastifyApplication;
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** every log line written so far, parsed */
  logs: Record<string, unknown>[];
  /** the raw log text, for secret greps */
  rawLogs: () => string;
  close(): Promise<void>;
}

/**
 * Starts the gateway in-process on 127.0.0.1 and port 0 from YAML config text. A config without
 * `storage` keeps its conversations in memory, so suites never share a database file.
 */
export async function startGateway(
  yaml: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningGateway> {
  const text = /^storage:/m.test(yaml) ? yaml : `${yaml}\nstorage: { sqlitePath: ':memory:' }\n`;
  const config = parseConfig(text, env, 'test-config');
  const stream = new PassThrough();
  let raw = '';
  const logs: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    raw += chunk.toString('utf-8');
    for (const line of chunk.toString('utf-8').split('\n')) {
      if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  const logger = createGatewayLogger({ level: 'debug', stream });
  const app = await createGatewayApp({ config, logger });
  await app.listen(0, '127.0.0.1');
  app.get(LifecycleService).markStarted();
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    logs,
    rawLogs: () => raw,
    close: async () => {
      await app.close();
    },
  };
}

/** Log lines of finished requests (`message: 'request'`). */
export function requestLines(gateway: RunningGateway): Record<string, unknown>[] {
  return gateway.logs.filter((line) => line.message === 'request');
}

/** Polls until `predicate` holds or `timeoutMs` passes. */
export async function waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A config with one provider of `type` at `url` and a route `m` to it. */
export function singleProviderConfig(
  type: string,
  url: string,
  extra: { providerYaml?: string; model?: string; serverYaml?: string } = {},
): string {
  return `
server:
  heartbeatMs: 15000
${extra.serverYaml ?? ''}
providers:
  - name: up
    type: ${type}
    baseUrl: ${url}
    apiKey: test-key
${extra.providerYaml ?? ''}
deployments:
  - name: dep@up
    provider: up
    model: ${extra.model ?? 'test-model'}
routes:
  m:
    targets: [dep@up]
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 }
`;
}
