/**
 * The joints between the Discord face and the rest of the TA workflow: a TA's
 * reply in a thread is recorded as the first response (and keeps the sweeper
 * away); what the sweeper and the web chat file is posted in the TA channel;
 * what the web dashboard changes shows on the Discord post and reaches the
 * asker's thread, once. Each test has its own world: sweeps take every
 * conversation of the data dir.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { escalationStatus } from '../../src/web/views/chat.ts';
import type { ApiObject } from './support/fake-discord.ts';
import { botMessages, buttonIds, embedOf, startWorld, textOf, type World } from './harness.ts';

/** A question is overdue this long after it was asked; tests sweep "later" with `sweeper.sweep(now)`. */
const AFTER_S = 60;
const later = () => Date.now() + (AFTER_S + 1) * 1000;

let w: World | undefined;
afterEach(async () => {
  expect(w?.fake.violations).toEqual([]);
  await w?.close();
  w = undefined;
});

/** A world whose sweeper sweeps only when a test calls `sweep()` (its timer is an hour). */
async function openWorld(): Promise<World> {
  w = await startWorld({ config: { TASUKE_UNANSWERED_AFTER_S: AFTER_S }, services: { sweepIntervalMs: 3_600_000 } });
  return w;
}

function botMessage(world: World, channelId: string, ok: (m: ApiObject) => boolean = () => true, timeoutMs = 20_000) {
  return world.fake.waitUntil(() => botMessages(world, channelId).find(ok), timeoutMs, `a bot message in ${channelId}`);
}

/** Asks in the help channel and returns the thread id and tasuke's answer. */
async function askInHelp(world: World, author: string, content: string): Promise<{ thread: string; answer: ApiObject }> {
  const q = world.fake.postMessage({ channelId: world.help, author, content });
  const answer = await botMessage(world, q.id);
  return { thread: q.id, answer };
}

const postsOf = (world: World, id: string) => botMessages(world, world.taChannel).filter((m) => embedOf(m).footer?.text === `escalation ${id}`);
const said = (world: World, channelId: string, text: string) => botMessages(world, channelId).filter((m) => (m.content ?? '').includes(text));

/** The TA post of escalation `id`, once recorded. */
async function recordedPost(world: World, id: string): Promise<ApiObject> {
  const e = await world.fake.waitUntil(() => world.services.escalations.get(id)?.taPost, 10_000, `the recorded post of ${id}`);
  return world.fake.message(e.messageId)!;
}

describe('a TA replying in a thread', () => {
  it('is the first TA response of the conversation, is not answered, and keeps the sweeper away', async () => {
    const world = await openWorld();
    const { fake, services } = world;
    const { thread } = await askInHelp(world, world.alice, 'What is an epoch?');
    const reply = fake.postMessage({ channelId: thread, author: world.tomo, content: 'Hi Alice, do you mean in model.fit?' });
    const key = `discord:thread:${thread}`;
    const first = await fake.waitUntil(() => services.conversations.firstResponse(key), 10_000, 'the TA response');
    expect(first.ta).toEqual({ id: world.tomo, name: 'tomo' });
    // The message's own time (its snowflake), not the moment it was handled.
    expect(first.at).toBe(Number((BigInt(reply.id) >> 22n) + 1420070400000n));

    // A second reply changes nothing: the first response counts.
    fake.postMessage({ channelId: thread, author: world.tomo, content: 'Try epochs=5 first.' });
    // A forum post answered by a TA (a picture-only reply counts too: no text needed).
    const { thread: post } = fake.createForumPost({ forumId: world.forum, author: world.hana, title: '損失が NaN', content: '学習率を上げたら損失が NaN になりました' });
    await botMessage(world, post.id);
    fake.postMessage({ channelId: post.id, author: world.tomo, content: '', attachments: [{ name: 'lr.png', data: Buffer.from('png') }] });
    await fake.waitUntil(() => services.conversations.firstResponse(`discord:thread:${post.id}`), 10_000, 'the forum TA response');
    expect(services.conversations.firstResponse(key)!.at).toBe(first.at);

    // Nothing was answered to the TA, and the sweeper hands neither conversation on.
    expect(botMessages(world, thread)).toHaveLength(1);
    expect(botMessages(world, post.id)).toHaveLength(1);
    expect(services.sweeper.sweep(later())).toEqual([]);
    expect(services.escalations.byKey(key)).toBeUndefined();
    expect(botMessages(world, world.taChannel)).toEqual([]);
  });

  it('records the response on the escalation already filed for the thread', async () => {
    const world = await openWorld();
    const { fake, services } = world;
    const { thread } = await askInHelp(world, world.hana, '修了証はいつもらえますか？');
    const e = services.escalations.byKey(`discord:thread:${thread}`)!;
    expect(e.reason).toBe('tasuke');
    await recordedPost(world, e.id);
    fake.postMessage({ channelId: thread, author: world.tomo, content: '最終日に配ります！' });
    await fake.waitUntil(() => services.escalations.history(e.id).find((h) => h.kind === 'ta-response'), 10_000, 'the ta-response event');
    expect(services.escalations.history(e.id).find((h) => h.kind === 'ta-response')!.actor).toEqual({ id: world.tomo, name: 'tomo' });
    expect(botMessages(world, thread)).toHaveLength(1);
  });
});

describe('the sweeper', () => {
  it('hands an unanswered thread to the TAs: one TA post and one notice in the thread, also across restarts', async () => {
    const world = await openWorld();
    const { fake } = world;
    const called = 'Nobody has answered yet, so a TA has been called';

    // 1. Swept while the bot runs: the desk hears of it and posts at once.
    const { thread } = await askInHelp(world, world.alice, 'What is an epoch?');
    const filed = world.services.sweeper.sweep(later());
    const e = world.services.escalations.byKey(`discord:thread:${thread}`)!;
    expect(filed.map((f) => f.id)).toEqual([e.id]);
    expect(e).toMatchObject({ reason: 'unanswered', state: 'open', lang: 'en', origin: { face: 'discord', threadId: thread } });
    const post = await recordedPost(world, e.id);
    expect(textOf(post)).toContain('nobody answered in time');
    expect(textOf(post)).toContain('What is an epoch?');
    expect(buttonIds(post)).toEqual([`esc:claim:${e.id}`, `esc:resolve:${e.id}`]);
    await botMessage(world, thread, (m) => (m.content ?? '').includes(called));
    expect(world.services.sweeper.sweep(later())).toEqual([]);

    // 2. Swept while the bot is down: posted, and the asker told (in Japanese), when it starts again.
    const { thread: second } = await askInHelp(world, world.hana, 'エポックって何ですか？');
    await world.bot.stop();
    const whileDown = world.services.sweeper.sweep(later());
    const e2 = world.services.escalations.byKey(`discord:thread:${second}`)!;
    expect(whileDown.map((f) => f.id)).toEqual([e2.id]);
    expect(world.services.escalations.get(e2.id)!.taPost).toBeUndefined();
    await world.restartBot();
    expect(world.services.escalations.get(e2.id)!.taPost).toBeDefined();
    expect(said(world, second, 'まだ誰からも回答がないので、TA を呼びました')).toHaveLength(1);

    // 3. Another restart and another sweep: nothing is posted or said again.
    await world.restartBot();
    expect(world.services.sweeper.sweep(later())).toEqual([]);
    for (const id of [e.id, e2.id]) expect(postsOf(world, id)).toHaveLength(1);
    expect(botMessages(world, world.taChannel)).toHaveLength(2);
    expect(said(world, thread, called)).toHaveLength(1);
    expect(said(world, second, 'まだ誰からも回答がないので')).toHaveLength(1);
    // Each thread: tasuke's answer, then the notice.
    expect(botMessages(world, thread)).toHaveLength(2);
    expect(botMessages(world, second)).toHaveLength(2);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });
});

describe('changes made on the web dashboard', () => {
  it('show on the Discord TA post, and the asker’s thread is told once, with the TA’s answer', async () => {
    const world = await openWorld();
    const { fake, services } = world;
    const { thread, answer } = await askInHelp(world, world.hana, 'ワンホットにする理由は？');
    const ask = fake.clickButton({ message: answer, customId: buttonIds(answer).find((id) => id.startsWith('answer:ta:'))!, user: world.hana, locale: 'ja' });
    await ask.waitFor((ev) => ev.kind === 'edit' && ev.accepted, 10_000, 'the reply to Ask a TA');
    const e = services.escalations.byKey(`discord:thread:${thread}`)!;
    const post = await recordedPost(world, e.id);

    // What the dashboard's routes call, with the dashboard's TA.
    const kenji = { id: 'ta:kenji', name: 'kenji' };
    services.escalations.claim(e.id, kenji);
    await fake.waitUntil(() => /Claimed by kenji/.test(textOf(fake.message(post.id))), 10_000, 'the post shown claimed');
    await botMessage(world, thread, (m) => (m.content ?? '') === 'TA の kenji さんが対応中です。');

    services.escalations.resolve(e.id, kenji, 'ラベルを整数のままにすると、順序があるように見えてしまうからです。');
    const notice = await botMessage(world, thread, (m) => (m.content ?? '').startsWith('TA の kenji さんからの回答'));
    expect(notice.content).toBe('TA の kenji さんからの回答:\nラベルを整数のままにすると、順序があるように見えてしまうからです。');
    const done = fake.message(post.id)!;
    expect(textOf(done)).toMatch(/Resolved by kenji/);
    expect(textOf(done)).toContain('順序があるように見えてしまう');
    expect(buttonIds(done)).toEqual([]);
    // The resolution is the TA's first response in the conversation.
    expect(services.conversations.firstResponse(`discord:thread:${thread}`)!.ta).toEqual(kenji);

    // Told once each: tasuke's answer, the claim, the answer.
    await new Promise((r) => setTimeout(r, 200));
    expect(said(world, thread, 'kenji')).toHaveLength(2);
    expect(botMessages(world, thread)).toHaveLength(3);
    expect(postsOf(world, e.id)).toHaveLength(1);
  });

  it('a dismissal updates the post without telling the asker', async () => {
    const world = await openWorld();
    const { fake, services } = world;
    const { thread } = await askInHelp(world, world.alice, 'When do I get my certificate?');
    const e = services.escalations.byKey(`discord:thread:${thread}`)!;
    const post = await recordedPost(world, e.id);
    services.escalations.dismiss(e.id, { id: 'ta:kenji', name: 'kenji' }, 'asked twice');
    await fake.waitUntil(() => textOf(fake.message(post.id)).includes('Dismissed'), 10_000, 'the post shown dismissed');
    expect(buttonIds(fake.message(post.id))).toEqual([]);
    expect(botMessages(world, thread)).toHaveLength(1);
  });

  it('Discord’s own Claim and Resolve are not echoed: one edit by the button, one notice each', async () => {
    const world = await openWorld();
    const { fake, services } = world;
    const { thread, answer } = await askInHelp(world, world.alice, 'How do I pick the number of epochs?');
    fake.clickButton({ message: answer, customId: buttonIds(answer).find((id) => id.startsWith('answer:down:'))!, user: world.alice });
    const e = await fake.waitUntil(() => services.escalations.byKey(`discord:thread:${thread}`), 10_000, 'the escalation');
    const post = await recordedPost(world, e.id);

    const claim = fake.clickButton({ message: post, customId: `esc:claim:${e.id}`, user: world.tomo });
    expect((await claim.waitForCallback()).callbackType).toBe(7);
    await botMessage(world, thread, (m) => (m.content ?? '') === 'tomo (TA) is on it.');
    const resolve = fake.clickButton({ message: post.id, customId: `esc:resolve:${e.id}`, user: world.tomo });
    await resolve.waitForCallback();
    const submit = fake.submitModal({ interaction: resolve, values: { answer: 'Watch the validation loss and stop when it rises.' } });
    expect((await submit.waitForCallback()).callbackType).toBe(7);
    await botMessage(world, thread, (m) => (m.content ?? '').startsWith('Answer from tomo (TA)'));

    // Let anything that would echo run, then count.
    await new Promise((r) => setTimeout(r, 300));
    expect(said(world, thread, 'tomo (TA) is on it.')).toHaveLength(1);
    expect(said(world, thread, 'Answer from tomo (TA)')).toHaveLength(1);
    const edits = fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${world.taChannel}/messages/${post.id}`);
    expect(edits).toEqual([]);
  });
});

describe('an escalation from the web chat', () => {
  it('is posted in the TA channel without a link, and can be claimed on the dashboard and resolved from Discord', async () => {
    const world = await openWorld();
    const { fake, services } = world;
    const sentBefore = fake.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path)).length;
    // What the web chat's /api/ask does (the dashboard's conversation link names the server's local address).
    const out = await services.ask('修了証はいつもらえますか？', {
      asker: { id: 'web:Qx7', name: 'web-Qx7' },
      origin: { face: 'web', url: 'http://localhost:8080/dashboard/conversations/web%3AQx7%3Ac1' },
      key: 'web:Qx7:c1',
    });
    expect(out.created).toBe(true);
    const e = out.escalation!;
    const post = await recordedPost(world, e.id);
    const text = textOf(post);
    expect(text).toContain('修了証はいつもらえますか？');
    expect(text).toContain('Asked in the web chat');
    expect(text).not.toContain('localhost');
    expect(text).not.toContain('<@');
    expect(text).toContain('web-Qx7');
    expect(buttonIds(post)).toEqual([`esc:claim:${e.id}`, `esc:resolve:${e.id}`]);

    // Claimed on the dashboard: the Discord post follows.
    services.escalations.claim(e.id, { id: 'ta:kenji', name: 'kenji' });
    await fake.waitUntil(() => /Claimed by kenji/.test(textOf(fake.message(post.id))), 10_000, 'the post shown claimed');

    // Resolved from Discord by another TA: Resolve stays on a claimed post.
    const resolve = fake.clickButton({ message: post.id, customId: `esc:resolve:${e.id}`, user: world.tomo });
    expect((await resolve.waitForCallback()).callbackType).toBe(9);
    const submit = fake.submitModal({ interaction: resolve, values: { answer: '修了証は最終日に配ります。' } });
    expect((await submit.waitForCallback()).callbackType).toBe(7);
    const done = services.escalations.get(e.id)!;
    expect(done).toMatchObject({ state: 'resolved', resolvedBy: { id: world.tomo, name: 'tomo' }, resolution: '修了証は最終日に配ります。' });
    // The asker reads it in the web chat (what its status line shows); nothing is sent to a Discord channel for them.
    expect(escalationStatus(done, 'ja')).toBe('TA の tomo さんからの回答:\n修了証は最終日に配ります。');
    await new Promise((r) => setTimeout(r, 200));
    const sent = fake.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path));
    expect(sent.slice(sentBefore).map((r) => r.path)).toEqual([`/channels/${world.taChannel}/messages`]);
    expect(postsOf(world, e.id)).toHaveLength(1);
  });
});

