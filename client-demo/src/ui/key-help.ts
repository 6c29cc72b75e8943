import { h } from './dom';

/** The keys the game answers to, as shown in the corner legend. */
const KEY_HELP: readonly (readonly [key: string, what: string])[] = [
  ['WASD', 'move'],
  ['Click', 'gather / walk'],
  ['E', 'interact'],
  ['C', 'craft'],
  ['B', 'build'],
  ['I', 'bag'],
  ['T', 'trade'],
  ['Enter', 'chat'],
  ['F3', 'debug'],
];

/** The key legend element. */
export function keyHelp(): HTMLElement {
  return h('div', { class: 'help' }, ...KEY_HELP.map(([k, v]) => h('span', {}, h('kbd', {}, k), ` ${v}`)));
}
