import { css, parseColor, shade } from '../render/colors';
import { chooseItemArt, tierColor, type ItemArt, type ItemArtInput, type ItemGlyph } from './item-art';

const cache = new Map<string, string>();

/**
 * A small icon for an item, building or resource, drawn from its content `iconShape` and
 * `iconColor` (circle, square, triangle, diamond, hex, bar, drop, star) and cached as a data URL.
 */
export function iconUrl(shape: string, color: string, sizePx = 32): string {
  const key = `${shape}/${color}/${sizePx}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const c = document.createElement('canvas');
  c.width = c.height = sizePx;
  const g = c.getContext('2d')!;
  const base = parseColor(color, 0x999999);
  const s = sizePx;
  const m = s / 2;
  g.beginPath();
  switch (shape) {
    case 'square':
      g.roundRect(s * 0.18, s * 0.18, s * 0.64, s * 0.64, s * 0.1);
      break;
    case 'triangle':
      g.moveTo(m, s * 0.14);
      g.lineTo(s * 0.86, s * 0.82);
      g.lineTo(s * 0.14, s * 0.82);
      break;
    case 'diamond':
      g.moveTo(m, s * 0.1);
      g.lineTo(s * 0.84, m);
      g.lineTo(m, s * 0.9);
      g.lineTo(s * 0.16, m);
      break;
    case 'hex':
      for (let i = 0; i < 6; i++) {
        const a = (Math.PI / 3) * i + Math.PI / 6;
        g.lineTo(m + Math.cos(a) * s * 0.38, m + Math.sin(a) * s * 0.38);
      }
      break;
    case 'bar':
      g.roundRect(s * 0.12, s * 0.36, s * 0.76, s * 0.28, s * 0.1);
      break;
    case 'drop':
      g.moveTo(m, s * 0.1);
      g.bezierCurveTo(s * 0.95, s * 0.6, s * 0.75, s * 0.9, m, s * 0.9);
      g.bezierCurveTo(s * 0.25, s * 0.9, s * 0.05, s * 0.6, m, s * 0.1);
      break;
    case 'star':
      for (let i = 0; i < 10; i++) {
        const r = i % 2 === 0 ? s * 0.4 : s * 0.17;
        const a = (Math.PI / 5) * i - Math.PI / 2;
        g.lineTo(m + Math.cos(a) * r, m + Math.sin(a) * r);
      }
      break;
    default:
      g.arc(m, m, s * 0.34, 0, Math.PI * 2);
  }
  g.closePath();
  const grad = g.createLinearGradient(0, 0, 0, s);
  grad.addColorStop(0, css(shade(base, 1.3)));
  grad.addColorStop(1, css(shade(base, 0.8)));
  g.fillStyle = grad;
  g.fill();
  g.lineWidth = Math.max(1.5, s / 16);
  g.strokeStyle = 'rgba(0,0,0,0.7)';
  g.stroke();
  const url = c.toDataURL();
  cache.set(key, url);
  return url;
}

const itemCache = new Map<string, string>();

/** Handle wood of every tool. */
const HANDLE = '#8a5a30';
const OUTLINE = 'rgba(20,14,8,0.85)';

/**
 * An item's icon: its silhouette ({@link chooseItemArt}) tinted with its content colour, and for
 * tiered items one pip per tier in the tier's colour (bottom right), cached as a data URL.
 */
export function itemIconUrl(def: ItemArtInput | undefined, sizePx = 32): string {
  const art: ItemArt = def === undefined ? { glyph: 'lump', color: '#999999', tier: 0 } : chooseItemArt(def);
  const key = `${art.glyph}/${art.color}/${art.tier}/${sizePx}`;
  const hit = itemCache.get(key);
  if (hit !== undefined) return hit;
  const c = document.createElement('canvas');
  c.width = c.height = sizePx;
  const g = c.getContext('2d')!;
  g.scale(sizePx / 32, sizePx / 32);
  g.lineJoin = 'round';
  g.lineCap = 'round';
  drawGlyph(g, art.glyph, parseColor(art.color, 0x999999));
  if (art.tier > 0) drawTierPips(g, art.tier);
  const url = c.toDataURL();
  itemCache.set(key, url);
  return url;
}

function fillStroke(g: CanvasRenderingContext2D, fill: string, width = 1.6): void {
  g.fillStyle = fill;
  g.fill();
  g.lineWidth = width;
  g.strokeStyle = OUTLINE;
  g.stroke();
}

/** A thick line with a dark outline (handles, sticks). */
function rod(
  g: CanvasRenderingContext2D,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  w: number,
  color: string,
): void {
  g.beginPath();
  g.moveTo(x0, y0);
  g.lineTo(x1, y1);
  g.lineWidth = w + 2.4;
  g.strokeStyle = OUTLINE;
  g.stroke();
  g.lineWidth = w;
  g.strokeStyle = color;
  g.stroke();
}

function drawGlyph(g: CanvasRenderingContext2D, glyph: ItemGlyph, base: number): void {
  const body = css(base);
  const light = css(shade(base, 1.3));
  const dark = css(shade(base, 0.7));
  switch (glyph) {
    case 'axe':
      rod(g, 8, 28, 22, 6, 3, HANDLE);
      g.beginPath();
      g.moveTo(17, 8);
      g.quadraticCurveTo(26, 3, 30, 12);
      g.quadraticCurveTo(27, 18, 23, 17);
      g.lineTo(19, 14);
      g.closePath();
      return fillStroke(g, light);
    case 'pickaxe':
      rod(g, 7, 28, 21, 8, 3, HANDLE);
      g.beginPath();
      g.moveTo(4, 10);
      g.quadraticCurveTo(18, -1, 30, 14);
      g.quadraticCurveTo(19, 5, 6, 13);
      g.closePath();
      return fillStroke(g, light);
    case 'knife':
      rod(g, 6, 27, 12, 21, 4, HANDLE);
      g.beginPath();
      g.moveTo(11, 19);
      g.lineTo(27, 4);
      g.lineTo(15, 23);
      g.closePath();
      return fillStroke(g, light);
    case 'sickle':
      rod(g, 7, 29, 12, 21, 3.5, HANDLE);
      g.beginPath();
      g.moveTo(12, 21);
      g.bezierCurveTo(4, 8, 18, 0, 28, 8);
      g.bezierCurveTo(19, 5, 11, 11, 15, 20);
      g.closePath();
      return fillStroke(g, light);
    case 'shovel':
      rod(g, 24, 4, 12, 20, 3, HANDLE);
      g.beginPath();
      g.moveTo(9, 16);
      g.lineTo(16, 23);
      g.quadraticCurveTo(10, 31, 3, 29);
      g.quadraticCurveTo(1, 22, 9, 16);
      return fillStroke(g, light);
    case 'stick':
      rod(g, 5, 27, 27, 5, 3, body);
      rod(g, 15, 17, 21, 20, 2, body);
      return;
    case 'log':
      g.beginPath();
      g.roundRect(3, 10, 22, 13, 3);
      fillStroke(g, body);
      g.beginPath();
      g.ellipse(25, 16.5, 4.5, 6.5, 0, 0, Math.PI * 2);
      fillStroke(g, '#d8b27a');
      g.beginPath();
      g.ellipse(25, 16.5, 2, 3.2, 0, 0, Math.PI * 2);
      g.lineWidth = 1;
      g.stroke();
      return;
    case 'plank':
      g.beginPath();
      g.moveTo(3, 19);
      g.lineTo(25, 7);
      g.lineTo(29, 13);
      g.lineTo(7, 25);
      g.closePath();
      fillStroke(g, light);
      g.beginPath();
      g.moveTo(8, 20);
      g.lineTo(24, 11);
      g.lineWidth = 0.9;
      g.strokeStyle = dark;
      g.stroke();
      return;
    case 'rope':
      for (const r of [11, 7.5, 4]) {
        g.beginPath();
        g.arc(16, 16, r, 0, Math.PI * 2);
        g.lineWidth = 4.6;
        g.strokeStyle = OUTLINE;
        g.stroke();
        g.lineWidth = 2.6;
        g.strokeStyle = light;
        g.stroke();
      }
      return;
    case 'fiber':
      for (const [x, bend] of [
        [10, -6],
        [16, 0],
        [22, 6],
      ] as const) {
        g.beginPath();
        g.moveTo(16, 29);
        g.quadraticCurveTo(x, 16, x + bend, 3);
        g.lineWidth = 4.4;
        g.strokeStyle = OUTLINE;
        g.stroke();
        g.lineWidth = 2.4;
        g.strokeStyle = light;
        g.stroke();
      }
      rod(g, 12, 22, 20, 22, 2, dark);
      return;
    case 'ingot':
      g.beginPath();
      g.moveTo(8, 11);
      g.lineTo(24, 11);
      g.lineTo(29, 23);
      g.lineTo(3, 23);
      g.closePath();
      fillStroke(g, body);
      g.beginPath();
      g.moveTo(9, 13);
      g.lineTo(23, 13);
      g.lineWidth = 1.4;
      g.strokeStyle = light;
      g.stroke();
      return;
    case 'ore':
      g.beginPath();
      g.moveTo(6, 20);
      g.lineTo(9, 9);
      g.lineTo(19, 5);
      g.lineTo(27, 12);
      g.lineTo(27, 23);
      g.lineTo(15, 28);
      g.closePath();
      fillStroke(g, '#6f6a64');
      for (const [x, y] of [
        [12, 13],
        [20, 11],
        [17, 20],
        [23, 18],
        [10, 21],
      ] as const) {
        g.beginPath();
        g.arc(x, y, 2.3, 0, Math.PI * 2);
        g.fillStyle = light;
        g.fill();
      }
      return;
    case 'stone':
      g.beginPath();
      g.ellipse(16, 18, 11, 8.5, -0.2, 0, Math.PI * 2);
      fillStroke(g, body);
      g.beginPath();
      g.ellipse(13, 15, 4, 2, -0.3, 0, Math.PI * 2);
      g.fillStyle = light;
      g.fill();
      return;
    case 'gem':
      g.beginPath();
      g.moveTo(16, 3);
      g.lineTo(27, 14);
      g.lineTo(16, 29);
      g.lineTo(5, 14);
      g.closePath();
      fillStroke(g, body);
      g.beginPath();
      g.moveTo(5, 14);
      g.lineTo(27, 14);
      g.moveTo(16, 3);
      g.lineTo(12, 14);
      g.lineTo(16, 29);
      g.lineWidth = 1;
      g.strokeStyle = light;
      g.stroke();
      return;
    case 'block':
      g.beginPath();
      g.roundRect(4, 8, 24, 17, 1.5);
      fillStroke(g, body);
      g.beginPath();
      g.moveTo(4, 16.5);
      g.lineTo(28, 16.5);
      g.moveTo(16, 8);
      g.lineTo(16, 16.5);
      g.moveTo(10, 16.5);
      g.lineTo(10, 25);
      g.moveTo(22, 16.5);
      g.lineTo(22, 25);
      g.lineWidth = 1.2;
      g.strokeStyle = dark;
      g.stroke();
      return;
    case 'berries':
      for (const [x, y] of [
        [11, 19],
        [21, 19],
        [16, 12],
        [16, 24],
      ] as const) {
        g.beginPath();
        g.arc(x, y, 5.5, 0, Math.PI * 2);
        fillStroke(g, body, 1.3);
      }
      rod(g, 16, 7, 20, 3, 1.8, '#3f7a2f');
      return;
    case 'food':
      g.beginPath();
      g.ellipse(16, 20, 12, 7, 0, 0, Math.PI);
      g.lineTo(4, 18);
      g.closePath();
      fillStroke(g, '#8d6e63');
      g.beginPath();
      g.ellipse(16, 18, 11, 4, 0, 0, Math.PI * 2);
      fillStroke(g, body, 1.2);
      return;
    case 'jar':
      g.beginPath();
      g.roundRect(7, 10, 18, 19, 4);
      fillStroke(g, body);
      g.beginPath();
      g.roundRect(9, 5, 14, 6, 1.5);
      fillStroke(g, '#c8b08a');
      return;
    case 'nails':
      for (const x of [10, 16, 22]) {
        rod(g, x, 8, x, 27, 2, '#9aa5ad');
        rod(g, x - 3, 8, x + 3, 8, 2, '#9aa5ad');
      }
      return;
    case 'torch':
      rod(g, 12, 29, 18, 14, 3.5, HANDLE);
      g.beginPath();
      g.moveTo(19, 3);
      g.quadraticCurveTo(27, 11, 20, 16);
      g.quadraticCurveTo(13, 15, 15, 9);
      g.closePath();
      return fillStroke(g, '#f5a623');
    case 'basket':
      g.beginPath();
      g.moveTo(4, 13);
      g.lineTo(28, 13);
      g.lineTo(24, 28);
      g.lineTo(8, 28);
      g.closePath();
      fillStroke(g, body);
      g.beginPath();
      g.moveTo(6, 18);
      g.lineTo(26, 18);
      g.moveTo(7, 23);
      g.lineTo(25, 23);
      g.lineWidth = 1;
      g.strokeStyle = dark;
      g.stroke();
      g.beginPath();
      g.arc(16, 13, 9, Math.PI, 0);
      g.lineWidth = 2;
      g.strokeStyle = OUTLINE;
      g.stroke();
      return;
    case 'cloth':
      g.beginPath();
      g.moveTo(5, 9);
      g.quadraticCurveTo(16, 5, 27, 9);
      g.lineTo(27, 25);
      g.quadraticCurveTo(16, 21, 5, 25);
      g.closePath();
      fillStroke(g, body);
      return;
    case 'lump':
      g.beginPath();
      g.moveTo(5, 24);
      g.quadraticCurveTo(4, 12, 14, 10);
      g.quadraticCurveTo(26, 6, 28, 20);
      g.quadraticCurveTo(28, 27, 16, 27);
      g.closePath();
      return fillStroke(g, body);
  }
}

/** One pip per tier (at most 4 drawn), bottom right, in the tier's colour. */
function drawTierPips(g: CanvasRenderingContext2D, tier: number): void {
  const n = Math.min(tier, 4);
  for (let i = 0; i < n; i++) {
    g.beginPath();
    g.arc(28 - i * 5.2, 28, 2.4, 0, Math.PI * 2);
    g.fillStyle = tierColor(tier);
    g.fill();
    g.lineWidth = 1.2;
    g.strokeStyle = OUTLINE;
    g.stroke();
  }
}
