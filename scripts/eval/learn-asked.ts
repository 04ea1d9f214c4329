/**
 * Teaches the knowledge how real participants ask: every question of a TUNED
 * batch that a blind judge graded right becomes one more listed way of asking
 * (`questions:`) of the entry whose paragraph led that answer. Retrieval, the
 * entry match and the entry classifier all learn from listed questions, so
 * the wording of real days (casual, half English, with identifiers) reaches
 * the index.
 *
 * Blind batches are never read: their questions must stay unseen. Only short,
 * one-line questions without pasted code are taken (a pasted log or model says
 * little about which entry is meant, and its numbers would match anything),
 * and a question already listed anywhere is not added again.
 *
 *   npx tsx scripts/eval/learn-asked.ts [--dry-run]
 *
 * Held out one tuned batch at a time (batches 11, 12, 13; the others taught),
 * the facts' term recall of the composed answers rose by 0.5 to 1.3 points.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnowledge } from '../../src/qa/knowledge.ts';
import { answerHash, readGrades, type Grade } from './grades.ts';
import { BLIND_DIR, MANIFEST_FILE, readJsonl, type Manifest } from './sets.ts';

const MAX_CHARS = 220;
const dryRun = process.argv.includes('--dry-run');
const knowledgeDir = process.env.TASUKE_KNOWLEDGE_DIR ?? 'knowledge';

interface Answer {
  id: string;
  contract: { action: string; answer: string; sources: { id: string }[] };
}

const manifest = JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as Manifest;
const { entries } = loadKnowledge(knowledgeDir);
const byId = new Map(entries.map((e) => [e.id, e]));
const listed = new Set(entries.flatMap((e) => [e.title, ...e.questions].map((q) => q.trim())));
const additions = new Map<string, string[]>();
let seen = 0;
for (const [name, status] of Object.entries(manifest)) {
  if (status.status !== 'tuned') continue;
  const questions = new Map(readJsonl<{ id: string; question: string }>(join(BLIND_DIR, `${name}.jsonl`)).map((q) => [q.id, q.question]));
  // Every recorded version of the batch's answers, by their hash: a grade counts for the answer it was given to.
  const answers = new Map<string, Answer['contract']>();
  for (const f of [`${name}.answers.baseline.jsonl`, `${name}.session-start.answers.jsonl`]) {
    const p = join(BLIND_DIR, f);
    if (existsSync(p)) for (const a of readJsonl<Answer>(p)) answers.set(answerHash(a.contract), a.contract);
  }
  const grades: Grade[] = [];
  for (const f of [`${name}.grades.jsonl`, `${name}.first-grades.jsonl`, `${name}.session-start.grades.jsonl`]) {
    const p = join(BLIND_DIR, f);
    if (existsSync(p)) grades.push(...readGrades(p));
  }
  for (const g of grades) {
    if (g.grade !== 'right') continue;
    const c = answers.get(g.answerHash);
    const q = questions.get(g.id)?.trim();
    if (!c || c.action !== 'answer' || !q || q.length > MAX_CHARS || /```|\n/.test(q)) continue;
    const entry = c.sources[0] && byId.get(c.sources[0].id);
    if (!entry || listed.has(q)) continue;
    seen++;
    listed.add(q);
    additions.set(entry.id, [...(additions.get(entry.id) ?? []), q]);
  }
}

for (const [id, qs] of additions) {
  const entry = byId.get(id)!;
  const path = join(knowledgeDir, entry.file);
  const lines = readFileSync(path, 'utf8').split('\n');
  // The new items go after the last item of the `questions:` list, the rest of the file unchanged;
  // each is written as a JSON string, which YAML reads as a double-quoted scalar.
  const start = lines.indexOf('questions:');
  if (start < 0) throw new Error(`${path}: no "questions:" list`);
  let end = start + 1;
  while (end < lines.length && /^\s+(- |\S)/.test(lines[end]) && lines[end] !== '---') end++;
  lines.splice(end, 0, ...qs.map((q) => `  - ${JSON.stringify(q)}`));
  if (!dryRun) writeFileSync(path, lines.join('\n'));
}
console.log(`${dryRun ? 'Would add' : 'Added'} ${seen} real questions to ${additions.size} entries (from the tuned batches only).`);
