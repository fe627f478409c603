/** A small English stop-word list: words that carry no topic for ranking. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in ' +
    'into is it its me my no not of on or our so than that the their them then there these they ' +
    'this to was we were what when where which who why will with would you your'
  ).split(' '),
);

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
/** scripts written without spaces: each character is a term */
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const IDEOGRAPHIC_CHAR =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;

/**
 * Ranking terms of a text: lower-cased (NFKC) runs of letters, marks and digits, without stop
 * words; Han and kana characters are single terms since those scripts do not separate words.
 */
export function terms(text: string): string[] {
  const result: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (!IDEOGRAPHIC.test(word)) {
      if (!STOPWORDS.has(word)) result.push(word);
      continue;
    }
    for (const part of word.matchAll(IDEOGRAPHIC_CHAR)) result.push(part[0]);
  }
  return result;
}
