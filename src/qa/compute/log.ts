/**
 * Reads a training log pasted into a question (Keras's `Epoch 3/20 … loss: …
 * - val_loss: …` lines, or values written as `0.51 -> 0.40 -> 0.35`) and
 * says what it shows: divergence, a loss printed as 0.0000, a stall at
 * chance level, overfitting from a given epoch, validation loss and accuracy
 * rising together, loss falling while accuracy stays flat, accuracy on a
 * regression. Each finding names the epochs and values it rests on.
 */

export type Metric = 'loss' | 'accuracy' | 'val_loss' | 'val_accuracy';

export interface Point {
  /** The epoch number when the log shows it, else the position in the series (1-based). */
  epoch: number;
  value: number;
  /** The value as printed. */
  text: string;
  /** Whether the log printed the epoch number (`Epoch 3/20`), not only the order of the values. */
  labeled: boolean;
}

export type Series = Partial<Record<Metric, Point[]>>;

export type FindingKind =
  | 'diverged'
  | 'printed-zero'
  | 'exact-zero'
  | 'regression-accuracy'
  | 'chance-level'
  | 'chance-value'
  | 'stalled'
  | 'overfitting'
  | 'val-loss-and-accuracy-rise'
  | 'loss-falls-accuracy-flat'
  | 'train-val-gap'
  | 'oscillating'
  | 'negative-loss'
  | 'still-improving';

export interface Finding {
  kind: FindingKind;
  /** Epochs and values the finding rests on, for the text. */
  facts: Record<string, string | number | undefined>;
}

const METRIC_NAME = /\b(val_loss|val_accuracy|val_acc|loss|accuracy|acc)\b/;
const VALUE = String.raw`([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|nan|inf|-inf)`;

function metricOf(name: string): Metric {
  if (name === 'acc') return 'accuracy';
  if (name === 'val_acc') return 'val_accuracy';
  return name as Metric;
}

function num(text: string): number {
  const t = text.toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return Number(t);
}

/** The metric series of a pasted log. */
export function parseLog(text: string): Series {
  const t = text.normalize('NFKC');
  const series: Series = {};
  const push = (m: Metric, p: Point) => (series[m] ??= []).push(p);

  // 1. Sequences of one metric: arrows ("val_loss: 0.0612 -> 0.0745 -> 0.0890", "loss が 2.30→2.29→2.29"),
  // else a comma list of three or more values ("loss goes 2.3, 5.8, 41.2, 3.1e8, nan"). The first kind found is the series.
  const sequences = [
    new RegExp(`${METRIC_NAME.source}[^\\n\\d-]{0,12}${VALUE}((?:\\s*(?:->|→|⇒|=>|—>|➡)\\s*${VALUE})+)`, 'gi'),
    new RegExp(`${METRIC_NAME.source}\\s*(?:goes|went|is|was|values?|per epoch|by epoch|:|=|は|が)?[^\\n\\d-]{0,12}?${VALUE}((?:\\s*,\\s*${VALUE}(?![\\d.]*\\s*[a-z_]*\\s*[:=])){2,})`, 'gi'),
  ];
  for (const sequence of sequences) {
    let found = false;
    for (const m of t.matchAll(sequence)) {
      const metric = metricOf(m[1].toLowerCase());
      const values = [m[2], ...[...m[3].matchAll(new RegExp(VALUE, 'gi'))].map((x) => x[1])];
      values.forEach((v, i) => push(metric, { epoch: i + 1, value: num(v), text: v, labeled: false }));
      found = true;
    }
    if (found) return series;
  }

  // 2. Keras lines. An "Epoch k/N" line sets the epoch of the metrics after it.
  let epoch = 0;
  let position = 0;
  for (const line of t.split(/\r?\n/)) {
    // Several epochs pasted on one line ("Epoch 1/10 loss: 2.3e+12 Epoch 2/10 loss: nan"): each metric
    // belongs to the "Epoch k/N" before it.
    const marks = [...line.matchAll(/Epoch\s+(\d+)\s*\/\s*\d+/gi)].map((e) => ({ at: e.index!, epoch: Number(e[1]) }));
    const before = epoch;
    if (marks.length) epoch = marks[marks.length - 1].epoch;
    const pairs = [...line.matchAll(new RegExp(`${METRIC_NAME.source}\\s*[:=]\\s*${VALUE}`, 'gi'))];
    if (pairs.length === 0) continue;
    position++;
    for (const p of pairs) {
      const own = marks.filter((m) => m.at < p.index!).pop()?.epoch ?? (marks.length ? marks[0].epoch : before);
      push(metricOf(p[1].toLowerCase()), { epoch: own || position, value: num(p[2]), text: p[2], labeled: own > 0 });
    }
  }
  // An epoch's metrics may be on the same line as "Epoch k/N" and the next line too: keep the last per epoch.
  for (const m of Object.keys(series) as Metric[]) {
    const byEpoch = new Map<number, Point>();
    for (const p of series[m]!) byEpoch.set(p.epoch, p);
    series[m] = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  }
  return series;
}

const last = <T>(a: T[]) => a[a.length - 1];

/** What the series show, most important first. */
export function readLog(series: Series, lr?: number): Finding[] {
  const out: Finding[] = [];
  const loss = series.loss ?? [];
  const acc = series.accuracy ?? [];
  const vloss = series.val_loss ?? [];
  const vacc = series.val_accuracy ?? [];

  // A cross-entropy is never below 0 with labels it accepts: a negative loss says the labels are not what the loss expects.
  const negative = [...loss, ...vloss].find((p) => Number.isFinite(p.value) && p.value < 0);
  if (negative) {
    out.push({ kind: 'negative-loss', facts: { value: negative.text, ...(acc.length ? { acc: last(acc).text } : {}) } });
    return out;
  }
  // The NaN (or inf) it ends in when there is one, else the first huge value.
  const bad = loss.find((p) => !Number.isFinite(p.value)) ?? loss.find((p) => Math.abs(p.value) > 1e6);
  if (bad) {
    // An accuracy at 1/k alongside: the model predicts no better than guessing among k classes.
    const a = acc.length ? last(acc) : undefined;
    const guess = a ? [10, 3, 2].find((k) => Math.abs(a.value - 1 / k) < (k === 10 ? 0.02 : 0.04)) : undefined;
    out.push({ kind: 'diverged', facts: { epoch: bad.epoch, ...(bad.labeled ? {} : { unlabeled: 1 }), value: bad.text, first: loss[0]?.text ?? '', ...(a && guess ? { acc: a.text, classes: guess } : {}), ...(lr ? { lr } : {}) } });
    return out;
  }
  // Keras prints small values in scientific notation (1.2345e-08), so
  // 0.0000e+00 is exactly zero: a loss that cannot be (a one-unit softmax
  // always outputs 1). 0.0000 is a value rounded to four decimals.
  const exact = [...loss, ...vloss].find((p) => p.value === 0 && /e[+-]?0+$/i.test(p.text));
  const zero = [...loss, ...vloss].find((p) => p.value === 0 && /\.0{2,}$/.test(p.text));
  if (exact) out.push({ kind: 'exact-zero', facts: { text: exact.text, acc: acc.length ? last(acc).value : undefined, vloss: vloss.length ? last(vloss).text : undefined, vacc: vacc.length ? last(vacc).text : undefined } });
  else if (zero) out.push({ kind: 'printed-zero', facts: { text: zero.text, decimals: zero.text.split('.')[1]?.length ?? 0 } });

  // The training loss going up again and again by a good share: the steps overshoot the minimum.
  if (loss.length >= 4) {
    let ups = 0;
    let jump = 0;
    for (let i = 1; i < loss.length; i++) {
      const rise = (loss[i].value - loss[i - 1].value) / Math.max(loss[i - 1].value, 1e-9);
      if (rise > 0.05) ups++;
      jump = Math.max(jump, rise);
    }
    if (ups >= 2 && ups >= (loss.length - 1) / 3 && jump >= 0.15) {
      out.push({ kind: 'oscillating', facts: { values: loss.slice(0, 6).map((p) => p.text).join(' → '), ups, ...(lr === undefined ? {} : { lr }) } });
    }
  }

  if (acc.length >= 2 && acc.every((p) => p.value === 0) && loss.length >= 1 && last(loss).value > 0) {
    out.push({ kind: 'regression-accuracy', facts: { loss: last(loss).text } });
  }

  if (loss.length >= 3) {
    const first = loss[0].value;
    const end = last(loss).value;
    const change = Math.abs(first - end) / Math.max(Math.abs(first), 1e-9);
    const chance = [10, 3, 2].find((k) => Math.abs(end - Math.log(k)) < 0.03);
    const lrFact = lr === undefined ? {} : { lr };
    if (change < 0.03 && chance) out.push({ kind: 'chance-level', facts: { first: loss[0].text, value: last(loss).text, classes: chance, ln: Math.log(chance).toFixed(2), ...lrFact } });
    else if (change < 0.02) out.push({ kind: 'stalled', facts: { first: loss[0].text, last: last(loss).text, ...lrFact } });
  } else if (loss.length >= 1) {
    // One or two values at ln(k): the loss of equal probabilities over k classes,
    // where every classifier starts and where one that learns nothing stays.
    const p = loss[0];
    const chance = [10, 3, 2].find((k) => Math.abs(p.value - Math.log(k)) < 0.015);
    if (chance) out.push({ kind: 'chance-value', facts: { value: p.text, classes: chance, ln: Math.log(chance).toFixed(4), ...(loss.length > 1 ? { next: last(loss).text } : {}), ...(lr === undefined ? {} : { lr }) } });
  }

  // Two quoted epochs ("Epoch 6/20 … Epoch 12/20") can say it too when validation loss and accuracy both rose between them;
  // two runs side by side ("A: … B: …") are not a course of training.
  const twoRising = vloss.length === 2 && vacc.length === 2 && vloss.every((p) => p.labeled) && vloss[1].value > vloss[0].value * 1.03 && vacc[1].value > vacc[0].value;
  if (vloss.length >= 3 || twoRising) {
    let best = 0;
    vloss.forEach((p, i) => {
      if (p.value < vloss[best].value) best = i;
    });
    const rising = best < vloss.length - 1 && last(vloss).value > vloss[best].value * 1.03;
    // An excerpt that begins long after the overfitting began (training accuracy 0.999 against 0.54 at its first
    // line) shows no start: the lowest val_loss among its noisy last epochs is no turning point.
    const first = (xs: Point[]) => xs.find((p) => p.epoch === vloss[0].epoch);
    const gapFromStart = (first(acc)?.value ?? 0) > 0.95 && (first(acc)?.value ?? 0) - (first(vacc)?.value ?? 1) > 0.2;
    if (rising && !gapFromStart) {
      const vaccRising = vacc.length >= 2 && last(vacc).value > (vacc.find((p) => p.epoch === vloss[best].epoch) ?? vacc[0]).value;
      const facts = { best: vloss[best].epoch, bestValue: vloss[best].text, lastEpoch: last(vloss).epoch, lastValue: last(vloss).text, positional: vloss.some((p) => !p.labeled) ? 1 : 0 };
      if (vaccRising) out.push({ kind: 'val-loss-and-accuracy-rise', facts: { ...facts, accFrom: vacc[0].text, accTo: last(vacc).text } });
      else out.push({ kind: 'overfitting', facts });
    }
  }

  if (acc.length >= 1 && vacc.length >= 1 && !out.some((f) => f.kind === 'overfitting' || f.kind === 'val-loss-and-accuracy-rise')) {
    const gap = last(acc).value - last(vacc).value;
    // A single epoch's line says it too when the gap is wide (0.99 against 0.60), or when a training loss near 0 sits beside a validation loss many times larger.
    const lossGap = !out.some((f) => f.kind === 'exact-zero') && loss.length && vloss.length && last(loss).value < 0.01 && last(vloss).value > 10 * last(loss).value && last(vloss).value > 0.05;
    if ((acc.length >= 2 || gap > 0.1 || lossGap) && gap > 0.015 && last(acc).value > 0.95) {
      // Validation accuracy swinging by 0.1 or more between the epochs shown: an overfit model's validation score is unstable.
      const swing = vacc.length >= 3 && Math.max(...vacc.map((p) => p.value)) - Math.min(...vacc.map((p) => p.value)) >= 0.1 ? { swing: vacc.map((p) => p.text).join(' → ') } : {};
      out.push({ kind: 'train-val-gap', facts: { train: last(acc).text, val: last(vacc).text, ...(lossGap ? { loss: last(loss).text, vloss: last(vloss).text } : {}), ...swing } });
    }
  }

  // A healthy run: validation loss falling at every epoch shown and close to the training loss. Not overfitting; it may improve further.
  if (vloss.length >= 3 && loss.length >= 3 && !out.length && vloss.every((p, i) => i === 0 || p.value < vloss[i - 1].value) && last(vloss).value < last(loss).value * 1.25 && (!acc.length || !vacc.length || Math.abs(last(acc).value - last(vacc).value) < 0.03)) {
    out.push({ kind: 'still-improving', facts: { vlosses: vloss.map((p) => p.text).join(' → '), loss: last(loss).text, ...(acc.length && vacc.length ? { acc: last(acc).text, vacc: last(vacc).text } : {}) } });
  }

  for (const [l, a] of [[loss, acc], [vloss, vacc]] as const) {
    if (l.length >= 3 && a.length >= 3 && !out.some((f) => f.kind === 'regression-accuracy' || f.kind === 'val-loss-and-accuracy-rise')) {
      const lossDrop = (l[0].value - last(l).value) / Math.max(l[0].value, 1e-9);
      const accMove = Math.abs(last(a).value - a[0].value);
      if (lossDrop > 0.05 && accMove < 0.005) {
        out.push({ kind: 'loss-falls-accuracy-flat', facts: { lossFrom: l[0].text, lossTo: last(l).text, acc: last(a).text } });
        break;
      }
    }
  }
  return out;
}
