import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Ajv from 'ajv';
import type { Liquid } from 'liquidjs';
import { errorCode, loadPrompt, versionKey, type LoadedPrompt } from './load-prompt';
import type { CompiledVersion } from './read-version';
import { createSchemaCompiler } from './schema-compiler';
import { TemplateLoadError, type TemplateLoadIssue } from './template-load-error';

/** The outcome of loading a prompts directory, prompt by prompt. */
export interface DirectoryLoad {
  /** the prompts that loaded, by name */
  loaded: Map<string, LoadedPrompt>;
  /** the prompts that did not, with their problems */
  failed: Map<string, TemplateLoadIssue[]>;
}

const PROMPT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Loads every prompt folder under `root` (absolute). Each prompt loads or fails on its own;
 * versions unchanged since `previous` (same file, same hash) are reused, not parsed again.
 * Throws TemplateLoadError only when the directory itself cannot be read.
 */
export function loadPromptsDir(
  root: string,
  liquid: Liquid,
  previous: ReadonlyMap<string, LoadedPrompt> = new Map(),
): DirectoryLoad {
  const names = promptFolders(root);
  let ajv: Ajv | undefined;
  const context = {
    root,
    liquid,
    ajv: () => (ajv ??= createSchemaCompiler()),
    previous: previousVersions(previous),
  };
  const result: DirectoryLoad = { loaded: new Map(), failed: new Map() };
  for (const name of names) {
    const issues: TemplateLoadIssue[] = [];
    if (!PROMPT_NAME.test(name)) {
      issues.push({
        file: `${name}/`,
        message: 'prompt folder names are 1-64 lowercase letters, digits, - or _',
      });
    }
    const prompt = issues.length === 0 ? loadPrompt(context, name, issues) : undefined;
    if (prompt === undefined) result.failed.set(name, issues);
    else result.loaded.set(name, prompt);
  }
  return result;
}

/** the folders of `root`, sorted; hidden entries and plain files (README.md) are not prompts */
function promptFolders(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch (error) {
    throw new TemplateLoadError(root, [
      { file: '.', message: `cannot read the prompts directory: ${errorCode(error)}` },
    ]);
  }
  return entries.filter((entry) => !entry.startsWith('.') && isDirectory(join(root, entry))).sort();
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function previousVersions(
  previous: ReadonlyMap<string, LoadedPrompt>,
): ReadonlyMap<string, CompiledVersion> {
  const versions = new Map<string, CompiledVersion>();
  for (const prompt of previous.values()) {
    for (const version of prompt.versions.values()) {
      versions.set(versionKey(version.info.file, version.info.hash), version);
    }
  }
  return versions;
}
