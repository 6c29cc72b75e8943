import { h, replaceChildren, watchTables } from '../ui/dom';
import { TOAST_KIND, type GameContext } from '../ui/game-context';
import type { Unsubscribe } from '../world/world-view';
import { levelSpan } from './skill-curve';

/**
 * The skills panel (K): every skill of the content with the player's level and an experience bar
 * toward the next level. Also announces level-ups ("Crafting reached level 2") as they arrive.
 */
export class SkillsPanel {
  readonly element: HTMLElement;
  readonly #list = h('div', { class: 'skills' });
  readonly #ctx: GameContext;
  readonly #offs: Unsubscribe[];

  constructor(ctx: GameContext) {
    this.#ctx = ctx;
    this.element = h(
      'section',
      { class: 'panel skills-panel', 'data-panel': 'skills', hidden: true },
      h('header', {}, 'Skills', h('kbd', {}, 'K')),
      this.#list,
    );
    const skills = ctx.view.table('skill');
    const announce = (level: number, before: number, skillId: string, owner: string) => {
      if (owner !== ctx.identity() || level <= before) return;
      const name = ctx.view.table('skill_def').find(skillId)?.name ?? skillId;
      ctx.toast(`${name} reached level ${level}`, TOAST_KIND.SUCCESS);
    };
    this.#offs = [
      watchTables(ctx.view, ['skill', 'skill_def'], () => this.render()),
      skills.onUpdate((old, row) => announce(row.level, old.level, row.skillId, row.owner)),
      skills.onInsert((row) => announce(row.level, 1, row.skillId, row.owner)),
    ];
  }

  toggle(visible = this.element.hidden): boolean {
    this.element.hidden = !visible;
    if (visible) this.render();
    return visible;
  }

  render(): void {
    if (this.element.hidden) return;
    const me = this.#ctx.identity();
    const rows = this.#ctx.view
      .table('skill_def')
      .iter()
      .map((def) => {
        const xp = me === undefined ? 0 : (this.#ctx.view.table('skill').find([me, def.id])?.xp ?? 0);
        const span = levelSpan(def, xp);
        const pct = span.need === 0 ? 100 : Math.floor((100 * span.into) / span.need);
        return h(
          'div',
          { class: 'skill', 'data-skill': def.id, 'data-level': String(span.level), 'data-xp': String(xp) },
          h('span', { class: 'name' }, def.name),
          h('span', { class: 'level' }, `Lv ${span.level}`),
          h(
            'div',
            { class: 'xpbar', title: span.need === 0 ? 'top level' : `${span.into} / ${span.need} XP` },
            h('div', { class: 'fill', style: `width: ${pct}%` }),
          ),
          h('span', { class: 'xp' }, span.need === 0 ? 'max' : `${span.into}/${span.need}`),
        );
      });
    replaceChildren(this.#list, ...rows);
  }

  destroy(): void {
    for (const off of this.#offs) off();
    this.element.remove();
  }
}
