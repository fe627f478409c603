import { HttpException } from '@nestjs/common';
import { GatewayError, type GatewayErrorType } from '@app/core';

/** An error as it goes on the wire: status, OpenAI-shaped body, extra headers. */
export interface RenderedError {
  status: number;
  error: GatewayError;
  headers: Record<string, string>;
}

const TYPE_BY_STATUS: Record<number, GatewayErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  408: 'timeout_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** Fastify's own errors (body parsing, limits) by their code. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    message: 'The request body is not valid JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    message: 'The request body is empty; a JSON object is expected.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'Send the request body as application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_request',
    message: 'The Content-Length header does not match the body.',
  },
};

/**
 * Turns anything thrown while serving a request into the OpenAI error shape with the right status.
 * Unknown errors become a generic 500 whose message reveals nothing about the internals.
 */
export function renderError(error: unknown, bodyLimitBytes: number): RenderedError {
  const gatewayError = toGatewayError(error, bodyLimitBytes);
  const headers: Record<string, string> = {};
  if (
    gatewayError.retryAfterMs !== undefined &&
    (gatewayError.status === 429 || gatewayError.status === 503)
  ) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(gatewayError.retryAfterMs / 1000)));
  }
  return { status: gatewayError.status, error: gatewayError, headers };
}

function toGatewayError(error: unknown, bodyLimitBytes: number): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof HttpException) return fromHttpException(error, bodyLimitBytes);
  const code = errorCode(error);
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return GatewayError.payloadTooLarge(bodyLimitBytes);
  const known = code ? FASTIFY_ERRORS[code] : undefined;
  if (known) {
    return new GatewayError({
      status: known.status,
      type: TYPE_BY_STATUS[known.status] ?? 'invalid_request_error',
      code: known.code,
      message: known.message,
    });
  }
  const status = errorStatus(error);
  if (status !== undefined && status >= 400 && status < 500) {
    return new GatewayError({
      status,
      type: TYPE_BY_STATUS[status] ?? 'invalid_request_error',
      code: 'invalid_request',
      message: 'The request could not be processed.',
    });
  }
  return GatewayError.internal();
}

function fromHttpException(exception: HttpException, bodyLimitBytes: number): GatewayError {
  const status = exception.getStatus();
  if (status === 413) return GatewayError.payloadTooLarge(bodyLimitBytes);
  // Nest hands Fastify's own errors (body parsing) over as HttpExceptions without their code
  if (status === 415) {
    return new GatewayError({
      status,
      type: 'invalid_request_error',
      code: 'unsupported_media_type',
      message: 'Send the request body as application/json.',
    });
  }
  if (status === 400 && /JSON|body/i.test(exception.message)) {
    return new GatewayError({
      status,
      type: 'invalid_request_error',
      code: 'invalid_json',
      message: 'The request body is not valid JSON: send a JSON object.',
    });
  }
  if (status === 404) {
    return GatewayError.notFound(
      `Unknown route: ${exception.message.replace(/^Cannot /, '')}`,
      undefined,
      'unknown_url',
    );
  }
  return new GatewayError({
    status,
    type: status >= 500 ? 'api_error' : (TYPE_BY_STATUS[status] ?? 'invalid_request_error'),
    code:
      status >= 500
        ? 'internal_error'
        : /JSON/.test(exception.message)
          ? 'invalid_json'
          : 'invalid_request',
    message: status >= 500 ? 'The gateway failed to process the request.' : exception.message,
  });
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string'
    ? error.code
    : undefined;
}

function errorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as Record<string, unknown>;
  const status = record.statusCode ?? record.status;
  return typeof status === 'number' ? status : undefined;
}
