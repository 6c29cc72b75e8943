/**
 * The content a new sandboxed Frontier world starts with. Frontier's sandboxed bundle imports this
 * file as a host module (it is left out of the bundle and the host's own instance is lent, see
 * sandbox-entry.ts): the host reads the content directory and sets it here before the bundle is
 * evaluated, and the module's `initData` reads it, the way the unsandboxed createFrontier hands its
 * init data the files it read. Only a new world's first tick asks (and logs the answer in its
 * `__init`), so a replay never does.
 */
import type { ContentSources } from './content-loader';

let files: ContentSources | undefined;
let refusal: (() => Error) | undefined;

/**
 * Sets the content files a new world starts with, or, for content that failed validation, the
 * error a new world's start refuses with (a world with history keeps its content and never asks).
 */
export function setNewWorldContent(content: ContentSources | undefined, refuse: () => Error): void {
  files = content;
  refusal = refuse;
}

/**
 * The init data of a new world: the content files set by the host.
 * @throws the host's refusal (INVALID_CONTENT) when the content it read is invalid, or
 *   INVALID_ARGUMENT when the host set none.
 */
export function newWorldInitData(): { content: ContentSources } {
  if (files !== undefined) return { content: files };
  throw (
    refusal?.() ??
    new Error(
      'no content for a new world: the host did not call setNewWorldContent before building the module',
    )
  );
}
