/** One problem found in the configuration, tied to the field it is about. */
export interface ConfigIssue {
  /** dotted/bracketed field path, e.g. `providers[1].type`; `(root)` for the whole document */
  path: string;
  message: string;
  /** 1-based position in the source file, when known */
  line?: number;
  column?: number;
}

/**
 * The configuration could not be loaded. The message lists every problem found, each naming the
 * field; it quotes only text written in the config file and never a secret value.
 */
export class ConfigError extends Error {
  readonly source: string;
  readonly issues: readonly ConfigIssue[];

  constructor(source: string, issues: readonly ConfigIssue[]) {
    super(renderMessage(source, issues));
    this.name = 'ConfigError';
    this.source = source;
    this.issues = issues;
  }
}

function renderMessage(source: string, issues: readonly ConfigIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => `  - ${renderIssue(source, issue)}`);
  return [`Invalid gateway configuration in ${source} (${count}):`, ...lines].join('\n');
}

function renderIssue(source: string, issue: ConfigIssue): string {
  if (issue.line === undefined) return `${issue.path}: ${issue.message}`;
  const column = issue.column === undefined ? '' : `:${issue.column}`;
  return `${issue.path}: ${issue.message} (${source}:${issue.line}${column})`;
}
