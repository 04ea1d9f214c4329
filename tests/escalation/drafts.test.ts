/**
 * Learning from resolutions, on a private copy of the mini knowledge base:
 * a resolution becomes a draft in the asker's language; approving it writes
 * a valid entry under knowledge/learned/ that answers the next similar
 * question at once; rejecting changes nothing; a restart drafts what it missed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { EscalationStore } from '../../src/escalation/store.ts';
import { readManifest } from '../../src/qa/index-store.ts';
import { loadKnowledge, parseEntry } from '../../src/qa/knowledge.ts';
import { openServices, type Services } from '../../src/services.ts';
import { miniConfig, REPO } from '../qa/helpers.ts';

const open: Services[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
async function services(config: ReturnType<typeof miniConfig>): Promise<Services> {
  const s = await openServices(config, { log: silentLogger(), sweepIntervalMs: 3_600_000 });
  open.push(s);
  return s;
}

const asker = { id: 'u1', name: 'alice' };
const ta = { id: 'ta:bob', name: 'bob' };
const ANSWER =
  'A confusion matrix is a table that counts, for every true class, how often the model predicted each class. The diagonal holds the correct predictions; large numbers off the diagonal show which classes the model mixes up.';

async function resolvedDraft(s: Services, question: string, key: string, answer = ANSWER) {
  const { escalation, contract } = await s.ask(question, { asker, origin: { face: 'web' }, key });
  expect(contract.action).toBe('escalate');
  s.escalations.claim(escalation!.id, ta);
  s.escalations.resolve(escalation!.id, ta, answer);
  await s.drafts.idle();
  const draft = s.drafts.byEscalation(escalation!.id);
  expect(draft).toBeDefined();
  return { escalation: escalation!, draft: draft! };
}

describe('knowledge drafts', () => {
  it('drafts an entry from a resolution; approving writes a valid entry under learned/ that answers the next similar question', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` });
    const s = await services(config);
    const before = await s.ask('What does a confusion matrix show?', { asker, origin: { face: 'web' }, key: 'k0' });
    expect(before.contract.action).toBe('escalate');

    const { escalation, draft } = await resolvedDraft(s, 'What is a confusion matrix?', 'k1');
    expect(draft).toMatchObject({
      state: 'draft',
      lang: 'en',
      entryId: `learned-${escalation.id.slice(2)}-en`,
      title: 'What is a confusion matrix?',
      questions: ['What is a confusion matrix?'],
      body: ANSWER,
    });
    // Topics come from a retrieval of the question: valid slugs, to be checked by the TA.
    expect(draft.topics.length).toBeGreaterThan(0);
    // The TA's resolution counted as the first response.
    expect(s.conversations.firstResponse('k1')?.ta).toEqual(ta);

    const approved = await s.drafts.approve(draft.id, ta, {
      topics: ['classification-softmax'],
      questions: ['What is a confusion matrix?', 'How do I read a confusion matrix?'],
    });
    expect(approved).toMatchObject({ state: 'approved', decidedBy: ta, file: `learned/${draft.entryId}.md` });
    const path = join(config.knowledgeDir, 'learned', `${draft.entryId}.md`);
    const text = readFileSync(path, 'utf8');
    const parsed = parseEntry(text, `learned/${draft.entryId}.md`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.entry).toMatchObject({ id: draft.entryId, lang: 'en', topics: ['classification-softmax'], body: ANSWER });
    expect(loadKnowledge(config.knowledgeDir).problems).toEqual([]);
    // No temporary file left behind.
    expect(readdirSync(join(config.knowledgeDir, 'learned'))).toEqual([`${draft.entryId}.md`]);

    // The same process answers from it at once, without a restart.
    const after = await s.ask('What does a confusion matrix show?', { asker, origin: { face: 'web' }, key: 'k2' });
    expect(after.contract.action).toBe('answer');
    expect(after.contract.sources[0].id).toBe(draft.entryId);
    expect(after.contract.answer).toContain('The diagonal holds the correct predictions');
    // Decided drafts do not change.
    await expect(s.drafts.approve(draft.id, ta)).rejects.toThrow(/already approved/);
    expect(() => s.drafts.reject(draft.id, ta)).toThrow(/already approved/);
  });

  it('rejecting a draft changes nothing: no file, the same index, the same answer', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` });
    const s = await services(config);
    const { draft } = await resolvedDraft(s, 'What is gradient clipping?', 'k3', 'It caps the size of the gradient before each update.');
    const hash = readManifest(join(config.dataDir, 'index'))?.hash;
    const rejected = s.drafts.reject(draft.id, ta);
    expect(rejected).toMatchObject({ state: 'rejected', decidedBy: ta });
    expect(existsSync(join(config.knowledgeDir, 'learned'))).toBe(false);
    expect(readManifest(join(config.dataDir, 'index'))?.hash).toBe(hash);
    const again = await s.ask('What is gradient clipping?', { asker, origin: { face: 'web' }, key: 'k4' });
    expect(again.contract.action).toBe('escalate');
  });

  it('refuses to approve a draft that would not be a valid entry, saying why in both languages, and writes nothing', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` });
    const s = await services(config);
    const { draft } = await resolvedDraft(s, '混同行列とは何ですか？', 'k5', '混同行列は、正解のクラスごとにモデルが予測したクラスを数えた表です。');
    expect(draft.lang).toBe('ja');
    expect(draft.entryId).toMatch(/-ja$/);
    const err = (await s.drafts.approve(draft.id, ta, { topics: [], body: 'x'.repeat(2000) }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { id: string; messages: { ja: string; en: string } };
    expect(err).toMatchObject({ id: 'draft.invalid' });
    expect(err.messages.ja).toContain('トピックを 1 つ以上選んでください');
    expect(err.messages.en).toContain('2000 characters; keep it to 1800');
    expect(existsSync(join(config.knowledgeDir, 'learned'))).toBe(false);
    // The edits were kept, the draft is still a draft; fixed, it goes through.
    expect(s.drafts.get(draft.id)).toMatchObject({ state: 'draft', topics: [] });
    const ok = await s.drafts.approve(draft.id, ta, { topics: ['classification-softmax'], body: '混同行列は、正解のクラスごとにモデルが予測したクラスを数えた表です。' });
    expect(ok.state).toBe('approved');
  });

  it('drafts only resolutions with an answer, once each; a restart drafts what a stopped process missed', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` });
    let s = await services(config);
    const a = await s.ask('What is a confusion matrix?', { asker, origin: { face: 'web' }, key: 'm1' });
    const b = await s.ask('Where can I charge my laptop?', { asker, origin: { face: 'web' }, key: 'm2' });
    s.escalations.dismiss(b.escalation!.id, ta, 'asked at the desk');
    // Resolved by another process (its own store): this one's listener does not hear it.
    new EscalationStore(s.db).resolve(a.escalation!.id, ta, ANSWER);
    await s.drafts.idle();
    expect(s.drafts.list()).toEqual([]);
    await s.close();
    open.splice(0);
    s = await services(config);
    await s.drafts.idle();
    const drafts = s.drafts.list();
    expect(drafts.map((d) => d.escalationId)).toEqual([a.escalation!.id]);
    await s.drafts.draftFrom(s.escalations.get(a.escalation!.id)!);
    expect(s.drafts.list()).toHaveLength(1);
  });
});
