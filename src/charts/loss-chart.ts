/**
 * The loss chart posted after every `/train`: a PNG drawn server-side with
 * chart.js on @napi-rs/canvas. One image: a title and legend across the top,
 * the loss panel (and the accuracy panel beside it when the lesson has
 * accuracy), a caption with the lesson, parameters and backend at the bottom.
 * Sized for Discord (1200x700, shown at about 550 px wide), so every text is large.
 */
import type { Chart as ChartJs, ChartConfiguration, Plugin } from 'chart.js';
import type { SKRSContext2D } from '@napi-rs/canvas';
import { t, type Lang } from '../core/lang.ts';
import type { Series, TrainResult } from '../training/types.ts';
import { backendName, describeParams, duration, fmt, lessonTitle } from '../training/words.ts';
import type { Diagnosis } from './diagnose.ts';
import { ensureJapaneseFont, FONT_STACK, loadCanvas, loadChartJs, type FontOptions } from './canvas.ts';
import { diagnoseRun, finalFiguresLine, verdictName } from './reading.ts';

export interface LossChartOptions {
  width?: number;
  height?: number;
  font?: FontOptions;
}

/** Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. */
export const SERIES_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const SINGLE_VAL_COLOUR = '#E69F00';
const MARKER_COLOUR = '#C0392B';
/** Where validation stopped improving: not an alarm, so not red. */
const STALL_COLOUR = '#1F4E79';
const TEXT = '#1a1a1a';
const MUTED = '#444444';
const DASH = [14, 8];

/** Badge background and text: green for fine, amber for "not there yet", red for something went wrong. */
const BADGE_COLOURS: Record<Diagnosis['kind'], [string, string]> = {
  healthy: ['#E3F4EA', '#1E7B46'],
  stalled: ['#E6F0FA', '#1F4E79'],
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
  colour: string;
}

/** The train-validation accuracy gap at the last epoch, drawn as a bracket on the accuracy panel. */
interface GapMark {
  epoch: number;
  train: number;
  val: number;
  label: string;
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

function problemMarker(s: Series, d: Diagnosis, who: string, lang: Lang): Marker | undefined {
  if (d.fromEpoch === undefined) return undefined;
  if (d.kind === 'overfitting') {
    return { epoch: d.fromEpoch, shade: true, colour: MARKER_COLOUR, label: who + t(lang, `過学習の始まり（エポック ${d.fromEpoch}）`, `overfitting starts (epoch ${d.fromEpoch})`) };
  }
  if (d.kind !== 'diverged') return undefined;
  const label =
    d.reason === 'nan'
      ? t(lang, `${d.nonFinite ?? 'NaN'} で停止（エポック ${d.fromEpoch}）`, `stopped: ${d.nonFinite ?? 'NaN'} (epoch ${d.fromEpoch})`)
      : d.reason === 'exploded-early' && d.fromEpoch === s.history[0]?.epoch
        ? t(lang, `最初のエポックで発散`, `blew up in the first epoch`)
        : d.reason === 'unstable'
          ? t(lang, `不安定（エポック ${d.fromEpoch}〜）`, `unstable (epoch ${d.fromEpoch}+)`)
          : t(lang, `発散（エポック ${d.fromEpoch}〜）`, `diverging (epoch ${d.fromEpoch}+)`);
  return { epoch: d.fromEpoch, shade: false, colour: MARKER_COLOUR, label: who + label };
}

/** For a single run, the epochs its reading names besides problems: where validation stopped improving, where its loss was lowest before rising. */
function signMarkers(d: Diagnosis, lang: Lang): Marker[] {
  const out: Marker[] = [];
  if (d.valStalledAt !== undefined) {
    out.push({
      epoch: d.valStalledAt,
      shade: false,
      colour: STALL_COLOUR,
      label: t(lang, `検証の改善が止まった（エポック ${d.valStalledAt}）`, `validation stopped improving (epoch ${d.valStalledAt})`),
    });
  }
  if (d.valLossRose && d.bestValEpoch !== undefined && d.bestValEpoch !== d.valStalledAt) {
    out.push({
      epoch: d.bestValEpoch,
      shade: false,
      colour: STALL_COLOUR,
      label: t(lang, `検証損失が最小（エポック ${d.bestValEpoch}）`, `lowest validation loss (epoch ${d.bestValEpoch})`),
    });
  }
  return out;
}

/**
 * The markers of a run: where overfitting starts or a series blew up, and,
 * for a single run whose reading names it, where validation stopped improving.
 */
function markersFor(all: Series[], diagnoses: Diagnosis[], lang: Lang): Marker[] {
  const markers: Marker[] = [];
  all.forEach((s, i) => {
    const d = diagnoses[i];
    const problem = problemMarker(s, d, all.length > 1 ? `${s.label[lang]}: ` : '', lang);
    if (problem) markers.push(problem);
    else if (all.length === 1 && (d.kind === 'stalled' || d.kind === 'healthy')) markers.push(...signMarkers(d, lang));
  });
  return markers;
}

/** The generalization gap of a single run, where its reading names it. */
function gapFor(all: Series[], diagnoses: Diagnosis[], lang: Lang): GapMark | undefined {
  const d = diagnoses[0];
  const last = all[0]?.history[all[0].history.length - 1];
  if (all.length !== 1 || !d?.wideGap || !last || !finite(last.acc) || !finite(last.valAcc) || d.gap === undefined) return undefined;
  const points = (d.gap * 100).toFixed(1);
  return { epoch: last.epoch, train: last.acc, val: last.valAcc, label: t(lang, `差 ${points} ポイント`, `gap ${points} points`) };
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
        ctx.strokeStyle = m.colour;
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
          ctx.fillStyle = m.colour;
          ctx.textBaseline = 'top';
          ctx.fillText(m.label, left, y);
        }
        ctx.restore();
      });
    },
  };
}

/** Draws the gap bracket at the last epoch of the accuracy panel, with its label to the left. */
function gapPlugin(gap: GapMark): Plugin<'line'> {
  return {
    id: 'tasukeGap',
    afterDatasetsDraw(chart) {
      const { ctx, scales } = chart;
      const x = scales.x.getPixelForValue(gap.epoch) - 14;
      const top = scales.y.getPixelForValue(gap.train);
      const bottom = scales.y.getPixelForValue(gap.val);
      ctx.save();
      ctx.strokeStyle = STALL_COLOUR;
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.moveTo(x + 8, top);
      ctx.lineTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.lineTo(x + 8, bottom);
      ctx.stroke();
      ctx.font = `bold ${MARKER_PX}px ${FONT_STACK}`;
      const width = ctx.measureText(gap.label).width;
      const y = Math.max(top, (top + bottom) / 2 - MARKER_PX / 2 - 4);
      ctx.fillStyle = 'rgba(255,255,255,0.9)';
      ctx.fillRect(x - 12 - width, y - 3, width + 8, MARKER_PX + 8);
      ctx.fillStyle = STALL_COLOUR;
      ctx.textBaseline = 'top';
      ctx.fillText(gap.label, x - 8 - width, y);
      ctx.restore();
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
  gap?: GapMark;
  lang: Lang;
}

const ticks = (callback: (v: number | string) => string, extra: Record<string, unknown> = {}) => ({ font: { size: TICK_PX }, color: TEXT, callback, ...extra });

/** Accuracy from a round share below the lowest point (or 0) to 100%. */
function accuracyAxis(ys: number[]): Record<string, unknown> {
  const low = ys.length > 0 ? Math.min(...ys) : 0;
  return {
    type: 'linear',
    min: low >= 0.5 ? Math.max(0, Math.floor((low - 0.02) * 10) / 10) : 0,
    max: 1,
    ticks: ticks((v) => `${Math.round(Number(v) * 100)}%`),
  };
}

/** Whole decades at both ends, so the highest point (often the last before NaN) is not cut off; labels on powers of ten only. */
function logAxis(ys: number[]): Record<string, unknown> {
  return {
    type: 'logarithmic',
    min: 10 ** Math.floor(Math.log10(Math.min(...ys))),
    max: 10 ** Math.ceil(Math.log10(Math.max(...ys)) + 1e-9),
    ticks: ticks((v) => {
      const e = Math.log10(Number(v));
      return Math.abs(e - Math.round(e)) > 1e-9 ? '' : fmt(10 ** Math.round(e));
    }),
  };
}

/** The y axis of a panel and its title (a log axis says so). Built as plain options: chart.js' types for a scale that is linear or logarithmic do not narrow. */
function yAxis(spec: PanelSpec): { axis: Record<string, unknown>; title: string } {
  const ys = spec.lines.flatMap((l) => l.points.map((p) => p.y)).filter((y): y is number => y !== null);
  if (spec.kind === 'accuracy') return { axis: accuracyAxis(ys), title: spec.yTitle };
  if (wantsLogScale(spec.lines, spec.diverged)) return { axis: logAxis(ys), title: spec.yTitle + t(spec.lang, '（対数目盛）', ' (log scale)') };
  return {
    axis: { type: 'linear', beginAtZero: ys.every((v) => v >= 0), ticks: ticks((v) => fmt(Number(v)), { maxTicksLimit: 7 }) },
    title: spec.yTitle,
  };
}

/** Epochs 1 … maxEpoch; short runs get half an epoch of room at both ends and a tick on every epoch. */
function xAxis(maxEpoch: number, lang: Lang): Record<string, unknown> {
  const pad = maxEpoch <= 12 ? 0.5 : 0;
  const last = Math.max(1, maxEpoch);
  return {
    type: 'linear',
    min: 1 - pad,
    max: last + pad,
    title: { display: true, text: t(lang, 'エポック（データ全体を何周したか）', 'epoch (passes over the data)'), font: { size: AXIS_PX }, color: TEXT },
    ticks: ticks((v) => (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= last ? String(v) : ''), {
      maxTicksLimit: 9,
      precision: 0,
      autoSkip: maxEpoch > 12,
    }),
    grid: { color: '#e3e3e3' },
    // chart.js would put the ticks of a short run on the half-epoch padding.
    afterBuildTicks: (scale: { ticks: { value: number }[] }) => {
      if (maxEpoch <= 12) scale.ticks = Array.from({ length: last }, (_, i) => ({ value: i + 1 }));
    },
  };
}

function datasets(lines: Line[], maxEpoch: number): ChartConfiguration<'line'>['data']['datasets'] {
  const radius = maxEpoch <= 1 ? 8 : maxEpoch <= 20 ? 4 : 0;
  return lines.map((l) => ({
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
  }));
}

function panelConfig(spec: PanelSpec): ChartConfiguration<'line'> {
  const y = yAxis(spec);
  const plugins = [markerPlugin(spec.markers, spec.markerLabels)];
  if (spec.gap) plugins.push(gapPlugin(spec.gap));
  return {
    type: 'line',
    data: { datasets: datasets(spec.lines, spec.maxEpoch) },
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
        x: xAxis(spec.maxEpoch, spec.lang) as never,
        y: { ...y.axis, title: { display: true, text: y.title, font: { size: AXIS_PX }, color: TEXT }, grid: { color: '#e3e3e3' } } as never,
      },
    },
    plugins,
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
  const name = lessonTitle(result, lang);
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
    describeParams(params, lang, seeds, result.about?.paramLabels)
      .split(lang === 'ja' ? '・' : ' · ')
      .map(keep)
      .join(lang === 'ja' ? '・' : ' · '),
    keep(t(lang, `バックエンド: ${backendName(result.backend, lang)}`, `backend: ${backendName(result.backend, lang)}`)),
    keep(duration(result.seconds, lang)),
  ].join(sep);
}

/** Everything drawn, worked out from the result before anything is drawn. */
interface Layout {
  all: Series[];
  diagnoses: Diagnosis[];
  maxEpoch: number;
  withAcc: boolean;
  hasVal: boolean;
  markers: Marker[];
  gap?: GapMark;
}

function layoutOf(result: TrainResult, lang: Lang): Layout {
  const all = seriesOf(result);
  const diagnoses = diagnoseRun({ ...result, series: all }).map((x) => x.diagnosis);
  return {
    all,
    diagnoses,
    // A run stopped on NaN may not have logged the epoch it broke in; the axis still reaches it.
    maxEpoch: Math.max(0, ...all.flatMap((s) => [...s.history.map((h) => h.epoch), s.stopped?.epoch ?? 0])),
    withAcc: hasMetric(all, 'acc') || hasMetric(all, 'valAcc'),
    hasVal: hasMetric(all, 'valLoss') || hasMetric(all, 'valAcc'),
    markers: markersFor(all, diagnoses, lang),
    gap: gapFor(all, diagnoses, lang),
  };
}

/**
 * What the chart marks, worked out without drawing: the vertical markers
 * (overfitting, blow-ups, where validation stopped improving) and the gap
 * bracket. The reading names the same epochs; tests hold the two together.
 */
export function chartMarks(result: TrainResult, lang: Lang): { markers: { epoch: number; label: string; shade: boolean }[]; gap?: { epoch: number; label: string } } {
  const layout = layoutOf(result, lang);
  return {
    markers: layout.markers.map(({ epoch, label, shade }) => ({ epoch, label, shade })),
    gap: layout.gap ? { epoch: layout.gap.epoch, label: layout.gap.label } : undefined,
  };
}

/** The title, shrunk (then cut) to leave room for the verdict badge of a single run on the right. */
function drawTitle(ctx: SKRSContext2D, result: TrainResult, layout: Layout, width: number, lang: Lang): void {
  const title = titleText(result, lang);
  const d = layout.all.length === 1 ? layout.diagnoses[0] : undefined;
  const badge = d ? t(lang, `診断: ${verdictName(d, lang)}`, `verdict: ${verdictName(d, lang)}`) : undefined;
  ctx.font = `bold ${LEGEND_PX}px ${FONT_STACK}`;
  const badgeWidth = badge ? ctx.measureText(badge).width + 28 : 0;
  const room = width - 48 - badgeWidth - 16;
  let titlePx = TITLE_PX;
  for (; titlePx > 26; titlePx -= 2) {
    ctx.font = `bold ${titlePx}px ${FONT_STACK}`;
    if (ctx.measureText(title).width <= room) break;
  }
  ctx.font = `bold ${titlePx}px ${FONT_STACK}`;
  let line = title;
  while (line.length > 1 && ctx.measureText(line).width > room) line = line.slice(0, -2) + '…';
  ctx.fillStyle = TEXT;
  ctx.textBaseline = 'top';
  ctx.fillText(line, 24, 18 + (TITLE_PX - titlePx) / 2);
  if (!badge || !d) return;
  const [bg, fg] = BADGE_COLOURS[d.kind];
  ctx.font = `bold ${LEGEND_PX}px ${FONT_STACK}`;
  const bx = width - 24 - badgeWidth;
  ctx.fillStyle = bg;
  ctx.fillRect(bx, 18, badgeWidth, TITLE_PX + 8);
  ctx.fillStyle = fg;
  ctx.textBaseline = 'middle';
  ctx.fillText(badge, bx + 14, 18 + (TITLE_PX + 8) / 2);
}

/** The caption from the bottom up: a single run's final figures (text colour), then the settings. Returns its height. */
function drawCaption(ctx: SKRSContext2D, result: TrainResult, layout: Layout, width: number, height: number, lang: Lang): number {
  ctx.font = `${CAPTION_PX}px ${FONT_STACK}`;
  const figureLines = layout.all.length === 1 && layout.maxEpoch > 0 ? wrap(ctx, finalFiguresLine(layout.all[0], result, lang), width - 48).slice(0, 1) : [];
  const settingLines = wrap(ctx, captionText(result, layout.all, lang), width - 48).slice(0, 2);
  const lines = [...figureLines.map((text) => ({ text, colour: TEXT })), ...settingLines.map((text) => ({ text, colour: MUTED }))];
  const captionHeight = lines.length * (CAPTION_PX + 8) + 14;
  ctx.textBaseline = 'top';
  lines.forEach((line, i) => {
    ctx.fillStyle = line.colour;
    ctx.fillText(line.text, 24, height - captionHeight + 4 + i * (CAPTION_PX + 8));
  });
  return captionHeight;
}

function panelsOf(layout: Layout, lang: Lang): PanelSpec[] {
  const common = { maxEpoch: layout.maxEpoch, markers: layout.markers, lang };
  const panels: PanelSpec[] = [
    {
      ...common,
      kind: 'loss',
      title: t(lang, '損失（小さいほど良い）', 'Loss (lower is better)'),
      yTitle: t(lang, '損失', 'loss'),
      lines: linesFor(layout.all, 'loss', 'valLoss', lang),
      markerLabels: true,
      diverged: layout.diagnoses.some((d) => d.kind === 'diverged'),
    },
  ];
  if (layout.withAcc) {
    panels.push({
      ...common,
      kind: 'accuracy',
      title: t(lang, '正解率（高いほど良い）', 'Accuracy (higher is better)'),
      yTitle: t(lang, '正解率', 'accuracy'),
      lines: linesFor(layout.all, 'acc', 'valAcc', lang),
      markerLabels: false,
      diverged: false,
      gap: layout.gap,
    });
  }
  return panels;
}

/** Renders a finished run's loss (and accuracy) curves as a PNG, labelled in `lang`. */
export async function renderLossChart(result: TrainResult, lang: Lang, options: LossChartOptions = {}): Promise<Buffer> {
  const width = options.width ?? 1200;
  const height = options.height ?? 700;
  await ensureJapaneseFont(options.font);
  const [{ createCanvas }, { Chart }] = await Promise.all([loadCanvas(), loadChartJs()]);
  const layout = layoutOf(result, lang);

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  drawTitle(ctx, result, layout, width, lang);
  const legendTop = 18 + TITLE_PX + 18;
  const legendHeight = drawLegend(ctx, legendItems(layout.all, layout.diagnoses, layout.hasVal, lang), width, legendTop);
  const captionHeight = drawCaption(ctx, result, layout, width, height, lang);

  const panelTop = legendTop + legendHeight + 8;
  const panelHeight = height - captionHeight - panelTop - 6;
  const panels = panelsOf(layout, lang);
  const gap = 16;
  const panelWidth = Math.floor((width - 24 * 2 - gap * (panels.length - 1)) / panels.length);
  for (const [i, spec] of panels.entries()) {
    const panel = createCanvas(panelWidth, panelHeight);
    const chart: ChartJs<'line'> = new Chart(panel.getContext('2d') as never, panelConfig(spec));
    ctx.drawImage(panel, 24 + i * (panelWidth + gap), panelTop);
    chart.destroy();
  }
  if (layout.maxEpoch === 0) {
    ctx.font = `bold ${LEGEND_PX}px ${FONT_STACK}`;
    ctx.fillStyle = MARKER_COLOUR;
    ctx.textBaseline = 'middle';
    const msg = t(lang, '記録されたエポックがありません', 'no epoch was recorded');
    ctx.fillText(msg, (width - ctx.measureText(msg).width) / 2, panelTop + panelHeight / 2);
  }
  return canvas.encode('png');
}
