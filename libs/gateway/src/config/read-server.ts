import { DEFAULT_SERVER } from './config.defaults';
import type { ServerConfig } from './config.types';
import type { ObjectReader } from './reader';

const SERVER_FIELDS = Object.keys(DEFAULT_SERVER);

/** `server`: absent means all defaults. */
export function readServer(root: ObjectReader): ServerConfig {
  const r = root.object('server', SERVER_FIELDS);
  return {
    bodyLimitBytes:
      r?.integer('bodyLimitBytes', { positive: true }) ?? DEFAULT_SERVER.bodyLimitBytes,
    heartbeatMs: r?.integer('heartbeatMs', { min: 0 }) ?? DEFAULT_SERVER.heartbeatMs,
    drainTimeoutMs: r?.integer('drainTimeoutMs', { min: 0 }) ?? DEFAULT_SERVER.drainTimeoutMs,
    allowDirectDeployments:
      r?.boolean('allowDirectDeployments') ?? DEFAULT_SERVER.allowDirectDeployments,
    metrics: r?.boolean('metrics') ?? DEFAULT_SERVER.metrics,
  };
}
