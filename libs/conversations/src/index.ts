export * from './conversation.types';
export * from './conversation-store';
export { conversationNotFound } from './errors';
export { messagesForModel, type MessagesForModelOptions } from './messages-for-model';
export {
  openConversationStore,
  type OpenConversationStoreOptions,
} from './open-conversation-store';
export { DEFAULT_SQLITE_PATH } from './dialects/sqlite';
export { scrubDatabaseUrl } from './scrub';
