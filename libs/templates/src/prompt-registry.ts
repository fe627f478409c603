import { resolve as resolvePath } from 'node:path';
import type { Liquid } from 'liquidjs';
import { DirectoryWatcher } from './directory-watcher';
import { createLiquid } from './liquid-engine';
import type { LoadedPrompt } from './load-prompt';
import { loadPromptsDir } from './load-prompts-dir';
import { promptNotFound } from './prompt-errors';
import type {
  PromptDetail,
  PromptSelector,
  PromptSummary,
  RenderInput,
  RenderedPrompt,
  ResolvedVersion,
} from './prompt-types';
import { renderVersion } from './render-version';
import { resolveVersion, type Resolution } from './resolve-version';
import type { RandomSource } from './split';
import { TemplateLoadError, type TemplateLoadIssue } from './template-load-error';

export interface PromptRegistryOptions {
  /** the prompts directory (`prompts/`), relative to the working directory or absolute */
  dir: string;
  /** start watching the directory for edits right away (default false; see `watch()`) */
  watch?: boolean;
  /**
   * Called when a hot reload finds a broken prompt (its last good state stays served; the error
   * is a TemplateLoadError naming file and line) or the watcher fails.
   * Default: `process.emitWarning`.
   */
  onReloadError?: (error: Error) => void;
  /** Called after every hot reload, with the names of the prompts now served. */
  onReload?: (names: readonly string[]) => void;
  /** picks an arm of a weighted split when the request names no user (default Math.random) */
  random?: RandomSource;
  /** quiet time after the last file event before reloading (default 100 ms) */
  debounceMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 100;

/**
 * The prompt template registry (the Prompt Template pattern): versioned prompts loaded from
 * `prompts/<name>/v<N>.yaml` and `labels.yaml`, every template parsed and checked at load, served
 * from memory. `load()` fails on any broken file; after that, `watch()` keeps it in step with the
 * files, prompt by prompt: a broken edit leaves that prompt's last good state in service.
 */
export class PromptRegistry {
  private prompts: ReadonlyMap<string, LoadedPrompt>;
  private summaries: readonly PromptSummary[];
  private readonly watcher: DirectoryWatcher;

  private constructor(
    /** the absolute path of the prompts directory */
    readonly dir: string,
    private readonly liquid: Liquid,
    prompts: ReadonlyMap<string, LoadedPrompt>,
    private readonly options: PromptRegistryOptions,
  ) {
    this.prompts = prompts;
    this.summaries = summariesOf(prompts);
    this.watcher = new DirectoryWatcher({
      dir,
      debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
      onChange: () => this.reloadQuietly(),
      onError: (error) => this.report(error),
    });
  }

  /**
   * Reads and checks every prompt under `dir` (synchronously). Throws a TemplateLoadError that
   * names each broken file and line; nothing is served from a directory with a broken file.
   */
  static load(options: PromptRegistryOptions | string): PromptRegistry {
    const settings = typeof options === 'string' ? { dir: options } : options;
    const dir = resolvePath(settings.dir);
    const liquid = createLiquid();
    const { loaded, failed } = loadPromptsDir(dir, liquid);
    if (failed.size > 0) throw new TemplateLoadError(dir, [...failed.values()].flat());
    const registry = new PromptRegistry(dir, liquid, loaded, settings);
    if (settings.watch) registry.watch();
    return registry;
  }

  /** every prompt, by name */
  list(): readonly PromptSummary[] {
    return this.summaries;
  }

  has(name: string): boolean {
    return this.prompts.has(name);
  }

  /** a prompt's versions (ascending) and labels; 404 `prompt_not_found` for an unknown name */
  get(name: string): PromptDetail {
    return this.prompt(name).detail;
  }

  /**
   * The version a request gets (see PromptSelector): 404 `prompt_not_found`,
   * `prompt_version_not_found` or `prompt_label_not_found`; 400 for both version and label.
   */
  resolve(name: string, selector: PromptSelector = {}): ResolvedVersion {
    const { version, label } = this.select(name, selector);
    return { ...version.info, name, ...(label === undefined ? {} : { label }) };
  }

  /**
   * The messages a prompt produces with `variables`, and the route, parameters and response
   * format to call the model with. 400 for a missing, undeclared or invalid variable (naming it
   * in `param` as `variables.<path>`), plus resolve()'s errors.
   */
  render(name: string, input: RenderInput = {}): RenderedPrompt {
    const { version, label } = this.select(name, input);
    const messages = renderVersion(this.liquid, name, version, input.variables);
    const { info } = version;
    const { stop, ...rest } = info.parameters;
    return {
      prompt: {
        name,
        version: info.version,
        hash: info.hash,
        ...(label === undefined ? {} : { label }),
      },
      route: info.route,
      parameters: stop === undefined ? { ...rest } : { ...rest, stop: [...stop] },
      ...(info.responseFormat === undefined ? {} : { responseFormat: info.responseFormat }),
      messages,
    };
  }

  /**
   * Reads the directory again, prompt by prompt: changed prompts are replaced, removed ones
   * dropped, new ones added; a broken prompt keeps its last good state (or stays absent).
   * Returns (and reports to `onReloadError`) the problems found, if any.
   */
  reload(): TemplateLoadError | undefined {
    let result: ReturnType<typeof loadPromptsDir>;
    try {
      result = loadPromptsDir(this.dir, this.liquid, this.prompts);
    } catch (error) {
      const failure =
        error instanceof TemplateLoadError
          ? error
          : new TemplateLoadError(this.dir, [{ file: '.', message: String(error) }]);
      this.report(failure);
      return failure;
    }
    const next = new Map(result.loaded);
    const issues: TemplateLoadIssue[] = [];
    for (const [name, problems] of result.failed) {
      const lastGood = this.prompts.get(name);
      if (lastGood !== undefined) next.set(name, lastGood);
      issues.push(...problems);
    }
    const sorted = new Map([...next].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    this.prompts = sorted;
    this.summaries = summariesOf(sorted);
    this.options.onReload?.([...sorted.keys()]);
    if (issues.length === 0) return undefined;
    const failure = new TemplateLoadError(this.dir, issues);
    this.report(failure);
    return failure;
  }

  /**
   * Starts hot reload: any change under the directory (edits, new or deleted files and folders,
   * editors' rename-over saves) reloads it after `debounceMs` of quiet. Idempotent.
   */
  watch(): void {
    this.watcher.start();
  }

  get watching(): boolean {
    return this.watcher.watching;
  }

  /** Stops watching; the registry keeps serving what it has. Idempotent. */
  close(): void {
    this.watcher.close();
  }

  /** Nest calls this on shutdown when the registry is a provider. */
  onModuleDestroy(): void {
    this.close();
  }

  private prompt(name: string): LoadedPrompt {
    const prompt = this.prompts.get(name);
    if (prompt === undefined) throw promptNotFound(name);
    return prompt;
  }

  private select(name: string, selector: PromptSelector): Resolution {
    return resolveVersion(this.prompt(name), selector, this.options.random ?? Math.random);
  }

  private reloadQuietly(): void {
    try {
      this.reload();
    } catch (error) {
      this.report(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private report(error: Error): void {
    const handler =
      this.options.onReloadError ?? ((failure: Error) => process.emitWarning(failure));
    handler(error);
  }
}

function summariesOf(prompts: ReadonlyMap<string, LoadedPrompt>): readonly PromptSummary[] {
  return Object.freeze([...prompts.values()].map((prompt) => prompt.summary));
}
