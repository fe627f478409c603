import { configPathFromEnv } from '@app/gateway';

/** Process settings from the environment (the config file holds everything else). */
export interface ProcessSettings {
  host: string;
  port: number;
  logLevel: string;
  configPath: string;
}

const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];

/** @throws Error naming the variable when one is malformed */
export function readProcessSettings(env: NodeJS.ProcessEnv): ProcessSettings {
  const rawPort = env.PORT?.trim() || '8080';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) {
    throw new Error(`PORT: must be an integer from 0 to 65535, got '${env.PORT}'`);
  }
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}, got '${env.LOG_LEVEL}'`);
  }
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port,
    logLevel,
    configPath: configPathFromEnv(env),
  };
}
