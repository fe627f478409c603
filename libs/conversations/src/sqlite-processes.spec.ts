import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { openConversationStore } from './open-conversation-store';

const run = promisify(execFile);
const WORKER = resolve(__dirname, 'testing/sqlite-append-worker.ts');
const ROOT = resolve(__dirname, '../../..');
const PROCESSES = 3;
const PER_PROCESS = 100;
const TOTAL = PROCESSES * PER_PROCESS;

/** Several processes sharing one SQLite file: the busy timeout and the write-first transaction. */
describe('SQLite store shared by several processes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'conversations-procs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives 3 processes x 100 concurrent appends the seqs 1..300 exactly', async () => {
    const path = join(dir, 'gateway.db');
    const store = await openConversationStore({ sqlitePath: path });
    try {
      const { id } = await store.create({ owner: 'o' });
      const children = Array.from({ length: PROCESSES }, () =>
        run(
          process.execPath,
          [
            '-r',
            'ts-node/register/transpile-only',
            '-r',
            'tsconfig-paths/register',
            WORKER,
            path,
            id,
            'o',
            String(PER_PROCESS),
          ],
          { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') } },
        ),
      );
      const outputs = await Promise.all(children);
      const seqs = outputs.flatMap(({ stdout }) => JSON.parse(stdout) as number[]);
      expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
      const read = await store.get(id, 'o');
      expect(read!.messages.map((m) => m.seq)).toEqual(seqs);
      expect(new Set(read!.messages.map((m) => m.content)).size).toBe(TOTAL);
    } finally {
      await store.close();
    }
  }, 60_000);
});
