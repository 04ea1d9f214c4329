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
 * Everything runs on 127.0.0.1; the fake's checks (limits, allowed mentions,
 * the 3-second window) are counted as violations.
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
    const qs = questions();
    const users = Array.from({ length: Math.max(ASK_USERS, TRAIN_USERS) }, (_, k) =>
      w.fake.addMember({ username: `p${k}`, locale: k % 3 === 0 ? 'en-US' : 'ja' }),
    );

    // --- /ask burst ---
    const started = Date.now();
    const asks = Array.from({ length: ASKS }, (_, k) =>
      w.fake.invokeCommand({ name: 'ask', options: { question: qs[k % qs.length] }, user: users[k % ASK_USERS], channelId: w.general }),
    );
    const outcomes = await Promise.allSettled(asks.map((i) => i.waitFor((e) => e.kind === 'edit' && e.accepted && textOf(e.body).length > 0, 120_000, 'the answer')));
    const wall = Date.now() - started;
    const ack = asks.map((i) => i.ackMs).filter((x): x is number => x !== null);
    const answered = asks.map((i, k) => (outcomes[k].status === 'fulfilled' && i.dispatchedAt !== null ? outcomes[k].value.at - i.dispatchedAt : undefined));
    const ans = answered.filter((x): x is number => x !== undefined);
    const within3s = ack.filter((x) => x <= 3000).length;
    console.log(`/ask burst: ${ASKS} interactions from ${ASK_USERS} users, sent at once (real knowledge base, no LLM)`);
    console.log(`  acknowledged within 3 s: ${within3s}/${ASKS}; answered: ${ans.length}/${ASKS}; errors: ${ASKS - ans.length}; wall ${(wall / 1000).toFixed(1)} s`);
    console.log(`  acknowledgement p50 ${fmt(percentile(ack, 50))}, p99 ${fmt(percentile(ack, 99))}, max ${fmt(Math.max(...ack))}`);
    console.log(`  answer          p50 ${fmt(percentile(ans, 50))}, p99 ${fmt(percentile(ans, 99))}, max ${fmt(Math.max(...ans))}`);

    // --- 10 × /train linear ---
    const trains = users.slice(0, TRAIN_USERS).map((u) => w.fake.invokeCommand({ name: 'train', options: { lesson: 'linear' }, user: u, channelId: w.general }));
    const progress = await Promise.allSettled(
      trains.map((i) => i.waitFor((e) => e.kind === 'edit' && e.accepted && /█|░/.test(textOf(e.body)), 180_000, 'a progress edit')),
    );
    const charts = await Promise.allSettled(trains.map((i) => i.waitFor((e) => e.kind === 'edit' && e.accepted && e.files.some((f) => f.name.endsWith('.png')), 300_000, 'the chart')));
    const since = (k: number, r: PromiseSettledResult<{ at: number }>) =>
      r.status === 'fulfilled' && trains[k].dispatchedAt !== null ? r.value.at - trains[k].dispatchedAt! : undefined;
    const firstProgress = progress.map((r, k) => since(k, r)).filter((x): x is number => x !== undefined);
    const chart = charts.map((r, k) => since(k, r)).filter((x): x is number => x !== undefined);
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
