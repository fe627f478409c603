import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'winston';
import type { LifecycleService } from '../lifecycle/lifecycle.service';

/** grace for cancelled streams to write their last frame before the server closes */
const ABORT_GRACE_MS = 200;

/**
 * SIGTERM/SIGINT: readiness goes down and new requests are refused, in-flight requests and streams
 * may finish until `drainTimeoutMs`, the rest are cancelled, then the process exits 0.
 */
export function installGracefulShutdown(
  app: INestApplication,
  lifecycle: LifecycleService,
  drainTimeoutMs: number,
  logger: Logger,
): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, inFlight: lifecycle.inFlightCount, drainTimeoutMs });
    const drained = await lifecycle.drain(drainTimeoutMs);
    if (!drained) {
      logger.warn('drain deadline passed; cancelling in-flight requests', {
        inFlight: lifecycle.inFlightCount,
      });
      lifecycle.abortAll();
      await new Promise((resolve) => setTimeout(resolve, ABORT_GRACE_MS));
    }
    await app.close();
    logger.info('stopped', { drained });
    logger.on('finish', () => process.exit(0));
    logger.end();
    setTimeout(() => process.exit(0), 500).unref();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void stop(signal));
  }
}
