/**
 * The sweeper of unanswered conversations, on real SQLite files through
 * openServices: an overdue conversation is escalated exactly once, also after
 * restarts on the same data dir; a TA's response or a 👍 in time prevents it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { openServices, type Services } from '../../src/services.ts';
import { miniConfig, REPO } from '../qa/helpers.ts';

const open: Services[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

type Cfg = ReturnType<typeof miniConfig>;
async function services(config: Cfg, sweepIntervalMs = 3_600_000): Promise<Services> {
  const s = await openServices(config, { log: silentLogger(), sweepIntervalMs });
  open.push(s);
  return s;
}
async function reopen(s: Services, config: Cfg): Promise<Services> {
  await s.close();
  open.splice(open.indexOf(s), 1);
  return services(config);
}

const asker = { id: 'u1', name: 'alice' };
const ta = { id: 'ta:bob', name: 'bob' };
const AFTER_MS = 600_000;
const ask = (s: Services, q: string, key: string) => s.ask(q, { asker, origin: { face: 'discord', threadId: key, url: `https://discord.com/channels/1/2/${key}` }, key });

describe('sweeper', () => {
  it('escalates an overdue conversation exactly once, with its latest question and tasuke\'s attempt', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` });
    const s = await services(config);
    await ask(s, 'What is an epoch?', 'thread:1');
    const { answer } = await ask(s, 'And how many epochs should I use?', 'thread:1');
    const t = answer.createdAt;
    expect(s.sweeper.sweep(t + AFTER_MS - 1)).toEqual([]);
    const filed = s.sweeper.sweep(t + AFTER_MS);
    expect(filed).toHaveLength(1);
    expect(filed[0]).toMatchObject({
      reason: 'unanswered',
      state: 'open',
      question: 'And how many epochs should I use?',
      lang: 'en',
      asker,
      origin: { face: 'discord', threadId: 'thread:1' },
      attempt: { action: 'answer' },
    });
    expect(s.conversations.keyOf(filed[0].id)).toBe('thread:1');
    expect(s.sweeper.sweep(t + AFTER_MS + 1)).toEqual([]);
    expect(s.sweeper.sweep(t + 10 * AFTER_MS)).toEqual([]);
    expect(s.escalations.list()).toHaveLength(1);
    expect(s.escalations.history(filed[0].id).map((h) => h.kind)).toEqual(['opened']);
  });

  it('escalates exactly once across restarts on the same data dir, resuming from SQLite', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` });
    let s = await services(config);
    const { answer } = await ask(s, 'What does max pooling do?', 'thread:r');
    const t = answer.createdAt;
    // Restarted before the deadline: the timer is not lost.
    s = await reopen(s, config);
    expect(s.sweeper.sweep(t + AFTER_MS - 1000)).toEqual([]);
    s = await reopen(s, config);
    expect(s.sweeper.sweep(t + AFTER_MS + 1000).map((e) => e.reason)).toEqual(['unanswered']);
    // Restarted after: never filed again.
    s = await reopen(s, config);
    expect(s.sweeper.sweep(t + 2 * AFTER_MS)).toEqual([]);
    expect(s.escalations.list()).toHaveLength(1);
  });

  it('leaves a conversation alone once a TA responded before the deadline (recorded with its time)', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` });
    const s = await services(config);
    const { answer } = await ask(s, 'What is one-hot encoding?', 'thread:ta');
    const at = answer.createdAt + 120_000;
    const first = s.recordTaResponse('thread:ta', ta, at);
    expect(first).toEqual({ first: true, response: { conversation: 'thread:ta', ta, at } });
    // Only the first response counts.
    expect(s.recordTaResponse('thread:ta', { id: 'ta:c', name: 'carol' }, at + 5000)).toMatchObject({ first: false, response: { ta, at } });
    expect(s.sweeper.sweep(answer.createdAt + 2 * AFTER_MS)).toEqual([]);
    // The time to the first response is counted from the question.
    expect(s.conversations.responseSeconds(0, Date.now() + 10 * AFTER_MS)).toEqual([120]);
    // A restart remembers it.
    const again = await reopen(s, config);
    expect(again.conversations.firstResponse('thread:ta')).toEqual({ conversation: 'thread:ta', ta, at });
    expect(again.sweeper.sweep(answer.createdAt + 2 * AFTER_MS)).toEqual([]);
  });

  it('a 👍 after the latest question prevents it; a follow-up question after the 👍 starts the clock again', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` });
    const s = await services(config);
    const a1 = await ask(s, 'What is an epoch?', 'thread:up');
    s.feedback(a1.answer.id, 'helpful');
    expect(s.sweeper.sweep(a1.answer.createdAt + 2 * AFTER_MS)).toEqual([]);
    const a2 = await ask(s, 'Why does loss go down with more epochs?', 'thread:up');
    const filed = s.sweeper.sweep(a2.answer.createdAt + AFTER_MS);
    expect(filed.map((e) => e.question)).toEqual(['Why does loss go down with more epochs?']);
  });

  it('does not sweep what is escalated already, nor a conversation of refusals only', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` });
    const s = await services(config);
    const lunch = await ask(s, '明日のお昼ご飯はどこで食べられますか？', 'thread:lunch');
    expect(lunch.escalation?.reason).toBe('tasuke');
    const spam = await ask(s, '😀😀😀😀😀😀', 'thread:spam');
    expect(spam.contract.action).toBe('refuse');
    expect(s.sweeper.sweep(Date.now() + 2 * AFTER_MS)).toEqual([]);
    expect(s.escalations.list()).toHaveLength(1);
  });

  it('runs on its own timer with services, and stops with them', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons`, TASUKE_UNANSWERED_AFTER_S: 1 });
    const s = await services(config, 100);
    await ask(s, 'What is an epoch?', 'thread:timer');
    const deadline = Date.now() + 10_000;
    while (!s.escalations.byKey('thread:timer') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(s.escalations.byKey('thread:timer')?.reason).toBe('unanswered');
    await s.close();
    open.splice(open.indexOf(s), 1);
  });
});
