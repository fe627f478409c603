import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirectoryWatcher } from './directory-watcher';
import { makePromptsDir, removeDir, waitFor } from './testing/prompt-files';

describe('DirectoryWatcher', () => {
  let dir: string;
  let watcher: DirectoryWatcher;
  let changes: number;

  beforeEach(() => {
    dir = makePromptsDir({ 'a/x.yaml': '1' });
    changes = 0;
    watcher = new DirectoryWatcher({
      dir,
      debounceMs: 300,
      onChange: () => changes++,
      onError: (error) => {
        throw error;
      },
    });
    watcher.start();
  });

  afterEach(() => {
    watcher.close();
    removeDir(dir);
  });

  it('turns a burst of events into one change', async () => {
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'a', `f${i}.yaml`), String(i));
    await waitFor(() => changes > 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(changes).toBe(1);
  });

  it('sees files in folders created after it started', async () => {
    mkdirSync(join(dir, 'b'));
    await waitFor(() => changes === 1);
    writeFileSync(join(dir, 'b', 'v1.yaml'), 'x');
    await waitFor(() => changes === 2);
  });

  it('does not call onChange after close()', async () => {
    writeFileSync(join(dir, 'a', 'x.yaml'), '2');
    watcher.close();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(changes).toBe(0);
    expect(watcher.watching).toBe(false);
  });
});
