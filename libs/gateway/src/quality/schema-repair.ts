import { GatewayError, type ChatRequest, type Message, type ResponseFormat } from '@app/core';
import { formatSchemaErrors, MAX_LISTED_ERRORS } from './schema-validator';

/**
 * The repair request for an answer that failed its format: the original request (same format,
 * same parameters) with the conversation extended by the invalid answer and a user turn that
 * lists the validation errors and asks for only the corrected JSON. An empty answer is left out
 * (some providers refuse an empty assistant turn).
 */
export function repairRequest(
  request: ChatRequest,
  invalidOutput: string,
  errors: readonly string[],
  options: { truncated?: boolean } = {},
): ChatRequest {
  const messages: Message[] = [...request.messages];
  if (invalidOutput.trim() !== '') messages.push({ role: 'assistant', content: invalidOutput });
  messages.push({
    role: 'user',
    content: repairInstruction(request.responseFormat, errors, options),
  });
  return { ...request, messages };
}

/** The user turn of a repair request. */
export function repairInstruction(
  format: ResponseFormat | undefined,
  errors: readonly string[],
  options: { truncated?: boolean } = {},
): string {
  const listed = errors.slice(0, MAX_LISTED_ERRORS).map((error) => `- ${error}`);
  const more = errors.length - MAX_LISTED_ERRORS;
  if (more > 0) listed.push(`- and ${more} more`);
  const lines = [`Your previous answer ${expectation(format)}. Validation errors:`, ...listed];
  if (options.truncated) {
    lines.push('It was cut off at the output limit: answer more briefly.');
  }
  lines.push(
    format?.type === 'json_schema'
      ? 'Reply with only the corrected JSON, matching the schema exactly: no other text, no code fences.'
      : 'Reply with only a valid JSON object: no other text, no code fences.',
  );
  return lines.join('\n');
}

/**
 * The error of an answer that still fails its format after the repairs, on a route with
 * `onSchemaFailure: error`: 502, naming the failing paths (never the answer's content).
 */
export function schemaMismatchError(
  format: ResponseFormat | undefined,
  errors: readonly string[],
  repairs: number,
  repairFailure?: GatewayError,
): GatewayError {
  const tried = repairs === 0 ? '' : ` after ${repairs} repair attempt${repairs === 1 ? '' : 's'}`;
  const failed =
    repairFailure === undefined ? '' : ` (the last repair request failed: ${repairFailure.code})`;
  return new GatewayError({
    status: 502,
    type: 'api_error',
    code: 'output_schema_mismatch',
    message: `The model's answer ${expectation(format)}${tried}${failed}: ${formatSchemaErrors(errors)}`,
    param: 'response_format',
  });
}

function expectation(format: ResponseFormat | undefined): string {
  if (format?.type === 'json_schema') {
    return `does not match the response_format JSON schema '${format.jsonSchema.name}'`;
  }
  return 'is not the JSON object response_format asks for';
}
