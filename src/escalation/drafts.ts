/**
 * Learning from resolutions. When a TA resolves an escalation with an answer,
 * tasuke drafts a knowledge entry from it (the asker's language, the question
 * as its way of asking, topics from tasuke's attempt or a retrieval of the
 * question, the TA's answer as the body) and keeps it in SQLite
 * (`knowledge_drafts`). A TA edits it and approves it: the entry is checked by
 * the same validator as every entry, written as an ordinary Markdown file
 * under `<knowledgeDir>/learned/`, and the index is refreshed at once, so the
 * next similar question is answered by it. A rejected draft changes nothing.
 *
 * Drafting is idempotent on the escalation (one draft each) and `catchUp()`
 * drafts resolutions a stopped process did not get to, so nothing is lost.
 */
import { shortId } from '../core/ids.ts';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { Bilingual, Lang } from '../core/lang.ts';
import type { Logger } from '../core/log.ts';
import type { Assistant } from '../qa/assistant.ts';
import { loadKnowledge, MAX_BODY_CHARS, parseEntry } from '../qa/knowledge.ts';
import { isLessonId, isTopicSlug, type LessonId, type TopicSlug } from '../qa/topics.ts';
import { migrate, type Db, type Migration } from '../storage/db.ts';
import type { Conversations } from './conversations.ts';
import { draftDecided, draftInvalid, draftNotFound } from './messages.ts';
import { ESCALATION_MIGRATIONS, type EscalationStore } from './store.ts';
import type { Actor, Escalation } from './types.ts';

export const DRAFT_MIGRATIONS: readonly Migration[] = [
  {
    id: 'drafts-001-create',
    up: `CREATE TABLE knowledge_drafts (
      id TEXT PRIMARY KEY,
      escalation_id TEXT NOT NULL UNIQUE REFERENCES escalations(id),
      state TEXT NOT NULL CHECK (state IN ('draft','approved','rejected')),
      entry_id TEXT NOT NULL,
      lang TEXT NOT NULL,
      title TEXT NOT NULL,
      topics TEXT NOT NULL,
      questions TEXT NOT NULL,
      lesson TEXT,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      updated_by TEXT,
      decided_at INTEGER,
      decided_by TEXT,
      file TEXT
    );
    CREATE INDEX knowledge_drafts_state ON knowledge_drafts (state, created_at);`,
  },
];

/** Where approved entries go, inside the knowledge directory. */
export const LEARNED_DIR = 'learned';

export type DraftState = 'draft' | 'approved' | 'rejected';

/** What a TA can edit: the fields of the entry-to-be. */
export interface DraftFields {
  title: string;
  topics: string[];
  questions: string[];
  lesson?: string;
  body: string;
}

export interface KnowledgeDraft extends DraftFields {
  id: string;
  escalationId: string;
  state: DraftState;
  /** The entry's id: `learned-<escalation>-<lang>`, fixed so approving twice writes the same file. */
  entryId: string;
  lang: Lang;
  createdAt: number;
  updatedAt: number;
  updatedBy?: Actor;
  decidedAt?: number;
  decidedBy?: Actor;
  /** Path of the written entry, relative to the knowledge directory (approved drafts). */
  file?: string;
}

interface Row {
  id: string;
  escalation_id: string;
  state: DraftState;
  entry_id: string;
  lang: Lang;
  title: string;
  topics: string;
  questions: string;
  lesson: string | null;
  body: string;
  created_at: number;
  updated_at: number;
  updated_by: string | null;
  decided_at: number | null;
  decided_by: string | null;
  file: string | null;
}

function toDraft(r: Row): KnowledgeDraft {
  const d: KnowledgeDraft = {
    id: r.id,
    escalationId: r.escalation_id,
    state: r.state,
    entryId: r.entry_id,
    lang: r.lang,
    title: r.title,
    topics: JSON.parse(r.topics) as string[],
    questions: JSON.parse(r.questions) as string[],
    body: r.body,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.lesson !== null) d.lesson = r.lesson;
  if (r.updated_by !== null) d.updatedBy = JSON.parse(r.updated_by) as Actor;
  if (r.decided_at !== null) d.decidedAt = r.decided_at;
  if (r.decided_by !== null) d.decidedBy = JSON.parse(r.decided_by) as Actor;
  if (r.file !== null) d.file = r.file;
  return d;
}

/** A draft's title from the question: its first line, at most 120 characters. */
export function titleFromQuestion(question: string): string {
  const line = question.split('\n').map((l) => l.trim()).find(Boolean) ?? question.trim();
  const flat = line.replace(/\s+/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}

/** The entry id of the draft of an escalation (`e-k7mq2xab` → `learned-k7mq2xab-ja`). */
export function learnedEntryId(escalationId: string, lang: Lang): string {
  const slug = escalationId.toLowerCase().replace(/^e-/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `learned-${slug || 'entry'}-${lang}`;
}

/** The Markdown file of a draft: YAML front matter (as every entry) and the body. */
export function renderEntry(d: Pick<KnowledgeDraft, 'entryId' | 'lang'> & DraftFields): string {
  const front: Record<string, unknown> = { id: d.entryId, title: d.title.trim(), lang: d.lang, topics: d.topics, questions: d.questions.map((q) => q.trim()) };
  if (d.lesson) front.lesson = d.lesson;
  return `---\n${toYaml(front, { lineWidth: 0 }).trimEnd()}\n---\n${d.body.trim()}\n`;
}

/**
 * What keeps a draft from being an entry: the common mistakes in both
 * languages first, then anything else the knowledge validator finds (its
 * words are the organizers' English, shown as they are).
 */
export function draftProblems(d: Pick<KnowledgeDraft, 'entryId' | 'lang'> & DraftFields): Bilingual[] {
  const out: Bilingual[] = [];
  if (!d.title.trim()) out.push({ ja: 'タイトルが空です。', en: 'The title is empty.' });
  if (d.topics.length === 0) out.push({ ja: 'トピックを 1 つ以上選んでください。', en: 'Choose at least one topic.' });
  if (d.topics.length > 3) out.push({ ja: 'トピックは 3 つまでです。', en: 'Choose at most three topics.' });
  for (const t of d.topics) if (!isTopicSlug(t)) out.push({ ja: `「${t}」はカリキュラムのトピックではありません。`, en: `"${t}" is not a curriculum topic.` });
  if (!d.questions.some((q) => q.trim())) out.push({ ja: '質問の言い方を 1 つ以上書いてください。', en: 'Give at least one way of asking.' });
  if (d.lesson && !isLessonId(d.lesson)) out.push({ ja: `レッスン「${d.lesson}」はありません。`, en: `There is no lesson "${d.lesson}".` });
  const body = d.body.trim();
  if (!body) out.push({ ja: '本文（回答）が空です。', en: 'The body (the answer) is empty.' });
  else if (body.length > MAX_BODY_CHARS) {
    out.push({
      ja: `本文が ${body.length} 文字あります。${MAX_BODY_CHARS} 文字以内にしてください（Discord の返信に収まる長さ）。`,
      en: `The body has ${body.length} characters; keep it to ${MAX_BODY_CHARS} (what fits in a Discord reply).`,
    });
  }
  if (out.length) return out;
  const checked = parseEntry(renderEntry({ ...d, questions: d.questions.filter((q) => q.trim()) }), `${LEARNED_DIR}/${d.entryId}.md`);
  return checked.problems.map((p) => ({ ja: p, en: p }));
}

/**
 * Topics for a question: those of tasuke's attempt's sources (their first
 * topic each), else those of a retrieval of the question; at most three, and
 * possibly none (an out-of-scope question: the TA chooses).
 */
export async function suggestTopics(assistant: Assistant, question: string, lang: Lang, sourceIds: readonly string[] = []): Promise<TopicSlug[]> {
  const out: TopicSlug[] = [];
  const add = (t: unknown) => {
    if (isTopicSlug(t) && !out.includes(t) && out.length < 3) out.push(t);
  };
  if (sourceIds.length) {
    const index = await assistant.ready();
    const byId = new Map(index.entries.map((e) => [e.id, e]));
    for (const id of sourceIds) add(byId.get(id)?.topics[0]);
  }
  if (out.length === 0) {
    const { contract, trace } = await assistant.askTraced(question, { lang });
    add(trace.topic);
    for (const s of contract.sources) add(s.topics[0]);
  }
  return out.slice(0, 2);
}

export interface KnowledgeDraftsOptions {
  knowledgeDir: string;
  /** Topics for a new draft (see `suggestTopics`). */
  suggestTopics: (question: string, lang: Lang, sourceIds: readonly string[]) => Promise<TopicSlug[]>;
  /** Makes the assistant see the knowledge as it now is on disk. */
  refresh: () => Promise<unknown>;
}

/** A short id for a draft (`d-` and 8 characters). */
function newDraftId(): string {
  return shortId('d-', 8);
}

export class KnowledgeDrafts {
  /** Approvals write files and rebuild the index: one at a time. */
  private approving: Promise<unknown> = Promise.resolve();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly db: Db,
    private readonly opts: KnowledgeDraftsOptions,
  ) {
    migrate(db, ESCALATION_MIGRATIONS);
    migrate(db, DRAFT_MIGRATIONS);
  }

  /** Tracks background work so `idle()` can wait for it before the database closes. */
  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    const done = () => this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  /** Resolves when no drafting or approval is under way. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Drafts an entry from a resolved escalation that has an answer; returns the
   * draft (the existing one when it was drafted before), or undefined when
   * there is nothing to learn (dismissed, no answer).
   */
  draftFrom(e: Escalation, now = Date.now()): Promise<KnowledgeDraft | undefined> {
    return this.track(
      (async () => {
        if (e.state !== 'resolved' || !e.resolution?.trim()) return undefined;
        const existing = this.byEscalation(e.id);
        if (existing) return existing;
        const topics = await this.opts.suggestTopics(e.question, e.lang, e.attempt?.sources ?? []);
        const fields: DraftFields = {
          title: titleFromQuestion(e.question),
          topics,
          questions: [e.question.trim().replace(/\s*\n\s*/g, ' ').slice(0, 300)],
          body: e.resolution.trim(),
        };
        this.db
          .prepare(
            `INSERT OR IGNORE INTO knowledge_drafts
             (id, escalation_id, state, entry_id, lang, title, topics, questions, lesson, body, created_at, updated_at, updated_by)
             VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
          )
          .run(
            newDraftId(),
            e.id,
            learnedEntryId(e.id, e.lang),
            e.lang,
            fields.title,
            JSON.stringify(fields.topics),
            JSON.stringify(fields.questions),
            fields.body,
            now,
            now,
            e.resolvedBy ? JSON.stringify(e.resolvedBy) : null,
          );
        return this.byEscalation(e.id);
      })(),
    );
  }

  /** Resolved escalations with an answer and no draft yet (a restart in between), oldest first. */
  undrafted(escalations: EscalationStore): Escalation[] {
    const rows = this.db
      .prepare(
        `SELECT e.id FROM escalations e LEFT JOIN knowledge_drafts d ON d.escalation_id = e.id
         WHERE e.state = 'resolved' AND e.resolution IS NOT NULL AND TRIM(e.resolution) != '' AND d.id IS NULL
         ORDER BY e.resolved_at, e.rowid`,
      )
      .all() as { id: string }[];
    return rows.map((r) => escalations.get(r.id)).filter((e): e is Escalation => e !== undefined);
  }

  get(id: string): KnowledgeDraft | undefined {
    const row = this.db.prepare('SELECT * FROM knowledge_drafts WHERE id = ?').get(id) as Row | undefined;
    return row ? toDraft(row) : undefined;
  }

  byEscalation(escalationId: string): KnowledgeDraft | undefined {
    const row = this.db.prepare('SELECT * FROM knowledge_drafts WHERE escalation_id = ?').get(escalationId) as Row | undefined;
    return row ? toDraft(row) : undefined;
  }

  /** Oldest first. */
  list(filter: { states?: readonly DraftState[]; limit?: number } = {}): KnowledgeDraft[] {
    const states = filter.states ?? [];
    const where = states.length ? `WHERE state IN (${states.map(() => '?').join(',')})` : '';
    const limit = Math.max(1, Math.min(filter.limit ?? 500, 10_000));
    return (this.db.prepare(`SELECT * FROM knowledge_drafts ${where} ORDER BY created_at, rowid LIMIT ${limit}`).all(...states) as Row[]).map(toDraft);
  }

  private require(id: string): KnowledgeDraft {
    const d = this.get(id);
    if (!d) throw draftNotFound(id);
    return d;
  }

  /** Saves a TA's edits to an undecided draft (no validation: a draft may be half done). */
  update(id: string, fields: Partial<DraftFields>, ta: Actor, now = Date.now()): KnowledgeDraft {
    const tx = this.db.transaction(() => {
      const d = this.require(id);
      if (d.state !== 'draft') throw draftDecided(id, d.state);
      const next = { ...d, ...fields };
      this.db
        .prepare(
          `UPDATE knowledge_drafts SET title = ?, topics = ?, questions = ?, lesson = ?, body = ?, updated_at = ?, updated_by = ?
           WHERE id = ? AND state = 'draft'`,
        )
        .run(next.title, JSON.stringify(next.topics), JSON.stringify(next.questions), next.lesson || null, next.body, now, JSON.stringify(ta), id);
      return this.get(id)!;
    });
    return tx.immediate();
  }

  /**
   * Approves a draft (with the TA's last edits, if given): validates it as an
   * entry, writes `<knowledgeDir>/learned/<entryId>.md`, refreshes the index,
   * then marks it approved. If the refresh fails the file is removed again and
   * the draft stays a draft. Throws UserError for an invalid or decided draft.
   */
  approve(id: string, ta: Actor, fields: Partial<DraftFields> = {}, now = Date.now()): Promise<KnowledgeDraft> {
    const run = this.approving.catch(() => undefined).then(async () => {
      let d = this.require(id);
      if (d.state !== 'draft') throw draftDecided(id, d.state);
      if (Object.keys(fields).length) d = this.update(id, fields, ta, now);
      const questions = d.questions.map((q) => q.trim()).filter(Boolean);
      const problems = draftProblems({ ...d, questions });
      const file = `${LEARNED_DIR}/${d.entryId}.md`;
      if (problems.length === 0) {
        // The id must not clash with an entry elsewhere in the knowledge base.
        const clash = loadKnowledge(this.opts.knowledgeDir).entries.find((e) => e.id === d.entryId && e.file.replace(/\\/g, '/') !== file);
        if (clash) problems.push({ ja: `id「${d.entryId}」は ${clash.file} ですでに使われています。`, en: `The id "${d.entryId}" is already used by ${clash.file}.` });
      }
      if (problems.length) throw draftInvalid(id, problems);

      const dir = join(this.opts.knowledgeDir, LEARNED_DIR);
      const path = join(dir, `${d.entryId}.md`);
      const existed = existsSync(path);
      mkdirSync(dir, { recursive: true });
      // Written aside, then renamed: the index never reads half a file. The
      // dot keeps the loader (which skips dot-files) away from it meanwhile.
      const tmp = join(dir, `.${d.entryId}.md.${process.pid}.tmp`);
      writeFileSync(tmp, renderEntry({ ...d, questions }));
      renameSync(tmp, path);
      try {
        await this.opts.refresh();
      } catch (err) {
        if (!existed) rmSync(path, { force: true });
        await this.opts.refresh().catch(() => undefined);
        throw err;
      }
      this.db
        .prepare(`UPDATE knowledge_drafts SET state = 'approved', decided_at = ?, decided_by = ?, file = ? WHERE id = ? AND state = 'draft'`)
        .run(now, JSON.stringify(ta), file, id);
      return this.get(id)!;
    });
    this.approving = run;
    return this.track(run);
  }

  /** Rejects a draft: nothing is written, the knowledge and the index stay as they are. */
  reject(id: string, ta: Actor, now = Date.now()): KnowledgeDraft {
    const tx = this.db.transaction(() => {
      const d = this.require(id);
      if (d.state !== 'draft') throw draftDecided(id, d.state);
      this.db.prepare(`UPDATE knowledge_drafts SET state = 'rejected', decided_at = ?, decided_by = ? WHERE id = ? AND state = 'draft'`).run(now, JSON.stringify(ta), id);
      return this.get(id)!;
    });
    return tx.immediate();
  }
}

/**
 * Connects learning to the escalations: a resolution counts as the TA's first
 * response in its conversation, and one with an answer is drafted. Drafts the
 * resolutions a previous process missed, then listens. Returns a function
 * that stops listening.
 */
export function learnFromResolutions(deps: {
  escalations: EscalationStore;
  conversations: Conversations;
  drafts: KnowledgeDrafts;
  log: Pick<Logger, 'error'>;
}): () => void {
  const { escalations, conversations, drafts, log } = deps;
  const draft = (e: Escalation) =>
    drafts.draftFrom(e).catch((err: unknown) => log.error({ component: 'drafts', escalation: e.id, err }, 'could not draft a knowledge entry'));
  const stop = escalations.subscribe((ev) => {
    if (ev.type !== 'resolved') return;
    const e = ev.escalation;
    const key = conversations.keyOf(e.id);
    if (key && e.resolvedBy) conversations.recordTaResponse(key, e.resolvedBy, e.resolvedAt ?? Date.now());
    void draft(e);
  });
  for (const e of drafts.undrafted(escalations)) void draft(e);
  return stop;
}
