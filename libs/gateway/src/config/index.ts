export { ConfigError, type ConfigIssue } from './config-error';
export * from './config.defaults';
export type * from './config.types';
export { formatPath, type ConfigPath } from './config-path';
export { interpolateString, type InterpolationResult } from './interpolate';
export { configPathFromEnv, loadConfig, parseConfig, type LoadConfigOptions } from './load-config';
