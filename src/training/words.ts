/**
 * The words of a training run that a participant reads, in Japanese and
 * English: the progress line, a text progress bar, why a series stopped, and
 * the summary after training. Every face (terminal, Discord, web) uses these,
 * so a run reads the same wherever it was started.
 */
import type { Lang } from '../core/lang.ts';
import type { EpochEvent, Series, TrainResult } from './types.ts';

const num = (v: number | undefined) =>
  v === undefined ? '' : v !== 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
const pct = (v: number | undefined) => (v === undefined ? '' : `${(v * 100).toFixed(1)}%`);

/** One progress line in `lang`. */
export function progressLine(e: EpochEvent, lang: Lang): string {
  const parts: string[] = [];
  if (e.seriesCount > 1) parts.push(`[${e.series} ${e.seriesIndex + 1}/${e.seriesCount}]`);
  const ja = lang === 'ja';
  parts.push(ja ? `エポック ${e.epoch}/${e.totalEpochs}` : `epoch ${e.epoch}/${e.totalEpochs}`);
  parts.push(`${ja ? '損失' : 'loss'} ${num(e.loss)}`);
  if (e.valLoss !== undefined) parts.push(`${ja ? '検証損失' : 'val loss'} ${num(e.valLoss)}`);
  if (e.acc !== undefined) parts.push(`${ja ? '正解率' : 'acc'} ${pct(e.acc)}`);
  if (e.valAcc !== undefined) parts.push(`${ja ? '検証正解率' : 'val acc'} ${pct(e.valAcc)}`);
  parts.push(`(${(e.elapsedMs / 1000).toFixed(1)}${ja ? '秒' : ' s'})`);
  return parts.join('  ');
}

export function stoppedText(s: Series, lang: Lang): string | undefined {
  if (!s.stopped) return undefined;
  const at = s.stopped.epoch;
  switch (s.stopped.reason) {
    case 'nan':
      return lang === 'ja'
        ? `エポック ${at} で損失が NaN（数値でない値）になったため止めました。学習率が大きすぎる可能性があります。`
        : `Stopped at epoch ${at}: the loss became NaN (not a number). The learning rate is probably too large.`;
    case 'cancelled':
      return lang === 'ja' ? `エポック ${at} の途中で中止しました。` : `Cancelled during epoch ${at}.`;
    case 'timeout':
      return lang === 'ja' ? `エポック ${at} の途中で時間切れになりました。` : `Timed out during epoch ${at}.`;
  }
}

const METRIC_NAMES: Record<string, { ja: string; en: string }> = {
  loss: { ja: '損失', en: 'loss' },
  valLoss: { ja: '検証損失', en: 'val loss' },
  acc: { ja: '正解率', en: 'acc' },
  valAcc: { ja: '検証正解率', en: 'val acc' },
};

/** The summary block printed after training. */
export function summary(result: TrainResult, lang: Lang): string {
  const ja = lang === 'ja';
  const lines = [
    ja
      ? `レッスン ${result.lesson}：${result.seconds} 秒（バックエンド ${result.backend}）`
      : `Lesson ${result.lesson}: ${result.seconds} s (backend ${result.backend})`,
  ];
  for (const s of result.series) {
    const f = s.final;
    const figures = Object.entries(f)
      .map(([k, v]) => `${METRIC_NAMES[k]?.[lang] ?? k} ${k === 'acc' || k === 'valAcc' ? pct(v) : Number.isInteger(v) ? v : num(v)}`)
      .join(', ');
    lines.push(`  ${s.label[lang]}: ${figures || (ja ? '（完了したエポックなし）' : '(no completed epoch)')}`);
    const stop = stoppedText(s, lang);
    if (stop) lines.push(`    ${stop}`);
  }
  const ex = result.extras ?? {};
  if (typeof ex.trueM === 'number' && typeof ex.trueB === 'number') {
    lines.push(ja ? `  本当の値: m = ${ex.trueM}, b = ${ex.trueB}` : `  true values: m = ${ex.trueM}, b = ${ex.trueB}`);
  }
  return lines.join('\n');
}

/** A text bar for `done` of `total` ("███████░░░░░░░"), `width` cells wide. */
export function progressBar(done: number, total: number, width = 16): string {
  const share = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const full = Math.round(share * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}
