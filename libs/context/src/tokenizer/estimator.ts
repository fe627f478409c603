/**
 * A fast token estimate for models whose tokenizer is not available offline (Claude, Gemini,
 * Llama, Mistral, Qwen, unknown models). No BPE: one pass over the UTF-16 code units that
 * mimics the o200k pre-tokenizer's split into words, digit groups, punctuation runs and
 * whitespace, and weighs each piece by its character class.
 *
 * The weights were fitted against the o200k_base count on `test/fixtures/token-corpus/`
 * (`estimator.spec.ts` measures the error and fails above 10% mean absolute relative error).
 * o200k is the reference because the vendors' own tokenizers (Claude 3+, Gemini) are not
 * published for offline use. The fit penalised under-counting more than over-counting and the
 * result is scaled up by `SAFETY_MARGIN`: a request the gateway thinks is a little bigger than
 * it is costs a few tokens of headroom; one it thinks is smaller comes back as a 400 upstream.
 */

const Cls = {
  Other: 0,
  Letter: 1,
  Upper: 2,
  Accented: 3,
  Digit: 4,
  Space: 5,
  Newline: 6,
  Punct: 7,
  Symbol: 8,
  Cjk: 9,
  Hangul: 10,
  Cyrillic: 11,
  Joiner: 12,
  HighSurrogate: 13,
  LowSurrogate: 14,
} as const;
type ClassId = (typeof Cls)[keyof typeof Cls];

/** A word of up to this many letters is usually one token. */
const WORD_ONE_TOKEN_LETTERS = 7;
/** letters per extra token beyond that */
const WORD_LETTERS_PER_EXTRA_TOKEN = 3.25;
/** extra tokens per accented Latin letter (é, ß, ñ): they often split a word */
const ACCENTED_LETTER = 0.33;
/** tokens per group of up to three digits (o200k splits numbers into groups of three) */
const DIGIT_GROUP = 1.33;
/** a run of two or more spaces or tabs that is not indentation before a newline */
const SPACE_RUN = 1.4;
const NEWLINE_RUN = 1;
/** one punctuation character glued to the word after it (`.name`, `(foo`, `"key`) */
const PUNCT_PREFIX = 0.12;
/** each punctuation character after the first in a run (`");`, `===`, `=>`) */
const PUNCT_EXTRA = 0.18;
/** extra for non-ASCII symbols (dashes, quotes, arrows, CJK punctuation) */
const SYMBOL_EXTRA = 0.26;
const CJK_CHAR = 0.665;
const HANGUL_CHAR = 0.63;
/** Cyrillic words: same shape as Latin words, different constants */
const CYRILLIC_ONE_TOKEN_LETTERS = 6.75;
const CYRILLIC_LETTERS_PER_EXTRA_TOKEN = 2.55;
/** other scripts (Greek, Arabic, Hebrew, Indic, Thai, ...): first letter of a run, then each */
const OTHER_SCRIPT_EXTRA = 0.2;
/** a character outside the BMP: emoji, rare ideographs */
const ASTRAL_CHAR = 2.33;
/** zero-width joiners and variation selectors inside emoji sequences */
const JOINER = 0.52;
/** applied to the sum: see the file comment */
export const SAFETY_MARGIN = 1.02;

const CLASSES = buildClassTable();

function fill(table: Uint8Array, from: number, to: number, cls: ClassId): void {
  table.fill(cls, from, to + 1);
}

function buildClassTable(): Uint8Array {
  const t = new Uint8Array(0x10000); // Cls.Other everywhere
  fill(t, 0x00, 0x1f, Cls.Space);
  fill(t, 0x21, 0x7e, Cls.Punct);
  fill(t, 0x61, 0x7a, Cls.Letter);
  fill(t, 0x41, 0x5a, Cls.Upper);
  fill(t, 0x30, 0x39, Cls.Digit);
  t[0x20] = Cls.Space;
  t[0x09] = Cls.Space;
  t[0x0a] = Cls.Newline;
  t[0x0d] = Cls.Newline;
  fill(t, 0x7f, 0xbf, Cls.Symbol);
  t[0xa0] = Cls.Space;
  fill(t, 0xc0, 0x24f, Cls.Accented);
  t[0xd7] = Cls.Symbol;
  t[0xf7] = Cls.Symbol;
  fill(t, 0x300, 0x36f, Cls.Accented); // combining marks
  fill(t, 0x400, 0x52f, Cls.Cyrillic);
  fill(t, 0x1100, 0x11ff, Cls.Hangul);
  fill(t, 0x2000, 0x2bff, Cls.Symbol);
  fill(t, 0x2000, 0x200a, Cls.Space);
  fill(t, 0x200b, 0x200f, Cls.Joiner);
  fill(t, 0x2e00, 0x2e7f, Cls.Symbol);
  fill(t, 0x3000, 0x303f, Cls.Symbol);
  t[0x3000] = Cls.Space;
  fill(t, 0x3040, 0x30ff, Cls.Cjk);
  fill(t, 0x3130, 0x318f, Cls.Hangul);
  fill(t, 0x31f0, 0x31ff, Cls.Cjk);
  fill(t, 0x3400, 0x4dbf, Cls.Cjk);
  fill(t, 0x4e00, 0x9fff, Cls.Cjk);
  fill(t, 0xac00, 0xd7af, Cls.Hangul);
  fill(t, 0xd800, 0xdbff, Cls.HighSurrogate);
  fill(t, 0xdc00, 0xdfff, Cls.LowSurrogate);
  fill(t, 0xf900, 0xfaff, Cls.Cjk);
  fill(t, 0xfe00, 0xfe0f, Cls.Joiner);
  fill(t, 0xff00, 0xffef, Cls.Symbol);
  return t;
}

// Letter, Upper, Accented are consecutive; so are Punct and Symbol
function isWordClass(cls: number): boolean {
  return cls >= Cls.Letter && cls <= Cls.Accented;
}

function isPunctClass(cls: number): boolean {
  return cls >= Cls.Punct && cls <= Cls.Symbol;
}

function wordTokens(letters: number, oneToken: number, perExtra: number): number {
  return letters <= oneToken ? 1 : 1 + (letters - oneToken) / perExtra;
}

/** Estimated tokens of `text` (0 for the empty string). */
export function estimateTokens(text: string): number {
  const n = text.length;
  if (n === 0) return 0;
  let tokens = 0;
  let i = 0;
  while (i < n) {
    const cls = CLASSES[text.charCodeAt(i)];
    let j = i + 1;
    switch (cls) {
      case Cls.Letter:
      case Cls.Upper:
      case Cls.Accented: {
        // a word ends at a non-letter or at a lower-to-upper case change (camelCase)
        let accented = cls === Cls.Accented ? 1 : 0;
        let previousUpper = cls === Cls.Upper;
        for (; j < n; j++) {
          const next = CLASSES[text.charCodeAt(j)];
          if (!isWordClass(next)) break;
          if (next === Cls.Upper && !previousUpper) break;
          previousUpper = next === Cls.Upper;
          if (next === Cls.Accented) accented++;
        }
        tokens +=
          wordTokens(j - i, WORD_ONE_TOKEN_LETTERS, WORD_LETTERS_PER_EXTRA_TOKEN) +
          accented * ACCENTED_LETTER;
        break;
      }
      case Cls.Digit:
        while (j < n && CLASSES[text.charCodeAt(j)] === Cls.Digit) j++;
        tokens += Math.ceil((j - i) / 3) * DIGIT_GROUP;
        break;
      case Cls.Space: {
        while (j < n && CLASSES[text.charCodeAt(j)] === Cls.Space) j++;
        // one space joins the next piece; trailing spaces join the newline after them
        const followedByNewline = j >= n || CLASSES[text.charCodeAt(j)] === Cls.Newline;
        if (j - i > 1 && !followedByNewline) tokens += SPACE_RUN;
        break;
      }
      case Cls.Newline:
        while (j < n && CLASSES[text.charCodeAt(j)] === Cls.Newline) j++;
        tokens += NEWLINE_RUN;
        break;
      case Cls.Punct:
      case Cls.Symbol: {
        let symbols = cls === Cls.Symbol ? 1 : 0;
        for (; j < n; j++) {
          const next = CLASSES[text.charCodeAt(j)];
          if (!isPunctClass(next)) break;
          if (next === Cls.Symbol) symbols++;
        }
        const glued = j < n && isWordClass(CLASSES[text.charCodeAt(j)]);
        if (j - i === 1 && symbols === 0 && glued) {
          tokens += PUNCT_PREFIX;
          break;
        }
        tokens += 1 + (j - i - 1) * PUNCT_EXTRA + symbols * SYMBOL_EXTRA;
        // punctuation takes the newlines right after it (`{\n`, `;\n\n`)
        while (j < n && CLASSES[text.charCodeAt(j)] === Cls.Newline) j++;
        break;
      }
      case Cls.Cjk:
        tokens += CJK_CHAR;
        break;
      case Cls.Hangul:
        tokens += HANGUL_CHAR;
        break;
      case Cls.Cyrillic:
        while (j < n && CLASSES[text.charCodeAt(j)] === Cls.Cyrillic) j++;
        tokens += wordTokens(j - i, CYRILLIC_ONE_TOKEN_LETTERS, CYRILLIC_LETTERS_PER_EXTRA_TOKEN);
        break;
      case Cls.Joiner:
        tokens += JOINER;
        break;
      case Cls.HighSurrogate:
        if (j < n && CLASSES[text.charCodeAt(j)] === Cls.LowSurrogate) j++;
        tokens += ASTRAL_CHAR;
        break;
      case Cls.LowSurrogate:
        tokens += ASTRAL_CHAR;
        break;
      default:
        while (j < n && CLASSES[text.charCodeAt(j)] === Cls.Other) j++;
        tokens += 1 + (j - i - 1) * OTHER_SCRIPT_EXTRA;
    }
    i = j;
  }
  return Math.max(1, Math.round(tokens * SAFETY_MARGIN));
}
