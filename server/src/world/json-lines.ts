/**
 * Where each value of a JSON text sits: the 1-based line of every path, so a content problem
 * points at the offending field's line rather than the line where its row starts.
 *
 * Paths use the loader's notation: `[3]`, `[3].inputs[0].item` for a file whose root is an array,
 * `startBiome` or `icon.color` for a root object, and `` for the root itself. An object member's
 * line is the line of its key; an array element's is the line of its first character.
 */

/**
 * Maps every path of a JSON text to its line. The text must be valid JSON (run `JSON.parse` on it
 * first); on anything else the map holds what was read before the fault.
 *
 * @example
 * fieldLines('[\n  {\n    "id": "stick"\n  }\n]').get('[0].id'); // -> 3
 */
export function fieldLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;

  const skipSpace = () => {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) return;
    }
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '"') break;
    }
    i++; // closing quote
    return JSON.parse(text.slice(start, i)) as string;
  };
  const member = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

  const value = (path: string): void => {
    skipSpace();
    if (!lines.has(path)) lines.set(path, line);
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return;
      }
      while (i < text.length) {
        skipSpace();
        const keyLine = line;
        const key = readString();
        const at = member(path, key);
        lines.set(at, keyLine);
        skipSpace();
        i++; // ':'
        value(at);
        skipSpace();
        if (text[i++] !== ',') return;
      }
    } else if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; i < text.length; n++) {
        value(`${path}[${n}]`);
        skipSpace();
        if (text[i++] !== ',') return;
      }
    } else if (c === '"') readString();
    else while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
  };

  value('');
  return lines;
}

/**
 * The line of `path`, or of its nearest ancestor that the text has (a missing field points at
 * the object that lacks it).
 *
 * @example
 * lineOf(fieldLines(text), '[2].name'); // the row's line when row 2 has no "name"
 */
export function lineOf(lines: ReadonlyMap<string, number>, path: string): number | undefined {
  for (let p = path; ;) {
    const found = lines.get(p);
    if (found !== undefined) return found;
    if (p === '') return undefined;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
}
