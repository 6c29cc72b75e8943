/**
 * Keeps a list element's children in step with `items`, keyed: a row whose key stays keeps its
 * node (updated in place), so a click that lands while the list changes lands on a live button.
 * Rebuilding the whole body on every change is what lost trade offers before.
 */
export function syncList<T>(
  parent: HTMLElement,
  items: readonly T[],
  key: (item: T) => string,
  create: (item: T) => HTMLElement,
  update: (el: HTMLElement, item: T) => void,
): void {
  const old = new Map<string, HTMLElement>();
  for (const child of parent.children)
    if (child instanceof HTMLElement && child.dataset.key !== undefined) old.set(child.dataset.key, child);
  let at = 0;
  for (const item of items) {
    const k = key(item);
    let el = old.get(k);
    if (el === undefined) {
      el = create(item);
      el.dataset.key = k;
    } else old.delete(k);
    update(el, item);
    // Only move nodes that are out of place: moving a node under the pointer would eat its click.
    if (parent.children[at] !== el) parent.insertBefore(el, parent.children[at] ?? null);
    at++;
  }
  for (const el of old.values()) el.remove();
}
