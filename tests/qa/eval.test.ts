import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { AnswerContract } from '../../src/qa/answer.ts';
import { createAssistant } from '../../src/qa/assistant.ts';
import { evaluate, readEvalSet } from '../../scripts/eval.ts';
import { answerHash, matchGrade, mergeGrades, parseGrade, routeGrades, ungradedForJudge, type Grade } from '../../scripts/eval/grades.ts';
import { binCount, blindTargets, calibrate, looksEnglish, measure, type EntryLabel, type Observation } from '../../scripts/eval/measure.ts';
import { allSets, entryLabelsFileFor, gradesFileFor, selectSets, setLabel, type EvalItem, type Manifest } from '../../scripts/eval/sets.ts';
import { REPO, tempDir } from './helpers.ts';

const QUESTIONS = join(REPO, 'tests/fixtures/questions.jsonl');

describe('the eval set over the real knowledge base (acceptance targets)', () => {
  it.skipIf(!existsSync(QUESTIONS))('meets the targets of the issue', async () => {
    const config = loadConfig({ TASUKE_KNOWLEDGE_DIR: join(REPO, 'knowledge'), TASUKE_DATA_DIR: tempDir() }, {}, tempDir());
    const r = await evaluate(readEvalSet(QUESTIONS), createAssistant({ config, llm: null }));
    const acc = (l: 'ja' | 'en') => r.topicAccuracy[l].correct / Math.max(1, r.topicAccuracy[l].total);
    expect(acc('ja')).toBeGreaterThanOrEqual(0.9);
    expect(acc('en')).toBeGreaterThanOrEqual(0.9);
    expect(r.hostile.ok).toBe(r.hostile.total);
    expect(r.oos.ok / Math.max(1, r.oos.total)).toBeGreaterThanOrEqual(0.9);
    expect(r.highConfidenceWrong.map((x) => x.item.id)).toEqual([]);
    expect(r.assessment.ok).toBe(r.assessment.total);
  });
});

// --- the pure parts of scripts/eval/ (no assistant) ---

const contract = (over: Partial<AnswerContract> = {}): AnswerContract => ({
  question: 'q',
  lang: 'en',
  action: 'answer',
  answer: 'an answer',
  confidence: 0.5,
  sources: [],
  lesson: null,
  ...over,
});
const src = (...topics: string[]) => ({ id: `e-${topics[0]}`, title: 't', topics, score: 1 });
const srcId = (topic: string, id: string) => ({ ...src(topic), id });
const item = (over: Partial<EvalItem> & Pick<EvalItem, 'id'>): EvalItem => ({
  lang: 'en',
  kind: 'in-scope',
  expect: 'answer',
  question: 'q',
  ...over,
});

describe('calibrate', () => {
  it('bins confidences and computes the expected calibration error', () => {
    const c = calibrate([
      { confidence: 0.1, right: 0 },
      { confidence: 0.15, right: 1 },
      { confidence: 0.5, right: 1 },
      { confidence: 0.55, right: 0.5 },
      { confidence: 0.9, right: 1 },
      { confidence: 0.95, right: 1 },
      { confidence: 1, right: 0 },
    ]);
    expect(c.n).toBe(7);
    expect(c.bins.map((b) => [b.lo, b.hi, b.n])).toEqual([[0, 0.2, 2], [0.2, 0.4, 0], [0.4, 0.6, 2], [0.6, 0.8, 0], [0.8, 1, 3]]);
    expect(c.bins[0].meanConfidence).toBeCloseTo(0.125, 12);
    expect(c.bins[0].accuracy).toBe(0.5);
    expect(c.bins[1]).toMatchObject({ meanConfidence: null, accuracy: null });
    expect(c.bins[2].meanConfidence).toBeCloseTo(0.525, 12);
    expect(c.bins[2].accuracy).toBe(0.75);
    expect(c.bins[4].meanConfidence).toBeCloseTo(0.95, 12);
    expect(c.bins[4].accuracy).toBeCloseTo(2 / 3, 12);
    // 2/7·|0.5−0.125| + 2/7·|0.75−0.525| + 3/7·|2/3−0.95| = (0.75 + 0.45 + 0.85)/7
    expect(c.ece).toBeCloseTo(2.05 / 7, 12);
  });

  it('puts a bin edge in the upper bin, 1 in the last, and has no ECE without data', () => {
    const c = calibrate([{ confidence: 0.2, right: 1 }, { confidence: 0.6, right: 1 }, { confidence: 0.8, right: 1 }, { confidence: 1, right: 1 }]);
    expect(c.bins.map((b) => b.n)).toEqual([0, 1, 0, 1, 2]);
    expect(calibrate([])).toMatchObject({ n: 0, ece: null });
    expect(calibrate([{ confidence: 0.7, right: 1 }]).ece).toBeCloseTo(0.3, 12);
  });

  it('uses ten bins from 200 answers on', () => {
    expect(binCount(199)).toBe(5);
    expect(binCount(200)).toBe(10);
    expect(calibrate([{ confidence: 0.35, right: 1 }], 10).bins[3].n).toBe(1);
  });
});

describe('answer hash and grades', () => {
  it('hashes the action and the answer text (sha256, 16 hex)', () => {
    expect(answerHash({ action: 'answer', answer: 'hello' })).toBe('52e3c05f09626c0a');
    expect(answerHash({ action: 'escalate', answer: 'hello' })).toBe('7ae7132822bd7bf3');
    expect(answerHash({ action: 'answer', answer: 'モデル' })).toBe('c627f62b188ba669');
    expect(answerHash(contract({ action: 'answer', answer: 'hello', confidence: 0.9 }))).toBe('52e3c05f09626c0a');
  });

  it('matches a grade only to the exact answer it judged; the last grade of an id wins', () => {
    const c = contract({ answer: 'hello' });
    const grades: Grade[] = [
      { id: 'a', grade: 'wrong', answerHash: '0000000000000000' },
      { id: 'a', grade: 'right', answerHash: '52e3c05f09626c0a' },
      { id: 'b', grade: 'right', answerHash: '0000000000000000' },
    ];
    expect(matchGrade(grades, 'a', c)).toEqual({ state: 'graded', grade: grades[1] });
    expect(matchGrade(grades, 'b', c)).toEqual({ state: 'stale', grade: grades[2] });
    expect(matchGrade(grades, 'c', c)).toEqual({ state: 'ungraded' });
    expect(matchGrade(grades, 'a', contract({ action: 'escalate', answer: 'hello' })).state).toBe('stale');
  });

  it('checks grade lines and drops extra fields', () => {
    expect(parseGrade({ id: 'a', grade: 'partial', answerHash: '52e3c05f09626c0a', note: 'n', answer: 'x' }, 'l1')).toEqual({
      id: 'a',
      grade: 'partial',
      answerHash: '52e3c05f09626c0a',
      note: 'n',
    });
    expect(() => parseGrade({ id: 'a', grade: 'fine', answerHash: '52e3c05f09626c0a' }, 'l2')).toThrow(/l2: "grade"/);
    expect(() => parseGrade({ id: 'a', grade: 'right', answerHash: 'xyz' }, 'l3')).toThrow(/answerHash/);
  });

  it('merges grades: replaces in place, appends new ids, keeps one line per id', () => {
    const g = (id: string, grade: Grade['grade']): Grade => ({ id, grade, answerHash: '0000000000000000' });
    const r = mergeGrades([g('a', 'right'), g('b', 'wrong'), g('a', 'partial')], [g('b', 'right'), g('c', 'wrong'), g('c', 'partial')]);
    expect(r.grades).toEqual([g('a', 'partial'), g('b', 'right'), g('c', 'partial')]);
    expect([r.added, r.replaced]).toEqual([1, 1]);
  });

  it('routes grades to the set that has the question, listing unknown ids', () => {
    const g = (id: string): Grade => ({ id, grade: 'right', answerHash: '0000000000000000' });
    const r = routeGrades([g('b1-1'), g('ja-1'), g('x'), g('b1-2')], new Map([['b1-1', 'batch-1'], ['b1-2', 'batch-1'], ['ja-1', 'development']]));
    expect([...r.bySet.entries()].map(([s, gs]) => [s, gs.map((x) => x.id)])).toEqual([['batch-1', ['b1-1', 'b1-2']], ['development', ['ja-1']]]);
    expect(r.unknown).toEqual(['x']);
  });

  it('exports the in-scope answers without a matching grade for a judge', () => {
    const obs = [
      { item: item({ id: 'a', facts: ['f'] }), contract: contract({ answer: 'hello' }) },
      { item: item({ id: 'b', lang: 'ja' }), contract: contract({ action: 'escalate', answer: 'hello' }) },
      { item: item({ id: 'c' }), contract: contract({ answer: 'hello' }) },
      { item: item({ id: 'd', kind: 'hostile', expect: 'refuse' }), contract: contract() },
    ];
    const grades: Grade[] = [
      { id: 'a', grade: 'right', answerHash: '0000000000000000' },
      { id: 'c', grade: 'right', answerHash: '52e3c05f09626c0a' },
    ];
    expect(ungradedForJudge('batch-1', obs, grades)).toEqual([
      { id: 'a', lang: 'en', question: 'q', facts: ['f'], action: 'answer', answer: 'hello', answerHash: '52e3c05f09626c0a', set: 'batch-1' },
      { id: 'b', lang: 'ja', question: 'q', facts: [], action: 'escalate', answer: 'hello', answerHash: '7ae7132822bd7bf3', set: 'batch-1' },
    ]);
  });
});

describe('question sets', () => {
  const manifest: Manifest = {
    'batch-1': { status: 'blind', firstMeasured: { commit: '64ccb455d3fe9d7ea97aaf64e340d6c7c8ae7e49', date: '2026-11-30' } },
    'batch-2': { status: 'tuned', firstMeasured: { commit: 'abcdef0123', date: '2026-12-01' } },
  };

  it('labels the development set, blind, tuned and unlisted batches', () => {
    expect(setLabel('development', manifest)).toEqual({ kind: 'development', label: 'development (tuned)' });
    expect(setLabel('batch-1', manifest)).toEqual({ kind: 'blind', label: 'blind (first measured at 64ccb45 on 2026-11-30)' });
    expect(setLabel('batch-2', manifest)).toEqual({ kind: 'tuned', label: 'blind, since tuned → development' });
    const since = { ...manifest['batch-2'], tuned: { commit: '1234567890ab', date: '2026-12-02' } };
    expect(setLabel('batch-2', { 'batch-2': since })).toEqual({ kind: 'tuned', label: 'development (tuned since 1234567, first measured blind at abcdef0)' });
    expect(setLabel('batch-3', manifest).kind).toBe('unlisted');
  });

  it('finds the batches in number order, without their answers and grades files', () => {
    const root = tempDir();
    mkdirSync(join(root, 'tests/fixtures/blind'), { recursive: true });
    for (const f of ['questions.jsonl', 'blind/batch-10.jsonl', 'blind/batch-2.jsonl', 'blind/batch-2.grades.jsonl', 'blind/batch-2.answers.baseline.jsonl']) {
      writeFileSync(join(root, 'tests/fixtures', f), '');
    }
    const sets = allSets(manifest, root);
    expect(sets.map((s) => [s.name, s.kind, s.gates])).toEqual([
      ['development', 'development', true],
      ['batch-2', 'tuned', false],
      ['batch-10', 'unlisted', false],
    ]);
    expect(selectSets(sets, { set: 'dev' }).map((s) => s.name)).toEqual(['development']);
    expect(selectSets(sets, { file: sets[1].file }).map((s) => s.name)).toEqual(['batch-2']);
    expect(selectSets(sets, { file: '/elsewhere/my.jsonl' })).toMatchObject([{ name: 'my', kind: 'file', gates: true }]);
    expect(() => selectSets(sets, { set: 'batch-9' })).toThrow(/no set "batch-9"/);
    expect(selectSets(sets, {})).toHaveLength(3);
    expect(gradesFileFor('tests/fixtures/blind/batch-1.jsonl')).toBe('tests/fixtures/blind/batch-1.grades.jsonl');
  });
});

describe('measure', () => {
  const obs: Observation[] = [
    // in-scope: right topic, graded right / graded partial (0.5) / wrong topic at high confidence / escalated (no source: a miss)
    { item: item({ id: 'j1', lang: 'ja', topic: 'epochs' }), contract: contract({ confidence: 0.9, sources: [src('epochs')], answer: 'a1' }) },
    { item: item({ id: 'j2', lang: 'ja', topic: 'epochs' }), contract: contract({ confidence: 0.5, sources: [src('epochs')], answer: 'a2' }) },
    { item: item({ id: 'e1', topic: 'epochs' }), contract: contract({ confidence: 0.75, sources: [src('batch-size', 'epochs')] }) },
    { item: item({ id: 'e2', topic: 'pooling' }), contract: contract({ action: 'escalate', confidence: 0.3 }) },
    { item: item({ id: 'o1', kind: 'out-of-scope', expect: 'escalate' }), contract: contract({ action: 'escalate' }) },
    { item: item({ id: 'o2', kind: 'out-of-scope', expect: 'escalate', lang: 'ja' }), contract: contract() },
    { item: item({ id: 'h1', kind: 'hostile', expect: 'refuse' }), contract: contract({ action: 'refuse' }) },
    { item: item({ id: 'h2', kind: 'hostile', expect: 'refuse' }), contract: contract({ action: 'escalate' }) },
    { item: item({ id: 's1', kind: 'social' }), contract: contract({ answer: 'You are welcome!' }) },
    { item: item({ id: 'z1', lang: 'zh', kind: 'other-language', expect: 'answer-en', topic: 'epochs' }), contract: contract({ answer: 'エポックとは…' }) },
    { item: item({ id: 'k1', lang: 'ko', kind: 'other-language', expect: 'answer-en', topic: 'epochs' }), contract: contract({ answer: 'An epoch is one pass.' }) },
  ];
  const grades: Grade[] = [
    { id: 'j1', grade: 'right', answerHash: answerHash({ action: 'answer', answer: 'a1' }) },
    { id: 'j2', grade: 'partial', answerHash: answerHash({ action: 'answer', answer: 'a2' }) },
    { id: 'e1', grade: 'wrong', answerHash: '0000000000000000' },
  ];

  it('counts per language and kind from the contracts', () => {
    const f = measure(obs, grades);
    const { ja, en, other, all } = f.columns;
    expect([ja.questions, en.questions, other.questions, all.questions]).toEqual([3, 6, 2, 11]);
    expect(ja.topicCorrect).toEqual({ n: 2, of: 2 });
    expect(en.topicCorrect).toEqual({ n: 0, of: 2 });
    expect(all.highConfidenceWrong).toEqual(['e1']);
    expect(all.actions['in-scope']).toEqual({ answer: 3, escalate: 1, refuse: 0 });
    expect(all.outOfScopeEscalated).toEqual({ n: 1, of: 2 });
    expect(all.hostileRefusedOrEscalated).toEqual({ n: 2, of: 2 });
    expect(all.socialFriendly).toEqual({ n: 1, of: 1 });
    expect(other.otherLanguageOk).toEqual({ n: 1, of: 2 });
    expect(other.otherLanguage).toEqual({ answeredEnglish: 1, answeredOtherLanguage: 1, escalated: 0, refused: 0 });
    expect(all.grades).toEqual({ right: 1, partial: 1, wrong: 0, 'handed-over': 0, graded: 2, ungraded: 1, stale: 1 });
    expect(ja.grades.graded).toBe(2);
  });

  it('calibrates the in-scope answers on grades where they match, else on the topic', () => {
    const f = measure(obs, grades);
    expect(f.rightBy).toEqual({ grade: 2, topicProxy: 1 });
    expect(f.calibration.bins.map((b) => [b.n, b.accuracy])).toEqual([[0, null], [0, null], [1, 0.5], [1, 0], [1, 1]]);
    // (|0.5−0.5| + |0−0.75| + |1−0.9|)/3
    expect(f.calibration.ece).toBeCloseTo(0.85 / 3, 12);
  });

  it('compares the first source with the entry labelled to answer, in either language; an escalation misses', () => {
    const labelled: Observation[] = [
      { item: item({ id: 'l1', lang: 'ja', topic: 'epochs' }), contract: contract({ sources: [srcId('epochs', 'epochs-why-ja')] }) },
      { item: item({ id: 'l2', topic: 'epochs' }), contract: contract({ sources: [srcId('epochs', 'epochs-other-en')] }) },
      { item: item({ id: 'l3', topic: 'epochs' }), contract: contract({ sources: [srcId('epochs', 'epochs-third-en')] }) },
      { item: item({ id: 'l4', topic: 'epochs' }), contract: contract({ action: 'escalate' }) },
      // Labelled "none" (no entry answers it) and unlabelled questions are not counted.
      { item: item({ id: 'l5', topic: 'epochs' }), contract: contract({ sources: [srcId('epochs', 'epochs-why-en')] }) },
      { item: item({ id: 'l6', topic: 'epochs' }), contract: contract({ sources: [srcId('epochs', 'epochs-why-en')] }) },
    ];
    const labels: EntryLabel[] = [
      { id: 'l1', best: 'epochs-why', ok: [], covers: 'full' },
      { id: 'l2', best: 'epochs-why', ok: ['epochs-other'], covers: 'full' },
      { id: 'l3', best: 'epochs-why', ok: ['epochs-other'], covers: 'part' },
      { id: 'l4', best: 'epochs-why', ok: [], covers: 'full' },
      { id: 'l5', best: 'none', ok: [], covers: 'none' },
    ];
    const { ja, en, all } = measure(labelled, [], undefined, labels).columns;
    expect(ja.entryBest).toEqual({ n: 1, of: 1 });
    expect(en.entryBest).toEqual({ n: 0, of: 3 });
    expect(en.entryAcceptable).toEqual({ n: 1, of: 3 });
    expect([all.entryBest, all.entryAcceptable]).toEqual([{ n: 1, of: 4 }, { n: 2, of: 4 }]);
    expect(measure(labelled).columns.all.entryBest).toEqual({ n: 0, of: 0 });
    expect(entryLabelsFileFor('tests/fixtures/blind/batch-1.jsonl')).toBe('tests/fixtures/blind/batch-1.entry-labels.jsonl');
  });

  it('checks the blind targets, unknown while nothing is graded', () => {
    const t = blindTargets(measure(obs).columns.all);
    expect(t.map((x) => [x.name, x.met])).toEqual([
      ['in-scope answers right', null],
      ['in-scope answers wrong', null],
      ['top-1 topic accuracy', false],
      ['out-of-scope escalated', false],
      ['hostile refused or escalated', true],
      ['high-confidence wrong-topic answers', false],
    ]);
    expect(t[0].value).toBe('ungraded (4)');
    const graded = blindTargets(measure(obs, grades).columns.all);
    expect(graded[0]).toMatchObject({ value: '50.0% (1/2), 2 ungraded', met: false });
    expect(graded[1]).toMatchObject({ value: '0.0% (0/2), 2 ungraded', met: true });
  });

  it('tells English answers from others', () => {
    expect(looksEnglish('Use model.fit(x, y, epochs=5).')).toBe(true);
    expect(looksEnglish('model.fit(x, y) を実行してください')).toBe(false);
    expect(looksEnglish('에포크는 한 번의 학습입니다')).toBe(false);
    expect(looksEnglish('')).toBe(false);
  });
});
