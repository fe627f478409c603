import { type ConfigPath, formatPath } from './config-path';

export interface RawIssue {
  path: ConfigPath;
  message: string;
}

const MAX_QUOTED = 80;

/** State shared by interpolation and validation of one configuration document. */
export class ReadContext {
  readonly issues: RawIssue[] = [];
  /** path -> the string as written in the file, for every string that contained `${...}` */
  private readonly interpolated = new Map<string, string>();
  /** paths whose interpolation failed (already reported; validation skips them) */
  private readonly unresolved = new Set<string>();

  report(path: ConfigPath, message: string): void {
    this.issues.push({ path, message });
  }

  markInterpolated(path: ConfigPath, raw: string): void {
    this.interpolated.set(formatPath(path), raw);
  }

  markUnresolved(path: ConfigPath): void {
    this.unresolved.add(formatPath(path));
  }

  isInterpolated(path: ConfigPath): boolean {
    return this.interpolated.has(formatPath(path));
  }

  isUnresolved(path: ConfigPath): boolean {
    return this.unresolved.has(formatPath(path));
  }

  /**
   * A value as it may appear in an error message: the text written in the file, never a value
   * that came from the environment (it might be a secret).
   */
  quote(path: ConfigPath, value: string): string {
    const raw = this.interpolated.get(formatPath(path));
    if (raw !== undefined) return `from '${truncate(raw)}'`;
    return `'${truncate(value)}'`;
  }
}

function truncate(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}...` : text;
}
