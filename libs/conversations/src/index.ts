export * from './conversation.types';
export * from './conversation-store';
export { conversationNotFound } from './errors';
export { messagesForModel, type MessagesForModelOptions } from './messages-for-model';
export {
  openConversationStore,
  type OpenConversationStoreOptions,
} from './open-conversation-store';
// the database plumbing, also used by the other stores in the same database (the usage ledger)
export { DEFAULT_SQLITE_PATH, openSqliteDialect, type SqliteOptions } from './dialects/sqlite';
export {
  checkSchemaName,
  isPostgresUrl,
  openPostgresDialect,
  type PostgresOptions,
} from './dialects/postgres';
export { describeDatabaseUrl, scrubDatabaseUrl } from './scrub';
export { errorText } from './error-text';
export { pingDatabase } from './ping-database';
export {
  migrate,
  openDatabase,
  type DatabaseSpec,
  type OpenDatabaseOptions,
  type OpenedDatabase,
} from './open-database';
