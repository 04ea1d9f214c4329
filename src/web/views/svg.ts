/**
 * Inline SVG bar charts for the figures page: no image pipeline, crisp at any
 * size, and the labels are text (escaped by `html` like everything else).
 */
import { html, type SafeHtml } from './html.ts';

export interface Bar {
  label: string;
  value: number;
}

/** Horizontal bars, one row per label, the value written at the end of each bar. */
export function hbarChart(bars: Bar[], opts: { title: string; colour?: string; width?: number }): SafeHtml {
  const width = opts.width ?? 560;
  const row = 26;
  const labelW = 210;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const barW = width - labelW - 50;
  const height = Math.max(row, bars.length * row) + 8;
  return html`<svg class="chart-svg" role="img" aria-label="${opts.title}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
  <title>${opts.title}</title>
  ${bars.map((b, i) => {
    const y = 4 + i * row;
    const w = Math.round((b.value / max) * barW);
    return html`<g>
    <text x="${labelW - 8}" y="${y + 17}" text-anchor="end" font-size="13" fill="#333">${b.label}</text>
    <rect x="${labelW}" y="${y + 4}" width="${Math.max(w, 1)}" height="${row - 8}" rx="3" fill="${opts.colour ?? '#3b82f6'}"></rect>
    <text x="${labelW + w + 6}" y="${y + 17}" font-size="13" fill="#333">${b.value}</text>
  </g>`;
  })}
</svg>`;
}

/** Grouped vertical bars per hour (two series), with a legend. */
export function hourChart(
  hours: { hour: number; a: number; b: number }[],
  opts: { title: string; aLabel: string; bLabel: string },
): SafeHtml {
  const width = 720;
  const height = 220;
  const left = 34;
  const bottom = 24;
  const top = 26;
  const max = Math.max(1, ...hours.flatMap((h) => [h.a, h.b]));
  const slot = (width - left - 6) / hours.length;
  const scale = (v: number) => ((height - bottom - top) * v) / max;
  const ticks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
  return html`<svg class="chart-svg" role="img" aria-label="${opts.title}" viewBox="0 0 ${width} ${height}" width="100%">
  <title>${opts.title}</title>
  <rect x="${left}" y="4" width="12" height="12" fill="#3b82f6"></rect><text x="${left + 16}" y="15" font-size="12" fill="#333">${opts.aLabel}</text>
  <rect x="${left + 150}" y="4" width="12" height="12" fill="#f59e0b"></rect><text x="${left + 166}" y="15" font-size="12" fill="#333">${opts.bLabel}</text>
  ${ticks.map((v) => html`<text x="${left - 4}" y="${height - bottom - scale(v) + 4}" text-anchor="end" font-size="10" fill="#666">${v}</text>
  <line x1="${left}" x2="${width - 6}" y1="${height - bottom - scale(v)}" y2="${height - bottom - scale(v)}" stroke="#e5e7eb"></line>`)}
  ${hours.map((h, i) => {
    const x = left + i * slot;
    const bw = Math.max(2, slot / 2 - 2);
    return html`<g>
    <rect x="${x + 1}" y="${height - bottom - scale(h.a)}" width="${bw}" height="${scale(h.a)}" fill="#3b82f6"><title>${h.hour}:00 ${opts.aLabel} ${h.a}</title></rect>
    <rect x="${x + 1 + bw}" y="${height - bottom - scale(h.b)}" width="${bw}" height="${scale(h.b)}" fill="#f59e0b"><title>${h.hour}:00 ${opts.bLabel} ${h.b}</title></rect>
    ${h.hour % 3 === 0 ? html`<text x="${x + slot / 2}" y="${height - 8}" text-anchor="middle" font-size="10" fill="#666">${h.hour}</text>` : ''}
  </g>`;
  })}
</svg>`;
}
