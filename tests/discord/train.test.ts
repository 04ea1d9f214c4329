/**
 * /train through the fake Discord: the real bot, the real embedded queue and
 * its worker child processes (linear trains in a second or two).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buttonIds, embedOf, startWorld, textOf, type World } from './harness.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let w: World;
beforeAll(async () => {
  w = await startWorld({ config: { TASUKE_TRAIN_PER_MINUTE: 6 } });
});
afterAll(async () => {
  await w?.close();
});
afterEach(() => {
  expect(w.fake.takeViolations()).toEqual([]);
});

describe('/train', () => {
  it('acknowledges at once, edits one message with the progress, and ends with the chart, the figures and the reading', async () => {
    const i = w.fake.invokeCommand({ name: 'train', options: { lesson: 'linear', epochs: 5 }, user: w.alice, channelId: w.general, locale: 'en-US' });
    expect((await i.waitForCallback()).callbackType).toBe(5);
    const accepted = await i.waitFor((e) => e.kind === 'edit' && e.accepted, 10_000, 'the acknowledgement');
    expect(textOf(accepted.body)).toMatch(/Accepted: (starting shortly|position \d+)/);
    expect(buttonIds(accepted.body)).toEqual([expect.stringMatching(/^job:cancel:/)]);

    const final = await i.waitFor((e) => e.kind === 'edit' && e.accepted && e.files.length > 0, 90_000, 'the final edit');
    const chart = final.files.find((f) => f.name === 'chart.png')!;
    expect(chart.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const e = embedOf(final.body);
    expect(e.image?.url).toBe('attachment://chart.png');
    expect(e.description).toContain('Training finished');
    expect(e.description).toMatch(/Lesson linear: [\d.]+ s \(backend \w+\)/);
    expect(e.description).toMatch(/true values: m = 2, b = 1/);
    const jobId = /^job (\w+)$/.exec(e.footer.text)![1];
    const job = (await w.services.jobs.get(jobId))!;
    expect(job.reading).toBeTruthy();
    expect(e.description).toContain(job.reading);
    expect(buttonIds(final.body)).toEqual([]);

    // Progress in between, on the same message: epoch i/N, the loss, a bar.
    const edits = i.log.filter((ev) => ev.kind === 'edit' && ev.accepted);
    const progress = edits.filter((ev) => /epoch \d\/5/.test(textOf(ev.body)) && textOf(ev.body).includes('█'));
    expect(progress.length).toBeGreaterThan(0);
    expect(textOf(progress[0].body)).toMatch(/loss \d/);
    expect(new Set(edits.map((ev) => ev.messageId)).size).toBe(1);
    expect(i.followUpIds).toEqual([]);
    // Edits of the run no closer together than about a second (the final one may follow at once).
    const times = edits.slice(0, -1).map((ev) => ev.at);
    for (let k = 2; k < times.length; k++) expect(times[k] - times[k - 1]).toBeGreaterThanOrEqual(900);
    const stored = i.original()!;
    expect(stored.attachments[0].filename).toBe('chart.png');
  });

  it.each([
    [{ lesson: 'linear', epochs: 300 }, 'en-US', /epochs \(number of epochs\) must be an integer from 1 to 200 \(got 300\)/],
    [{ lesson: 'nope' }, 'ja', /「nope」というレッスンはありません。使えるレッスン: linear, xor, iris, mnist, cnn/],
    [{ lesson: 'mnist', batch_size: 2 }, 'en-US', /batch_size \(batch size\) must be an integer from 8 to 1,?024/],
  ])('answers wrong parameters %o privately with what is allowed', async (options, locale, message) => {
    const i = w.fake.invokeCommand({ name: 'train', options, user: w.hana, channelId: w.general, locale });
    const f = await i.waitFor((e) => e.kind === 'followup' && e.accepted, 10_000, 'the error');
    expect(f.body?.flags & 64).toBe(64);
    expect(f.body?.content).toMatch(message);
    // No public trace: the deferred reply was removed.
    expect(i.log.some((e) => e.kind === 'delete' && e.accepted)).toBe(true);
  });

  it('limits how often one person starts training, with a friendly private message', async () => {
    const sam = w.fake.addMember({ username: 'sam', locale: 'en-US' });
    for (let n = 0; n < 6; n++) {
      const i = w.fake.invokeCommand({ name: 'train', options: { lesson: 'nope' }, user: sam, channelId: w.general });
      await i.waitFor((e) => e.kind === 'followup' && e.accepted, 10_000);
    }
    const i = w.fake.invokeCommand({ name: 'train', options: { lesson: 'linear' }, user: sam, channelId: w.general, locale: 'en-US' });
    const r = await i.waitForResponse(10_000);
    expect(r.callbackType).toBe(4);
    expect(r.body?.data?.flags & 64).toBe(64);
    expect(r.body?.data?.content).toMatch(/You can start training 6 time\(s\) a minute\. Please try again in about \d+ s\./);
  });

  it('shows the queue position; Cancel works for the owner only', async () => {
    // Long enough to still run while the rest happens: mnist in batches of 8 (linear's longest run takes under a second).
    const long = w.fake.invokeCommand({ name: 'train', options: { lesson: 'mnist', epochs: 50, batch_size: 8 }, user: w.alice, channelId: w.general, locale: 'en-US' });
    await long.waitFor((e) => e.kind === 'edit' && e.accepted && /epoch \d+\/50/.test(textOf(e.body)), 60_000, 'the long run running');
    const waiting = w.fake.invokeCommand({ name: 'train', options: { lesson: 'linear', epochs: 3 }, user: w.hana, channelId: w.general, locale: 'ja' });
    const queued = await waiting.waitFor((e) => e.kind === 'edit' && e.accepted, 10_000, 'the queued acknowledgement');
    expect(textOf(queued.body)).toContain('順番待ち 2 番目です（前に 1 件）');

    const cancelId = buttonIds(long.original()).find((id) => id.startsWith('job:cancel:'))!;
    const other = w.fake.clickButton({ message: long.original()!, customId: cancelId, user: w.hana, locale: 'ja' });
    const refusal = await other.waitFor((e) => e.kind === 'edit' && e.accepted, 10_000, 'the refusal');
    expect(refusal.body?.content).toMatch(/他の人のジョブなので取り消せません/);
    expect(other.original()!.flags & 64).toBe(64);
    expect((await w.services.jobs.get(cancelId.slice('job:cancel:'.length)))!.state).toBe('running');

    const owner = w.fake.clickButton({ message: long.original()!, customId: cancelId, user: w.alice, locale: 'en-US' });
    const ok = await owner.waitFor((e) => e.kind === 'edit' && e.accepted, 20_000, 'the cancel confirmation');
    expect(ok.body?.content).toBe('Cancelled.');
    await long.waitFor((e) => e.kind === 'edit' && e.accepted && textOf(e.body).includes('Training cancelled'), 10_000, 'the cancelled run');
    expect(buttonIds(long.original())).toEqual([]);

    // The next in line runs now.
    const done = await waiting.waitFor((e) => e.kind === 'edit' && e.accepted && e.files.length > 0, 90_000, 'the queued run finished');
    expect(embedOf(done.body).description).toContain('学習が終わりました');
  });

  it('"Try it" under an answer starts its lesson with the defaults, as /train would, in the answer language', async () => {
    const ask = w.fake.invokeCommand({ name: 'ask', options: { question: 'What does one-hot encoding mean?' }, user: w.alice, channelId: w.general, locale: 'en-US' });
    await ask.waitFor((e) => e.kind === 'edit' && e.accepted && !!e.body?.embeds, 20_000, 'the answer');
    expect(buttonIds(ask.original())).toContain('try:en:iris');
    const tryIt = w.fake.clickButton({ message: ask.original()!, customId: 'try:en:iris', user: w.alice, locale: 'ja' });
    expect((await tryIt.waitForCallback()).callbackType).toBe(5);
    const done = await tryIt.waitFor((e) => e.kind === 'edit' && e.accepted && e.files.length > 0, 90_000, 'the iris run');
    const e = embedOf(done.body);
    expect(e.title).toMatch(/^\/train iris: /);
    const jobId = /^job (\w+)$/.exec(e.footer.text)![1];
    const job = (await w.services.jobs.get(jobId))!;
    expect(job.submission).toMatchObject({ lesson: 'iris', params: {}, mode: 'single', lang: 'en', userId: `discord:${w.alice}` });
    expect(job.result?.params.epochs).toBe(60);
  });

  // Last: it restarts the bot.
  it('says on the message when the bot stops before the run ends, and the job is not left running', async () => {
    const i = w.fake.invokeCommand({ name: 'train', options: { lesson: 'mnist', epochs: 50, batch_size: 8 }, user: w.hana, channelId: w.general, locale: 'ja' });
    await i.waitFor((e) => e.kind === 'edit' && e.accepted && /エポック \d+\/50/.test(textOf(e.body)), 30_000, 'the run in progress');
    const jobId = /^ジョブ (\w+)$/.exec(embedOf(i.original()).footer.text)![1];
    await w.restartBot();
    expect(textOf(i.original())).toContain('tasuke が再起動したため、この学習の経過はここに表示されなくなりました');
    const job = (await w.services.jobs.get(jobId))!;
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('restart');
  });
});
