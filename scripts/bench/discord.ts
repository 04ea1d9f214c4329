/**
 * Discord benchmark (`npm run bench -- discord`): the real bot (discord.js)
 * logged into the fake Discord of the tests, over the real knowledge base and
 * the embedded job queue. Prints:
 * - a burst of 300 `/ask` interactions from 50 users, sent at once: how many
 *   were acknowledged within Discord's 3-second window and answered, and the
 *   acknowledgement and answer latency p50/p99/max (from the moment the
 *   interaction reached the bot's socket);
 * - 10 `/train linear` jobs at once from 10 users: time to the first progress
 *   edit and to the chart, p50/max, with the worker concurrency used.
 * Everything runs on 127.0.0.1, the fake in the bot's own process (so it
 * shares the bot's CPU); the fake's checks (limits, allowed mentions, the
 * 3-second window) are counted as violations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorld, REPO, textOf } from '../../tests/discord/harness.ts';
import { percentile } from '../../tests/discord/support/fake-discord.ts';

const ASKS = 300;
const ASK_USERS = 50;
const TRAIN_USERS = 10;

const fmt = (x: number | undefined) => (x === undefined ? '-' : `${Math.round(x)} ms`);

function questions(): string[] {
  return readFileSync(join(REPO, 'tests/fixtures/questions.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { question: string }).question)
    .map((q) => (q.length > 1500 ? q.slice(0, 1500) : q));
}

export async function run(): Promise<void> {
  const concurrency = 2;
  const setupStarted = Date.now();
  const w = await startWorld({
    config: {
      TASUKE_KNOWLEDGE_DIR: join(REPO, 'knowledge'),
      TASUKE_LOG_LEVEL: 'warn',
      // Each of the 50 users asks 6 questions in the burst; the limit stays in force, just above that.
      TASUKE_ASK_PER_MINUTE: 10,
      TASUKE_WORKER_CONCURRENCY: concurrency,
      TASUKE_MAX_QUEUED_PER_USER: 2,
    },
  });
  try {
    await w.services.assistant.ready();
    console.log(`set-up (fake Discord, services, index, bot login): ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);
    const qs = questions();
    const users = Array.from({ length: Math.max(ASK_USERS, TRAIN_USERS) }, (_, k) =>
      w.fake.addMember({ username: `p${k}`, locale: k % 3 === 0 ? 'en-US' : 'ja' }),
    );

    // --- /ask burst ---
    const started = Date.now();
    const asks = Array.from({ length: ASKS }, (_, k) =>
      w.fake.invokeCommand({ name: 'ask', options: { question: qs[k % qs.length] }, user: users[k % ASK_USERS], channelId: w.general }),
    );
    // One waiter for the whole burst (a waiter per interaction would cost the fake O(n²) checks).
    const answerOf = (i: (typeof asks)[number]) => i.log.find((e) => e.kind === 'edit' && e.accepted && textOf(e.body).length > 0);
    const settled = (i: (typeof asks)[number]) => answerOf(i) !== undefined || i.log.some((e) => !e.accepted);
    await w.fake.waitUntil(() => asks.every(settled) || undefined, 180_000, 'every answer').catch(() => undefined);
    const wall = Date.now() - started;
    const ack = asks.map((i) => i.ackMs).filter((x): x is number => x !== null);
    const ans = asks
      .map((i) => (answerOf(i) && i.dispatchedAt !== null ? answerOf(i)!.at - i.dispatchedAt : undefined))
      .filter((x): x is number => x !== undefined);
    const within3s = ack.filter((x) => x <= 3000).length;
    console.log(`/ask burst: ${ASKS} interactions from ${ASK_USERS} users, sent at once (real knowledge base, no LLM)`);
    console.log(`  acknowledged within 3 s: ${within3s}/${ASKS}; answered: ${ans.length}/${ASKS}; errors: ${ASKS - ans.length}; wall ${(wall / 1000).toFixed(1)} s`);
    console.log(`  acknowledgement p50 ${fmt(percentile(ack, 50))}, p99 ${fmt(percentile(ack, 99))}, max ${fmt(Math.max(...ack))}`);
    console.log(`  answer          p50 ${fmt(percentile(ans, 50))}, p99 ${fmt(percentile(ans, 99))}, max ${fmt(Math.max(...ans))}`);
    console.log('  (one edit per answer; discord.js spends at most 50 requests a second in all, which bounds a burst at about 50 answers a second)');

    // --- 10 × /train linear ---
    const trains = users.slice(0, TRAIN_USERS).map((u) => w.fake.invokeCommand({ name: 'train', options: { lesson: 'linear' }, user: u, channelId: w.general }));
    const firstEdit = (i: (typeof trains)[number], pred: (e: (typeof i.log)[number]) => boolean) => {
      const e = i.log.find((ev) => ev.kind === 'edit' && ev.accepted && pred(ev));
      return e && i.dispatchedAt !== null ? e.at - i.dispatchedAt : undefined;
    };
    const isProgress = (e: (typeof trains)[number]['log'][number]) => /█|░/.test(textOf(e.body));
    const isChart = (e: (typeof trains)[number]['log'][number]) => e.files.some((f) => f.name.endsWith('.png'));
    await w.fake.waitUntil(() => trains.every((i) => firstEdit(i, isChart) !== undefined) || undefined, 300_000, 'every chart').catch(() => undefined);
    const firstProgress = trains.map((i) => firstEdit(i, isProgress)).filter((x): x is number => x !== undefined);
    const chart = trains.map((i) => firstEdit(i, isChart)).filter((x): x is number => x !== undefined);
    const tAck = trains.map((i) => i.ackMs).filter((x): x is number => x !== null);
    console.log(`/train linear × ${TRAIN_USERS} users at once (defaults: 20 epochs; embedded queue, ${concurrency} worker processes on this machine)`);
    console.log(`  acknowledged within 3 s: ${tAck.filter((x) => x <= 3000).length}/${TRAIN_USERS}; charts: ${chart.length}/${TRAIN_USERS}`);
    console.log(`  first progress edit p50 ${fmt(percentile(firstProgress, 50))}, max ${fmt(Math.max(...firstProgress))}`);
    console.log(`  chart               p50 ${fmt(percentile(chart, 50))}, max ${fmt(Math.max(...chart))}`);
    const violations = w.fake.takeViolations();
    console.log(`fake Discord violations: ${violations.length}${violations.length ? `\n  ${violations.slice(0, 5).join('\n  ')}` : ''}`);
  } finally {
    await w.close();
  }
}
