/** One problem found while loading the prompts directory, tied to a file and (when known) a line. */
export interface TemplateLoadIssue {
  /** the file (or folder) the problem is in, relative to the prompts directory */
  file: string;
  /** 1-based line in that file, when known */
  line?: number;
  /** 1-based column, when known */
  column?: number;
  /** the field the problem is about, e.g. `messages[1].content`; absent for whole-file problems */
  path?: string;
  message: string;
}

/**
 * The prompts directory (or part of it) could not be loaded. The message lists every problem,
 * each as `file:line:column: field: message`, so an operator can jump straight to it.
 */
export class TemplateLoadError extends Error {
  /** the prompts directory, as given */
  readonly dir: string;
  readonly issues: readonly TemplateLoadIssue[];

  constructor(dir: string, issues: readonly TemplateLoadIssue[]) {
    super(renderMessage(dir, issues));
    this.name = 'TemplateLoadError';
    this.dir = dir;
    this.issues = issues;
  }
}

/** `support-reply/v2.yaml:14:7` (line and column only when known) */
export function formatLocation(issue: Pick<TemplateLoadIssue, 'file' | 'line' | 'column'>): string {
  if (issue.line === undefined) return issue.file;
  return issue.column === undefined
    ? `${issue.file}:${issue.line}`
    : `${issue.file}:${issue.line}:${issue.column}`;
}

function renderMessage(dir: string, issues: readonly TemplateLoadIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => {
    const field = issue.path === undefined ? '' : `${issue.path}: `;
    return `  - ${formatLocation(issue)}: ${field}${issue.message}`;
  });
  return [`Invalid prompt templates in ${dir} (${count}):`, ...lines].join('\n');
}
