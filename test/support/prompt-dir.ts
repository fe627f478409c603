import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** the repository's own prompts/ folder (the example prompts) */
export const EXAMPLE_PROMPTS_DIR = join(__dirname, '..', '..', 'prompts');

/** A temporary prompts directory a test may edit; `remove()` deletes it. */
export interface PromptDir {
  /** absolute path */
  dir: string;
  /** the absolute path of `relative` (e.g. `support-reply/v1.yaml`) */
  path(relative: string): string;
  read(relative: string): string;
  /** sha256 (hex) of the file's bytes, as the registry hashes a version */
  hash(relative: string): string;
  /** writes in place (truncate + write), creating folders as needed */
  write(relative: string, text: string): void;
  /**
   * writes a hidden temp file beside the target and renames it over the target, as editors
   * save: a watcher never sees a half-written file
   */
  writeAtomic(relative: string, text: string): void;
  remove(): void;
}

/** A temporary copy of the example prompts (or an empty dir with `files` when `copy` is false). */
export function makePromptDir(
  options: { copyExamples?: boolean; files?: Record<string, string> } = {},
): PromptDir {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-prompts-'));
  if (options.copyExamples ?? true) cpSync(EXAMPLE_PROMPTS_DIR, dir, { recursive: true });
  const path = (relative: string) => join(dir, relative);
  const promptDir: PromptDir = {
    dir,
    path,
    read: (relative) => readFileSync(path(relative), 'utf-8'),
    hash: (relative) => sha256(readFileSync(path(relative))),
    write: (relative, text) => {
      mkdirSync(dirname(path(relative)), { recursive: true });
      writeFileSync(path(relative), text);
    },
    writeAtomic: (relative, text) => {
      const target = path(relative);
      mkdirSync(dirname(target), { recursive: true });
      const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
      writeFileSync(temp, text);
      renameSync(temp, target);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [relative, text] of Object.entries(options.files ?? {})) {
    promptDir.write(relative, text);
  }
  return promptDir;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
