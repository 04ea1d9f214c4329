/**
 * A judge's grades of answers. A grade names the exact answer it judged by a
 * hash of the action and answer text, so when the answer changes the grade
 * stops counting and the question is ungraded again.
 */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { readJsonl } from './sets.ts';

export const GRADE_VALUES = ['right', 'partial', 'wrong', 'handed-over'] as const;
export type GradeValue = (typeof GRADE_VALUES)[number];

export interface Grade {
  id: string;
  grade: GradeValue;
  answerHash: string;
  note?: string;
}

/** sha256 of `action + "\n" + answer`, first 16 hex digits. */
export function answerHash(c: { action: string; answer: string }): string {
  return createHash('sha256').update(`${c.action}\n${c.answer}`).digest('hex').slice(0, 16);
}

/** What a right answer is worth in "share right": partial counts half. */
export function gradeCredit(g: GradeValue): number {
  return g === 'right' ? 1 : g === 'partial' ? 0.5 : 0;
}

/** Checks one grade line (a judge's file may carry more fields: they are dropped). */
export function parseGrade(raw: unknown, where: string): Grade {
  const o = raw as Partial<Grade> | null;
  if (!o || typeof o !== 'object') throw new Error(`${where}: expected an object`);
  if (typeof o.id !== 'string' || !o.id) throw new Error(`${where}: "id" must be a non-empty string`);
  if (!GRADE_VALUES.includes(o.grade as GradeValue)) throw new Error(`${where}: "grade" must be one of ${GRADE_VALUES.join(', ')}`);
  if (typeof o.answerHash !== 'string' || !/^[0-9a-f]{16}$/.test(o.answerHash)) throw new Error(`${where}: "answerHash" must be 16 hex digits`);
  const g: Grade = { id: o.id, grade: o.grade as GradeValue, answerHash: o.answerHash };
  if (typeof o.note === 'string' && o.note) g.note = o.note;
  return g;
}

export function readGrades(path: string): Grade[] {
  if (!existsSync(path)) return [];
  return readJsonl<unknown>(path).map((g, i) => parseGrade(g, `${path}: grade ${i + 1}`));
}

export function writeGrades(path: string, grades: Grade[]): void {
  writeFileSync(path, grades.map((g) => JSON.stringify(g)).join('\n') + (grades.length ? '\n' : ''));
}

export type GradeMatch =
  | { state: 'graded'; grade: Grade }
  /** A grade exists, for an answer that has changed since. */
  | { state: 'stale'; grade: Grade }
  | { state: 'ungraded' };

/** The grade of question `id` if it judged exactly this answer. The last grade of an id wins. */
export function matchGrade(grades: readonly Grade[], id: string, contract: { action: string; answer: string }): GradeMatch {
  const grade = grades.findLast((g) => g.id === id);
  if (!grade) return { state: 'ungraded' };
  return grade.answerHash === answerHash(contract) ? { state: 'graded', grade } : { state: 'stale', grade };
}

/**
 * Replaces the grades of the ids `incoming` names (in place) and appends the
 * rest. An id graded twice keeps one line: the last grade, at the first place.
 */
export function mergeGrades(existing: readonly Grade[], incoming: readonly Grade[]): { grades: Grade[]; added: number; replaced: number } {
  const newest = new Map(incoming.map((g) => [g.id, g]));
  const kept = new Map(existing.map((g) => [g.id, g]));
  const grades: Grade[] = [];
  let replaced = 0;
  for (const id of kept.keys()) {
    const n = newest.get(id);
    if (n) replaced++;
    grades.push(n ?? kept.get(id)!);
  }
  let added = 0;
  for (const g of newest.values()) {
    if (!kept.has(g.id)) {
      grades.push(g);
      added++;
    }
  }
  return { grades, added, replaced };
}

/** What a judge gets for one ungraded in-scope answer (`--export-ungraded`). */
export interface JudgeLine {
  id: string;
  lang: string;
  question: string;
  facts: string[];
  action: string;
  answer: string;
  answerHash: string;
  set: string;
}

/** The in-scope answers of a set without a grade that matches them. */
export function ungradedForJudge(
  set: string,
  obs: readonly { item: { id: string; lang: string; kind: string; question: string; facts?: string[] }; contract: { action: string; answer: string } }[],
  grades: readonly Grade[],
): JudgeLine[] {
  return obs
    .filter(({ item, contract }) => item.kind === 'in-scope' && matchGrade(grades, item.id, contract).state !== 'graded')
    .map(({ item, contract: c }) => ({
      id: item.id,
      lang: item.lang,
      question: item.question,
      facts: item.facts ?? [],
      action: c.action,
      answer: c.answer,
      answerHash: answerHash(c),
      set,
    }));
}

/** Which set each incoming grade belongs to, by question id; ids no set has are listed apart. */
export function routeGrades(incoming: readonly Grade[], setOf: ReadonlyMap<string, string>): { bySet: Map<string, Grade[]>; unknown: string[] } {
  const bySet = new Map<string, Grade[]>();
  const unknown: string[] = [];
  for (const g of incoming) {
    const set = setOf.get(g.id);
    if (!set) unknown.push(g.id);
    else bySet.set(set, [...(bySet.get(set) ?? []), g]);
  }
  return { bySet, unknown };
}
