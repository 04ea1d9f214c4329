/**
 * Reads a training curve the way a TA would: did it learn, did it blow up,
 * did it stall, did it start memorising? Pure functions over the history, so
 * every face (the chart's markers, the reading, a dashboard badge) agrees.
 *
 * Every verdict rests on something a participant can see: a change counts
 * only when it is large enough to show on the chart's own axis (a share of
 * the loss panel's height) or to move the accuracy by more than runs with
 * different seeds differ (the lesson's measured seed spread). The thresholds
 * are named in THRESHOLDS and were checked against the table of real runs in
 * tests/fixtures/runs.
 */
import type { EpochLog, LessonFacts, SeedSpread, Series, TrainResult } from '../training/types.ts';

export type DiagnosisKind = 'healthy' | 'stalled' | 'overfitting' | 'diverged' | 'plateau' | 'underfitting';

/** Why a run got its kind, for the kinds that have more than one cause. */
export type DiagnosisReason =
  | 'nan' // the loss became NaN or Infinity
  | 'exploding' // the loss grew instead of shrinking
  | 'exploded-early' // the loss blew up inside the first epoch and the network saturated (no NaN, a flat line far too high)
  | 'unstable' // the loss jumps up and down from epoch to epoch instead of settling
  | 'no-progress' // the loss barely moved from its first value
  | 'low-accuracy' // the curve flattened but the model is still wrong on its own training data
  | 'still-falling' // the run ended while the loss was still dropping fast
  | 'too-short' // fewer than 3 epochs: too few to see a trend
  | 'no-epochs'; // nothing was logged

export interface Diagnosis {
  kind: DiagnosisKind;
  reason?: DiagnosisReason;
  /**
   * Where the problem starts: for overfitting the epoch with the lowest
   * validation loss (it rises after it: stop here); for a stalled run the
   * epoch validation stopped improving; for divergence the first NaN epoch or
   * the first epoch after the lowest loss; for underfitting with low accuracy
   * the epoch the curve flattened; for a plateau, 1.
   */
  fromEpoch?: number;
  /** For reason 'nan': which non-finite value the loss became first. */
  nonFinite?: 'NaN' | 'Infinity';
  /** For classification: the loss of a model that only guesses (ln K for K classes), when known. */
  chanceLoss?: number;
  /** For classification: the accuracy of guessing (1/K), when known. */
  chanceAcc?: number;
  /** Epochs logged. */
  epochs: number;
  firstLoss?: number;
  finalLoss?: number;
  bestLoss?: number;
  bestEpoch?: number;
  finalValLoss?: number;
  bestValLoss?: number;
  bestValEpoch?: number;
  finalAcc?: number;
  finalValAcc?: number;
  /** Highest validation accuracy and its epoch. */
  bestValAcc?: number;
  bestValAccEpoch?: number;
  /** Relative drop of the training loss from the first epoch to its lowest (0..1). */
  drop: number;
  /** Epoch from which the training loss stayed within 10% of its total drop of the lowest value. */
  flatFromEpoch?: number;
  /** The loss was still falling noticeably over the last fifth of the run. */
  stillImproving: boolean;
  /**
   * Over the last third of the run the validation curves still improved by
   * more than can be seen (loss) or than seeds differ (accuracy): more epochs
   * would likely still help.
   */
  valStillImproving: boolean;
  /**
   * The epoch after which the validation curves improved no more than can be
   * seen (loss) or than seeds differ (accuracy); set when at least
   * `THRESHOLDS.stallEpochs` epochs followed it. Early stopping would stop here.
   */
  valStalledAt?: number;
  /** Final training accuracy minus final validation accuracy, when both exist (0..1). */
  gap?: number;
  /** The gap is wider than seeds differ and than `THRESHOLDS.gap`: worth naming. */
  wideGap: boolean;
  /** The height of the loss axis this diagnosis judged visibility against. */
  axisSpan?: number;
  /**
   * The validation loss ended visibly above its lowest point (at `bestValEpoch`)
   * while it was not called overfitting, because the validation accuracy did not
   * suffer: an early sign worth naming, not a verdict.
   */
  valLossRose: boolean;
}

/** Thresholds, named so a test or a reader can see what "barely" and "clearly" mean here. */
export const THRESHOLDS = {
  /** Below this relative drop from the first epoch the loss "barely moved". */
  plateauDrop: 0.1,
  /** An improvement of the validation loss smaller than this share of the loss axis cannot be seen on the chart... */
  visibleChange: 0.03,
  /** ... and one smaller than this share of the loss itself is no longer a trend (a slow steady fall still is). */
  stallRelative: 0.1,
  /** A validation-loss rise must be at least this share of the loss axis to be called overfitting on the loss alone... */
  overfitVisibleRise: 0.1,
  /** ... and at least this much relative to its lowest value. */
  overfitRelativeRise: 0.08,
  /** A validation-accuracy fall from its best of at least this much (and more than seeds differ) is overfitting. */
  overfitAccDrop: 0.02,
  /** Epochs without a visible improvement before validation counts as stalled. */
  stallEpochs: 3,
  /** After the stall, training must still be improving by this much (relative loss drop) for "stalled" rather than "done". */
  stallTrainDrop: 0.3,
  /** Accuracy differences below this are noise when the lesson has no measured seed spread. */
  accNoise: 0.005,
  /** A train-validation accuracy gap of at least this is named (when wider than seeds differ too). */
  gap: 0.02,
  /** Unstable: after the first fifth, the loss rises in at least this share of the epochs... */
  unstableUps: 1 / 3,
  /** ... by jumps averaging at least this share of its level... */
  unstableJump: 0.1,
  /** ... and ends at least this many times its lowest value (it never settles). */
  unstableUnsettled: 1.2,
  /** A final loss this many times the first one means the run is blowing up. */
  explodeFactor: 2,
  /** Training accuracy at or above this counts as "learned"; below it, with a flat curve, the model cannot fit its own data. */
  goodAccuracy: 0.9,
  /** Relative drop of the training loss over the last fifth of the run (at least 2 epochs) that counts as still falling... */
  stillFallingRelative: 0.1,
  /** ... or a drop over it of at least this share of the loss axis (visibly still going down). */
  stillFallingVisible: 0.03,
  /** A classification loss that never gets below this many times the guessing loss (ln K) has blown up. */
  chanceFactor: 2,
} as const;

/**
 * What the history alone cannot say: which loss the lesson uses, how many
 * classes it has, how much accuracy differs between seeds, and how tall the
 * chart's loss axis is (shared by every series of a run).
 */
export interface DiagnoseContext {
  /** The lesson's loss, e.g. 'categoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError'. */
  lossKind?: string;
  /** Number of classes of a classification lesson. */
  numClasses?: number;
  /** Accuracy differences up to this are ordinary between seeds (half the measured spread). */
  accNoise?: number;
  /** Height of the loss axis: the largest finite loss of any series of the run. */
  axisSpan?: number;
  /** What the lesson reaches with its defaults (its measured seed spread), for "worse than it should be". */
  reference?: SeedSpread;
}

const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The largest finite training or validation loss of these series: what the chart's linear loss axis spans from 0. */
export function lossAxisSpan(series: Pick<Series, 'history'>[]): number | undefined {
  const ys = series.flatMap((s) => s.history.flatMap((h) => [h.loss, h.valLoss])).filter(finite);
  return ys.length > 0 ? Math.max(...ys) : undefined;
}

/** The lesson's measured seed spread for `variant` (its first one when the variant has none of its own). */
function spreadOf(about: LessonFacts | undefined, variant?: string): SeedSpread | undefined {
  const spreads = about?.seedSpread;
  if (!spreads) return undefined;
  return (variant && spreads[variant]) || Object.values(spreads)[0];
}

/** The context a run's result carries: the lesson's loss and classes (`about`, or `extras` of older results) and the loss axis. */
export function contextOf(result: Pick<TrainResult, 'extras' | 'about'> & Partial<Pick<TrainResult, 'series'>> | undefined, variant?: string): DiagnoseContext {
  const e = result?.extras ?? {};
  const ctx: DiagnoseContext = {};
  const lossKind = result?.about?.loss ?? e.lossKind;
  if (typeof lossKind === 'string') ctx.lossKind = lossKind;
  const k = result?.about?.numClasses ?? e.numClasses;
  if (typeof k === 'number' && Number.isInteger(k) && k >= 2) ctx.numClasses = k;
  const spread = spreadOf(result?.about, variant);
  if (spread) {
    ctx.reference = spread;
    // Half the measured spread: a difference of that much is ordinary between seeds.
    if (spread.metric === 'valAcc') ctx.accNoise = (spread.max - spread.min) / 2;
  }
  const span = result?.series ? lossAxisSpan(result.series) : undefined;
  if (span !== undefined) ctx.axisSpan = span;
  return ctx;
}

/** Cross-entropy of a model that gives every class the same probability: ln K (ln 2 for a binary output). */
export function chanceLossOf(ctx: DiagnoseContext | undefined): number | undefined {
  const kind = ctx?.lossKind?.toLowerCase() ?? '';
  if (kind.includes('binary')) return Math.log(2);
  if (kind.includes('categorical') && ctx?.numClasses) return Math.log(ctx.numClasses);
  return undefined;
}

function argmin(values: (number | undefined)[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!finite(v)) continue;
    if (best < 0 || v < (values[best] as number)) best = i;
  }
  return best;
}

function argmax(values: (number | undefined)[]): number {
  return argmin(values.map((v) => (finite(v) ? -v : v)));
}

/** Centred moving average that ignores non-finite values. */
function smooth(values: number[], window: number): number[] {
  if (window <= 1) return values.slice();
  const half = Math.floor(window / 2);
  return values.map((_, i) => {
    let sum = 0;
    let count = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(values.length - 1, i + half); j++) {
      if (finite(values[j])) {
        sum += values[j];
        count++;
      }
    }
    return count > 0 ? sum / count : Number.NaN;
  });
}

function lastFinite(values: (number | undefined)[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) if (finite(values[i])) return values[i];
  return undefined;
}

/**
 * The smallest step the validation accuracy moves in (one example of a small
 * validation set: 1/30 for iris): a change of one step is never a trend.
 */
function accStep(history: EpochLog[]): number {
  const vals = [...new Set(history.map((h) => h.valAcc).filter(finite))].sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < vals.length; i++) if (vals[i] - vals[i - 1] > 1e-6) step = Math.min(step, vals[i] - vals[i - 1]);
  return Number.isFinite(step) ? step : 0;
}

const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;

type SeriesLike = Pick<Series, 'history'> & Partial<Pick<Series, 'stopped'>>;

/** The figures every verdict starts from: first, best and final values, chance level. */
function baseFacts(history: EpochLog[], context: DiagnoseContext | undefined): Diagnosis {
  const loss = history.map((h) => h.loss);
  const val = history.map((h) => h.valLoss);
  const valAcc = history.map((h) => h.valAcc);
  const base: Diagnosis = {
    kind: 'healthy',
    epochs: history.length,
    drop: 0,
    stillImproving: false,
    valStillImproving: false,
    wideGap: false,
    valLossRose: false,
    finalAcc: lastFinite(history.map((h) => h.acc)),
    finalValAcc: lastFinite(valAcc),
  };
  const chance = chanceLossOf(context);
  if (chance !== undefined) {
    base.chanceLoss = chance;
    base.chanceAcc = 1 / Math.round(Math.exp(chance));
  }
  const firstIdx = loss.findIndex(finite);
  const bestIdx = argmin(loss);
  if (firstIdx >= 0) {
    base.firstLoss = loss[firstIdx];
    base.bestLoss = loss[bestIdx];
    base.bestEpoch = history[bestIdx].epoch;
    base.finalLoss = lastFinite(loss);
    base.drop = base.firstLoss > 0 ? Math.max(0, (base.firstLoss - base.bestLoss) / base.firstLoss) : 0;
  }
  const bestVal = argmin(val);
  if (bestVal >= 0) {
    base.bestValLoss = val[bestVal];
    base.bestValEpoch = history[bestVal].epoch;
    base.finalValLoss = lastFinite(val);
  }
  const bestAcc = argmax(valAcc);
  if (bestAcc >= 0) {
    base.bestValAcc = valAcc[bestAcc];
    base.bestValAccEpoch = history[bestAcc].epoch;
  }
  base.axisSpan = context?.axisSpan ?? lossAxisSpan([{ history }]);
  return base;
}

/** NaN or Infinity anywhere, or a stop because of it. */
function nanDivergence(history: EpochLog[], stopped: Series['stopped'], base: Diagnosis): Diagnosis | undefined {
  const badIdx = history.findIndex((h) => !finite(h.loss) || (h.valLoss !== undefined && !finite(h.valLoss)));
  if (badIdx < 0 && stopped?.reason !== 'nan') return undefined;
  const bad = badIdx >= 0 ? history[badIdx] : undefined;
  const value = bad ? (finite(bad.loss) ? bad.valLoss! : bad.loss) : Number.NaN;
  return { ...base, kind: 'diverged', reason: 'nan', nonFinite: Number.isNaN(value) ? 'NaN' : 'Infinity', fromEpoch: bad ? bad.epoch : stopped!.epoch };
}

/** A loss that exploded without becoming NaN: far above guessing, growing, or frozen above where it started. */
function explosion(history: EpochLog[], base: Diagnosis): Diagnosis | undefined {
  const n = history.length;
  const loss = history.map((h) => h.loss);
  const first = base.firstLoss!;
  const final = base.finalLoss!;
  const best = base.bestLoss!;
  const bestIdx = history.findIndex((h) => h.epoch === base.bestEpoch);
  const chance = base.chanceLoss;
  const learnedAcc = finite(base.finalAcc) && base.finalAcc >= THRESHOLDS.goodAccuracy;
  const after = history[Math.min(bestIdx + 1, n - 1)].epoch;
  // A large learning rate can throw the weights so far in the first batches that the softmax saturates; the
  // logged loss is then flat and huge, never NaN. A classifier that merely guesses scores ln K, so a loss that
  // never came near that can only have been pushed up by the updates (this works even for a 1-epoch run).
  if (chance !== undefined && best > chance * THRESHOLDS.chanceFactor && !learnedAcc) {
    return { ...base, kind: 'diverged', reason: 'exploded-early', fromEpoch: history[0].epoch };
  }
  if (n >= 2 && final > first * THRESHOLDS.explodeFactor && final > best * 3) return { ...base, kind: 'diverged', reason: 'exploding', fromEpoch: after };
  // Started fine, then blew up to far above guessing without tripling (the softmax saturated).
  if (chance !== undefined && final > chance * THRESHOLDS.chanceFactor && final > best * 1.5 && !learnedAcc) {
    return { ...base, kind: 'diverged', reason: 'exploding', fromEpoch: after };
  }
  // Without the lesson's loss: a loss that rose from the first epoch and then froze to the last digit
  // (dead, saturated units give exactly zero gradient) is the same failure seen from the history.
  if (n >= 4 && final > first && !learnedAcc) {
    let k = n - 1;
    while (k > 0 && Math.abs(loss[k - 1] - final) <= 1e-6 * Math.abs(final)) k--;
    if (n - k >= 3) return { ...base, kind: 'diverged', reason: 'exploded-early', fromEpoch: history[k].epoch };
  }
  return undefined;
}

/**
 * A loss that jumps up and down from epoch to epoch and ends well above its
 * lowest value: the updates overshoot back and forth (a learning rate too high
 * to settle, though not high enough to blow up).
 */
function instability(history: EpochLog[], base: Diagnosis, reference: SeedSpread | undefined): Diagnosis | undefined {
  const n = history.length;
  if (n < 6) return undefined;
  const start = Math.max(2, Math.floor(n / 5));
  const tail = history.slice(start).map((h) => h.loss);
  let ups = 0;
  let jumps = 0;
  for (let i = 1; i < tail.length; i++) {
    if (tail[i] > tail[i - 1]) ups++;
    jumps += Math.abs(tail[i] - tail[i - 1]);
  }
  const steps = tail.length - 1;
  const jumpy = ups >= steps * THRESHOLDS.unstableUps && jumps / steps >= THRESHOLDS.unstableJump * mean(tail);
  if (!jumpy || base.finalLoss! < base.bestLoss! * THRESHOLDS.unstableUnsettled) return undefined;
  // Jumpy curves that still end where the lesson's defaults end (small batches are noisy) are not a failure.
  if (!worseThanReference(base, reference)) return undefined;
  return { ...base, kind: 'diverged', reason: 'unstable', fromEpoch: history[start].epoch };
}

/**
 * The run ended clearly worse than the lesson does with its defaults (its
 * measured seed spread); without a measurement, a classifier that has not
 * learned its own training data, or any regression.
 */
export function worseThanReference(d: Pick<Diagnosis, 'finalValAcc' | 'finalValLoss' | 'finalAcc'>, reference: SeedSpread | undefined): boolean {
  if (reference?.metric === 'valAcc' && finite(d.finalValAcc)) return d.finalValAcc < reference.min - THRESHOLDS.gap;
  if (reference?.metric === 'valLoss' && finite(d.finalValLoss)) return d.finalValLoss > reference.max * THRESHOLDS.unstableUnsettled;
  return finite(d.finalAcc) ? d.finalAcc < THRESHOLDS.goodAccuracy : true;
}

/** Where the training loss flattened, and whether it is still falling at the end. */
function trend(history: EpochLog[], base: Diagnosis): void {
  const n = history.length;
  const loss = history.map((h) => h.loss);
  const best = base.bestLoss!;
  const final = base.finalLoss!;
  const totalDrop = base.firstLoss! - best;
  if (totalDrop <= 0) return;
  const flatIdx = loss.findIndex((v) => v - best <= 0.1 * totalDrop);
  base.flatFromEpoch = history[Math.max(0, flatIdx)].epoch;
  if (n < 4) return;
  // Over the last fifth of the run (at least two epochs): a fall that is large for where the curve is now
  // (slow curves look flat on a plot while the loss keeps shrinking by a tenth), or visible on the axis.
  const s = Math.min(n - 3, Math.floor(n * 0.8));
  const tailDrop = loss[s] - final;
  base.stillImproving = tailDrop / loss[s] >= THRESHOLDS.stillFallingRelative || tailDrop >= THRESHOLDS.stillFallingVisible * (base.axisSpan ?? loss[0]);
}

/**
 * The first epoch after which neither validation curve improved by more than
 * can be seen (loss: a share of the axis) or than seeds differ (accuracy).
 * Returns its index in `history`.
 */
function stallIndex(history: EpochLog[], axisSpan: number, accNoise: number): number {
  const n = history.length;
  const val = history.map((h) => h.valLoss);
  const acc = history.map((h) => h.valAcc);
  const lossStall = (k: number) => {
    const at = val[k];
    if (!finite(at)) return true;
    const tol = Math.min(THRESHOLDS.visibleChange * axisSpan, THRESHOLDS.stallRelative * at);
    return val.slice(k + 1).every((v) => !finite(v) || v >= at - tol);
  };
  const hasAcc = acc.some(finite);
  const accStall = (k: number) => !hasAcc || !finite(acc[k]) || acc.slice(k + 1).every((v) => !finite(v) || v <= (acc[k] as number) + accNoise);
  for (let k = 0; k < n; k++) if (lossStall(k) && accStall(k)) return k;
  return n - 1;
}

/** Validation facts: where it stalled, the train-validation gap. Fills `base`. */
function validationFacts(history: EpochLog[], base: Diagnosis, accNoise: number): void {
  const n = history.length;
  if (!history.some((h) => finite(h.valLoss) || finite(h.valAcc))) return;
  const k = stallIndex(history, base.axisSpan ?? 1, accNoise);
  const from = Math.max(0, Math.min(n - 3, Math.floor((n * 2) / 3)));
  const at = history[from];
  const last = history[n - 1];
  const lossGain = finite(at.valLoss) && finite(last.valLoss) ? at.valLoss - last.valLoss : 0;
  const accGain = finite(at.valAcc) && finite(last.valAcc) ? last.valAcc - at.valAcc : 0;
  base.valStillImproving = n >= 4 && (lossGain >= THRESHOLDS.visibleChange * (base.axisSpan ?? 1) || accGain > 2 * accNoise);
  // At least a few epochs, and a tenth of a long run, without improvement: a pause in a long run is not a stall.
  if (n - 1 - k >= Math.max(THRESHOLDS.stallEpochs, Math.ceil(n / 10))) base.valStalledAt = history[k].epoch;
  if (finite(base.finalAcc) && finite(base.finalValAcc)) {
    base.gap = base.finalAcc - base.finalValAcc;
    base.wideGap = base.gap >= Math.max(THRESHOLDS.gap, 2 * accNoise);
  }
}

/**
 * Overfitting: after its lowest point the validation loss rises while the
 * training loss keeps falling, and it matters to what a participant watches:
 * the validation accuracy falls by more than seeds differ, or (without
 * accuracy, or with an accuracy that stopped improving) the rise is a visible
 * share of the loss axis. A rise that is only visible is recorded in
 * `valLossRose`.
 */
function overfitting(history: EpochLog[], base: Diagnosis, accNoise: number): Diagnosis | undefined {
  const n = history.length;
  const vals = history.map((h) => (finite(h.valLoss) ? h.valLoss : Number.NaN));
  if (vals.filter(finite).length < 4) return undefined;
  const smoothed = smooth(vals, n >= 15 ? 3 : 1);
  const b = argmin(smoothed);
  if (b < 0 || b > n - 3) return undefined;
  // Report the raw lowest point next to the smoothed one, so the epoch matches the data.
  let raw = b;
  for (let j = Math.max(0, b - 1); j <= Math.min(n - 1, b + 1); j++) if (finite(vals[j]) && vals[j] < vals[raw]) raw = j;
  const tail = smoothed.slice(-Math.min(3, n - b - 1)).filter(finite);
  const rise = mean(tail) - smoothed[b];
  const trainStillFalling = base.finalLoss! < history[raw].loss * 0.97;
  if (!trainStillFalling || !(rise > smoothed[b] * THRESHOLDS.overfitRelativeRise)) return undefined;
  const span = base.axisSpan ?? 1;
  const visible = rise >= THRESHOLDS.overfitVisibleRise * span;
  const accs = history.map((h) => (finite(h.valAcc) ? h.valAcc : Number.NaN));
  let matters = visible;
  if (accs.some(finite)) {
    const best = Math.max(...smooth(accs, 3).slice(0, n - 2).filter(finite));
    const end = mean(accs.slice(-3).filter(finite));
    const accFell = best - end >= Math.max(THRESHOLDS.overfitAccDrop, 2 * accNoise);
    // The loss rose, yet validation accuracy kept improving after its lowest point: more confident
    // about the examples it gets wrong, not (yet) worse at the task.
    const accImproved = Math.max(...accs.slice(raw + 1).filter(finite)) > (accs[raw] ?? 0) + 2 * accNoise;
    matters = accFell || (visible && !accImproved);
  }
  if (matters) return { ...base, kind: 'overfitting', fromEpoch: history[raw].epoch, bestValEpoch: history[raw].epoch, bestValLoss: vals[raw] };
  // Visible both on average over the last epochs and at the last one (the figure the reading quotes).
  base.valLossRose = rise >= THRESHOLDS.visibleChange * span && (base.finalValLoss ?? 0) - vals[raw] >= THRESHOLDS.visibleChange * span;
  if (base.valLossRose) {
    base.bestValEpoch = history[raw].epoch;
    base.bestValLoss = vals[raw];
  }
  return undefined;
}

/** Training still improving clearly after epoch index `k` (so validation, not training, has stopped). */
function trainingMovedOn(history: EpochLog[], k: number): boolean {
  const last = history[history.length - 1];
  const at = history[k];
  const lossDrop = (at.loss - last.loss) / at.loss;
  const accRise = finite(at.acc) && finite(last.acc) ? last.acc - at.acc : 0;
  return lossDrop >= THRESHOLDS.stallTrainDrop || accRise >= 0.01;
}

/** Diagnoses one series (or a bare history). */
export function diagnose(input: SeriesLike | EpochLog[], context?: DiagnoseContext): Diagnosis {
  const history = [...(Array.isArray(input) ? input : input.history)].sort((a, b) => a.epoch - b.epoch);
  const stopped = Array.isArray(input) ? undefined : input.stopped;
  const base = baseFacts(history, context);
  const nan = nanDivergence(history, stopped, base);
  if (nan) return nan;
  const n = history.length;
  if (n === 0) return { ...base, kind: 'underfitting', reason: 'no-epochs' };
  const exploded = explosion(history, base);
  if (exploded) return exploded;

  const unstable = instability(history, base, context?.reference);
  if (unstable) return unstable;
  const accNoise = Math.max(THRESHOLDS.accNoise, context?.accNoise ?? 0, accStep(history));
  trend(history, base);
  validationFacts(history, base, accNoise);
  const overfit = overfitting(history, base, accNoise);
  if (overfit) return overfit;

  const learned = finite(base.finalAcc) && base.finalAcc >= THRESHOLDS.goodAccuracy;
  if (n < 3 && !learned) return { ...base, kind: 'underfitting', reason: 'too-short' };
  if (n >= 3 && base.drop < THRESHOLDS.plateauDrop && !learned) return { ...base, kind: 'plateau', reason: 'no-progress', fromEpoch: history[0].epoch };
  // Not yet right on its own training data: still learning, or stuck there.
  if (finite(base.finalAcc) && !learned) {
    if (base.stillImproving) return { ...base, kind: 'underfitting', reason: 'still-falling' };
    return { ...base, kind: 'underfitting', reason: 'low-accuracy', fromEpoch: base.flatFromEpoch };
  }
  if (base.valStalledAt !== undefined) {
    // Validation stopped while training went on: the gap between them is what more epochs buy.
    const k = history.findIndex((h) => h.epoch === base.valStalledAt);
    if ((base.wideGap || base.valLossRose) && trainingMovedOn(history, k)) return { ...base, kind: 'stalled', fromEpoch: base.valStalledAt };
    return base;
  }
  if (base.stillImproving && !learned) return { ...base, kind: 'underfitting', reason: 'still-falling' };
  return base;
}
