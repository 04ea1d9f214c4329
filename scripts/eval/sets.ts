/**
 * The question sets `npm run eval` measures: the development set the project
 * was tuned to, and the blind batches under tests/fixtures/blind/ whose status
 * (blind, or since tuned) sets.json records.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export interface EvalItem {
  id: string;
  lang: 'ja' | 'en' | 'zh' | 'ko';
  kind: 'in-scope' | 'out-of-scope' | 'hostile' | 'assessment' | 'social' | 'other-language';
  expect: 'answer' | 'escalate' | 'refuse' | 'hint' | 'answer-en';
  topic?: string;
  /** What a right answer must convey (blind sets). */
  facts?: string[];
  question: string;
}

/** One entry of tests/fixtures/blind/sets.json. */
export interface SetStatus {
  status: 'blind' | 'tuned';
  firstMeasured: { commit: string; date: string };
  tuned?: { commit: string; date: string };
}
export type Manifest = Record<string, SetStatus>;

export interface EvalSet {
  name: string;
  file: string;
  /**
   * development: tuned to, gated by the acceptance targets; blind / tuned: a
   * batch from sets.json; unlisted: a batch not in sets.json yet; file: any
   * other `--file`, treated like the development set as before.
   */
  kind: 'development' | 'blind' | 'tuned' | 'unlisted' | 'file';
  label: string;
  /** Whether missing the acceptance targets fails the exit code. */
  gates: boolean;
}

export const DEV_SET_FILE = 'tests/fixtures/questions.jsonl';
export const BLIND_DIR = 'tests/fixtures/blind';
export const MANIFEST_FILE = join(BLIND_DIR, 'sets.json');

/** Reads a JSON Lines file; a bad line throws with its file and line number. */
export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l, i) => [l, i] as const)
    .filter(([l]) => l.trim())
    .map(([l, i]) => {
      try {
        return JSON.parse(l) as T;
      } catch (err) {
        throw new Error(`${path}:${i + 1}: ${(err as Error).message}`);
      }
    });
}

export function readManifest(path = MANIFEST_FILE): Manifest {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : {};
}

/** How a set is introduced in the report. */
export function setLabel(name: string, manifest: Manifest): { kind: EvalSet['kind']; label: string } {
  if (name === 'development') return { kind: 'development', label: 'development (tuned)' };
  const s = manifest[name];
  if (!s) return { kind: 'unlisted', label: 'blind, not yet in sets.json (record its baseline and list it)' };
  if (s.status === 'tuned') {
    return { kind: 'tuned', label: s.tuned ? `development (tuned since ${s.tuned.commit.slice(0, 7)}, first measured blind at ${s.firstMeasured.commit.slice(0, 7)})` : 'blind, since tuned → development' };
  }
  const m = s.firstMeasured;
  return { kind: 'blind', label: `blind (first measured at ${m.commit.slice(0, 7)} on ${m.date})` };
}

/** The batch files of a blind directory (batch-N.jsonl, not its answers or grades), in number order. */
export function batchFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^batch-\d+\.jsonl$/.test(f))
    .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]))
    .map((f) => join(dir, f));
}

/** Every set: the development set first, then the blind batches. */
export function allSets(manifest: Manifest, root = '.'): EvalSet[] {
  const sets: EvalSet[] = [];
  if (existsSync(join(root, DEV_SET_FILE))) {
    sets.push({ name: 'development', file: join(root, DEV_SET_FILE), ...setLabel('development', manifest), gates: true });
  }
  for (const file of batchFiles(join(root, BLIND_DIR))) {
    const name = basename(file, '.jsonl');
    sets.push({ name, file, ...setLabel(name, manifest), gates: false });
  }
  return sets;
}

/** `--set NAME` ("dev" for the development set) or `--file PATH` (a known set's file keeps its label). */
export function selectSets(sets: EvalSet[], opts: { set?: string; file?: string }): EvalSet[] {
  if (opts.file) {
    const known = sets.find((s) => resolve(s.file) === resolve(opts.file!));
    if (known) return [known];
    return [{ name: basename(opts.file, '.jsonl'), file: opts.file, kind: 'file', label: 'in no set (gated like the development set)', gates: true }];
  }
  if (opts.set) {
    const name = opts.set === 'dev' ? 'development' : opts.set;
    const found = sets.find((s) => s.name === name);
    if (!found) throw new Error(`no set "${opts.set}": known sets are ${sets.map((s) => s.name).join(', ')}`);
    return [found];
  }
  return sets;
}

/** batch-1.jsonl → batch-1.entry-labels.jsonl (next to it): which entry should answer each question. */
export function entryLabelsFileFor(setFile: string): string {
  return setFile.replace(/\.jsonl$/, '') + '.entry-labels.jsonl';
}

/** batch-1.jsonl → batch-1.grades.jsonl (next to it). */
export function gradesFileFor(setFile: string): string {
  return setFile.replace(/\.jsonl$/, '') + '.grades.jsonl';
}
