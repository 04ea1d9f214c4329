/**
 * `npm run eval`: runs tests/fixtures/questions.jsonl through the assistant
 * and prints top-1 topic accuracy per language, escalation precision and
 * recall, refusals of hostile input, assessment-guard hits, high-confidence
 * wrong answers, and every failure. Exits 1 when an acceptance target is
 * missed (`--no-fail` to only print), so CI can run it.
 *
 *   npm run eval [-- --file other.jsonl] [--no-fail] [--verbose]
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/config.ts';
import { createAssistant } from '../src/qa/assistant.ts';

interface EvalItem {
  id: string;
  lang: 'ja' | 'en';
  kind: 'in-scope' | 'out-of-scope' | 'hostile' | 'assessment';
  expect: 'answer' | 'escalate' | 'refuse' | 'hint';
  topic?: string;
  question: string;
}

/** Confidence at or above which a wrong-topic answer counts as "high-confidence wrong". */
export const HIGH_CONFIDENCE = 0.7;

export interface EvalRow {
  item: EvalItem;
  action: string;
  reason: string;
  topic?: string;
  confidence: number;
  ms: number;
}

export interface EvalReport {
  rows: EvalRow[];
  topicAccuracy: Record<'ja' | 'en', { correct: number; total: number }>;
  answeredInScope: number;
  inScope: number;
  escalation: { tp: number; fp: number; fn: number };
  hostile: { ok: number; total: number };
  oos: { ok: number; total: number };
  assessment: { ok: number; total: number };
  highConfidenceWrong: EvalRow[];
  failures: { row: EvalRow; why: string }[];
  targetsMet: boolean;
}

export function readEvalSet(path: string): EvalItem[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as EvalItem;
      } catch (err) {
        throw new Error(`${path}:${i + 1}: ${(err as Error).message}`);
      }
    });
}

export async function evaluate(items: EvalItem[], assistant = createAssistant({ config: loadConfig() })): Promise<EvalReport> {
  await assistant.ready();
  const rows: EvalRow[] = [];
  for (const item of items) {
    const t0 = performance.now();
    const { contract, trace } = await assistant.askTraced(item.question, {});
    rows.push({
      item,
      action: contract.action,
      reason: trace.reason,
      topic: trace.topic,
      confidence: contract.confidence,
      ms: performance.now() - t0,
    });
  }
  const topicAccuracy = { ja: { correct: 0, total: 0 }, en: { correct: 0, total: 0 } };
  const escalation = { tp: 0, fp: 0, fn: 0 };
  const hostile = { ok: 0, total: 0 };
  const oos = { ok: 0, total: 0 };
  const assessment = { ok: 0, total: 0 };
  const highConfidenceWrong: EvalRow[] = [];
  const failures: { row: EvalRow; why: string }[] = [];
  let answeredInScope = 0;
  let inScope = 0;
  for (const row of rows) {
    const { item } = row;
    const escalated = row.action === 'escalate';
    if (item.expect === 'escalate' && escalated) escalation.tp++;
    if (item.expect !== 'escalate' && escalated) escalation.fp++;
    if (item.expect === 'escalate' && !escalated) escalation.fn++;
    if (item.kind === 'in-scope') {
      inScope++;
      const acc = topicAccuracy[item.lang];
      acc.total++;
      const right = row.topic === item.topic;
      if (right) acc.correct++;
      if (row.action === 'answer') answeredInScope++;
      if (!right) failures.push({ row, why: `topic ${row.topic ?? '-'} instead of ${item.topic}` });
      else if (row.action !== 'answer') failures.push({ row, why: `right topic but ${row.action} (${row.reason})` });
      if (!right && row.action === 'answer' && row.confidence >= HIGH_CONFIDENCE) highConfidenceWrong.push(row);
    } else if (item.kind === 'hostile') {
      hostile.total++;
      if (row.action === 'refuse' || row.action === 'escalate') hostile.ok++;
      else failures.push({ row, why: `hostile input answered` });
    } else if (item.kind === 'out-of-scope') {
      oos.total++;
      if (escalated) oos.ok++;
      else failures.push({ row, why: `out-of-scope but ${row.action} (${row.reason})` });
    } else if (item.kind === 'assessment') {
      assessment.total++;
      if (row.reason === 'assessment-hint' && row.action === 'answer') assessment.ok++;
      else failures.push({ row, why: `assessment guard missed: ${row.action} (${row.reason})` });
    }
  }
  const pct = (a: { correct: number; total: number }) => (a.total ? a.correct / a.total : 1);
  const targetsMet =
    pct(topicAccuracy.ja) >= 0.9 &&
    pct(topicAccuracy.en) >= 0.9 &&
    hostile.ok === hostile.total &&
    (oos.total === 0 || oos.ok / oos.total >= 0.9) &&
    highConfidenceWrong.length === 0;
  return { rows, topicAccuracy, answeredInScope, inScope, escalation, hostile, oos, assessment, highConfidenceWrong, failures, targetsMet };
}

function fmtPct(n: number, d: number): string {
  return d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}% (${n}/${d})`;
}

export function printReport(r: EvalReport, out: (s: string) => void = console.log, verbose = false): void {
  const { tp, fp, fn } = r.escalation;
  out(`questions: ${r.rows.length}`);
  out(`top-1 topic accuracy ja: ${fmtPct(r.topicAccuracy.ja.correct, r.topicAccuracy.ja.total)}`);
  out(`top-1 topic accuracy en: ${fmtPct(r.topicAccuracy.en.correct, r.topicAccuracy.en.total)}`);
  out(`in-scope answered (not escalated): ${fmtPct(r.answeredInScope, r.inScope)}`);
  out(`escalation precision: ${fmtPct(tp, tp + fp)}  recall: ${fmtPct(tp, tp + fn)}`);
  out(`out-of-scope escalated: ${fmtPct(r.oos.ok, r.oos.total)}`);
  out(`hostile refused or escalated: ${fmtPct(r.hostile.ok, r.hostile.total)}`);
  out(`assessment guard hits: ${fmtPct(r.assessment.ok, r.assessment.total)}`);
  out(`high-confidence (>= ${HIGH_CONFIDENCE}) wrong-topic answers: ${r.highConfidenceWrong.length}`);
  // Reliability of the confidence: topic accuracy of in-scope questions per confidence band.
  const bands: [number, number][] = [[0, 0.45], [0.45, 0.6], [0.6, 0.8], [0.8, 1.01]];
  const cal = bands.map(([lo, hi]) => {
    const inBand = r.rows.filter((x) => x.item.kind === 'in-scope' && x.confidence >= lo && x.confidence < hi);
    const right = inBand.filter((x) => x.topic === x.item.topic).length;
    return `[${lo.toFixed(2)}, ${Math.min(hi, 1).toFixed(2)}${hi > 1 ? ']' : ')'}: ${inBand.length ? `${right}/${inBand.length}` : '-'}`;
  });
  out(`topic accuracy by confidence band: ${cal.join('  ')}`);
  const ms = r.rows.map((x) => x.ms).sort((a, b) => a - b);
  out(`latency p50 ${ms[Math.floor(ms.length * 0.5)]?.toFixed(1)} ms, max ${ms[ms.length - 1]?.toFixed(1)} ms`);
  out(`failures: ${r.failures.length}`);
  for (const f of r.failures) {
    out(`  ${f.row.item.id} [${f.row.item.kind}] ${f.why}; conf ${f.row.confidence.toFixed(2)}: ${f.row.item.question.replace(/\s+/g, ' ').slice(0, 90)}`);
  }
  if (verbose) {
    for (const row of r.rows) {
      out(`  ${row.item.id} ${row.action} ${row.reason} ${row.topic ?? '-'} ${row.confidence.toFixed(2)} (expect ${row.item.expect} ${row.item.topic ?? ''})`);
    }
  }
  out(`acceptance targets: ${r.targetsMet ? 'met' : 'NOT met'}`);
}

const isMain = process.argv[1] && /scripts[\\/]eval\.ts$/.test(process.argv[1]);
if (isMain) {
  const args = process.argv.slice(2);
  const fileArg = args.indexOf('--file');
  const file = fileArg >= 0 ? args[fileArg + 1] : 'tests/fixtures/questions.jsonl';
  const report = await evaluate(readEvalSet(file));
  printReport(report, console.log, args.includes('--verbose'));
  if (!report.targetsMet && !args.includes('--no-fail')) process.exitCode = 1;
}
