import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.ts';
import { openServices, type Services } from '../src/services.ts';
import { openDatabase, databasePath } from '../src/storage/db.ts';
import { miniConfig, REPO } from './qa/helpers.ts';

const open: Services[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function services(config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` })) {
  const s = await openServices(config, { log: silentLogger() });
  open.push(s);
  return s;
}

const asker = { id: 'u1', name: 'alice' };

describe('openServices', () => {
  it('answers and records the answer; 👍 is recorded and files nothing', async () => {
    const s = await services();
    const { contract, answer, escalation } = await s.ask('エポックって何ですか？', { asker, origin: { face: 'cli' }, key: 'conv-1' });
    expect(contract.action).toBe('answer');
    expect(escalation).toBeUndefined();
    expect(s.answers.get(answer.id)).toMatchObject({ question: 'エポックって何ですか？', lang: 'ja', conversation: 'conv-1' });
    const fb = s.feedback(answer.id, 'helpful');
    expect(fb.answer.feedback).toBe('helpful');
    expect(fb.escalation).toBeUndefined();
    expect(s.escalations.list()).toHaveLength(0);
  });

  it('files an escalation when tasuke escalates, once per conversation, whatever the later button', async () => {
    const s = await services();
    const first = await s.ask('明日のお昼ご飯はどこで食べられますか？', { asker, origin: { face: 'discord', threadId: 't1' }, key: 'thread:t1' });
    expect(first.contract.action).toBe('escalate');
    expect(first.created).toBe(true);
    expect(first.escalation).toMatchObject({ state: 'open', reason: 'tasuke', lang: 'ja', asker, attempt: { action: 'escalate' } });
    // 👎 and "Ask a TA" in the same conversation find the same escalation.
    const down = s.feedback(first.answer.id, 'not-helpful');
    expect(down.created).toBe(false);
    expect(down.escalation!.id).toBe(first.escalation!.id);
    expect(s.askTa(first.answer.id).escalation.id).toBe(first.escalation!.id);
    expect(s.escalations.list()).toHaveLength(1);
  });

  it('👎 on a good answer hands it to a TA with tasuke\'s attempt', async () => {
    const s = await services();
    const { answer } = await s.ask('What is an epoch?', { asker, origin: { face: 'web' }, key: 'web:1' });
    const { escalation, created } = s.feedback(answer.id, 'not-helpful');
    expect(created).toBe(true);
    expect(escalation).toMatchObject({ reason: 'not-helpful', question: 'What is an epoch?', lang: 'en' });
    expect(escalation!.attempt!.sources.length).toBeGreaterThan(0);
  });

  it('refuses feedback on an unknown answer with a UserError, changing nothing', async () => {
    const s = await services();
    expect(() => s.feedback('a-unknown', 'helpful')).toThrow(/could not find this answer/);
    expect(() => s.askTa('a-unknown')).toThrow(/could not find this answer/);
    expect(s.escalations.list()).toHaveLength(0);
  });

  it('shares one database between jobs, escalations and answers, and closes it once, in order', async () => {
    const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons` });
    const s = await openServices(config, { log: silentLogger() });
    await s.ask('What is an epoch?', { asker, origin: { face: 'cli' }, key: 'k' });
    expect((await s.lessons.list()).map((l) => l.id)).toEqual(['linear', 'xor', 'iris', 'mnist', 'cnn']);
    await Promise.all([s.close(), s.close()]);
    expect(s.db.open).toBe(false);
    const db = openDatabase(databasePath(config.dataDir));
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['jobs', 'escalations', 'escalation_events', 'answers']));
    expect((db.prepare('SELECT COUNT(*) AS n FROM answers').get() as { n: number }).n).toBe(1);
    db.close();
  });

  it('stays up with the Redis queue unreachable: questions are answered, training is refused with a bilingual message that says so', async () => {
    const s = await services(miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons`, TASUKE_QUEUE: 'redis', REDIS_URL: 'redis://:pw-hunter2@127.0.0.1:1' }));
    const { contract } = await s.ask('What is an epoch?', { asker, origin: { face: 'web' }, key: 'web:redis-down' });
    expect(contract.action).toBe('answer');
    expect(s.jobs.availability?.()).toMatchObject({ available: false });
    const err = await s.jobs.submit({ userId: 'u1', lesson: 'linear', params: { epochs: 2 }, mode: 'single', lang: 'ja' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ id: 'jobs.queue-unavailable' });
    expect((err as { messages: { ja: string } }).messages.ja).toContain('質問にはこれまでどおり答えます');
    expect(await s.jobs.list()).toEqual([]);
  });
});
