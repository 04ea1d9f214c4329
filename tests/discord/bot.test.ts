/**
 * The Discord face end to end: the real discord.js client (the bot) against
 * the fake Discord, the real services on a temporary data dir. One world is
 * shared by the tests of this file; each test uses its own conversation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiObject } from './support/fake-discord.ts';
import { botMessages, buttonIds, embedOf, startWorld, textOf, type World } from './harness.ts';

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});
afterEach(() => {
  expect(w.fake.takeViolations()).toEqual([]);
});

describe('/ask', () => {
  it('answers in a deferred reply with the sources and the buttons', async () => {
    const i = w.fake.invokeCommand({ name: 'ask', options: { question: 'What is an epoch?' }, user: w.alice, channelId: w.general });
    const ack = await i.waitForCallback();
    expect(ack.callbackType).toBe(5); // deferred
    const edit = await i.waitFor((e) => e.kind === 'edit' && e.accepted && !!e.body?.embeds, 20_000, 'the answer');
    expect(edit.accepted).toBe(true);
    const m = i.original()!;
    const e = embedOf(m);
    expect(e.description).toContain('An epoch is one full pass');
    expect(e.fields.find((f: { name: string }) => f.name === 'Sources').value).toMatch(/epoch/i);
    const ids = buttonIds(m);
    expect(ids[0]).toMatch(/^answer:up:a-/);
    expect(ids).toContain(`try:en:mnist`);
    expect(m.components[0].components.map((b: { label: string }) => b.label)).toEqual(['Helpful', 'Not helpful', 'Ask a TA', 'Try it']);
  });
});

/** The bot's first message in `channelId` that satisfies `ok`, waited for. */
function botMessage(channelId: string, ok: (m: ReturnType<typeof botMessages>[number]) => boolean = () => true, timeoutMs = 20_000) {
  return w.fake.waitUntil(() => botMessages(w, channelId).find(ok), timeoutMs, `a bot message in ${channelId}`);
}

describe('help channels and the forum', () => {
  it('answers a help-channel message in a new thread named after the question, then a follow-up with the first question as context', async () => {
    const q = w.fake.postMessage({ channelId: w.help, author: w.hana, content: 'エポックって何ですか？\n' + 'ほんとうに分からないです。'.repeat(20) });
    const thread = await w.fake.waitUntil(() => w.fake.threads().find((t) => t.parent_id === w.help && t.id === q.id), 10_000, 'the thread');
    expect(thread.name.length).toBeLessThanOrEqual(100);
    expect(thread.name.startsWith('エポックって何ですか？')).toBe(true);
    const answer = await botMessage(thread.id);
    expect(embedOf(answer).title).toBe('tasuke の回答');
    expect(embedOf(answer).description).toMatch(/エポック/);
    expect(buttonIds(answer).some((id) => id.startsWith('answer:down:'))).toBe(true);

    // A follow-up that alone says little: answered from the thread's first question too.
    const follow = w.fake.postMessage({ channelId: thread.id, author: w.hana, content: 'もう少し詳しく教えて' });
    const second = await botMessage(thread.id, (m) => m.message_reference?.message_id === follow.id);
    expect(embedOf(second).description).toMatch(/エポック/);
    const rec = w.services.answers.since(0).find((a) => a.conversation === `discord:thread:${thread.id}` && a.question.includes('もう少し'));
    expect(rec?.question).toMatch(/^エポックって何ですか？[\s\S]*\nもう少し詳しく教えて$/);
  });

  it('answers a new forum post inside the post', async () => {
    const { thread } = w.fake.createForumPost({ forumId: w.forum, author: w.alice, title: 'Loss is NaN', content: 'My loss became NaN after I raised the learning rate. Why?' });
    const answer = await botMessage(thread.id);
    expect(embedOf(answer).title).toBe('Answer from tasuke');
    expect(textOf(answer)).toMatch(/learning rate/i);
    expect(w.fake.threads().filter((t) => t.parent_id === w.forum)).toHaveLength(1);
  });

  it('ignores bots, @everyone pings, TAs in threads and channels it does not watch', async () => {
    const before = w.fake.requests.length;
    const inGeneral = botMessages(w, w.general).length;
    const otherBot = w.fake.addMember({ username: 'otherbot', bot: true });
    w.fake.postMessage({ channelId: w.help, author: otherBot, content: 'What is an epoch?' });
    w.fake.postMessage({ channelId: w.help, author: w.alice, content: '@everyone what is an epoch?' });
    w.fake.postMessage({ channelId: w.general, author: w.alice, content: 'What is an epoch?' });
    // A question the bot does answer, so that "nothing happened" is not just "not yet".
    const marker = w.fake.postMessage({ channelId: w.help, author: w.alice, content: 'What does one-hot encoding mean?' });
    await botMessage(marker.id);
    const ta = w.fake.postMessage({ channelId: marker.id, author: w.tomo, content: 'Hi Alice, what does your label array look like?' });
    const follow = w.fake.postMessage({ channelId: marker.id, author: w.alice, content: 'Why not just use integers?' });
    await botMessage(marker.id, (m) => m.message_reference?.message_id === follow.id);

    const started = w.fake.requests.slice(before).filter((r) => r.method === 'POST' && r.path.endsWith('/threads'));
    expect(started.map((r) => r.path)).toEqual([`/channels/${w.help}/messages/${marker.id}/threads`]);
    expect(botMessages(w, w.general)).toHaveLength(inGeneral);
    expect(botMessages(w, marker.id).filter((m) => m.message_reference?.message_id === ta.id)).toEqual([]);
    expect(botMessages(w, marker.id)).toHaveLength(2);
  });
});

/** The TA post about escalation `id`, waited for. */
function taPost(id: string) {
  return botMessage(w.taChannel, (m) => embedOf(m).footer?.text === `escalation ${id}`);
}

/** Asks in the help channel and returns the thread id and the answer message. */
async function askInHelp(author: string, content: string): Promise<{ thread: string; answer: ApiObject }> {
  const q = w.fake.postMessage({ channelId: w.help, author, content });
  const answer = await botMessage(q.id);
  return { thread: q.id, answer };
}

describe('escalations', () => {
  it('👎 tells the asker a TA was called and posts the question, the attempt, the asker and a link in the TA channel', async () => {
    const { thread, answer } = await askInHelp(w.alice, 'How do I pick the number of epochs?');
    const down = buttonIds(answer).find((id) => id.startsWith('answer:down:'))!;
    const i = w.fake.clickButton({ message: answer, customId: down, user: w.alice, locale: 'en-US' });
    const reply = await i.waitFor((e) => e.kind === 'edit' && e.accepted, 10_000, 'the thanks');
    expect(i.ackType).toBe(5);
    expect(reply.body?.content).toMatch(/Thanks[\s\S]*A TA has been called/);
    const e = w.services.escalations.byKey(`discord:thread:${thread}`)!;
    expect(e).toMatchObject({ state: 'open', reason: 'not-helpful', asker: { id: w.alice, name: 'alice' } });
    const post = await taPost(e.id);
    const text = textOf(post);
    expect(text).toContain('How do I pick the number of epochs?');
    expect(text).toMatch(/tasuke’s attempt \(answer · 0\.\d\d\)/);
    expect(text).toContain(`<@${w.alice}>`);
    expect(text).toContain(`https://discord.com/channels/${w.fake.guildId}/${thread}`);
    expect(buttonIds(post)).toEqual([`esc:claim:${e.id}`, `esc:resolve:${e.id}`]);
    await w.fake.waitUntil(() => w.services.escalations.get(e.id)?.taPost, 5000, 'the recorded post');
    expect(w.services.escalations.get(e.id)!.taPost).toEqual({ face: 'discord', channelId: w.taChannel, messageId: post.id });

    // Pressed again: the same escalation, no second post.
    const again = w.fake.clickButton({ message: answer, customId: down, user: w.alice });
    const second = await again.waitFor((ev) => ev.kind === 'edit' && ev.accepted, 10_000);
    expect(second.body?.content).toContain('already been passed to a TA');
    expect(botMessages(w, w.taChannel).filter((m) => embedOf(m).footer?.text === `escalation ${e.id}`)).toHaveLength(1);
  });

  it('only the asker can press 👎 on their answer', async () => {
    const { answer } = await askInHelp(w.alice, 'What does max pooling do?');
    const down = buttonIds(answer).find((id) => id.startsWith('answer:down:'))!;
    const i = w.fake.clickButton({ message: answer, customId: down, user: w.hana, locale: 'ja' });
    const reply = await i.waitForResponse(10_000);
    expect(reply.callbackType).toBe(4);
    expect(reply.body?.data?.flags & 64).toBe(64);
    expect(reply.body?.data?.content).toContain('質問した本人だけ');
  });

  it('an answer tasuke cannot give goes to the TA channel by itself', async () => {
    const { thread, answer } = await askInHelp(w.hana, '修了証はいつもらえますか？');
    expect(textOf(answer)).toContain('TA を呼びました');
    expect(buttonIds(answer)).toEqual([]);
    const e = w.services.escalations.byKey(`discord:thread:${thread}`)!;
    expect(e.reason).toBe('tasuke');
    await taPost(e.id);
  });

  it('a participant pressing Claim is politely refused; a TA claims and resolves with an answer the asker sees', async () => {
    const { thread, answer } = await askInHelp(w.hana, 'ワンホットにする理由は？');
    const ta = buttonIds(answer).find((id) => id.startsWith('answer:ta:'))!;
    const asked = w.fake.clickButton({ message: answer, customId: ta, user: w.hana, locale: 'ja' });
    expect((await asked.waitFor((e) => e.kind === 'edit' && e.accepted, 10_000)).body?.content).toContain('TA を呼びました');
    const e = w.services.escalations.byKey(`discord:thread:${thread}`)!;
    expect(e.reason).toBe('asked');
    const post = await taPost(e.id);

    const refused = w.fake.clickButton({ message: post, customId: `esc:claim:${e.id}`, user: w.alice, locale: 'en-US' });
    const no = await refused.waitForResponse(5000);
    expect(no.callbackType).toBe(4);
    expect(no.body?.data?.flags & 64).toBe(64);
    expect(no.body?.data?.content).toContain('only members with the TA role');
    expect(w.services.escalations.get(e.id)!.state).toBe('open');

    const claim = w.fake.clickButton({ message: post, customId: `esc:claim:${e.id}`, user: w.tomo, locale: 'ja' });
    expect((await claim.waitForCallback()).callbackType).toBe(7);
    expect(w.services.escalations.get(e.id)).toMatchObject({ state: 'claimed', claimedBy: { id: w.tomo, name: 'tomo' } });
    expect(textOf(w.fake.message(post.id))).toMatch(/Claimed by tomo \(<t:\d+:R>\)/);
    await botMessage(thread, (m) => (m.content ?? '').includes('tomo さんが対応中です'));

    const resolve = w.fake.clickButton({ message: post.id, customId: `esc:resolve:${e.id}`, user: w.tomo, locale: 'ja' });
    expect((await resolve.waitForCallback()).callbackType).toBe(9);
    const submit = w.fake.submitModal({ interaction: resolve, values: { answer: 'ラベルを整数のままにすると、順序があるように見えてしまうからです。' } });
    expect((await submit.waitForCallback()).callbackType).toBe(7);
    expect(w.services.escalations.get(e.id)).toMatchObject({ state: 'resolved', resolvedBy: { id: w.tomo }, resolution: expect.stringContaining('ラベル') });
    const done = w.fake.message(post.id)!;
    expect(textOf(done)).toMatch(/Resolved by tomo/);
    expect(buttonIds(done)).toEqual([]);
    const notice = await botMessage(thread, (m) => (m.content ?? '').includes('TA の tomo さんからの回答'));
    expect(notice.content).toContain('順序があるように見えてしまう');
  });
});

describe('operating', () => {
  it('waits out a 429 from Discord and retries', async () => {
    w.fake.rateLimitNext({ method: 'POST', pathIncludes: '/threads', retryAfterS: 0.3 });
    const before = w.fake.rateLimited;
    const { answer } = await askInHelp(w.alice, 'Why is my learning rate too small?');
    expect(embedOf(answer).title).toBe('Answer from tasuke');
    expect(w.fake.rateLimited).toBe(before + 1);
    const threads = w.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${w.help}/messages/${answer.channel_id}/threads`);
    expect(threads.map((r) => r.status)).toEqual([429, 201]);
    expect(w.logs.some((l) => l.includes('Discord answered 429'))).toBe(true);
  });

  it('resumes after a gateway disconnect, and answers what was asked meanwhile', async () => {
    const resumes = w.fake.resumes;
    w.fake.disconnect();
    const q = w.fake.postMessage({ channelId: w.help, author: w.hana, content: 'シードを固定するとどうなりますか？' });
    const answer = await botMessage(q.id);
    expect(embedOf(answer).title).toBe('tasuke の回答');
    expect(w.fake.resumes).toBe(resumes + 1);
    await w.fake.waitUntil(() => w.logs.some((l) => l.includes('gateway session resumed')), 5000, 'the resume log');
    expect(w.logs.some((l) => l.includes('gateway disconnected: reconnecting'))).toBe(true);
  });

  it('identifies again when the session cannot be resumed', async () => {
    const identifies = w.fake.identifies;
    w.fake.disconnect({ resumable: false });
    await w.fake.waitUntil(() => w.fake.identifies === identifies + 1 && w.fake.connected, 10_000, 'a new session');
    const i = w.fake.invokeCommand({ name: 'lessons', user: w.hana, channelId: w.general, locale: 'ja' });
    const reply = await i.waitFor((e) => e.kind === 'edit' && e.accepted, 10_000, 'the lessons');
    expect(i.ackType).toBe(5);
    const text = textOf(reply.body);
    expect(text).toContain('学習できるレッスン');
    expect(text).toMatch(/\*\*linear\*\* 直線のあてはめ/);
    expect(text).toContain('epochs=20');
    expect(i.original()!.flags & 64).toBe(64);
  });

  it('never lets user text ping anyone', async () => {
    const { answer } = await askInHelp(w.alice, `<@&${w.taRole}> <@${w.hana}> what is an epoch?`);
    const sent = w.fake.requests.filter((r) => ['POST', 'PATCH'].includes(r.method) && r.path.startsWith(`/channels/${answer.channel_id}/messages`));
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) expect(r.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(w.fake.message(answer.id)!.mentions ?? []).toEqual([]);
  });

  it('shows an unexpected error as an apology with a reference id, logged with the full error', async () => {
    const original = w.services.ask;
    w.services.ask = async () => {
      throw new Error('the index exploded');
    };
    try {
      const i = w.fake.invokeCommand({ name: 'ask', options: { question: 'What is an epoch?' }, user: w.alice, channelId: w.general, locale: 'en-US' });
      const f = await i.waitFor((e) => e.kind === 'followup' && e.accepted, 10_000, 'the apology');
      expect(f.body?.flags & 64).toBe(64);
      const ref = /reference ([0-9a-f]{8})/.exec(f.body?.content)?.[1];
      expect(ref).toBeTruthy();
      expect(w.logs.some((l) => l.includes(ref!) && l.includes('the index exploded'))).toBe(true);
      // The public "thinking…" placeholder is gone, so the error stays private.
      expect(i.log.some((e) => e.kind === 'delete' && e.accepted)).toBe(true);
    } finally {
      w.services.ask = original;
    }
    // And the bot carries on.
    const again = w.fake.invokeCommand({ name: 'ask', options: { question: 'What is an epoch?' }, user: w.alice, channelId: w.general });
    await again.waitFor((e) => e.kind === 'edit' && e.accepted && !!e.body?.embeds, 10_000);
  });

  it('suggests lessons as the lesson option is typed', async () => {
    const i = w.fake.autocomplete({ name: 'train', focused: { name: 'lesson', value: 'li' }, user: w.alice, channelId: w.general, locale: 'en-US' });
    await i.waitForCallback();
    expect(i.choices).toEqual([{ name: 'linear — Fitting a line (y = mx + b)', value: 'linear' }]);
  });

  it('keeps the token out of the logs', () => {
    expect(w.logs.length).toBeGreaterThan(0);
    expect(w.logs.some((l) => l.includes(w.fake.token))).toBe(false);
  });
});
