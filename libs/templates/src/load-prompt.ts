import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Ajv from 'ajv';
import type { Liquid } from 'liquidjs';
import { deepFreeze } from './deep-freeze';
import type { LabelTarget, PromptDetail, PromptSummary } from './prompt-types';
import { readLabels } from './read-labels';
import { contentHash, readVersion, type CompiledVersion, type VersionFile } from './read-version';
import type { TemplateLoadIssue } from './template-load-error';

/** A prompt as served: its versions, its labels, and the summary and detail views of both. */
export interface LoadedPrompt {
  name: string;
  versions: ReadonlyMap<number, CompiledVersion>;
  latest: CompiledVersion;
  labels: Readonly<Record<string, LabelTarget>>;
  summary: PromptSummary;
  detail: PromptDetail;
}

export interface PromptLoadContext {
  /** absolute path of the prompts directory */
  root: string;
  liquid: Liquid;
  /** the schema compiler of this load pass (created on first use) */
  ajv: () => Ajv;
  /** versions loaded before, by `file` + hash: an unchanged file is not parsed again */
  previous: ReadonlyMap<string, CompiledVersion>;
}

export const LABELS_FILE = 'labels.yaml';
const VERSION_FILE = /^v([1-9][0-9]*)\.yaml$/;
const YAML_FILE = /\.ya?ml$/i;

/** Editor droppings and hidden files in a prompt folder, never read. */
function isIgnored(name: string): boolean {
  return (
    name.startsWith('.') || name.startsWith('#') || name.endsWith('~') || !YAML_FILE.test(name)
  );
}

/** the key of a loaded version in `previous` */
export function versionKey(file: string, hash: string): string {
  return `${file}\u0000${hash}`;
}

/**
 * Loads `prompts/<name>/`: every `v<N>.yaml` and the optional `labels.yaml`. Any problem in any
 * of its files goes to `issues` and the prompt is not loaded (as a whole: its labels and versions
 * only make sense together).
 */
export function loadPrompt(
  context: PromptLoadContext,
  name: string,
  issues: TemplateLoadIssue[],
): LoadedPrompt | undefined {
  const before = issues.length;
  const folder = join(context.root, name);
  const versions = new Map<number, CompiledVersion>();
  let labelsText: string | undefined;
  let entries: string[];
  try {
    entries = readdirSync(folder).sort();
  } catch (error) {
    issues.push({ file: `${name}/`, message: `cannot read the folder: ${errorCode(error)}` });
    return undefined;
  }
  // every version file there, broken or not: labels are checked against these, so a broken
  // version is reported once, not again as a label naming a missing version
  const present = new Set<number>();
  for (const entry of entries) {
    if (isIgnored(entry)) continue;
    const file = `${name}/${entry}`;
    const bytes = readBytes(join(folder, entry), file, issues);
    if (bytes === undefined) continue;
    const match = VERSION_FILE.exec(entry);
    if (entry === LABELS_FILE) labelsText = bytes.toString('utf8');
    else if (match === null || !Number.isSafeInteger(Number(match[1]))) {
      issues.push({
        file,
        message: `not a prompt file: name versions v<N>.yaml (N = 1, 2, ...) and labels ${LABELS_FILE}`,
      });
    } else {
      const version = Number(match[1]);
      present.add(version);
      const compiled = compileVersion(context, { file, version, bytes }, issues);
      if (compiled !== undefined) versions.set(version, compiled);
    }
  }
  if (versions.size === 0 && issues.length === before) {
    issues.push({ file: `${name}/`, message: 'no version files (expected v1.yaml, v2.yaml, ...)' });
  }
  const labels =
    labelsText === undefined
      ? {}
      : readLabels(`${name}/${LABELS_FILE}`, labelsText, present, issues);
  if (issues.length > before || labels === undefined) return undefined;
  return assemble(name, versions, labels);
}

function compileVersion(
  context: PromptLoadContext,
  source: VersionFile,
  issues: TemplateLoadIssue[],
): CompiledVersion | undefined {
  const cached = context.previous.get(versionKey(source.file, contentHash(source.bytes)));
  return cached ?? readVersion(source, context.liquid, context.ajv(), issues);
}

function assemble(
  name: string,
  versions: Map<number, CompiledVersion>,
  labels: Readonly<Record<string, LabelTarget>>,
): LoadedPrompt {
  const ordered = [...versions.values()].sort((a, b) => a.info.version - b.info.version);
  const numbers = ordered.map((version) => version.info.version);
  const latest = ordered[ordered.length - 1];
  const head = { name, description: latest.info.description, latestVersion: latest.info.version };
  const summary: PromptSummary = deepFreeze({ ...head, versions: numbers, labels });
  const detail: PromptDetail = deepFreeze({
    ...head,
    labels,
    versions: ordered.map((version) => version.info),
  });
  const byNumber = new Map(ordered.map((version) => [version.info.version, version]));
  return { name, versions: byNumber, latest, labels, summary, detail };
}

function readBytes(path: string, file: string, issues: TemplateLoadIssue[]): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    issues.push({ file, message: `cannot read the file: ${errorCode(error)}` });
    return undefined;
  }
}

export function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
