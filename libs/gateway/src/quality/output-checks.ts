import type {
  ChatChunk,
  ChatRequest,
  ChatResponse,
  FinishReason,
  QualityReport,
  ResponseFormat,
} from '@app/core';
import type { SchemaValidator } from './schema-validator';

/** What the checks need to know of an answer, whole or streamed. */
export interface OutputDigest {
  /** the answer's text; kept only when the format is JSON (it is validated) */
  text: string;
  /** some non-blank text came */
  hasText: boolean;
  toolCalls: boolean;
  /** a refusal came (its text, or a `content_filter` finish) */
  refusal: boolean;
  finishReason?: FinishReason;
}

/** The checks of one answer: the report, and the schema errors when it failed its format. */
export interface OutputCheck {
  /** empty / truncated / refusal, and `schema: valid | invalid` when the answer was validated */
  report: QualityReport;
  /** `path: message` per failure, when `report.schema` is `invalid` */
  schemaErrors?: string[];
}

/** Whether a request asks for JSON that the gateway checks (json_schema or json_object). */
export function expectsJson(format: ResponseFormat | undefined): boolean {
  return format !== undefined && format.type !== 'text';
}

/**
 * Whether an answer that fails the format is repaired and then failed or flagged (the route's
 * `quality`): `json_schema` only. A `json_object` answer is checked and reported, not enforced.
 */
export function enforcesSchema(format: ResponseFormat | undefined): boolean {
  return format?.type === 'json_schema';
}

/** The checks of a non-streamed answer to `request` (paper 7.3). */
export function checkResponse(
  response: ChatResponse,
  request: ChatRequest,
  validator?: SchemaValidator,
): OutputCheck {
  const { message } = response;
  const text = message.content ?? '';
  return checkOutput(
    {
      text,
      hasText: /\S/.test(text),
      toolCalls: (message.toolCalls?.length ?? 0) > 0,
      refusal: Boolean(message.refusal) || response.finishReason === 'content_filter',
      finishReason: response.finishReason,
    },
    request.responseFormat,
    validator,
  );
}

/**
 * The checks of a digest: `empty` (no text, tool call or refusal), `truncated` (finish reason
 * `length`), `refusal`; with a JSON format and a validator, the text is validated, unless the
 * answer is a refusal or tool calls (a format binds the text answer, and those are not one).
 */
export function checkOutput(
  digest: OutputDigest,
  format: ResponseFormat | undefined,
  validator?: SchemaValidator,
): OutputCheck {
  const report: QualityReport = {};
  const truncated = digest.finishReason === 'length';
  if (!digest.hasText && !digest.toolCalls && !digest.refusal) report.empty = true;
  if (truncated) report.truncated = true;
  if (digest.refusal) report.refusal = true;
  if (validator === undefined || digest.refusal || digest.toolCalls) return { report };
  const verdict = validator.check(format, digest.text, truncated);
  if (verdict === undefined || verdict.result === 'unchecked') return { report };
  if (verdict.result === 'valid') {
    report.schema = 'valid';
    return { report };
  }
  report.schema = 'invalid';
  return { report, schemaErrors: verdict.errors };
}

/**
 * Follows a stream's chunks as they pass (it never holds one back): the text (only when the
 * request's format is JSON, to validate it at the end), whether text, tool calls or a refusal came,
 * and the finish reason.
 */
export class StreamAccumulator {
  private readonly digest: OutputDigest = {
    text: '',
    hasText: false,
    toolCalls: false,
    refusal: false,
  };
  private readonly keepText: boolean;

  constructor(private readonly request: ChatRequest) {
    this.keepText = expectsJson(request.responseFormat);
  }

  get finishReason(): FinishReason | undefined {
    return this.digest.finishReason;
  }

  add(chunk: ChatChunk): void {
    const { delta } = chunk;
    if (delta !== undefined) {
      const content = delta.content;
      if (content) {
        if (this.keepText) this.digest.text += content;
        if (!this.digest.hasText && /\S/.test(content)) this.digest.hasText = true;
      }
      if (delta.toolCalls !== undefined && delta.toolCalls.length > 0) this.digest.toolCalls = true;
      if (delta.refusal) this.digest.refusal = true;
    }
    if (chunk.finishReason !== undefined) {
      this.digest.finishReason = chunk.finishReason;
      if (chunk.finishReason === 'content_filter') this.digest.refusal = true;
    }
  }

  /** the checks of what was streamed (call once the stream completed) */
  check(validator?: SchemaValidator): OutputCheck {
    return checkOutput(this.digest, this.request.responseFormat, validator);
  }
}
