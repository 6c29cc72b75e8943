import type { Goal, Situation } from './planner';
import type { SessionDecision, SteerDecision, Style, StyleContext, TradeResponse } from './style';

/**
 * A style that passes every decision to another one: tiers that keep a script's timing, paths and
 * goals and change a few decisions (chat, trades, sessions, where to settle) extend it and
 * override those.
 */
export class DelegatingStyle implements Style {
  protected readonly base: Style;

  constructor(base: Style) {
    this.base = base;
  }

  get tradeResponse(): TradeResponse {
    return this.base.tradeResponse;
  }
  get stores(): boolean {
    return this.base.stores;
  }
  reactionMs(c: StyleContext): number {
    return this.base.reactionMs(c);
  }
  thinkMs(c: StyleContext): number {
    return this.base.thinkMs(c);
  }
  steer(desired: number, distance: number, arrivalMs: number, c: StyleContext): SteerDecision {
    return this.base.steer(desired, distance, arrivalMs, c);
  }
  idleMs(c: StyleContext): number {
    return this.base.idleMs(c);
  }
  nextGoal(s: Situation, c: StyleContext): Goal {
    return this.base.nextGoal(s, c);
  }
  pickNode(count: number): number {
    return this.base.pickNode(count);
  }
  mistake(c: StyleContext): boolean {
    return this.base.mistake(c);
  }
  session(c: StyleContext): SessionDecision {
    return this.base.session(c);
  }
  chat(c: StyleContext, heard: number): string | undefined {
    return this.base.chat(c, heard);
  }
  wantsTrade(c: StyleContext): boolean {
    return this.base.wantsTrade(c);
  }
  exploreHeading(previous: number, c: StyleContext): number {
    return this.base.exploreHeading(previous, c);
  }
  exploreTiles(c: StyleContext): number {
    return this.base.exploreTiles(c);
  }
  homeTiles(c: StyleContext): number {
    return this.base.homeTiles(c);
  }
}
