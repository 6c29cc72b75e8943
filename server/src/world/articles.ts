/**
 * English indefinite articles, shared by the server's messages and the browser client's sentences
 * (no imports, so the client bundles it alone), so both say "an Oak Tree" the same way.
 */

/**
 * The indefinite article of a word: "an" before a vowel sound, else "a". Spelling decides, with the
 * common exceptions of a silent h and a "you" sound (an hour, a unit).
 * @example
 * article('axe'); // -> 'an'
 * article('Workbench'); // -> 'a'
 */
export function article(word: string): 'a' | 'an' {
  const w = word.trim().toLowerCase();
  if (/^(hour|honou?r|heir)/.test(w)) return 'an';
  if (/^(uni|use|usu|uti|eu|one)/.test(w)) return 'a';
  return /^[aeiou]/.test(w) ? 'an' : 'a';
}

/**
 * A word with its indefinite article.
 * @example
 * withArticle('Oak Tree'); // -> 'an Oak Tree'
 */
export function withArticle(word: string): string {
  return `${article(word)} ${word}`;
}
