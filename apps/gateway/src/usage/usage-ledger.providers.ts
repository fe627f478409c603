import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/gateway';
import { openUsageStore, UsageRecorder, UsageStore } from '@app/usage';
import { RequestObservers } from '../http/request-observers';

const logger = new Logger('UsageLedger');

/** The ledger's store, in the conversation store's database: the same SQLite file or PG schema. */
export const usageStoreProvider: Provider = {
  provide: UsageStore,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig): Promise<UsageStore> =>
    openUsageStore({
      databaseUrl: config.storage.databaseUrl,
      sqlitePath: config.storage.sqlitePath,
      schema: config.storage.schema,
      onPoolError: (error) => logger.warn(`usage store connection: ${error.message}`),
    }),
};

/** The recorder, told of every finished API request (probes and scrapes are not). */
export const usageRecorderProvider: Provider = {
  provide: UsageRecorder,
  inject: [UsageStore, RequestObservers],
  useFactory: (store: UsageStore, observers: RequestObservers): UsageRecorder => {
    const recorder = new UsageRecorder(store, { logger });
    observers.register({
      requestFinished: (finished) => {
        if (!finished.probe) recorder.recordRequest(finished.context);
      },
    });
    return recorder;
  },
};

/**
 * On shutdown, after the HTTP server closed (so every response, and its usage, has ended): the
 * recorder's last write, then the store's connections.
 */
@Injectable()
export class UsageLedgerCloser implements OnApplicationShutdown {
  constructor(
    @Inject(UsageStore) private readonly store: UsageStore,
    private readonly recorder: UsageRecorder,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.recorder.close();
    await this.store.close();
  }
}
