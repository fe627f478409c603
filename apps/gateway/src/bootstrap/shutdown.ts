import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'winston';
import type { Tracing } from '@app/observability';
import type { LifecycleService } from '../lifecycle/lifecycle.service';

/** grace for cancelled streams to write their last frame before the server closes */
const ABORT_GRACE_MS = 200;
/** longest wait for the last spans to reach the collector before exiting anyway */
const TRACE_FLUSH_MS = 5_000;

/**
 * SIGTERM/SIGINT: readiness goes down and new requests are refused, in-flight requests and streams
 * may finish until `drainTimeoutMs`, the rest are cancelled, the spans still batched are exported
 * (at most `TRACE_FLUSH_MS`), then the process exits 0.
 */
export function installGracefulShutdown(
  app: INestApplication,
  lifecycle: LifecycleService,
  drainTimeoutMs: number,
  logger: Logger,
  tracing?: Tracing,
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
    if (tracing !== undefined) await flushTraces(tracing, logger);
    logger.info('stopped', { drained });
    logger.on('finish', () => process.exit(0));
    logger.end();
    setTimeout(() => process.exit(0), 500).unref();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void stop(signal));
  }
}

/** Exports the spans still batched and stops tracing; never blocks the exit for long, never throws. */
async function flushTraces(tracing: Tracing, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), TRACE_FLUSH_MS);
  });
  try {
    const outcome = await Promise.race([
      tracing.shutdown().then(() => 'flushed' as const),
      timeout,
    ]);
    if (outcome === 'timeout') {
      logger.warn('trace export did not finish in time; exiting without the last spans', {
        timeoutMs: TRACE_FLUSH_MS,
      });
    }
  } catch (error) {
    logger.warn('trace export failed at shutdown', {
      error: error instanceof Error ? error.message : String(error),
    });
  } finally {
    clearTimeout(timer);
  }
}
