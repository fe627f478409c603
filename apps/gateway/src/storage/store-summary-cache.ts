import { InMemorySummaryCache, type SummaryCache } from '@app/context';
import type { ConversationStore } from '@app/conversations';

/**
 * Context-window summaries in memory, written through to the conversation store: after a restart,
 * or on another replica, a long conversation's summary is loaded instead of being made again from
 * the conversation's start. Writes are asynchronous; a failed one only costs a later summary call.
 */
export class StoreSummaryCache implements SummaryCache {
  private readonly memory = new InMemorySummaryCache();

  constructor(
    private readonly store: ConversationStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  get(hash: string): string | undefined {
    return this.memory.get(hash);
  }

  set(hash: string, summary: string): void {
    this.memory.set(hash, summary);
    this.store.putSummary(hash, summary).catch(this.onError);
  }

  async load(hashes: readonly string[]): Promise<void> {
    const missing = hashes.filter((hash) => this.memory.get(hash) === undefined);
    if (missing.length === 0) return;
    try {
      for (const [hash, summary] of await this.store.getSummaries(missing)) {
        this.memory.set(hash, summary);
      }
    } catch (error) {
      this.onError(error); // the store is unreachable: summarise again rather than fail the turn
    }
  }
}
