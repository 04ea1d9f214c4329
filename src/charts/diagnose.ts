/**
 * Reads a training curve the way a TA would: did it learn, did it blow up,
 * did it stall, did it start memorising? Pure functions over the history, so
 * every face (the chart's markers, the reading, a dashboard badge) agrees.
 */
import type { EpochLog, Series, TrainResult } from '../training/types.ts';

export type DiagnosisKind = 'healthy' | 'overfitting' | 'diverged' | 'plateau' | 'underfitting';

/** Why a run got its kind, for the kinds that have more than one cause. */
export type DiagnosisReason =
  | 'nan' // the loss became NaN or Infinity
  | 'exploding' // the loss grew instead of shrinking
  | 'exploded-early' // the loss blew up inside the first epoch and the network saturated (no NaN, a flat line far too high)
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
   * validation loss (it rises after it: stop here); for divergence the first
   * NaN epoch or the first epoch after the lowest loss; for underfitting with
   * low accuracy the epoch the curve flattened; for a plateau, 1.
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
  /** Relative drop of the training loss from the first epoch to its lowest (0..1). */
  drop: number;
  /** Epoch from which the training loss stayed within 10% of its total drop of the lowest value. */
  flatFromEpoch?: number;
  /** The loss was still falling noticeably over the last fifth of the run. */
  stillImproving: boolean;
}

/** Thresholds, named so a test or a reader can see what "barely" and "clearly" mean here. */
export const THRESHOLDS = {
  /** Below this relative drop from the first epoch the loss "barely moved". */
  plateauDrop: 0.05,
  /** Validation loss must end this much (relative) above its lowest value to call it overfitting. */
  overfitRise: 0.08,
  /** ... or only this much when it has been rising for at least `sustainedEpochs` epochs after its lowest point. */
  sustainedRise: 0.05,
  sustainedEpochs: 6,
  /** A final loss this many times the first one means the run is blowing up. */
  explodeFactor: 2,
  /** Training accuracy under this, with a flat curve, means the model cannot fit its own data. */
  lowAccuracy: 0.8,
  /** Accuracy at or above this counts as "learned", whatever the loss curve looks like. */
  goodAccuracy: 0.9,
  /** Share of the whole drop still happening in the last fifth of the run to call it unfinished. */
  stillFallingShare: 0.25,
  /** Relative drop over the last fifth of the run that counts as still falling on its own. */
  stillFallingRelative: 0.15,
  /** A classification loss that never gets below this many times the guessing loss (ln K) has blown up. */
  chanceFactor: 2,
} as const;

/**
 * What the history alone cannot say: which loss the lesson uses and how many
 * classes it has. With it, a loss that exploded inside the first epoch (so the
 * history never shows it rising) is still recognisable, because a classifier
 * that merely guesses already scores ln K; a loss far above that was pushed
 * there by oversized updates. Absent, diagnose() falls back to the history.
 */
export interface DiagnoseContext {
  /** The lesson's loss, e.g. 'categoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError'. */
  lossKind?: string;
  /** Number of classes of a classification lesson. */
  numClasses?: number;
}

/** The context a run's result carries in `extras` (`lossKind`, `numClasses`, set by the runner). */
export function contextOf(result: Pick<TrainResult, 'extras'> | undefined): DiagnoseContext {
  const e = result?.extras ?? {};
  const ctx: DiagnoseContext = {};
  if (typeof e.lossKind === 'string') ctx.lossKind = e.lossKind;
  if (typeof e.numClasses === 'number' && Number.isInteger(e.numClasses) && e.numClasses >= 2) ctx.numClasses = e.numClasses;
  return ctx;
}

/** Cross-entropy of a model that gives every class the same probability: ln K (ln 2 for a binary output). */
export function chanceLossOf(ctx: DiagnoseContext | undefined): number | undefined {
  const kind = ctx?.lossKind?.toLowerCase() ?? '';
  if (kind.includes('binary')) return Math.log(2);
  if (kind.includes('categorical') && ctx?.numClasses) return Math.log(ctx.numClasses);
  return undefined;
}

const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

function argmin(values: number[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    if (!finite(values[i])) continue;
    if (best < 0 || values[i] < values[best]) best = i;
  }
  return best;
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

type SeriesLike = Pick<Series, 'history'> & Partial<Pick<Series, 'stopped'>>;

/** Diagnoses one series (or a bare history). */
export function diagnose(input: SeriesLike | EpochLog[], context?: DiagnoseContext): Diagnosis {
  const history = [...(Array.isArray(input) ? input : input.history)].sort((a, b) => a.epoch - b.epoch);
  const stopped = Array.isArray(input) ? undefined : input.stopped;
  const n = history.length;
  const loss = history.map((h) => h.loss);
  const val = history.map((h) => h.valLoss);
  const hasVal = val.filter(finite).length > 0;

  const base: Diagnosis = {
    kind: 'healthy',
    epochs: n,
    drop: 0,
    stillImproving: false,
    finalAcc: lastFinite(history.map((h) => h.acc)),
    finalValAcc: lastFinite(history.map((h) => h.valAcc)),
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
  if (hasVal) {
    const bestVal = argmin(val as number[]);
    base.bestValLoss = val[bestVal];
    base.bestValEpoch = history[bestVal].epoch;
    base.finalValLoss = lastFinite(val);
  }

  // 1. Divergence: NaN/Infinity anywhere, or a stop because of it.
  const badIdx = history.findIndex((h) => !finite(h.loss) || (h.valLoss !== undefined && !finite(h.valLoss)));
  if (badIdx >= 0 || stopped?.reason === 'nan') {
    const bad = badIdx >= 0 ? history[badIdx] : undefined;
    const value = bad ? (finite(bad.loss) ? bad.valLoss! : bad.loss) : Number.NaN;
    return {
      ...base,
      kind: 'diverged',
      reason: 'nan',
      nonFinite: Number.isNaN(value) ? 'NaN' : 'Infinity',
      fromEpoch: bad ? bad.epoch : stopped!.epoch,
    };
  }
  if (n === 0) return { ...base, kind: 'underfitting', reason: 'no-epochs' };

  const first = base.firstLoss!;
  const final = base.finalLoss!;
  const best = base.bestLoss!;
  const learnedAcc = finite(base.finalAcc) && base.finalAcc >= THRESHOLDS.goodAccuracy;
  // 2a. Blown up inside the first epoch: a large learning rate can throw the weights so far in the
  // first few batches that the softmax saturates; the logged loss is then flat and huge, never NaN,
  // and looks like a "plateau". A classifier that merely guesses scores ln K, so a loss that never
  // came near that can only have been pushed up by the updates (this works even for a 1-epoch run).
  if (chance !== undefined && best > chance * THRESHOLDS.chanceFactor && !learnedAcc) {
    return { ...base, kind: 'diverged', reason: 'exploded-early', fromEpoch: history[0].epoch };
  }
  // 2. Exploding without reaching NaN: the loss ends well above where it started.
  if (n >= 2 && final > first * THRESHOLDS.explodeFactor && final > best * 3) {
    const from = Math.min(bestIdx + 1, n - 1);
    return { ...base, kind: 'diverged', reason: 'exploding', fromEpoch: history[from].epoch };
  }
  // 2b. Started fine, then blew up to far above guessing without tripling (the softmax saturated).
  if (chance !== undefined && final > chance * THRESHOLDS.chanceFactor && final > best * 1.5 && !learnedAcc) {
    const from = Math.min(bestIdx + 1, n - 1);
    return { ...base, kind: 'diverged', reason: 'exploding', fromEpoch: history[from].epoch };
  }

  // Without the lesson's loss: a loss that rose from the first epoch and then froze to the last digit
  // (dead, saturated units give exactly zero gradient) is the same failure seen from the history.
  if (n >= 4 && final > first && !learnedAcc) {
    let k = n - 1;
    while (k > 0 && Math.abs(loss[k - 1] - final) <= 1e-6 * Math.abs(final)) k--;
    if (n - k >= 3) return { ...base, kind: 'diverged', reason: 'exploded-early', fromEpoch: history[k].epoch };
  }
  // Where the curve flattened, and whether it is still falling at the end.
  const totalDrop = first - best;
  if (totalDrop > 0) {
    const flatIdx = loss.findIndex((v) => v - best <= 0.1 * totalDrop);
    base.flatFromEpoch = history[Math.max(0, flatIdx)].epoch;
  }
  if (n >= 4 && totalDrop > 0) {
    const s = Math.min(Math.floor(n * 0.8), n - 2);
    const tailDrop = loss[s] - final;
    // Still a large share of the whole drop, or still a large drop relative to where the curve is now
    // (slow 1/t-like curves look flat on a plot while the loss keeps shrinking by a fifth).
    const relative = tailDrop / loss[s];
    base.stillImproving = (tailDrop / totalDrop > THRESHOLDS.stillFallingShare && relative > 0.1) || relative > THRESHOLDS.stillFallingRelative;
  }

  // 3. Overfitting: validation loss turns up while training loss keeps falling.
  const valCount = val.filter(finite).length;
  if (valCount >= 4) {
    const vals = val.map((v) => (finite(v) ? v : Number.NaN));
    const smoothed = smooth(vals, n >= 15 ? 3 : 1);
    const b = argmin(smoothed);
    if (b >= 0 && b <= n - 3) {
      // Report the raw lowest point next to the smoothed one, so the epoch matches the data.
      let raw = b;
      for (let j = Math.max(0, b - 1); j <= Math.min(n - 1, b + 1); j++) if (finite(vals[j]) && vals[j] < vals[raw]) raw = j;
      const tail = smoothed.slice(-Math.min(3, n - b - 1)).filter(finite);
      const tailVal = tail.reduce((a, v) => a + v, 0) / tail.length;
      const trainStillFalling = final < loss[raw] * 0.97;
      // A rise that has lasted several epochs is a trend, not noise: a smaller rise is enough then
      // (mnist's validation loss creeps up a few percent every few epochs once it starts memorising).
      const rise = n - 1 - b >= THRESHOLDS.sustainedEpochs ? THRESHOLDS.sustainedRise : THRESHOLDS.overfitRise;
      if (tailVal > smoothed[b] * (1 + rise) && trainStillFalling) {
        return { ...base, kind: 'overfitting', fromEpoch: history[raw].epoch };
      }
    }
  }

  const learned = finite(base.finalAcc) && base.finalAcc >= THRESHOLDS.goodAccuracy;
  if (n < 3 && !learned) return { ...base, kind: 'underfitting', reason: 'too-short' };
  // 4. Plateau: the loss barely moved at all.
  if (n >= 3 && base.drop < THRESHOLDS.plateauDrop && !learned) {
    return { ...base, kind: 'plateau', reason: 'no-progress', fromEpoch: history[0].epoch };
  }
  // 5. Underfitting: flat but still wrong on the training data, or stopped mid-descent.
  if (finite(base.finalAcc) && base.finalAcc < THRESHOLDS.lowAccuracy && !base.stillImproving) {
    return { ...base, kind: 'underfitting', reason: 'low-accuracy', fromEpoch: base.flatFromEpoch };
  }
  if (base.stillImproving && !learned) {
    return { ...base, kind: 'underfitting', reason: 'still-falling' };
  }
  return base;
}
