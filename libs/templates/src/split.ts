import { createHash } from 'node:crypto';
import type { LabelSplit } from './prompt-types';

/** A source of uniform numbers in [0, 1), like Math.random; injectable for tests. */
export type RandomSource = () => number;

const TWO_POW_48 = 2 ** 48;

/**
 * A number in [0, 1) that depends only on (prompt, label, user): the same user lands in the
 * same arm of a split on every request and every replica, and different labels (experiments)
 * bucket users independently. First 48 bits of sha256 over the NUL-separated parts.
 */
export function stickyUnit(prompt: string, label: string, user: string): number {
  const digest = createHash('sha256').update(`${prompt}\u0000${label}\u0000${user}`).digest();
  return digest.readUIntBE(0, 6) / TWO_POW_48;
}

/** The version of the arm `unit` (in [0, 1)) falls into, arms taking shares by weight. */
export function pickVersion(split: LabelSplit, unit: number): number {
  const total = split.split.reduce((sum, arm) => sum + arm.weight, 0);
  let point = unit * total;
  for (const arm of split.split) {
    if (point < arm.weight) return arm.version;
    point -= arm.weight;
  }
  return split.split[split.split.length - 1].version;
}
