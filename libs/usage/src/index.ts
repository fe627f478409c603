export * from './usage-event';
export * from './usage-query';
export * from './usage-store';
export { usageStoreUnavailable } from './errors';
export { openUsageStore, type OpenUsageStoreOptions } from './open-usage-store';
export {
  DEFAULT_FLUSH_AT_EVENTS,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_BUFFERED_EVENTS,
  UsageRecorder,
  type FlushResult,
  type UsageRecorderLogger,
  type UsageRecorderOptions,
  type UsageRecorderStats,
} from './usage-recorder';
