/**
 * The GatewayError taxonomy (DESIGN.md §4). Every failure that reaches a caller is one of these;
 * the HTTP layer renders it in the OpenAI error shape.
 */

export type GatewayErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface GatewayErrorInit {
  status: number;
  type: GatewayErrorType;
  code: string;
  message: string;
  param?: string | null;
  /** whether another attempt (same or other deployment) may succeed */
  retryable?: boolean;
  /** the upstream's (or the gateway's) hint of when to try again */
  retryAfterMs?: number;
  /** the upstream status code, for upstream failures */
  upstreamStatus?: number;
  /** the provider that failed, for upstream failures */
  provider?: string;
  cause?: unknown;
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: GatewayErrorType;
  readonly code: string;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly upstreamStatus?: number;
  readonly provider?: string;

  constructor(init: GatewayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GatewayError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param ?? null;
    this.retryable = init.retryable ?? false;
    this.retryAfterMs = init.retryAfterMs;
    this.upstreamStatus = init.upstreamStatus;
    this.provider = init.provider;
  }

  toJSON(): OpenAiErrorBody {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }

  static invalidRequest(message: string, param?: string, code = 'invalid_request'): GatewayError {
    return new GatewayError({ status: 400, type: 'invalid_request_error', code, message, param });
  }

  static contextLengthExceeded(message: string): GatewayError {
    return new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      message,
      param: 'messages',
    });
  }

  static authentication(message = 'Missing or invalid API key.'): GatewayError {
    return new GatewayError({
      status: 401,
      type: 'authentication_error',
      code: 'invalid_api_key',
      message,
    });
  }

  static permission(message: string, code = 'permission_denied'): GatewayError {
    return new GatewayError({ status: 403, type: 'permission_error', code, message });
  }

  static notFound(message: string, param?: string, code = 'not_found'): GatewayError {
    return new GatewayError({ status: 404, type: 'not_found_error', code, message, param });
  }

  static modelNotFound(model: string): GatewayError {
    return GatewayError.notFound(
      `The model '${model}' does not exist or you do not have access to it.`,
      'model',
      'model_not_found',
    );
  }

  static payloadTooLarge(limitBytes: number): GatewayError {
    return new GatewayError({
      status: 413,
      type: 'invalid_request_error',
      code: 'payload_too_large',
      message: `Request body is larger than the limit of ${limitBytes} bytes.`,
    });
  }

  static rateLimited(message: string, retryAfterMs: number, code = 'rate_limited'): GatewayError {
    return new GatewayError({ status: 429, type: 'rate_limit_error', code, message, retryAfterMs });
  }

  static unavailable(message: string, retryAfterMs?: number, code = 'service_unavailable') {
    return new GatewayError({ status: 503, type: 'overloaded_error', code, message, retryAfterMs });
  }

  static timeout(message: string, code = 'timeout'): GatewayError {
    return new GatewayError({ status: 504, type: 'timeout_error', code, message, retryable: true });
  }

  /** The caller went away (or cancelled); nobody reads this response, but logs do. */
  static aborted(message = 'The client closed the request.'): GatewayError {
    return new GatewayError({
      status: 499,
      type: 'api_error',
      code: 'client_closed_request',
      message,
    });
  }

  static internal(message = 'The gateway failed to process the request.'): GatewayError {
    return new GatewayError({ status: 500, type: 'api_error', code: 'internal_error', message });
  }
}

/** Upstream status codes worth another attempt (DESIGN.md §4). */
export const RETRYABLE_UPSTREAM_STATUSES: ReadonlySet<number> = new Set([
  408, 409, 429, 500, 502, 503, 504, 529,
]);

export interface UpstreamErrorInit {
  provider: string;
  /** HTTP status from the upstream; undefined for connection failures */
  status?: number;
  message: string;
  /** the provider's own error code or type, e.g. `insufficient_quota`, `overloaded_error` */
  upstreamCode?: string;
  retryAfterMs?: number;
  /** the upstream's own verdict (OpenAI `x-should-retry`), overriding the status-based one */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * Maps an upstream failure to what the caller sees once retries are spent: the upstream's client
 * errors stay client errors (400/413), its overload becomes 503, its timeouts 504, anything else 502.
 * An upstream 401/403/404 is the gateway's misconfiguration, not the caller's, so it is a 502.
 */
export function upstreamError(init: UpstreamErrorInit): GatewayError {
  const error = classifyUpstream(init);
  if (init.retryable === undefined || init.retryable === error.retryable) return error;
  return new GatewayError({
    ...error,
    message: error.message,
    retryable: init.retryable,
    cause: init.cause,
  });
}

function classifyUpstream(init: UpstreamErrorInit): GatewayError {
  const { provider, status, upstreamCode } = init;
  const message = `Upstream ${provider} ${status === undefined ? 'connection failed' : `returned ${status}`}: ${init.message}`;
  const base = {
    message,
    provider,
    upstreamStatus: status,
    retryAfterMs: init.retryAfterMs,
    cause: init.cause,
  };
  if (upstreamCode === 'context_length_exceeded') {
    return new GatewayError({
      ...base,
      status: 400,
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
    });
  }
  if (status === undefined) {
    return new GatewayError({
      ...base,
      status: 502,
      type: 'api_error',
      code: 'upstream_unreachable',
      retryable: true,
    });
  }
  if (status === 400 || status === 422) {
    return new GatewayError({
      ...base,
      status: 400,
      type: 'invalid_request_error',
      code: upstreamCode ?? 'upstream_invalid_request',
    });
  }
  if (status === 413) {
    return new GatewayError({
      ...base,
      status: 413,
      type: 'invalid_request_error',
      code: 'payload_too_large',
    });
  }
  if (status === 408 || status === 504) {
    return new GatewayError({
      ...base,
      status: 504,
      type: 'timeout_error',
      code: 'upstream_timeout',
      retryable: true,
    });
  }
  if (status === 429 || status === 503 || status === 529) {
    return new GatewayError({
      ...base,
      status: 503,
      type: 'overloaded_error',
      code: upstreamCode ?? (status === 429 ? 'upstream_rate_limited' : 'upstream_overloaded'),
      retryable: true,
    });
  }
  return new GatewayError({
    ...base,
    status: 502,
    type: 'api_error',
    code: status === 401 || status === 403 ? 'upstream_authentication_failed' : 'upstream_error',
    retryable: RETRYABLE_UPSTREAM_STATUSES.has(status),
  });
}

/** An upstream stream that ended before the provider said it was finished. */
export function streamCutError(provider: string, detail: string): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'api_error',
    code: 'upstream_stream_cut',
    message: `Upstream ${provider} stream ended early: ${detail}`,
    provider,
    retryable: true,
  });
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
