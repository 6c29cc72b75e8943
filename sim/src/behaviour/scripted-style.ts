import type { SessionDecision, StyleContext } from './style';

/**
 * What every scripted bot's style (naive, jittered, replay) answers alike: it never makes a
 * mistake on purpose, plays without breaks, never chats and never opens a trade. A style that
 * extends it implements the rest of `Style`.
 */
export abstract class ScriptedStyle {
  mistake(_c: StyleContext): boolean {
    return false;
  }
  session(_c: StyleContext): SessionDecision {
    return { kind: 'play' };
  }
  chat(_c: StyleContext, _heard: number): string | undefined {
    return undefined;
  }
  wantsTrade(_c: StyleContext): boolean {
    return false;
  }
}
