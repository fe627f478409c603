import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface CorpusSample {
  category: string;
  name: string;
  text: string;
}

export const TOKEN_CORPUS_DIR = path.resolve(__dirname, '../../../../test/fixtures/token-corpus');

/** The samples of `test/fixtures/token-corpus/<category>/<name>.txt`, sorted by path. */
export function loadTokenCorpus(dir = TOKEN_CORPUS_DIR): CorpusSample[] {
  const samples: CorpusSample[] = [];
  for (const category of readdirSync(dir).sort()) {
    const folder = path.join(dir, category);
    if (!statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder).sort()) {
      if (!file.endsWith('.txt')) continue;
      samples.push({
        category,
        name: file.slice(0, -4),
        text: readFileSync(path.join(folder, file), 'utf8'),
      });
    }
  }
  return samples;
}
