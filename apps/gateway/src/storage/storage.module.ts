import { Global, Logger, Module } from '@nestjs/common';
import { SummaryCache } from '@app/context';
import { ConversationStore } from '@app/conversations';
import { ConversationStoreCloser, conversationStoreProvider } from './conversation-store.provider';
import { StoreSummaryCache } from './store-summary-cache';

/**
 * The gateway's database (SQLite by default, PostgreSQL with `storage.databaseUrl`): the
 * conversation store, and the context-window summaries kept in it. Global: conversations, health
 * and the GatewayClient's context step use it.
 */
@Global()
@Module({
  providers: [
    conversationStoreProvider,
    ConversationStoreCloser,
    {
      provide: SummaryCache,
      inject: [ConversationStore],
      useFactory: (store: ConversationStore) => {
        const logger = new Logger('SummaryCache');
        return new StoreSummaryCache(store, (error) =>
          logger.warn(`summary store: ${error instanceof Error ? error.message : String(error)}`),
        );
      },
    },
  ],
  exports: [conversationStoreProvider, SummaryCache],
})
export class StorageModule {}
