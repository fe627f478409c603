/**
 * Child processes of the benchmark: spawned pinned to a CPU (taskset), tracked, and always killed
 * when the benchmark ends, also on Ctrl-C, SIGTERM or an error.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import readline from 'node:readline';

export interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  /** file holding the child's stdout+stderr, when it was sent to one */
  logPath?: string;
}

const live = new Set<ChildProcess>();
const exitTasks: (() => void)[] = [];

/** Kills `child` with the others when the benchmark ends. */
export function track(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Runs `task` (synchronous) when the process exits, however it exits. */
export function atExit(task: () => void): void {
  exitTasks.push(task);
}
let tasksetPath: string | undefined | null = null;

/** The taskset binary, or undefined when it is missing (the benchmark then runs unpinned). */
export function taskset(): string | undefined {
  if (tasksetPath !== null) return tasksetPath;
  try {
    tasksetPath = execFileSync('which', ['taskset'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    tasksetPath = undefined;
  }
  return tasksetPath;
}

/** `[command, ...args]` prefixed with `taskset -c <cpu>` when pinning is possible. */
export function pinned(cpu: number | undefined, argv: string[]): string[] {
  const binary = taskset();
  return cpu === undefined || binary === undefined ? argv : [binary, '-c', String(cpu), ...argv];
}

/** Pins this process (all its threads) to a CPU. */
export function pinSelf(cpu: number): void {
  const binary = taskset();
  if (binary !== undefined) {
    execFileSync(binary, ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
  }
}

export function whichOrUndefined(command: string): string | undefined {
  try {
    return execFileSync('which', [command], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface SpawnOptions {
  cpu?: number;
  env?: NodeJS.ProcessEnv;
  /** send stdout+stderr to this file instead of a pipe */
  logPath?: string;
}

export function start(name: string, argv: string[], options: SpawnOptions = {}): Managed {
  const full = pinned(options.cpu, argv);
  let logFd: number | undefined;
  if (options.logPath !== undefined) logFd = openSync(options.logPath, 'a');
  const child = spawn(full[0], full.slice(1), {
    env: options.env ?? process.env,
    stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
  });
  if (logFd !== undefined) closeSync(logFd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${full.join(' ')}`);
  track(child);
  // taskset execs the command, so this pid is the pinned process itself
  return { name, child, pid: child.pid, logPath: options.logPath };
}

/** Collects a piped child's stdout and stderr (for results and error messages). */
export function collect(managed: Managed): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  managed.child.stdout?.on('data', (part: Buffer) => (stdout += part.toString('utf8')));
  managed.child.stderr?.on('data', (part: Buffer) => (stderr += part.toString('utf8')));
  return { stdout: () => stdout, stderr: () => stderr };
}

export function exited(managed: Managed): Promise<number | null> {
  const { child } = managed;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Waits for a `{"port":N}` line on the child's stdout. */
export function waitForPortLine(managed: Managed, timeoutMs = 15_000): Promise<number> {
  const stdout = managed.child.stdout;
  if (stdout === null) throw new Error(`${managed.name}: stdout is not piped`);
  let stderr = '';
  managed.child.stderr?.on('data', (part: Buffer) => (stderr += part.toString('utf8')));
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: stdout });
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null): void => fail(`exited with ${code}: ${stderr}`);
    function fail(reason: string): void {
      clearTimeout(timer);
      lines.close();
      reject(new Error(`${managed.name} ${reason}`));
    }
    managed.child.once('exit', onExit);
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { port?: unknown };
        if (typeof parsed.port === 'number' && parsed.port > 0) {
          clearTimeout(timer);
          managed.child.off('exit', onExit);
          // keep draining stdout so the child can never block on a full pipe
          lines.removeAllListeners('line');
          lines.on('line', () => undefined);
          resolve(parsed.port);
        }
      } catch {
        // not the port line
      }
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function getStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

/** Polls `GET path` until it answers 200; fails early when the child exits. */
export async function waitForHttpReady(
  managed: Managed,
  port: number,
  path: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (managed.child.exitCode !== null || managed.child.signalCode !== null) {
      throw new Error(`${managed.name} exited (${managed.child.exitCode})${logTail(managed)}`);
    }
    if ((await getStatus(port, path)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${managed.name} not ready after ${timeoutMs} ms${logTail(managed)}`);
}

export function logTail(managed: Managed, chars = 4000): string {
  if (managed.logPath === undefined) return '';
  try {
    return `\n--- ${managed.logPath} (tail) ---\n${readFileSync(managed.logPath, 'utf8').slice(-chars)}`;
  } catch {
    return '';
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(managed: Managed, graceMs = 5000): Promise<void> {
  const { child } = managed;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(managed);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

function killAllNow(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
  while (exitTasks.length > 0) {
    try {
      exitTasks.pop()?.();
    } catch {
      // best effort
    }
  }
}

/** Kills every child on exit, Ctrl-C, SIGTERM, SIGHUP or an uncaught error. */
export function installCleanup(): void {
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      killAllNow();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
    killAllNow();
    process.exit(1);
  });
}
