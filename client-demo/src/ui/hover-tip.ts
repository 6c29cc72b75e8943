import type { ResourceNodeRow } from '../world/rows';
import type { WorldView } from '../world/world-view';
import { itemDisplayName, toolPhrase } from '../world/words';
import { h, replaceChildren } from './dom';

/** What the tip says about a tool: what it needs and whether the backpack has it. */
export interface TipTool {
  readonly kind: string;
  readonly tier: number;
  readonly ok: boolean;
}

/** Offset of the tip from the pointer, px: below right, clear of the cursor. */
const OFFSET_PX = 16;

/**
 * The tip by the pointer over a world resource: its name, what it gives, the tool it needs (and
 * whether the backpack has one), and how much is left. Rebuilt only when what it says changes.
 */
export class HoverTip {
  readonly element = h('div', { class: 'hover-tip', 'data-panel': 'hover-tip', hidden: true });
  #key = '';

  /** Shows the tip for a node at (x, y), CSS px over the canvas. */
  showNode(view: WorldView, node: ResourceNodeRow, tool: TipTool, x: number, y: number): void {
    const key = `${node.id}/${node.amount}/${tool.ok}`;
    if (key !== this.#key) {
      this.#key = key;
      const def = view.table('resource_def').find(node.resourceId);
      const needs =
        tool.kind === ''
          ? h('div', { class: 'tool ok' }, 'By hand')
          : h(
              'div',
              { class: `tool ${tool.ok ? 'ok' : 'lack'}` },
              `Needs ${toolPhrase(tool.kind, tool.tier)}${tool.ok ? ' ✓' : ': you have none'}`,
            );
      replaceChildren(
        this.element,
        h('div', { class: 'name' }, def?.name ?? node.resourceId),
        def === undefined ? null : h('div', { class: 'gives' }, `Gives ${itemDisplayName(view, def.itemId)}`),
        needs,
        h('div', { class: 'left' }, node.amount === 0 ? 'Used up; grows back soon' : `${node.amount} left`),
      );
      this.element.dataset.node = String(node.id);
      this.element.dataset.ok = String(tool.ok);
    }
    this.element.hidden = false;
    // Kept inside the window: flipped to the pointer's left or above near the edges.
    const w = this.element.offsetWidth;
    const hgt = this.element.offsetHeight;
    const left = x + OFFSET_PX + w > window.innerWidth ? x - OFFSET_PX - w : x + OFFSET_PX;
    const top = y + OFFSET_PX + hgt > window.innerHeight ? y - OFFSET_PX - hgt : y + OFFSET_PX;
    this.element.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, top)}px)`;
  }

  hide(): void {
    if (this.element.hidden) return;
    this.element.hidden = true;
    this.#key = '';
  }
}
