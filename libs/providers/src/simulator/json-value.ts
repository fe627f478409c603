import type { Rng } from './prng';
import { generateSentence } from './text';
import {
  ADJECTIVES,
  CITIES,
  COLORS,
  COUNTRIES,
  CURRENCIES,
  FIRST_NAMES,
  LANGUAGES,
  LAST_NAMES,
  NOUNS,
  STATUSES,
} from './vocabulary';

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Leaf values for JSON generation: strings chosen by format or by the property's name. */

const pad2 = (n: number): string => String(n).padStart(2, '0');

function date(rng: Rng): string {
  return `${rng.int(2023, 2026)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`;
}

function time(rng: Rng): string {
  return `${pad2(rng.int(0, 23))}:${pad2(rng.pick([0, 15, 30, 45]))}:00`;
}

function personName(rng: Rng): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

function email(rng: Rng): string {
  return `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}@example.com`.toLowerCase();
}

function uuid(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

const FORMATS: Record<string, (rng: Rng) => string> = {
  'date-time': (rng) => `${date(rng)}T${time(rng)}Z`,
  date,
  time,
  email,
  uri: (rng) => `https://example.com/${rng.pick(NOUNS)}/${rng.int(1, 999)}`,
  url: (rng) => `https://example.com/${rng.pick(NOUNS)}/${rng.int(1, 999)}`,
  uuid,
  hostname: (rng) => `${rng.pick(NOUNS)}.example.com`,
  ipv4: (rng) => `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
};

/** [name fragment, generator]: the first fragment the property name contains wins */
const BY_NAME: readonly [string, (rng: Rng) => string][] = [
  ['email', email],
  ['url', FORMATS.uri],
  ['uri', FORMATS.uri],
  ['link', FORMATS.uri],
  ['uuid', uuid],
  ['date', date],
  ['time', (rng) => `${date(rng)}T${time(rng)}Z`],
  ['phone', (rng) => `+1-555-${rng.int(100, 999)}-${rng.int(1000, 9999)}`],
  ['city', (rng) => rng.pick(CITIES)],
  ['location', (rng) => `${rng.pick(CITIES)}, ${rng.pick(COUNTRIES)}`],
  ['address', (rng) => `${rng.int(1, 200)} ${rng.pick(LAST_NAMES)} Street, ${rng.pick(CITIES)}`],
  ['country', (rng) => rng.pick(COUNTRIES)],
  ['currency', (rng) => rng.pick(CURRENCIES)],
  ['lang', (rng) => rng.pick(LANGUAGES)],
  ['color', (rng) => rng.pick(COLORS)],
  ['colour', (rng) => rng.pick(COLORS)],
  ['status', (rng) => rng.pick(STATUSES)],
  ['unit', (rng) => rng.pick(['celsius', 'kg', 'km', 'hours', 'items'])],
  ['id', (rng) => `${rng.pick(NOUNS).slice(0, 3)}_${rng.hex(8)}`],
  ['name', personName],
  ['user', personName],
  ['author', personName],
  ['title', (rng) => `The ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`],
  ['query', (rng) => `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`],
  ['tag', (rng) => rng.pick(NOUNS)],
  ['category', (rng) => rng.pick(NOUNS)],
  ['keyword', (rng) => rng.pick(NOUNS)],
];

/** A string for a property named `hint` with an optional JSON Schema `format`. */
export function generateString(rng: Rng, hint: string, format?: string): string {
  const byFormat = format === undefined ? undefined : FORMATS[format];
  if (byFormat) return byFormat(rng);
  const lower = hint.toLowerCase();
  for (const [fragment, generate] of BY_NAME) {
    if (lower.includes(fragment)) return generate(rng);
  }
  return generateSentence(rng);
}

/** Fits a string to minLength / maxLength. */
export function fitLength(text: string, minLength?: number, maxLength?: number): string {
  let out = text;
  if (maxLength !== undefined && out.length > maxLength) out = out.slice(0, Math.max(0, maxLength));
  if (minLength !== undefined && out.length < minLength) out = out.padEnd(minLength, 'x');
  return out;
}

/** A number within the schema's bounds; integers when `integer`, else two decimals. */
export function generateNumber(
  rng: Rng,
  integer: boolean,
  bounds: { min?: number; max?: number; multipleOf?: number },
): number {
  const min = bounds.min ?? (bounds.max !== undefined ? bounds.max - 100 : 0);
  const max = bounds.max ?? min + 100;
  if (bounds.multipleOf !== undefined && bounds.multipleOf > 0) {
    const step = bounds.multipleOf;
    const lo = Math.ceil(min / step);
    const hi = Math.floor(max / step);
    if (hi >= lo) return Number((rng.int(lo, hi) * step).toFixed(10));
  }
  if (integer) {
    const lo = Math.ceil(min);
    const hi = Math.floor(max);
    return hi >= lo ? rng.int(lo, hi) : lo;
  }
  const value = min + rng.next() * (max - min);
  const rounded = Math.round(value * 100) / 100;
  return Math.min(max, Math.max(min, rounded));
}
