import type { ClientTableName } from '../world/rows';
import type { Unsubscribe, WorldView } from '../world/world-view';

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/**
 * Creates an element: `h('button', { class: 'primary', onclick: go }, 'Play')`. Attributes named
 * `on...` with a function become listeners; `true` sets a boolean attribute, false/undefined skips.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

/** Appends children, skipping empty ones. */
function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Replaces an element's children. */
export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/**
 * Calls `fn` once after any change to the given tables, coalescing a tick's worth of row changes
 * (they arrive together, synchronously) into one call via a microtask.
 */
export function watchTables(
  view: WorldView,
  tables: readonly ClientTableName[],
  fn: () => void,
): Unsubscribe {
  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      fn();
    });
  };
  const offs: Unsubscribe[] = [];
  for (const name of tables) {
    const t = view.table(name);
    offs.push(t.onInsert(schedule), t.onUpdate(schedule), t.onDelete(schedule));
  }
  return () => {
    for (const o of offs) o();
  };
}

/**
 * True when keys typed go to a text field rather than to the game: every game key handler checks
 * it, so no hotkey fires while the player types (chat, trade quantity, the title's name).
 */
export function typingInField(e: Event): boolean {
  const t = e.target as HTMLElement | null;
  if (t === null || typeof t.tagName !== 'string') return false;
  return t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable;
}
