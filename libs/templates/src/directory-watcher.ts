import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface DirectoryWatcherOptions {
  /** the directory to watch: its entries and the entries of each of its folders */
  dir: string;
  /** quiet time after the last event before `onChange` runs */
  debounceMs: number;
  /** the longest `onChange` waits while events keep coming (default 10 x debounceMs) */
  maxWaitMs?: number;
  onChange: () => void;
  onError: (error: Error) => void;
}

interface FolderWatch {
  watcher: FSWatcher;
  /** the inode watched: a folder replaced by another of the same name is watched again */
  ino: number;
}

/**
 * Watches a directory and each of its (non-hidden) folders, one level deep as prompts are laid
 * out, and calls `onChange` once things have been quiet for `debounceMs`: an editor's save
 * (write a temp file, rename it over the original) or a `git checkout` is one change.
 *
 * One plain (non-recursive) fs.watch per directory, re-synced on every event of the top one, so
 * new, deleted, renamed and replaced folders are followed. Node 20's `recursive` mode on Linux
 * is not used: it watches every file's inode and, after a file is replaced by a rename, stops
 * reporting anything in that folder.
 */
export class DirectoryWatcher {
  private root: FSWatcher | undefined;
  private readonly folders = new Map<string, FolderWatch>();
  private timer: NodeJS.Timeout | undefined;
  /** when the first event of the pending batch came */
  private pendingSince: number | undefined;

  constructor(private readonly options: DirectoryWatcherOptions) {}

  get watching(): boolean {
    return this.root !== undefined;
  }

  start(): void {
    if (this.root !== undefined) return;
    const root = watch(this.options.dir, () => this.onRootEvent());
    root.on('error', (error: Error) => this.options.onError(error));
    this.root = root;
    this.syncFolders();
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingSince = undefined;
    this.root?.close();
    this.root = undefined;
    for (const folder of this.folders.values()) folder.watcher.close();
    this.folders.clear();
  }

  private onRootEvent(): void {
    if (this.root === undefined) return;
    this.syncFolders();
    this.schedule();
  }

  /** watches every folder of the directory that is not watched yet (or was replaced) */
  private syncFolders(): void {
    const present = new Map<string, number>();
    for (const name of listFolders(this.options.dir)) {
      const ino = inodeOf(join(this.options.dir, name));
      if (ino !== undefined) present.set(name, ino);
    }
    for (const [name, folder] of this.folders) {
      if (present.get(name) !== folder.ino) this.unwatchFolder(name);
    }
    for (const [name, ino] of present) {
      if (!this.folders.has(name)) this.watchFolder(name, ino);
    }
  }

  private watchFolder(name: string, ino: number): void {
    try {
      const watcher = watch(join(this.options.dir, name), () => this.schedule());
      // a folder deleted under its watcher: the next top-level event re-syncs
      watcher.on('error', () => {
        this.unwatchFolder(name);
        this.schedule();
      });
      this.folders.set(name, { watcher, ino });
    } catch {
      // gone between listing and watching: the top-level event for that is on its way
    }
  }

  private unwatchFolder(name: string): void {
    this.folders.get(name)?.watcher.close();
    this.folders.delete(name);
  }

  private schedule(): void {
    if (this.root === undefined) return;
    const now = Date.now();
    this.pendingSince ??= now;
    const { debounceMs, maxWaitMs = debounceMs * 10 } = this.options;
    const delay = Math.max(0, Math.min(debounceMs, this.pendingSince + maxWaitMs - now));
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pendingSince = undefined;
      if (this.root !== undefined) this.options.onChange();
    }, delay);
  }
}

function listFolders(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !name.startsWith('.'));
  } catch {
    return [];
  }
}

/** the inode of a directory (following symlinks), undefined for anything else */
function inodeOf(path: string): number | undefined {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? stat.ino : undefined;
  } catch {
    return undefined;
  }
}
