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
 * - every tuned batch answered now, where a judge graded exactly the current
 *   answer (its hash matches): the current raw score against the grade.
 *   Blind batches are never used: their figures must stay unseen by the fit.
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
  const table = fitIsotonic([...base, ...dev, ...now].map((p) => ({ x: p.raw, y: p.right })));
  // Keep the table short: merge points closer than 0.02 in raw score (weighted by nothing: they are block means already).
  const compact: [number, number][] = [];
  for (const p of table) {
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
  console.log(report('all', [...base, ...dev, ...now], compact));
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
