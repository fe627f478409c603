import { GatewayError } from '@app/core';

/** 503 for a ledger database the gateway cannot open or reach; the message must be scrubbed. */
export function usageStoreUnavailable(message: string): GatewayError {
  return GatewayError.unavailable(message, undefined, 'usage_store_unavailable');
}

/** 400 for an event the ledger cannot hold. */
export function invalidUsageEvent(message: string): GatewayError {
  return GatewayError.invalidRequest(
    `Invalid usage event: ${message}.`,
    'events',
    'invalid_usage_event',
  );
}
