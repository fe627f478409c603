import type * as O200k from 'gpt-tokenizer/encoding/o200k_base';

let encoding: typeof O200k | undefined;

/**
 * The o200k_base tokenizer, loaded on first use: its tables take about 70 MB of memory, which a
 * gateway that never runs the simulator should not pay for.
 */
export function o200k(): typeof O200k {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  encoding ??= require('gpt-tokenizer/encoding/o200k_base') as typeof O200k;
  return encoding;
}
