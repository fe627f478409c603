import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { ConversationStore } from './conversation-store';
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
import { decodeCursor, encodeCursor } from './cursor';
import type { ConversationDatabase, ConversationsTable } from './database';
import { pingDatabase } from './ping-database';
import { conversationNotFound, messageNotFound, messageNotPartial } from './errors';
import {
  conversationRow,
  messageContentColumns,
  messageRow,
  toConversation,
  toStoredMessage,
} from './row-mapping';
import {
  checkConversationPatch,
  checkCreate,
  checkHash,
  checkId,
  checkMessage,
  checkOwner,
  checkPageSize,
  checkSeq,
  checkSummary,
} from './validation';

export interface KyselyStoreOptions {
  kind: ConversationStore['kind'];
  /** turns a driver error into text safe to show (no credentials) */
  scrub: (text: string) => string;
  /** the clock for createdAt / updatedAt; tests pass a fake one */
  now?: () => Date;
}

/**
 * The ConversationStore over Kysely, the same queries for SQLite and PostgreSQL: the dialects
 * differ only in how the Kysely instance is opened (dialects/). Seqs come from the conversation
 * row's `last_seq`, incremented by an `UPDATE ... RETURNING` inside the append's transaction: the
 * update locks the row (PostgreSQL) or the database (SQLite) until commit, so concurrent appends
 * from any number of pools or processes queue up and get consecutive seqs, and a failed insert
 * rolls the increment back, leaving no gap.
 */
/** hashes per query of getSummaries (well under SQLite's and PostgreSQL's parameter limits) */
const SUMMARY_BATCH = 500;

export class KyselyConversationStore implements ConversationStore {
  readonly kind: ConversationStore['kind'];
  private readonly now: () => Date;
  private closed?: Promise<void>;

  constructor(
    private readonly db: Kysely<ConversationDatabase>,
    private readonly options: KyselyStoreOptions,
  ) {
    this.kind = options.kind;
    this.now = options.now ?? (() => new Date());
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  async create(input: CreateConversationInput): Promise<Conversation> {
    const valid = checkCreate(input);
    const row = conversationRow(randomUUID(), valid, this.timestamp());
    const inserted = await this.db
      .insertInto('conversations')
      .values(row)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toConversation(inserted);
  }

  async get(id: string, owner: string): Promise<ConversationWithMessages | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', checkId(id))
      .where('owner', '=', checkOwner(owner))
      .executeTakeFirst();
    if (row === undefined) return undefined;
    // up to the seq read with the header, so messages and messageCount agree even while appends run
    const messages = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', row.id)
      .where('seq', '<=', row.last_seq)
      .orderBy('seq', 'asc')
      .execute();
    return { ...toConversation(row), messages: messages.map(toStoredMessage) };
  }

  async list(owner: string, options: ListConversationsOptions = {}): Promise<ConversationPage> {
    const limit = checkPageSize(options.limit);
    let query = this.db
      .selectFrom('conversations')
      .selectAll()
      .where('owner', '=', checkOwner(owner));
    if (options.before !== undefined) {
      const { createdAt, id } = decodeCursor(options.before);
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', createdAt),
          eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit).map(toConversation);
    const last = page[page.length - 1];
    return rows.length > limit && last !== undefined
      ? { conversations: page, nextCursor: encodeCursor(last) }
      : { conversations: page };
  }

  async update(
    id: string,
    owner: string,
    patch: ConversationPatch,
  ): Promise<Conversation | undefined> {
    const valid = checkConversationPatch(patch);
    const set: Updateable<ConversationsTable> = { updated_at: this.timestamp() };
    if (valid.title !== undefined) set.title = valid.title;
    if (valid.model !== undefined) set.model = valid.model;
    if (valid.metadata !== undefined) set.metadata = JSON.stringify(valid.metadata);
    const row = await this.db
      .updateTable('conversations')
      .set(set)
      .where('id', '=', checkId(id))
      .where('owner', '=', checkOwner(owner))
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : toConversation(row);
  }

  async appendMessage(id: string, owner: string, message: NewMessage): Promise<StoredMessage> {
    const valid = checkMessage(message);
    checkId(id);
    checkOwner(owner);
    return this.db.transaction().execute(async (trx) => {
      const now = this.timestamp();
      const seq = await this.claimNextSeq(trx, id, owner, now);
      const inserted = await trx
        .insertInto('messages')
        .values(messageRow(id, seq, valid, now))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toStoredMessage(inserted);
    });
  }

  /** Increments `last_seq` (locking the conversation until commit) and returns the new value. */
  private async claimNextSeq(
    trx: Transaction<ConversationDatabase>,
    id: string,
    owner: string,
    now: string,
  ): Promise<number> {
    const claimed = await trx
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .where('owner', '=', owner)
      .returning('last_seq')
      .executeTakeFirst();
    if (claimed === undefined) throw conversationNotFound(id);
    return Number(claimed.last_seq);
  }

  async updateMessage(
    id: string,
    owner: string,
    seq: number,
    patch: MessagePatch,
  ): Promise<StoredMessage> {
    checkId(id);
    checkOwner(owner);
    checkSeq(seq);
    return this.db.transaction().execute(async (trx) => {
      const now = this.timestamp();
      // touching the header first takes the same lock as an append, so two updates serialise
      const touched = await trx
        .updateTable('conversations')
        .set({ updated_at: now })
        .where('id', '=', id)
        .where('owner', '=', owner)
        .returning('id')
        .executeTakeFirst();
      if (touched === undefined) throw conversationNotFound(id);
      const row = await trx
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', id)
        .where('seq', '=', seq)
        .executeTakeFirst();
      if (row === undefined) throw messageNotFound(id, seq);
      const current = toStoredMessage(row);
      if (current.status !== 'partial') throw messageNotPartial(id, seq);
      const changes = Object.fromEntries(
        Object.entries(patch).filter(([, value]) => value !== undefined),
      ) as MessagePatch;
      const merged = checkMessage({ ...current, ...changes, role: current.role });
      const updated = await trx
        .updateTable('messages')
        .set(messageContentColumns(merged))
        .where('conversation_id', '=', id)
        .where('seq', '=', seq)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toStoredMessage(updated);
    });
  }

  async delete(id: string, owner: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('conversations')
      .where('id', '=', checkId(id))
      .where('owner', '=', checkOwner(owner))
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async getSummary(hash: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('summaries')
      .select('summary')
      .where('hash', '=', checkHash(hash))
      .executeTakeFirst();
    return row?.summary;
  }

  async getSummaries(hashes: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < hashes.length; i += SUMMARY_BATCH) {
      const batch = hashes.slice(i, i + SUMMARY_BATCH).map(checkHash);
      const rows = await this.db
        .selectFrom('summaries')
        .select(['hash', 'summary'])
        .where('hash', 'in', batch)
        .execute();
      for (const row of rows) found.set(row.hash, row.summary);
    }
    return found;
  }

  async putSummary(hash: string, summary: string): Promise<void> {
    const row = {
      hash: checkHash(hash),
      summary: checkSummary(summary),
      created_at: this.timestamp(),
    };
    await this.db
      .insertInto('summaries')
      .values(row)
      .onConflict((oc) =>
        oc.column('hash').doUpdateSet({ summary: row.summary, created_at: row.created_at }),
      )
      .execute();
  }

  async ping(timeoutMs = 2000): Promise<PingResult> {
    if (this.closed !== undefined) return { ok: false, error: 'The conversation store is closed.' };
    return pingDatabase(this.db, this.options.scrub, timeoutMs);
  }

  close(): Promise<void> {
    this.closed ??= this.db.destroy();
    return this.closed;
  }
}
