export * from './backoff';
export * from './breaker-registry';
export * from './bulkhead';
export * from './circuit-breaker';
export * from './clock';
export * from './latency-tracker';
export * from './retry-budget';
export * from './sliding-window';
