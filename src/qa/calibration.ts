/**
 * The confidence shown with an answer is a calibrated estimate of how likely
 * the answer is right, not the retrieval's raw score. The raw score (the
 * winning topic's strength and margin, `retrieve.ts`) is mapped through a
 * monotone table fitted by isotonic regression (pool-adjacent-violators) to
 * judged answers to questions the project had never seen: the first, blind
 * measurement of the newest such batch (batch 11 at 821e739, questions as a
 * real workshop day brings them; before it, batch 4 at 1297bc6; the judges'
 * grades: right = 1, partial = 0.5, wrong = 0), not the tuned sets, whose
 * answers are right far more often than a new question's. Between the table's points the
 * mapping is linear. `npx tsx scripts/eval/calibrate.ts` refits it and prints
 * the expected calibration error before and after.
 */

/** [raw score, probability right], raw ascending. */
export const CALIBRATION: readonly (readonly [number, number])[] = [
  [0, 0],
  [0.469, 0.5],
  [0.533, 0.567],
  [0.604, 0.594],
  [0.744, 0.69],
  [0.849, 0.875],
  [1, 0.875],
];

/** The calibrated confidence of a raw retrieval score (0..1). */
export function calibrate(raw: number, table: readonly (readonly [number, number])[] = CALIBRATION): number {
  if (!(raw > 0)) return 0;
  if (raw <= table[0][0]) return table[0][1];
  for (let i = 1; i < table.length; i++) {
    const [x1, y1] = table[i];
    if (raw <= x1) {
      const [x0, y0] = table[i - 1];
      return Math.round((y0 + ((raw - x0) / Math.max(x1 - x0, 1e-9)) * (y1 - y0)) * 1000) / 1000;
    }
  }
  return table[table.length - 1][1];
}

/**
 * Isotonic regression of `y` on `x` (pool adjacent violators), as breakpoints
 * for `calibrate`: one point per pooled block, at its mean raw score.
 */
export function fitIsotonic(points: readonly { x: number; y: number; w?: number }[]): [number, number][] {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const blocks: { x: number; y: number; w: number }[] = [];
  for (const p of sorted) {
    const w = p.w ?? 1;
    blocks.push({ x: p.x * w, y: p.y * w, w });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.y / a.w <= b.y / b.w) break;
      blocks.splice(blocks.length - 2, 2, { x: a.x + b.x, y: a.y + b.y, w: a.w + b.w });
    }
  }
  const table: [number, number][] = blocks.map((b) => [Math.round((b.x / b.w) * 1000) / 1000, Math.round((b.y / b.w) * 1000) / 1000]);
  if (table.length && table[0][0] > 0) table.unshift([0, Math.min(table[0][1], 0)]);
  return table;
}
