/**
 * `npm run eval`: runs every question set through the assistant and prints
 * each one apart: the development set tests/fixtures/questions.jsonl (tuned
 * to) and the blind batches tests/fixtures/blind/batch-*.jsonl (see the
 * README there and sets.json).
 *
 * For the development set: top-1 topic accuracy per language, escalation
 * precision and recall, refusals of hostile input, assessment-guard hits,
 * high-confidence wrong answers, and every failure; it exits 1 when one of
 * its acceptance targets is missed (`--no-fail` to only print), so CI can run
 * it. For every set: figures per language (ja, en, other) and kind, the
 * judge's grades that match the current answers, and the calibration of the
 * confidence (scripts/eval/). Blind sets print their targets but never fail.
 *
 *   npm run eval [-- --set NAME | --file other.jsonl] [--no-fail] [--verbose] [--json]
 *   npm run eval -- --export-ungraded FILE   (the blind sets' in-scope answers without a matching grade,
 *                                             for a judge; `--set development` for the development set's)
 *   npm run eval -- --merge-grades FILE      (a judge's grade lines into each batch's grades file)
 *   npm run -s eval -- --json                (all figures as JSON; -s keeps npm's banner off stdout)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import type { AnswerContract } from '../src/qa/answer.ts';
import { createAssistant, type Assistant } from '../src/qa/assistant.ts';
import { baselinePoints, creditOfRightTopic } from './eval/calibrate.ts';
import { mergeGrades, parseGrade, readGrades, routeGrades, ungradedForJudge, writeGrades, type Grade } from './eval/grades.ts';
import { blindTargets, HIGH_CONFIDENCE, measure, type EntryLabel, type SetFigures, type TargetCheck } from './eval/measure.ts';
import { printFigures, printItems, printTargets } from './eval/report.ts';
import { allSets, entryLabelsFileFor, gradesFileFor, readJsonl, readManifest, selectSets, type EvalItem, type EvalSet } from './eval/sets.ts';

export { HIGH_CONFIDENCE, type EvalItem };

export interface EvalRow {
  item: EvalItem;
  action: string;
  reason: string;
  topic?: string;
  confidence: number;
  ms: number;
  contract: AnswerContract;
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
  return readJsonl<EvalItem>(path);
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
      contract,
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
      const acc = topicAccuracy[item.lang as 'ja' | 'en'] as { correct: number; total: number } | undefined;
      const right = row.topic === item.topic;
      if (acc) acc.total++;
      if (acc && right) acc.correct++;
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


export interface SetResult {
  set: EvalSet;
  report: EvalReport;
  grades: Grade[];
  figures: SetFigures;
  /** A blind or tuned set's targets (not for sets gated by the acceptance check). */
  targets?: TargetCheck[];
}

export async function evaluateSet(set: EvalSet, assistant: Assistant, proxyCredit?: number): Promise<SetResult> {
  const report = await evaluate(readEvalSet(set.file), assistant);
  const grades = readGrades(gradesFileFor(set.file));
  const labelsFile = entryLabelsFileFor(set.file);
  const labels = existsSync(labelsFile) ? readJsonl<EntryLabel>(labelsFile) : [];
  const figures = measure(report.rows, grades, proxyCredit, labels);
  return { set, report, grades, figures, targets: set.gates ? undefined : blindTargets(figures.columns.all) };
}

/** What a right topic was worth in grades on batch-1's baseline (undefined without its files). */
function proxyCreditOrUndefined(): number | undefined {
  try {
    return creditOfRightTopic(baselinePoints());
  } catch {
    return undefined;
  }
}

/** The commit measured, and whether src/ or knowledge/ differ from it. */
function revision(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'knowledge'], { encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

function latency(r: EvalReport): { p50: number; max: number } {
  const ms = r.rows.map((x) => x.ms).sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length * 0.5)] ?? 0, max: ms[ms.length - 1] ?? 0 };
}

/** Everything `--json` prints: the figures, not the answers. */
export function jsonReport(results: SetResult[], meta: Record<string, unknown>, exitCode: number): unknown {
  return {
    ...meta,
    exitCode,
    sets: results.map(({ set, report: r, figures, targets }) => ({
      ...set,
      questions: r.rows.length,
      latencyMs: latency(r),
      acceptance: set.gates
        ? {
            topicAccuracy: r.topicAccuracy,
            answeredInScope: r.answeredInScope,
            inScope: r.inScope,
            escalation: r.escalation,
            hostile: r.hostile,
            oos: r.oos,
            assessment: r.assessment,
            highConfidenceWrong: r.highConfidenceWrong.map((x) => x.item.id),
            failures: r.failures.map((f) => ({ id: f.row.item.id, why: f.why })),
            targetsMet: r.targetsMet,
          }
        : undefined,
      figures,
      targets,
    })),
  };
}

/** `--merge-grades FILE`: files each grade line under the batch that has its question id. */
function mergeGradesFile(file: string, sets: EvalSet[]): number {
  const incoming = readJsonl<unknown>(file).map((g, i) => parseGrade(g, `${file}: line ${i + 1}`));
  const setOf = new Map<string, string>();
  for (const s of sets) for (const item of readEvalSet(s.file)) setOf.set(item.id, s.name);
  const { bySet, unknown } = routeGrades(incoming, setOf);
  if (unknown.length) {
    console.error(`no set has the questions ${unknown.join(', ')}: nothing merged`);
    return 1;
  }
  for (const [name, grades] of bySet) {
    const path = gradesFileFor(sets.find((s) => s.name === name)!.file);
    const merged = mergeGrades(readGrades(path), grades);
    writeGrades(path, merged.grades);
    console.log(`${name}: ${merged.added} grades added, ${merged.replaced} replaced → ${path} (${merged.grades.length} in all)`);
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      set: { type: 'string' },
      file: { type: 'string' },
      'no-fail': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'export-ungraded': { type: 'string' },
      'merge-grades': { type: 'string' },
    },
  });
  const known = allSets(readManifest());
  if (args['merge-grades']) return mergeGradesFile(args['merge-grades'], known);

  let sets = selectSets(known, { set: args.set, file: args.file });
  // The development set's items carry no facts to judge by: it is exported only when named.
  if (args['export-ungraded'] && !args.set && !args.file) sets = sets.filter((s) => s.kind !== 'development');
  const config = loadConfig();
  const assistant = createAssistant({ config });
  const results: SetResult[] = [];
  const credit = proxyCreditOrUndefined();
  for (const set of sets) results.push(await evaluateSet(set, assistant, credit));

  if (args['export-ungraded']) {
    const lines = results.flatMap((r) => ungradedForJudge(r.set.name, r.report.rows, r.grades));
    writeFileSync(args['export-ungraded'], lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
    for (const r of results) console.log(`${r.set.name}: ${lines.filter((l) => l.set === r.set.name).length} ungraded in-scope answers`);
    console.log(`${lines.length} lines written to ${args['export-ungraded']}`);
    return 0;
  }

  const failed = results.some((r) => r.set.gates && !r.report.targetsMet);
  const exitCode = failed && !args['no-fail'] ? 1 : 0;
  const { commit, dirty } = revision();
  const answers = config.qa.llm ? `written by the LLM ${config.qa.llm.model}` : 'composed from the entries (no LLM)';
  const embeddings = config.qa.embeddings ? `remote embeddings ${config.qa.embeddings.model}` : 'hashing embeddings';
  if (args.json) {
    console.log(JSON.stringify(jsonReport(results, { commit, dirty, answers, embeddings }, exitCode), null, 2));
    return exitCode;
  }
  const out = (s: string) => console.log(s);
  out(`measured at ${commit.slice(0, 7)}${dirty ? ' (with uncommitted changes under src/ or knowledge/)' : ''}; answers ${answers}; ${embeddings}`);
  for (const { set, report, grades, figures, targets } of results) {
    out('');
    out(`=== ${set.kind === 'development' ? set.label : `${set.name}, ${set.label}`}: ${set.file} ===`);
    if (set.gates) {
      printReport(report, out, args.verbose);
      out('');
      out('per language:');
    } else {
      const { p50, max } = latency(report);
      out(`latency p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    }
    printFigures(figures, out);
    if (targets) printTargets(targets, out);
    // A blind set's questions are listed only on request, so reading the report does not tune to them.
    if (!set.gates && args.verbose) printItems(report.rows, grades, out);
  }
  if (results.some((r) => r.set.gates)) out(`\nexit code ${exitCode}: ${failed ? 'an acceptance target of a gated set is missed' : 'acceptance targets met'}${failed && args['no-fail'] ? ' (--no-fail)' : ''}; blind sets do not gate`);
  return exitCode;
}

const isMain = process.argv[1] && /scripts[\\/]eval\.ts$/.test(process.argv[1]);
if (isMain) {
  process.exitCode = await main(process.argv.slice(2)).catch((err: Error) => {
    console.error(`eval: ${err.message}`);
    return 2;
  });
}
