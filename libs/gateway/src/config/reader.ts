import type { ConfigPath } from './config-path';
import type { ReadContext } from './read-context';
import { didYouMean } from './suggest';

/** `true`, or the message to report when the field is missing (default `is required`) */
export type Required = boolean | string;

export interface StringRule {
  required?: Required;
  /** the value must match; `hint` says what is expected */
  pattern?: { regex: RegExp; hint: string };
  oneOf?: readonly string[];
  /** never quote the value in a message */
  secret?: boolean;
}

export interface NumberRule {
  required?: Required;
  integer?: boolean;
  /** greater than 0 */
  positive?: boolean;
  min?: number;
  max?: number;
}

export interface MapRule {
  keyPattern: { regex: RegExp; hint: string };
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads the fields of one YAML mapping with type checks, reporting every problem to the context
 * under the field's path. Unknown keys are reported when the reader is created. A `null` value
 * (an empty `key:`) counts as not set, as does an empty string in an optional string field.
 */
export class ObjectReader {
  private constructor(
    readonly context: ReadContext,
    readonly path: ConfigPath,
    private readonly data: Record<string, unknown>,
  ) {}

  static of(
    context: ReadContext,
    path: ConfigPath,
    value: unknown,
    fields: readonly string[],
  ): ObjectReader | undefined {
    if (!isMapping(value)) {
      context.report(path, 'must be a mapping of fields');
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!fields.includes(key)) {
        context.report([...path, key], `unknown field (${didYouMean(key, fields)})`);
      }
    }
    return new ObjectReader(context, path, value);
  }

  at(key: string): ConfigPath {
    return [...this.path, key];
  }

  /** whether the field has a value (a failed interpolation counts as set: it was reported) */
  has(key: string): boolean {
    return this.context.isUnresolved(this.at(key)) || this.present(key);
  }

  /** the field's value as parsed; undefined when unset or when its interpolation failed */
  value(key: string): unknown {
    return this.take(key);
  }

  /** reports `message` when the field is set */
  forbid(key: string, message: string): void {
    if (this.has(key)) this.context.report(this.at(key), message);
  }

  string(key: string, rule: StringRule = {}): string | undefined {
    const value = this.take(key, rule.required);
    if (value === undefined) return undefined;
    const path = this.at(key);
    if (typeof value !== 'string') return this.fail(path, 'must be a string');
    if (value === '') return rule.required ? this.fail(path, 'must not be empty') : undefined;
    if (rule.oneOf !== undefined && !rule.oneOf.includes(value)) {
      const got = rule.secret ? '' : ` (got ${this.context.quote(path, value)})`;
      return this.fail(path, `must be one of ${rule.oneOf.join(', ')}${got}`);
    }
    if (rule.pattern !== undefined && !rule.pattern.regex.test(value)) {
      const got = rule.secret ? '' : `, got ${this.context.quote(path, value)}`;
      return this.fail(path, `must be ${rule.pattern.hint}${got}`);
    }
    return value;
  }

  number(key: string, rule: NumberRule = {}): number | undefined {
    const path = this.at(key);
    let value = this.take(key, rule.required);
    if (value === undefined) return undefined;
    if (typeof value === 'string' && this.context.isInterpolated(path) && NUMERIC.test(value)) {
      value = Number(value);
    }
    if (typeof value !== 'number' || !satisfies(value, rule)) {
      return this.fail(path, `must be ${describeNumber(rule)}`);
    }
    return value;
  }

  integer(key: string, rule: Omit<NumberRule, 'integer'> = {}): number | undefined {
    return this.number(key, { ...rule, integer: true });
  }

  boolean(key: string, required = false): boolean | undefined {
    const path = this.at(key);
    const value = this.take(key, required);
    if (value === undefined || typeof value === 'boolean') return value;
    if (this.context.isInterpolated(path) && (value === 'true' || value === 'false')) {
      return value === 'true';
    }
    return this.fail(path, 'must be true or false');
  }

  object(key: string, fields: readonly string[], required = false): ObjectReader | undefined {
    const value = this.take(key, required);
    return value === undefined
      ? undefined
      : ObjectReader.of(this.context, this.at(key), value, fields);
  }

  /** a YAML sequence; `nonEmpty` also implies required */
  list(key: string, rule: { required?: boolean; nonEmpty?: boolean } = {}): unknown[] | undefined {
    const value = this.take(key, rule.required === true || rule.nonEmpty === true);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return this.fail(this.at(key), 'must be a list');
    if (rule.nonEmpty && value.length === 0) return this.fail(this.at(key), 'must not be empty');
    return value as unknown[];
  }

  /** a mapping of names to string values, e.g. extra HTTP headers; empty values are left out */
  stringMap(key: string, rule: MapRule): Record<string, string> | undefined {
    const value = this.take(key, false);
    if (value === undefined) return undefined;
    if (!isMapping(value)) return this.fail(this.at(key), 'must be a mapping of names to strings');
    const out: Record<string, string> = {};
    for (const [name, item] of Object.entries(value)) {
      const path = [...this.at(key), name];
      if (!rule.keyPattern.regex.test(name)) {
        this.context.report(path, `name must be ${rule.keyPattern.hint}`);
      } else if (this.context.isUnresolved(path)) {
        continue;
      } else if (typeof item !== 'string') {
        this.context.report(path, 'must be a string');
      } else if (item !== '') {
        Object.defineProperty(out, name, { value: item, enumerable: true, writable: true });
      }
    }
    return out;
  }

  private present(key: string): boolean {
    const value = this.data[key];
    return Object.hasOwn(this.data, key) && value !== undefined && value !== null;
  }

  /** the field's value, or undefined (reporting `is required` when it must be set) */
  private take(key: string, required: Required = false): unknown {
    if (this.context.isUnresolved(this.at(key))) return undefined;
    if (this.present(key)) return this.data[key];
    if (required !== false) {
      this.context.report(this.at(key), required === true ? 'is required' : required);
    }
    return undefined;
  }

  private fail(path: ConfigPath, message: string): undefined {
    this.context.report(path, message);
    return undefined;
  }
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

function satisfies(value: number, rule: NumberRule): boolean {
  return (
    Number.isFinite(value) &&
    (!rule.integer || Number.isSafeInteger(value)) &&
    (!rule.positive || value > 0) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max)
  );
}

function describeNumber(rule: NumberRule): string {
  const noun = rule.integer ? 'an integer' : 'a number';
  const { min, max } = rule;
  if (rule.positive) return rule.integer ? 'a positive integer' : 'a positive number';
  if (min !== undefined && max !== undefined) return `${noun} between ${min} and ${max}`;
  if (min === 0) return `${noun} of 0 or more`;
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}
