import type { AttemptRecord } from './context';
import type { GatewayError } from './errors';

/**
 * The trace of one gateway request (implemented by @app/observability when tracing is on). The
 * gateway asks it for a child span per upstream attempt; the attempt's `traceparent` goes upstream.
 */
export interface RequestTrace {
  /** starts the span of an attempt (its record is filled in as it goes) */
  startAttempt(record: AttemptRecord, upstream: AttemptUpstream): AttemptTrace;
}

/** Where an attempt goes. */
export interface AttemptUpstream {
  /** the model the upstream is asked for (the deployment's `model`) */
  model: string;
  /** the provider's type: openai, azure-openai, anthropic, gemini, ollama, openai-compatible, simulator */
  providerType: string;
  /** the deployment's residency region, when it has one */
  region?: string;
}

/** The span of one upstream attempt. */
export interface AttemptTrace {
  /** W3C `traceparent` naming this attempt's span, for the upstream request */
  readonly traceparent: string;
  /** ends the span with the attempt's outcome, usage and finish reason (from `record`) */
  end(record: AttemptRecord, error?: GatewayError): void;
}
