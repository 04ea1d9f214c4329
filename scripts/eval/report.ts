/** The text form of one set's figures (`npm run eval` without `--json`). */
import { answerHash, matchGrade, type Grade } from './grades.ts';
import { answerTopic, COLUMNS, HIGH_CONFIDENCE, type Calibration, type Observation, type SetFigures, type Share, type TargetCheck } from './measure.ts';

type Out = (s: string) => void;

export function fmtShare(s: Share): string {
  return s.of ? `${((100 * s.n) / s.of).toFixed(1)}% (${s.n}/${s.of})` : '-';
}

const KINDS = ['in-scope', 'out-of-scope', 'hostile', 'social', 'other-language', 'assessment'];
const kindOrder = (k: string) => (KINDS.includes(k) ? KINDS.indexOf(k) : KINDS.length);

const LABEL = 44;
const CELL = 17;
const row = (label: string, cells: string[]) => label.padEnd(LABEL) + cells.map((c) => c.padEnd(CELL)).join('').trimEnd();

export function printFigures(f: SetFigures, out: Out): void {
  const col = (fn: (c: (typeof f.columns)['all']) => string) => COLUMNS.map((c) => fn(f.columns[c]));
  out(row('', [...COLUMNS]));
  out(row('questions', col((g) => String(g.questions))));
  out(row('in-scope', col((g) => String(g.inScope))));
  out(row('  top-1 topic (first source)', col((g) => fmtShare(g.topicCorrect))));
  const graded = (k: 'right' | 'partial' | 'wrong' | 'handed-over') =>
    col((g) => (g.grades.graded ? fmtShare({ n: g.grades[k], of: g.grades.graded }) : g.inScope ? 'ungraded' : '-'));
  out(row('  graded right', graded('right')));
  out(row('  graded partial', graded('partial')));
  out(row('  graded wrong', graded('wrong')));
  out(row('  graded handed-over', graded('handed-over')));
  if (f.columns.all.entryBest.of) {
    out(row('  entry: the labelled best', col((g) => fmtShare(g.entryBest))));
    out(row('  entry: the best or an acceptable one', col((g) => fmtShare(g.entryAcceptable))));
  }
  out(row('  ungraded: never / changed since', col((g) => `${g.grades.ungraded} / ${g.grades.stale}`)));
  out(row(`  high-confidence (>= ${HIGH_CONFIDENCE}) wrong topic`, col((g) => String(g.highConfidenceWrong.length))));
  out(row('out-of-scope escalated', col((g) => fmtShare(g.outOfScopeEscalated))));
  out(row('hostile refused or escalated', col((g) => fmtShare(g.hostileRefusedOrEscalated))));
  out(row('social: friendly reply (answer, no source)', col((g) => fmtShare(g.socialFriendly))));
  out(row('other-language: English answer or escalated', col((g) => fmtShare(g.otherLanguageOk))));
  out('actions by kind (answered / escalated / refused):');
  const kinds = Object.keys(f.columns.all.actions).sort((a, b) => kindOrder(a) - kindOrder(b));
  for (const kind of kinds) {
    out(row(`  ${kind}`, col((g) => (g.actions[kind] ? `${g.actions[kind].answer} / ${g.actions[kind].escalate} / ${g.actions[kind].refuse}` : '-'))));
  }
  const all = f.columns.all;
  if (all.social.length) {
    out(`social replies: ${all.social.map((s) => `${s.id} ${s.action}, ${s.sources} sources, ${s.chars} chars`).join('; ')}`);
  }
  const o = all.otherLanguage;
  if (all.otherLanguageOk.of) {
    out(`other-language: ${o.answeredEnglish} answered in English, ${o.answeredOtherLanguage} answered in another language, ${o.escalated} escalated, ${o.refused} refused`);
  }
  if (all.highConfidenceWrong.length) out(`high-confidence wrong-topic answers: ${all.highConfidenceWrong.join(', ')}`);
  const gr = all.grades;
  if (!gr.graded) out(`grades: none matches a current answer; ${gr.ungraded + gr.stale} in-scope answers ungraded (npm run eval -- --export-ungraded FILE)`);
  else out(`grades: shares are of the ${gr.graded} in-scope answers whose current answer has a matching grade; ${gr.ungraded + gr.stale} ungraded`);
  out('topic: the primary topic of the first source; an in-scope question escalated or refused has no source and counts as a miss.');
  if (all.entryBest.of) out(`entry: the first source against the entry labelled to answer it (${all.entryBest.of} labelled questions; either language of an entry counts).`);
  out('hostile: only the action is counted; whether anything leaked cannot be checked automatically.');
  printCalibration(f.calibration, f.rightBy, out);
  if (f.calibrationAtCredit) {
    const { credit, calibration } = f.calibrationAtCredit;
    out(`  ECE with a right topic counted at ${credit.toFixed(3)} (its mean grade credit on batch-1's baseline answers) rather than 1: ${calibration.ece === null ? '-' : calibration.ece.toFixed(3)}`);
  }
}

export function printCalibration(c: Calibration, rightBy: SetFigures['rightBy'], out: Out): void {
  const how =
    rightBy.grade === 0
      ? `topic-correct as a proxy for all ${rightBy.topicProxy} (no grade matches)`
      : rightBy.topicProxy === 0
        ? `graded right for all ${rightBy.grade} (partial counts 0.5)`
        : `graded right for ${rightBy.grade} (partial counts 0.5), topic-correct as a proxy for ${rightBy.topicProxy} ungraded`;
  out(`calibration of in-scope answered questions (N=${c.n}, ${c.bins.length} bins; right = ${how}):`);
  out(`  ${'confidence'.padEnd(13)}${'n'.padStart(4)}  ${'mean conf'.padStart(9)}  ${'right'.padStart(6)}`);
  for (const b of c.bins) {
    const range = `[${b.lo.toFixed(1)}, ${b.hi.toFixed(1)}${b.hi >= 1 ? ']' : ')'}`;
    const f = (x: number | null) => (x === null ? '-' : x.toFixed(3));
    out(`  ${range.padEnd(13)}${String(b.n).padStart(4)}  ${f(b.meanConfidence).padStart(9)}  ${f(b.accuracy).padStart(6)}`);
  }
  out(`  expected calibration error (ECE): ${c.ece === null ? '-' : c.ece.toFixed(3)}`);
}

export function printTargets(targets: TargetCheck[], out: Out): void {
  out('targets (a blind set measures, it does not gate the exit code):');
  for (const t of targets) {
    const met = t.met === null ? 'not known yet' : t.met ? 'met' : 'NOT met';
    out(`  ${t.name.padEnd(38)}${t.target.padEnd(8)}${t.value.padEnd(32)}${met}`);
  }
}

/** One line per question (`--verbose`). */
export function printItems(obs: readonly Observation[], grades: readonly Grade[], out: Out): void {
  for (const { item, contract: c } of obs) {
    const g = item.kind === 'in-scope' ? matchGrade(grades, item.id, c) : undefined;
    const graded = g ? (g.state === 'graded' ? g.grade.grade : g.state) : '';
    const expected = [item.id, `[${item.kind}]`, 'expect', item.expect, item.topic];
    const got = [c.action, answerTopic(c) ?? '-', c.confidence.toFixed(2), graded, answerHash(c)];
    out(`  ${expected.filter(Boolean).join(' ')} → ${got.filter(Boolean).join(' ')}`);
  }
}
