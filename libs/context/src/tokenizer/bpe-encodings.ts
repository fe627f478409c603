import type * as O200k from 'gpt-tokenizer/encoding/o200k_base';
import type { BpeEncodingName } from './model-encoding';

/** The part of a gpt-tokenizer encoding the counter uses. */
export interface BpeEncoding {
  count(text: string): number;
  encode(text: string): number[];
  decode(tokens: readonly number[]): string;
}

type EncodingModule = typeof O200k;

/** Special-token text in content (`<|endoftext|>`) is counted as ordinary text, as the APIs do. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

function load(name: BpeEncodingName): EncodingModule {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use: each table is tens of MB */
  return name === 'o200k_base'
    ? (require('gpt-tokenizer/encoding/o200k_base') as EncodingModule)
    : (require('gpt-tokenizer/encoding/cl100k_base') as EncodingModule);
  /* eslint-enable @typescript-eslint/no-require-imports */
}

const loaded = new Map<BpeEncodingName, BpeEncoding>();

/** The encoding, loaded (synchronously) the first time it is asked for. */
export function bpeEncoding(name: BpeEncodingName): BpeEncoding {
  let encoding = loaded.get(name);
  if (encoding === undefined) {
    const module = load(name);
    encoding = {
      count: (text) => module.countTokens(text, PLAIN_TEXT),
      encode: (text) => module.encode(text, PLAIN_TEXT),
      decode: (tokens) => module.decode(tokens),
    };
    loaded.set(name, encoding);
  }
  return encoding;
}

/** Whether the encoding's tables are in memory already (for tests and diagnostics). */
export function isEncodingLoaded(name: BpeEncodingName): boolean {
  return loaded.has(name);
}
