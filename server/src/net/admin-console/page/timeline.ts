import { h } from './dom';

/**
 * The tick slider over the retained history: at its right end (or after "Live") the table
 * follows the live world; anywhere else it shows the table as of that tick. The number box beside
 * it takes an exact tick.
 */
export interface Timeline {
  readonly el: HTMLElement;
  /** The tick shown; undefined while live. */
  readonly asOf: number | undefined;
  /** New retained range (the slider's ends); a live timeline moves with the last tick. */
  setRange(oldestTick: number, lastTick: number): void;
  /** Shows tick `tick` (undefined: live) and tells the listener. */
  go(tick: number | undefined): void;
}

/** Creates a timeline calling `changed` whenever the tick shown changes. */
export function createTimeline(changed: (asOf: number | undefined) => void): Timeline {
  let asOf: number | undefined;
  let last = 0;
  const slider = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, 'data-testid': 'timeline' });
  const box = h('input', {
    type: 'number',
    min: 0,
    step: 1,
    style: 'width: 90px',
    'data-testid': 'timeline-tick',
  });
  const label = h('span', { class: 'live', 'data-testid': 'timeline-label' }, 'live');
  const liveButton = h('button', { class: 'small', 'data-testid': 'timeline-live' }, 'Live');
  const show = () => {
    label.className = asOf === undefined ? 'live' : 'asof';
    label.textContent = asOf === undefined ? `live (tick ${last})` : `as of tick ${asOf} (live is ${last})`;
    if (document.activeElement !== box) box.value = String(asOf ?? last);
  };
  const timeline: Timeline = {
    el: h(
      'div',
      { class: 'timeline' },
      h('span', { class: 'muted' }, 'Timeline'),
      slider,
      box,
      liveButton,
      label,
    ),
    get asOf() {
      return asOf;
    },
    setRange(oldestTick, lastTick) {
      last = lastTick;
      slider.min = String(oldestTick);
      slider.max = String(lastTick);
      if (asOf === undefined) slider.value = String(lastTick);
      show();
    },
    go(tick) {
      asOf = tick === undefined || tick >= last ? undefined : Math.max(tick, Number(slider.min));
      slider.value = String(asOf ?? last);
      show();
      changed(asOf);
    },
  };
  slider.addEventListener('input', () => {
    label.className = 'asof';
    label.textContent = `as of tick ${slider.value}…`;
  });
  slider.addEventListener('change', () => timeline.go(Number(slider.value)));
  box.addEventListener('change', () => {
    const n = Number(box.value);
    if (Number.isInteger(n) && n >= 0) timeline.go(n);
  });
  liveButton.addEventListener('click', () => timeline.go(undefined));
  show();
  return timeline;
}
