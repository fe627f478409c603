import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { ConversationStore, openConversationStore } from '@app/conversations';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/gateway';

/** The conversation store: PostgreSQL when `storage.databaseUrl` is set, else SQLite. */
export const conversationStoreProvider: Provider = {
  provide: ConversationStore,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig): Promise<ConversationStore> =>
    openConversationStore({
      databaseUrl: config.storage.databaseUrl,
      sqlitePath: config.storage.sqlitePath,
      schema: config.storage.schema,
    }),
};

/** Closes the store when the application shuts down (after in-flight requests drained). */
@Injectable()
export class ConversationStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(ConversationStore) private readonly store: ConversationStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
