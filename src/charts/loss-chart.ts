/**
 * The loss chart posted after every `/train`: a PNG drawn server-side with
 * chart.js on @napi-rs/canvas. One image: a title and legend across the top,
 * the loss panel (and the accuracy panel beside it when the lesson has
 * accuracy), a caption with the lesson, parameters and backend at the bottom.
 * Sized for Discord (1200x700, shown at about 550 px wide), so every text is large.
 */
import type { Chart as ChartJs, ChartConfiguration, Plugin } from 'chart.js';
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Lang } from '../core/lang.ts';
import type { Series, TrainResult } from '../training/types.ts';
import { contextOf, diagnose, type Diagnosis } from './diagnose.ts';
import { ensureJapaneseFont, FONT_STACK, loadCanvas, loadChartJs, type FontOptions } from './canvas.ts';
import { backendName, describeParams, fmt, lessonName, t } from './format.ts';
import { finalFiguresLine, verdictName } from './reading.ts';

export interface LossChartOptions {
  width?: number;
  height?: number;
  font?: FontOptions;
}

/** Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. */
export const SERIES_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const SINGLE_VAL_COLOUR = '#E69F00';
const MARKER_COLOUR = '#C0392B';
const TEXT = '#1a1a1a';
const MUTED = '#444444';
const DASH = [14, 8];

/** Badge background and text: green for fine, amber for "not there yet", red for something went wrong. */
const BADGE_COLOURS: Record<Diagnosis['kind'], [string, string]> = {
  healthy: ['#E3F4EA', '#1E7B46'],
  plateau: ['#FFF1D6', '#7A4F00'],
  underfitting: ['#FFF1D6', '#7A4F00'],
  overfitting: ['#FBE7E4', MARKER_COLOUR],
  diverged: ['#FBE7E4', MARKER_COLOUR],
};

const TITLE_PX = 36;
const LEGEND_PX = 24;
const CAPTION_PX = 20;
const TICK_PX = 21;
const MARKER_PX = 22;
const AXIS_PX = 22;
const PANEL_TITLE_PX = 25;

interface Line {
  label: string;
  colour: string;
  dashed: boolean;
  points: { x: number; y: number | null }[];
}

interface Marker {
  epoch: number;
  label: string;
  /** Shade the plot from this epoch on (overfitting). */
  shade: boolean;
}

interface LegendItem {
  label: string;
  colour: string;
  dashed: boolean;
}

type Metric = 'loss' | 'valLoss' | 'acc' | 'valAcc';

const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

function seriesOf(result: TrainResult): Series[] {
  if (result.series.length > 0) return result.series;
  return [{ key: 'run', label: { ja: '学習', en: 'run' }, params: result.params, history: result.history, final: result.final }];
}

function points(series: Series, metric: Metric): Line['points'] {
  // Non-finite values become gaps: the line ends where the run blew up.
  return series.history.map((h) => ({ x: h.epoch, y: finite(h[metric]) ? (h[metric] as number) : null }));
}

function hasMetric(all: Series[], metric: Metric): boolean {
  return all.some((s) => s.history.some((h) => h[metric] !== undefined));
}

/** Lines of one panel: every series' training curve, and its validation curve dashed. */
function linesFor(all: Series[], train: Metric, val: Metric, lang: Lang): Line[] {
  const single = all.length === 1;
  const lines: Line[] = [];
  all.forEach((s, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
    const name = s.label[lang];
    if (s.history.some((h) => h[train] !== undefined)) {
      lines.push({ label: single ? t(lang, '訓練データ', 'training') : name, colour, dashed: false, points: points(s, train) });
    }
    if (s.history.some((h) => h[val] !== undefined)) {
      lines.push({
        label: single ? t(lang, '検証データ', 'validation') : name,
        colour: single ? SINGLE_VAL_COLOUR : colour,
        dashed: true,
        points: points(s, val),
      });
    }
  });
  return lines;
}

function markersFor(all: Series[], diagnoses: Diagnosis[], lang: Lang): Marker[] {
  const markers: Marker[] = [];
  all.forEach((s, i) => {
    const d = diagnoses[i];
    const who = all.length > 1 ? `${s.label[lang]}: ` : '';
    if (d.kind === 'overfitting' && d.fromEpoch !== undefined) {
      markers.push({
        epoch: d.fromEpoch,
        shade: true,
        label: who + t(lang, `過学習の始まり（エポック ${d.fromEpoch}）`, `overfitting starts (epoch ${d.fromEpoch})`),
      });
    } else if (d.kind === 'diverged' && d.fromEpoch !== undefined) {
      markers.push({
        epoch: d.fromEpoch,
        shade: false,
        label:
          who +
          (d.reason === 'nan'
            ? t(lang, `${d.nonFinite ?? 'NaN'} で停止（エポック ${d.fromEpoch}）`, `stopped: ${d.nonFinite ?? 'NaN'} (epoch ${d.fromEpoch})`)
            : d.reason === 'exploded-early' && d.fromEpoch === s.history[0]?.epoch
              ? t(lang, `最初のエポックで発散`, `blew up in the first epoch`)
              : t(lang, `発散（エポック ${d.fromEpoch}〜）`, `diverging (epoch ${d.fromEpoch}+)`)),
      });
    }
  });
  return markers;
}

/** Draws the vertical marker lines (and the overfitting shade) on a panel. */
function markerPlugin(markers: Marker[], withLabels: boolean): Plugin<'line'> {
  return {
    id: 'tasukeMarkers',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      for (const m of markers.filter((m) => m.shade)) {
        const x = scales.x.getPixelForValue(m.epoch);
        ctx.save();
        ctx.fillStyle = 'rgba(192, 57, 43, 0.08)';
        ctx.fillRect(x, chartArea.top, chartArea.right - x, chartArea.bottom - chartArea.top);
        ctx.restore();
      }
    },
    afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      markers.forEach((m, i) => {
        const x = Math.min(Math.max(scales.x.getPixelForValue(m.epoch), chartArea.left), chartArea.right);
        ctx.save();
        ctx.strokeStyle = MARKER_COLOUR;
        ctx.lineWidth = 3;
        ctx.setLineDash([6, 6]);
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
        if (withLabels) {
          ctx.setLineDash([]);
          ctx.font = `bold ${MARKER_PX}px ${FONT_STACK}`;
          const width = ctx.measureText(m.label).width;
          const y = chartArea.top + 8 + i * (MARKER_PX + 12);
          // Label on the side of the line with room for it, on a white box so gridlines don't cross it.
          const left = x + 8 + width > chartArea.right ? Math.max(chartArea.left + 4, x - 8 - width) : x + 8;
          ctx.fillStyle = 'rgba(255,255,255,0.9)';
          ctx.fillRect(left - 4, y - 3, width + 8, MARKER_PX + 8);
          ctx.fillStyle = MARKER_COLOUR;
          ctx.textBaseline = 'top';
          ctx.fillText(m.label, left, y);
        }
        ctx.restore();
      });
    },
  };
}

/**
 * Log scale only for a blow-up (a diverged run, or astronomically large values):
 * otherwise a linear axis shows what a beginner expects, the loss falling
 * towards zero and levelling off, and keeps an overfitting upturn visible.
 */
function wantsLogScale(lines: Line[], diverged: boolean): boolean {
  const ys = lines.flatMap((l) => l.points.map((p) => p.y)).filter((y): y is number => y !== null);
  if (ys.length < 2 || ys.some((y) => y <= 0)) return false;
  const ratio = Math.max(...ys) / Math.min(...ys);
  return (diverged && ratio > 100) || (ratio > 10 && Math.max(...ys) >= 1e6);
}

interface PanelSpec {
  title: string;
  yTitle: string;
  lines: Line[];
  kind: 'loss' | 'accuracy';
  maxEpoch: number;
  markers: Marker[];
  markerLabels: boolean;
  /** Some series diverged: a log axis keeps the rest of the curve readable. */
  diverged: boolean;
  lang: Lang;
}

function panelConfig(spec: PanelSpec): ChartConfiguration<'line'> {
  const { lines, maxEpoch, lang } = spec;
  const radius = maxEpoch <= 1 ? 8 : maxEpoch <= 20 ? 4 : 0;
  const ys = lines.flatMap((l) => l.points.map((p) => p.y)).filter((y): y is number => y !== null);
  // Built as plain options: chart.js' types for a scale that is linear or logarithmic do not narrow.
  let y: Record<string, unknown>;
  let yTitle = spec.yTitle;
  if (spec.kind === 'accuracy') {
    const low = ys.length > 0 ? Math.min(...ys) : 0;
    y = {
      type: 'linear',
      min: low >= 0.5 ? Math.max(0, Math.floor((low - 0.02) * 10) / 10) : 0,
      max: 1,
      ticks: { font: { size: TICK_PX }, color: TEXT, callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` },
    };
  } else if (wantsLogScale(lines, spec.diverged)) {
    yTitle += t(lang, '（対数目盛）', ' (log scale)');
    // Whole decades at both ends, so the highest point (often the last before NaN) is not cut off.
    const lo = Math.min(...ys);
    const hi = Math.max(...ys);
    y = {
      type: 'logarithmic',
      min: 10 ** Math.floor(Math.log10(lo)),
      max: 10 ** Math.ceil(Math.log10(hi) + 1e-9),
      ticks: {
        font: { size: TICK_PX },
        color: TEXT,
        // Only the powers of ten: the in-between labels of a log axis crowd each other.
        callback: (v: number | string) => {
          const e = Math.log10(Number(v));
          if (Math.abs(e - Math.round(e)) > 1e-9) return '';
          const p = Math.round(e);
          return p >= 4 || p <= -4 ? `1e${p}` : fmt(10 ** p);
        },
      },
    };
  } else {
    y = {
      type: 'linear',
      beginAtZero: ys.every((v) => v >= 0),
      ticks: { font: { size: TICK_PX }, color: TEXT, maxTicksLimit: 7, callback: (v: number | string) => fmt(Number(v)) },
    };
  }
  // Short runs get half an epoch of room at both ends, so the first and last points are not cut in half.
  const pad = maxEpoch <= 12 ? 0.5 : 0;
  const xMin = 1 - pad;
  const xMax = Math.max(1, maxEpoch) + pad;
  return {
    type: 'line',
    data: {
      datasets: lines.map((l) => ({
        label: l.label,
        data: l.points,
        borderColor: l.colour,
        backgroundColor: l.colour,
        borderWidth: 3.5,
        borderDash: l.dashed ? DASH : [],
        pointRadius: radius,
        pointStyle: l.dashed ? 'rectRot' : 'circle',
        tension: 0,
        spanGaps: false,
        parsing: false,
        normalized: true,
      })),
    },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      events: [],
      layout: { padding: { top: 4, right: 18, left: 4, bottom: 0 } },
      plugins: {
        legend: { display: false },
        tooltip: { enabled: false },
        title: { display: true, text: spec.title, font: { size: PANEL_TITLE_PX, weight: 'bold', family: FONT_STACK }, color: TEXT, padding: { bottom: 12 } },
      },
      scales: {
        x: {
          type: 'linear',
          min: xMin,
          max: xMax,
          title: { display: true, text: t(lang, 'エポック（データ全体を何周したか）', 'epoch (passes over the data)'), font: { size: AXIS_PX }, color: TEXT },
          ticks: {
            font: { size: TICK_PX },
            color: TEXT,
            maxTicksLimit: 9,
            precision: 0,
            autoSkip: maxEpoch > 12,
            callback: (v) => {
              const n = Number(v);
              return Number.isInteger(n) && n >= 1 && n <= Math.max(1, maxEpoch) ? String(n) : '';
            },
          },
          grid: { color: '#e3e3e3' },
          // A tick on every epoch of a short run (chart.js would put them on the half-epoch padding).
          afterBuildTicks: (scale: { ticks: { value: number }[] }) => {
            if (maxEpoch <= 12) scale.ticks = Array.from({ length: Math.max(1, maxEpoch) }, (_, i) => ({ value: i + 1 }));
          },
        },
        y: { ...y, title: { display: true, text: yTitle, font: { size: AXIS_PX }, color: TEXT }, grid: { color: '#e3e3e3' } } as never,
      },
    },
    plugins: [markerPlugin(spec.markers, spec.markerLabels)],
  };
}

/** Splits `text` into lines no wider than `maxWidth` (at spaces, or anywhere for Japanese). */
function wrap(ctx: SKRSContext2D, text: string, maxWidth: number): string[] {
  const out: string[] = [];
  let line = '';
  // Break after separators; Japanese has no spaces, so a long run also breaks between characters.
  // Only plain spaces and separators break: a no-break space keeps "4.2 秒" together.
  const tokens = text.match(/[^ ・｜|]+[ ・｜|]*|[ ・｜|]+/gu) ?? [text];
  for (const token of tokens) {
    const candidate = line + token;
    if (ctx.measureText(candidate.trimEnd()).width <= maxWidth || line === '') {
      line = candidate;
      while (ctx.measureText(line.trimEnd()).width > maxWidth && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && ctx.measureText(line.slice(0, cut)).width > maxWidth) cut--;
        out.push(line.slice(0, cut).trimEnd());
        line = line.slice(cut);
      }
    } else {
      out.push(line.trimEnd());
      line = token;
    }
  }
  if (line.trim() !== '') out.push(line.trimEnd());
  return out;
}

function drawLegend(ctx: SKRSContext2D, items: LegendItem[], width: number, top: number): number {
  ctx.font = `${LEGEND_PX}px ${FONT_STACK}`;
  ctx.textBaseline = 'middle';
  const sample = 46;
  const gap = 34;
  const widths = items.map((it) => sample + 10 + ctx.measureText(it.label).width);
  // Centre each row of the legend; wrap to a new row when the width runs out.
  const rows: number[][] = [[]];
  let rowWidth = 0;
  widths.forEach((w, i) => {
    const row = rows[rows.length - 1];
    if (row.length > 0 && rowWidth + gap + w > width - 60) {
      rows.push([i]);
      rowWidth = w;
    } else {
      rowWidth += (row.length > 0 ? gap : 0) + w;
      row.push(i);
    }
  });
  const rowHeight = LEGEND_PX + 12;
  rows.forEach((row, r) => {
    const total = row.reduce((a, i) => a + widths[i], 0) + gap * (row.length - 1);
    let x = (width - total) / 2;
    const y = top + r * rowHeight + rowHeight / 2;
    for (const i of row) {
      const it = items[i];
      ctx.strokeStyle = it.colour;
      ctx.lineWidth = 4;
      ctx.setLineDash(it.dashed ? [10, 6] : []);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + sample, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = TEXT;
      ctx.fillText(it.label, x + sample + 10, y);
      x += widths[i] + gap;
    }
  });
  return rows.length * rowHeight;
}

function legendItems(all: Series[], diagnoses: Diagnosis[], hasVal: boolean, lang: Lang): LegendItem[] {
  if (all.length === 1) {
    const items: LegendItem[] = [{ label: t(lang, '訓練データ', 'training data'), colour: SERIES_COLOURS[0], dashed: false }];
    if (hasVal) items.push({ label: t(lang, '検証データ（学習に使っていない）', 'validation data (not trained on)'), colour: SINGLE_VAL_COLOUR, dashed: true });
    return items;
  }
  const items: LegendItem[] = all.map((s, i) => ({
    label: `${s.label[lang]}: ${verdictName(diagnoses[i], lang)}`,
    colour: SERIES_COLOURS[i % SERIES_COLOURS.length],
    dashed: false,
  }));
  if (hasVal) {
    items.push({ label: t(lang, '実線 = 訓練', 'solid = training'), colour: '#777777', dashed: false });
    items.push({ label: t(lang, '破線 = 検証', 'dashed = validation'), colour: '#777777', dashed: true });
  }
  return items;
}

function titleText(result: TrainResult, lang: Lang): string {
  const name = lessonName(result, lang);
  return result.mode === 'compare-seed'
    ? t(lang, `${name} — シードを変えて 2 回学習`, `${name} — same lesson, two seeds`)
    : t(lang, `${name} — 学習曲線`, `${name} — training curves`);
}

function captionText(result: TrainResult, all: Series[], lang: Lang): string {
  const seeds =
    result.mode === 'compare-seed'
      ? [...new Set(all.map((s) => s.params?.seed).filter((v): v is number => typeof v === 'number'))]
      : undefined;
  const sep = t(lang, '｜', ' | ');
  // xor's series have different parameters (hiddenUnits only on one): show them all.
  const params = Object.assign({}, ...all.map((s) => s.params ?? {}).reverse(), result.params) as TrainResult['params'];
  // No-break spaces inside a field ("TensorFlow (CPU)", "4.2 s"): lines wrap only between fields.
  const keep = (text: string) => text.replaceAll(' ', '\u00a0');
  return [
    keep(t(lang, `レッスン: ${result.lesson}`, `lesson: ${result.lesson}`)),
    describeParams(params, lang, seeds)
      .split(lang === 'ja' ? '・' : ' · ')
      .map(keep)
      .join(lang === 'ja' ? '・' : ' · '),
    keep(t(lang, `バックエンド: ${backendName(result.backend, lang)}`, `backend: ${backendName(result.backend, lang)}`)),
    keep(t(lang, `${fmt(result.seconds)} 秒`, `${fmt(result.seconds)} s`)),
  ].join(sep);
}

/** Renders a finished run's loss (and accuracy) curves as a PNG, labelled in `lang`. */
export async function renderLossChart(result: TrainResult, lang: Lang, options: LossChartOptions = {}): Promise<Buffer> {
  const width = options.width ?? 1200;
  const height = options.height ?? 700;
  await ensureJapaneseFont(options.font);
  const [{ createCanvas }, { Chart }] = await Promise.all([loadCanvas(), loadChartJs()]);

  const all = seriesOf(result);
  const context = contextOf(result);
  const diagnoses = all.map((s) => diagnose(s, context));
  // A run stopped on NaN may not have logged the epoch it broke in; the axis still reaches it.
  const maxEpoch = Math.max(0, ...all.flatMap((s) => [...s.history.map((h) => h.epoch), s.stopped?.epoch ?? 0]));
  const withAcc = hasMetric(all, 'acc') || hasMetric(all, 'valAcc');
  const hasVal = hasMetric(all, 'valLoss') || hasMetric(all, 'valAcc');
  const markers = markersFor(all, diagnoses, lang);

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);

  // Title, with the verdict of a single run on the right.
  ctx.fillStyle = TEXT;
  ctx.textBaseline = 'top';
  ctx.font = `bold ${TITLE_PX}px ${FONT_STACK}`;
  const title = titleText(result, lang);
  let badge: string | undefined;
  if (all.length === 1) badge = t(lang, `診断: ${verdictName(diagnoses[0], lang)}`, `verdict: ${verdictName(diagnoses[0], lang)}`);
  ctx.font = `bold ${LEGEND_PX}px ${FONT_STACK}`;
  const badgeWidth = badge ? ctx.measureText(badge).width + 28 : 0;
  // A long title gets a smaller font before it gets cut (with an ellipsis) to leave room for the badge.
  const room = width - 48 - badgeWidth - 16;
  let titlePx = TITLE_PX;
  for (; titlePx > 26; titlePx -= 2) {
    ctx.font = `bold ${titlePx}px ${FONT_STACK}`;
    if (ctx.measureText(title).width <= room) break;
  }
  ctx.font = `bold ${titlePx}px ${FONT_STACK}`;
  let titleLine = title;
  while (titleLine.length > 1 && ctx.measureText(titleLine).width > room) titleLine = titleLine.slice(0, -2) + '…';
  ctx.fillText(titleLine, 24, 18 + (TITLE_PX - titlePx) / 2);
  if (badge) {
    const [bg, fg] = BADGE_COLOURS[diagnoses[0].kind];
    ctx.font = `bold ${LEGEND_PX}px ${FONT_STACK}`;
    const bx = width - 24 - badgeWidth;
    ctx.fillStyle = bg;
    ctx.fillRect(bx, 18, badgeWidth, TITLE_PX + 8);
    ctx.fillStyle = fg;
    ctx.textBaseline = 'middle';
    ctx.fillText(badge, bx + 14, 18 + (TITLE_PX + 8) / 2);
  }

  const legendTop = 18 + TITLE_PX + 18;
  const legendHeight = drawLegend(ctx, legendItems(all, diagnoses, hasVal, lang), width, legendTop);

  // Caption, from the bottom up: the final figures of a single run (in the text colour), then the run's settings.
  ctx.font = `${CAPTION_PX}px ${FONT_STACK}`;
  const figureLines = all.length === 1 && maxEpoch > 0 ? wrap(ctx, finalFiguresLine(all[0], result, lang), width - 48).slice(0, 1) : [];
  const settingLines = wrap(ctx, captionText(result, all, lang), width - 48).slice(0, 2);
  const captionLines = [...figureLines.map((text) => ({ text, colour: TEXT })), ...settingLines.map((text) => ({ text, colour: MUTED }))];
  const captionHeight = captionLines.length * (CAPTION_PX + 8) + 14;
  ctx.textBaseline = 'top';
  captionLines.forEach((line, i) => {
    ctx.fillStyle = line.colour;
    ctx.fillText(line.text, 24, height - captionHeight + 4 + i * (CAPTION_PX + 8));
  });

  const panelTop = legendTop + legendHeight + 8;
  const panelHeight = height - captionHeight - panelTop - 6;
  const panels: PanelSpec[] = [
    {
      kind: 'loss',
      title: t(lang, '損失（小さいほど良い）', 'Loss (lower is better)'),
      yTitle: t(lang, '損失', 'loss'),
      lines: linesFor(all, 'loss', 'valLoss', lang),
      maxEpoch,
      markers,
      markerLabels: true,
      diverged: diagnoses.some((d) => d.kind === 'diverged'),
      lang,
    },
  ];
  if (withAcc) {
    panels.push({
      kind: 'accuracy',
      title: t(lang, '正解率（高いほど良い）', 'Accuracy (higher is better)'),
      yTitle: t(lang, '正解率', 'accuracy'),
      lines: linesFor(all, 'acc', 'valAcc', lang),
      maxEpoch,
      markers,
      markerLabels: false,
      diverged: false,
      lang,
    });
  }
  const gap = 16;
  const panelWidth = Math.floor((width - 24 * 2 - gap * (panels.length - 1)) / panels.length);
  for (const [i, spec] of panels.entries()) {
    const panel = createCanvas(panelWidth, panelHeight);
    const chart: ChartJs<'line'> = new Chart(panel.getContext('2d') as never, panelConfig(spec));
    ctx.drawImage(panel, 24 + i * (panelWidth + gap), panelTop);
    chart.destroy();
  }
  if (maxEpoch === 0) {
    ctx.font = `bold ${LEGEND_PX}px ${FONT_STACK}`;
    ctx.fillStyle = MARKER_COLOUR;
    ctx.textBaseline = 'middle';
    const msg = t(lang, '記録されたエポックがありません', 'no epoch was recorded');
    ctx.fillText(msg, (width - ctx.measureText(msg).width) / 2, panelTop + panelHeight / 2);
  }
  return canvas.encode('png');
}
