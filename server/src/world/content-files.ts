/**
 * Reading a content directory from disk: the host's side of content. Kept apart from the
 * validator (content-loader.ts) because Frontier's reducers validate content too and run in the
 * sandbox, where there is no file system and no async code.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Content } from '@tickspace/content/schema';
import { CONTENT_FILE_NAMES, contentError, validateContent, type ContentResult } from './content-loader';

/** The content shipped in the repository's `content/` directory. */
export const DEFAULT_CONTENT_DIR = fileURLToPath(new URL('../../../content/', import.meta.url));

/**
 * Reads every content file from a directory. Missing files are left out (the validator reports them).
 *
 * @example
 * const sources = await readContentSources('content/');
 */
export async function readContentSources(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    CONTENT_FILE_NAMES.map(async (file) => {
      try {
        out[file] = await readFile(join(dir, file), 'utf8');
      } catch {
        // Reported as FILE_MISSING by validateContent, with every other problem.
      }
    }),
  );
  return out;
}

/**
 * Reads and validates a content directory: types, ids, references and balance, every problem at once.
 *
 * @example
 * const result = await loadContent('content/');
 * if (!result.ok) for (const p of result.problems) console.log(formatProblem(p));
 */
export async function loadContent(dir: string = DEFAULT_CONTENT_DIR): Promise<ContentResult> {
  return validateContent(await readContentSources(dir));
}

/**
 * Like {@link loadContent} but throws when the content is invalid.
 * @throws TickspaceError INVALID_CONTENT with `details.problems` listing every problem.
 */
export async function loadContentOrThrow(dir: string = DEFAULT_CONTENT_DIR): Promise<Content> {
  const result = await loadContent(dir);
  if (!result.ok) throw contentError(result.problems, dir);
  return result.content;
}
