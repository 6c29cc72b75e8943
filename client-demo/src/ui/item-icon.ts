import { css, parseColor, shade } from '../render/colors';

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
