import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built entry point (`npm run build`), run as a real process like `npm start` does. */
export const GATEWAY_MAIN = join(
  __dirname,
  '..',
  '..',
  'dist',
  'apps',
  'gateway',
  'src',
  'main.js',
);

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Writes a config to a temp folder. A config without `storage` gets a database file in that folder,
 * so a spawned gateway never writes its conversations and usage into the repo's `data/`.
 */
export function writeTempConfig(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'llm-gateway-'));
  const path = join(dir, 'gateway.yaml');
  const storage = /^storage:/m.test(yaml)
    ? ''
    : `\nstorage: { sqlitePath: ${JSON.stringify(join(dir, 'gateway.db'))} }\n`;
  writeFileSync(path, yaml + storage);
  return path;
}

/** Runs the gateway; resolves once it is listening, or rejects with its output if it exits. */
export function spawnGateway(env: NodeJS.ProcessEnv): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 15_000);
    const onData = () => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({ child, url: match[1], output: () => output, exited });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`gateway exited with ${code}:\n${output}`), { code, output }));
    });
  });
}

/** Runs the gateway expecting it to refuse to start; resolves with its exit code and output. */
export async function spawnExpectingFailure(
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  try {
    const running = await spawnGateway(env);
    running.child.kill('SIGKILL');
    throw new Error(`gateway started but should not have:\n${running.output()}`);
  } catch (error) {
    const failure = error as { code?: number | null; output?: string };
    if (failure.output === undefined) throw error;
    return { code: failure.code ?? null, output: failure.output };
  }
}
