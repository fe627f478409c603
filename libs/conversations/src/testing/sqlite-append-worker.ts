/**
 * Run as a separate process by sqlite-processes.spec.ts: opens the SQLite store at argv[2] and
 * appends argv[5] user turns to conversation argv[3] of owner argv[4], all at once.
 */
import { openConversationStore } from '../open-conversation-store';

async function main(): Promise<void> {
  const [path, id, owner, count] = process.argv.slice(2);
  if (!path || !id || !owner || !count) throw new Error('usage: path id owner count');
  const store = await openConversationStore({ sqlitePath: path, busyTimeoutMs: 10_000 });
  try {
    const appended = await Promise.all(
      Array.from({ length: Number(count) }, (_, n) =>
        store.appendMessage(id, owner, { role: 'user', content: `pid ${process.pid} #${n}` }),
      ),
    );
    process.stdout.write(JSON.stringify(appended.map((m) => m.seq)));
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(String(error instanceof Error ? error.stack : error));
  process.exitCode = 1;
});
