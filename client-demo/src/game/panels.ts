import { QuestTracker } from '../progress/quest-tracker';
import { SkillsPanel } from '../progress/skills-panel';
import { BuildPanel } from '../ui/build-panel';
import { ChatBox } from '../ui/chat-box';
import { ConnectionBanner } from '../ui/connection-banner';
import { CraftingPanel } from '../ui/crafting-panel';
import { DebugHud } from '../ui/debug-hud';
import { Floaters } from '../ui/floaters';
import { HoverTip } from '../ui/hover-tip';
import { h } from '../ui/dom';
import type { GameContext } from '../ui/game-context';
import { InventoryPanel } from '../ui/inventory-panel';
import { KeyLegend } from '../ui/key-help';
import { PlayerMenu } from '../ui/player-menu';
import { Toasts } from '../ui/toasts';
import { TradeWindow } from '../ui/trade-window';
import type { AvatarRow, BuildingDefRow } from '../world/rows';
import { StatusLine } from './status-line';

/** Options of {@link GamePanels}. */
export interface GamePanelsOptions {
  readonly ctx: GameContext;
  /** Element that receives the panels (over the canvas). */
  readonly root: HTMLElement;
  /** The game canvas (the key legend watches keys pressed over it). */
  readonly canvas: HTMLCanvasElement;
  /** A building picked in the build panel: enter build mode. */
  readonly onBuild: (def: BuildingDefRow) => void;
  /** The chat took the keyboard: release held movement keys. */
  readonly onChatOpen: () => void;
  /** "Trade" picked in a player's menu. */
  readonly onTradeRequest: (identity: AvatarRow['identity']) => void;
}

/**
 * The DOM panels of the game and where they sit: the right column (backpack, crafting, skills,
 * build), the top-left corner (quest tracker, key legend), the chat, the trade window, toasts,
 * floaters over the player,
 * the status line and the debug HUD. A new panel is created here, placed in {@link #layout}, and
 * freed in {@link destroy}; the game wires its keys in `input-controls.ts`.
 */
export class GamePanels {
  readonly toasts = new Toasts();
  readonly floaters = new Floaters();
  readonly hoverTip = new HoverTip();
  readonly banner = new ConnectionBanner();
  readonly hud = new DebugHud();
  readonly status = new StatusLine();
  readonly playerMenu: PlayerMenu;
  readonly inventory: InventoryPanel;
  readonly crafting: CraftingPanel;
  readonly skills: SkillsPanel;
  readonly quests: QuestTracker;
  readonly build: BuildPanel;
  readonly trade: TradeWindow;
  readonly chat: ChatBox;
  readonly legend: KeyLegend;
  /** The right column under the minimap; the loop panels open at its top. */
  readonly side: HTMLElement;
  readonly #root: HTMLElement;
  readonly #blurButton = (e: Event) => {
    if (e.target instanceof HTMLButtonElement) e.target.blur();
  };

  constructor(options: GamePanelsOptions) {
    const ctx = options.ctx;
    this.#root = options.root;
    this.playerMenu = new PlayerMenu(options.onTradeRequest);
    this.inventory = new InventoryPanel(ctx);
    this.crafting = new CraftingPanel(ctx);
    this.build = new BuildPanel(ctx, options.onBuild);
    this.trade = new TradeWindow(ctx);
    this.chat = new ChatBox(ctx, { onOpen: options.onChatOpen });
    this.legend = new KeyLegend({ canvas: options.canvas });
    this.skills = new SkillsPanel(ctx);
    this.quests = new QuestTracker(ctx);
    this.side = h(
      'div',
      { class: 'side' },
      this.inventory.element,
      this.crafting.element,
      this.skills.element,
      this.build.element,
    );
    this.#layout();
    // A clicked panel button keeps the focus: Space or Enter would press it again instead of
    // reaching the game, so the keys go back to the game after every click.
    this.#root.addEventListener('click', this.#blurButton);
  }

  /** Closes the side panels (Esc). */
  closeSide(): void {
    this.crafting.toggle(false);
    this.skills.toggle(false);
    this.build.toggle(false);
  }

  /** Removes every panel and its listeners. */
  destroy(): void {
    this.#root.removeEventListener('click', this.#blurButton);
    for (const panel of [
      this.inventory,
      this.crafting,
      this.skills,
      this.quests,
      this.build,
      this.trade,
      this.chat,
      this.legend,
    ])
      panel.destroy();
  }

  #layout(): void {
    this.#root.append(
      this.floaters.element,
      this.banner.element,
      this.toasts.element,
      this.side,
      this.trade.element,
      this.chat.element,
      this.status.element,
      h('div', { class: 'corner' }, this.quests.element, this.legend.element),
      this.hud.element,
      this.playerMenu.element,
      this.hoverTip.element,
    );
  }
}
