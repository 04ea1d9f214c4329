/**
 * Fits the confidence calibration (src/qa/calibration.ts) to judged answers
 * and prints the expected calibration error before and after:
 *
 * - blind batch-1's baseline answers (tests/fixtures/blind/batch-1.answers.baseline.jsonl),
 *   whose confidence was the raw retrieval score, with the judge's grades
 *   (right 1, partial 0.5, wrong 0; handed-over answers are not answers);
 * - the development set, answered now, its raw score (trace.raw) against
 *   whether the answer's topic is right (the only judgement it has), a right
 *   topic counted at what it was worth in grades on batch-1's baseline;
 * - the first, blind measurements of later batches (`batch-N.first-grades.jsonl`
 *   with `batch-N.answers.baseline.jsonl`): how often answers to questions the
 *   project had never seen were right. Their raw score is read back from the
 *   confidence they were shown through the table in force then (FIRST_TABLE).
 *
 * With at least 50 first-measured answers the fit uses those of the newest
 * first-measured batches alone (NEWEST_BATCHES; the project changes between batches): the dev
 * set's topic-right proxy and the tuned batches' current answers (printed for
 * comparison) say how often answers to questions the project was tuned on are
 * right, which overstates what a confidence is worth on a new question.
 * Blind batches are never used.
 *
 *   npx tsx scripts/eval/calibrate.ts           (prints the fitted table and the ECE)
 *   npx tsx scripts/eval/calibrate.ts --write   (also writes the table into src/qa/calibration.ts)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config.ts';
import type { AnswerContract } from '../../src/qa/answer.ts';
import { createAssistant } from '../../src/qa/assistant.ts';
import { calibrate, fitIsotonic } from '../../src/qa/calibration.ts';
import { gradeCredit, matchGrade, readGrades } from './grades.ts';
import { calibrate as ece, type CalibrationPoint } from './measure.ts';
import { existsSync } from 'node:fs';
import { allSets, DEV_SET_FILE, gradesFileFor, readJsonl, readManifest, type EvalItem } from './sets.ts';

const BASELINE = 'tests/fixtures/blind/batch-1.answers.baseline.jsonl';
const BATCH = 'tests/fixtures/blind/batch-1.jsonl';
const GRADES = 'tests/fixtures/blind/batch-1.grades.jsonl';
const TABLE_FILE = 'src/qa/calibration.ts';

interface RawPoint {
  raw: number;
  right: number;
  /** Whether the answer's topic was the item's (for the dev set's conversion). */
  topicRight?: boolean;
}

/** Baseline answers of batch-1 with the grade that judged exactly them. */
export function baselinePoints(): RawPoint[] {
  const items = new Map(readJsonl<EvalItem>(BATCH).map((i) => [i.id, i]));
  const grades = readGrades(GRADES);
  const out: RawPoint[] = [];
  for (const { id, contract } of readJsonl<{ id: string; contract: AnswerContract }>(BASELINE)) {
    const item = items.get(id);
    if (item?.kind !== 'in-scope' || contract.action !== 'answer') continue;
    const m = matchGrade(grades, id, contract);
    if (m.state === 'graded') out.push({ raw: contract.confidence, right: gradeCredit(m.grade.grade), topicRight: contract.sources[0]?.topics[0] === item.topic });
  }
  return out;
}

/**
 * What a right topic was worth in grades: the mean grade credit of the
 * baseline answers whose topic was right. The development set has no grades,
 * only topics; its topic-right answers count this much, not 1.
 */
export function creditOfRightTopic(points: RawPoint[]): number {
  const right = points.filter((p) => p.topicRight);
  return right.length ? right.reduce((s, p) => s + p.right, 0) / right.length : 1;
}

async function devPoints(): Promise<RawPoint[]> {
  const assistant = createAssistant({ config: loadConfig(), llm: null });
  const out: RawPoint[] = [];
  for (const item of readJsonl<EvalItem>(DEV_SET_FILE)) {
    if (item.kind !== 'in-scope') continue;
    const { contract, trace } = await assistant.askTraced(item.question);
    // Answers led by a calculation carry a fixed confidence, not a calibrated one.
    if (contract.action !== 'answer' || trace.raw === undefined || trace.computed?.length) continue;
    out.push({ raw: trace.raw, right: contract.sources[0]?.topics[0] === item.topic ? 1 : 0 });
  }
  return out;
}

/** Tuned batches answered now, where the judge's grade is of exactly this answer. */
async function gradedNowPoints(): Promise<RawPoint[]> {
  const assistant = createAssistant({ config: loadConfig(), llm: null });
  const out: RawPoint[] = [];
  for (const set of allSets(readManifest())) {
    if (set.kind !== 'tuned') continue;
    const grades = readGrades(gradesFileFor(set.file));
    for (const item of readJsonl<EvalItem>(set.file)) {
      if (item.kind !== 'in-scope') continue;
      const { contract, trace } = await assistant.askTraced(item.question);
      if (contract.action !== 'answer' || trace.raw === undefined || trace.computed?.length) continue;
      const m = matchGrade(grades, item.id, contract);
      if (m.state === 'graded') out.push({ raw: trace.raw, right: gradeCredit(m.grade.grade) });
    }
  }
  return out;
}

/** The calibration table in force when batches 3 and 4 were first measured (unchanged since 8a8ae5a). */
const FIRST_TABLE: readonly (readonly [number, number])[] = [
  [0, 0],
  [0.459, 0.2],
  [0.535, 0.497],
  [0.6, 0.644],
  [0.687, 0.651],
  [0.762, 0.716],
  [0.785, 0.726],
  [0.821, 0.726],
  [0.888, 0.739],
  [0.963, 0.84],
  [1, 0.84],
];

/** The table in force from 8aa9fef to 821e739, when batch 11 was first measured. */
const TABLE_821E739: readonly (readonly [number, number])[] = [
  [0, 0],
  [0.45, 0.167],
  [0.482, 0.375],
  [0.636, 0.429],
  [0.739, 0.5],
  [0.849, 0.697],
  [1, 0.697],
];

/** The table in force from f78d170 on, when batches 21 (at a6a7d02) and 22 (at 22be5ba) were first measured. */
const TABLE_F78D170: readonly (readonly [number, number])[] = [
  [0, 0],
  [0.469, 0.5],
  [0.533, 0.567],
  [0.604, 0.594],
  [0.744, 0.69],
  [0.849, 0.875],
  [1, 0.875],
];

/** The table each first-measured batch was shown with, to read its raw scores back. */
const SHOWN_WITH: Record<string, readonly (readonly [number, number])[]> = {
  'batch-10': TABLE_821E739,
  'batch-11': TABLE_821E739,
  'batch-21': TABLE_F78D170,
  'batch-22': TABLE_F78D170,
  'batch-23': TABLE_F78D170,
  'batch-24': TABLE_F78D170,
  'batch-25': TABLE_F78D170,
  'batch-26': TABLE_F78D170,
};

/** How many of the newest first-measured batches the fit pools (one batch of about 125 answers leaves blocks of a few answers). */
const NEWEST_BATCHES = 3;

/** The raw score behind a shown confidence (the middle of a flat stretch of the table). */
export function uncalibrate(conf: number, table: readonly (readonly [number, number])[]): number {
  for (let i = 1; i < table.length; i++) {
    const [x0, y0] = table[i - 1];
    const [x1, y1] = table[i];
    if (conf <= y1 + 1e-9) {
      if (y1 - y0 < 1e-9) return (x0 + x1) / 2;
      return x0 + ((conf - y0) / (y1 - y0)) * (x1 - x0);
    }
  }
  return 1;
}

/** The most a fitted table may show (see main). */
const MAX_PROBABILITY = 0.95;

/** Confidences of answers led by a calculation (fixed, not calibrated): left out. */
const FIXED = new Set([0.9, 0.85, 0.75]);

/** The newest batch with a first, blind measurement and its grades. */
function newestFirstMeasured(): string | undefined {
  let name: string | undefined;
  for (const set of allSets(readManifest())) {
    if (existsSync(set.file.replace(/\.jsonl$/, '.first-grades.jsonl')) && existsSync(set.file.replace(/\.jsonl$/, '.answers.baseline.jsonl'))) name = set.name;
  }
  return name;
}

/** The first, blind measurements of batches that kept their first grades. */
export function firstMeasuredPoints(newest = Infinity): RawPoint[] {
  const perSet: RawPoint[][] = [];
  for (const set of allSets(readManifest())) {
    const first = set.file.replace(/\.jsonl$/, '.first-grades.jsonl');
    const baseline = set.file.replace(/\.jsonl$/, '.answers.baseline.jsonl');
    if (!existsSync(first) || !existsSync(baseline)) continue;
    const items = new Map(readJsonl<EvalItem>(set.file).map((i) => [i.id, i]));
    const grades = readGrades(first);
    const out: RawPoint[] = [];
    for (const { id, contract } of readJsonl<{ id: string; contract: AnswerContract }>(baseline)) {
      if (items.get(id)?.kind !== 'in-scope' || contract.action !== 'answer' || FIXED.has(contract.confidence)) continue;
      const m = matchGrade(grades, id, contract);
      if (m.state === 'graded') out.push({ raw: uncalibrate(contract.confidence, SHOWN_WITH[set.name] ?? FIRST_TABLE), right: gradeCredit(m.grade.grade) });
    }
    if (out.length) perSet.push(out);
  }
  // The newest `newest` batches with points (all of them by default).
  return perSet.slice(-Math.min(newest, perSet.length)).flat();
}

function report(name: string, points: RawPoint[], table: readonly (readonly [number, number])[]): string {
  const before: CalibrationPoint[] = points.map((p) => ({ confidence: p.raw, right: p.right }));
  const after: CalibrationPoint[] = points.map((p) => ({ confidence: calibrate(p.raw, table), right: p.right }));
  const f = (x: number | null) => (x === null ? '-' : x.toFixed(3));
  return `${name.padEnd(34)} N=${String(points.length).padStart(3)}  ECE raw ${f(ece(before).ece)}  calibrated ${f(ece(after).ece)}`;
}

async function main(argv: string[]): Promise<void> {
  const base = baselinePoints();
  const credit = creditOfRightTopic(base);
  const dev = (await devPoints()).map((p) => ({ ...p, right: p.right * credit }));
  console.log(`a right topic was worth ${credit.toFixed(3)} in grade credit (batch-1 baseline); development answers count that much`);
  const now = await gradedNowPoints();
  console.log(`${now.length} current answers of tuned batches carry a judge's grade`);
  // The newest first measurement is the closest to what the project answers now.
  const first = firstMeasuredPoints(NEWEST_BATCHES);
  console.log(`${first.length} answers of the newest ${NEWEST_BATCHES} first, blind measurements carry their judge's grade`);
  const fitOn = first.length >= 50 ? first : [...base, ...dev, ...now];
  const table = fitIsotonic(fitOn.map((p) => ({ x: p.raw, y: p.right })));
  // Keep the table short: merge points closer than 0.02 in raw score (weighted by nothing: they are block means already).
  // A block of a few dozen judged answers that were all right does not show
  // certainty: the shown probability stops at MAX_PROBABILITY.
  const compact: [number, number][] = [];
  for (const p0 of table) {
    const p: [number, number] = [p0[0], Math.min(p0[1], MAX_PROBABILITY)];
    const last = compact[compact.length - 1];
    if (last && p[0] - last[0] < 0.02) last[1] = Math.max(last[1], p[1]);
    else compact.push([p[0], p[1]]);
  }
  if (compact[compact.length - 1][0] < 1) compact.push([1, compact[compact.length - 1][1]]);
  console.log('fitted table ([raw, probability right]):');
  console.log(`  ${JSON.stringify(compact)}`);
  console.log(report('batch-1 baseline (grades)', base, compact));
  console.log(report('development (topic right)', dev, compact));
  console.log(report('tuned batches, graded now', now, compact));
  console.log(report('first blind measurements', first, compact));
  const shownWith = SHOWN_WITH[newestFirstMeasured() ?? ''] ?? FIRST_TABLE;
  console.log(`  (as shown then: ECE ${(ece(first.map((p) => ({ confidence: calibrate(p.raw, shownWith), right: p.right }))).ece ?? 0).toFixed(3)})`);
  if (argv.includes('--write')) {
    const src = readFileSync(TABLE_FILE, 'utf8');
    const body = compact.map(([x, y]) => `  [${x}, ${y}],`).join('\n');
    const next = src.replace(/export const CALIBRATION: readonly \(readonly \[number, number\]\)\[\] = \[[\s\S]*?\n\];/, `export const CALIBRATION: readonly (readonly [number, number])[] = [\n${body}\n];`);
    writeFileSync(TABLE_FILE, next);
    console.log(`written to ${TABLE_FILE}`);
  }
}

const isMain = process.argv[1] && /calibrate\.ts$/.test(process.argv[1]);
if (isMain) await main(process.argv.slice(2));
