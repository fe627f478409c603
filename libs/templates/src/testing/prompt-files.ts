import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Spec helper (not exported from the lib): temporary prompt directories. */

/** the repository's own prompts/ folder */
export const EXAMPLE_PROMPTS_DIR = join(__dirname, '..', '..', '..', '..', 'prompts');

/** Creates a temporary prompts directory holding `files` (relative path -> text). */
export function makePromptsDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A minimal valid version file: one system and one user message, variable `name`. */
export function versionYaml(options: { description?: string; greeting?: string } = {}): string {
  return [
    `description: ${options.description ?? 'Greets someone.'}`,
    'route: fast',
    'variables:',
    '  type: object',
    '  properties:',
    '    name: { type: string, minLength: 1 }',
    '  required: [name]',
    'messages:',
    '  - role: system',
    '    content: You are polite.',
    '  - role: user',
    `    content: '${options.greeting ?? 'Hello'} {{ name }}'`,
    '',
  ].join('\n');
}

/** Polls `check` until it returns true or `timeoutMs` passes; resolves with the time taken. */
export async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - start;
}
