import type {
  Conversation,
  ConversationPage,
  ConversationPatch,
  ConversationWithMessages,
  CreateConversationInput,
  ListConversationsOptions,
  MessagePatch,
  NewMessage,
  PingResult,
  StoredMessage,
} from './conversation.types';

/**
 * Server-side chat history (the customer-support case study) and the summariser's cache.
 *
 * Not-found policy: every operation takes the owner, and a conversation that belongs to someone
 * else behaves exactly like one that does not exist. Reads (`get`, `update`, `delete`) report
 * absence in their result (`undefined` / `false`); writes that need an existing conversation
 * (`appendMessage`, `updateMessage`) throw a GatewayError 404 `conversation_not_found`, the same
 * error `conversationNotFound(id)` builds for the HTTP layer. Inputs that describe an impossible
 * message (a tool turn without `toolCallId`, a partial user turn, ...) throw a GatewayError 400
 * naming the field in `param`. Size limits are the HTTP layer's job.
 */
export interface ConversationStore {
  /** which implementation this is */
  readonly kind: 'sqlite' | 'postgres';

  create(input: CreateConversationInput): Promise<Conversation>;

  /** the conversation with all its messages in seq order, or undefined (unknown or not owner's) */
  get(id: string, owner: string): Promise<ConversationWithMessages | undefined>;

  /** the owner's conversations, newest first, by cursor */
  list(owner: string, options?: ListConversationsOptions): Promise<ConversationPage>;

  /** changes title / model / metadata; undefined when not found */
  update(id: string, owner: string, patch: ConversationPatch): Promise<Conversation | undefined>;

  /**
   * Appends one turn and returns it with its seq. Seqs are strictly increasing per conversation
   * without gaps or duplicates, also under concurrent appends from several processes.
   */
  appendMessage(id: string, owner: string, message: NewMessage): Promise<StoredMessage>;

  /**
   * Updates a `partial` assistant turn (a streaming reply's checkpoint); throws 409
   * `message_not_partial` for a complete one and 404 `message_not_found` for an unknown seq.
   */
  updateMessage(
    id: string,
    owner: string,
    seq: number,
    patch: MessagePatch,
  ): Promise<StoredMessage>;

  /** deletes the conversation and its messages; false when not found */
  delete(id: string, owner: string): Promise<boolean>;

  /** the context-window summariser's cached summary for a content hash */
  getSummary(hash: string): Promise<string | undefined>;

  /** the cached summaries of these hashes that the store has (one query per 500 hashes) */
  getSummaries(hashes: readonly string[]): Promise<Map<string, string>>;

  /** stores (or replaces) the summary for a content hash */
  putSummary(hash: string, summary: string): Promise<void>;

  /**
   * Readiness: a trivial query, given up after `timeoutMs` (default 2000). Never throws; the
   * error text never includes credentials.
   */
  ping(timeoutMs?: number): Promise<PingResult>;

  /** releases the database (SQLite handle or PostgreSQL pool); idempotent */
  close(): Promise<void>;
}

/** Injection token for the ConversationStore (SQLite or PostgreSQL implementation). */
export const ConversationStore = Symbol('ConversationStore');
