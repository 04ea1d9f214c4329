/**
 * A restart with escalations in every state of being posted: the bot and the
 * services stop (as on SIGTERM or a crash) and start again on the same data
 * dir. Nothing is lost, nothing is posted twice, and the buttons posted
 * before the restart still work.
 */
import type { TextChannel } from 'discord.js';
import { afterEach, expect, it } from 'vitest';
import { renderTaPost } from '../../src/discord/render/escalation.ts';
import { EscalationStore } from '../../src/escalation/store.ts';
import { botMessages, buttonIds, embedOf, startWorld, type World } from './harness.ts';

let w: World | undefined;
afterEach(async () => {
  expect(w?.fake.takeViolations()).toEqual([]);
  await w?.close();
  w = undefined;
});

it('loses no escalation and posts none twice across a restart', async () => {
  w = await startWorld();
  const world = w;
  const { fake, services } = world;
  const postsOf = (id: string) => botMessages(world, world.taChannel).filter((m) => embedOf(m).footer?.text === `escalation ${id}`);

  // 1. Posted and recorded: 👎 on an answer.
  const q = fake.postMessage({ channelId: world.help, author: world.alice, content: 'What is an epoch?' });
  const answer = await fake.waitUntil(() => botMessages(world, q.id)[0], 20_000, 'the answer');
  const down = buttonIds(answer).find((id) => id.startsWith('answer:down:'))!;
  fake.clickButton({ message: answer, customId: down, user: world.alice });
  const posted = await fake.waitUntil(() => services.escalations.byKey(`discord:thread:${q.id}`)?.taPost && services.escalations.byKey(`discord:thread:${q.id}`), 10_000, 'the recorded post');

  // Filed by a process that stopped before it could post: a store of its own on the same
  // database, whose changes the running bot does not hear of (it posts what its process files).
  const elsewhere = new EscalationStore(services.db);

  // 2. Filed, never posted (the process stopped before it could post).
  const never = elsewhere.open({
    reason: 'asked',
    question: 'How do I read the loss chart?',
    lang: 'en',
    asker: { id: world.hana, name: 'hana' },
    origin: { face: 'discord', guildId: fake.guildId, channelId: world.help, threadId: q.id, url: `https://discord.com/channels/${fake.guildId}/${q.id}` },
    key: 'discord:thread:never-posted',
  }).escalation;

  // 3. Posted, but the process stopped before recording the post.
  const unrecorded = elsewhere.open({
    reason: 'not-helpful',
    question: 'Why does my accuracy stay at 10%?',
    lang: 'ja',
    asker: { id: world.hana, name: 'hana' },
    origin: { face: 'discord', guildId: fake.guildId, channelId: world.help },
    key: 'discord:thread:posted-not-recorded',
  }).escalation;
  const ta = (await world.bot.client.channels.fetch(world.taChannel)) as TextChannel;
  const orphanPost = await ta.send(renderTaPost(unrecorded));

  // 4. Asked in the web chat and never posted: the Discord TA desk posts every face's escalations.
  const web = elsewhere.open({
    reason: 'asked',
    question: 'from the web',
    lang: 'en',
    asker: { id: 'web-user', name: 'web' },
    origin: { face: 'web' },
    key: 'web:chat:1',
  }).escalation;
  // 5. Asked in the web chat and resolved on the dashboard before any post: nothing for the TA channel.
  const closed = elsewhere.open({
    reason: 'asked',
    question: 'answered already',
    lang: 'en',
    asker: { id: 'web-user', name: 'web' },
    origin: { face: 'web' },
    key: 'web:chat:2',
  }).escalation;
  elsewhere.resolve(closed.id, { id: 'ta:kenji', name: 'kenji' }, 'done');

  expect(services.escalations.unposted('discord').map((e) => e.id).sort()).toEqual([never.id, unrecorded.id].sort());
  expect(services.escalations.unposted().map((e) => e.id).sort()).toEqual([never.id, unrecorded.id, web.id, closed.id].sort());
  await world.restartBot();

  const after = world.services;
  await fake.waitUntil(() => after.escalations.unposted({ states: ['open', 'claimed'] }).length === 0, 10_000, 'every notice posted');
  expect(after.escalations.get(unrecorded.id)!.taPost).toEqual({ face: 'discord', channelId: world.taChannel, messageId: orphanPost.id });
  expect(after.escalations.get(posted.id)!.taPost).toEqual(posted.taPost);
  for (const id of [posted.id, never.id, unrecorded.id, web.id]) expect(postsOf(id)).toHaveLength(1);
  expect(postsOf(closed.id)).toHaveLength(0);
  expect(after.escalations.unposted().map((e) => e.id)).toEqual([closed.id]);
  expect(after.escalations.list().map((e) => e.state)).toEqual(['open', 'open', 'open', 'open', 'resolved']);
  expect(botMessages(world, world.taChannel)).toHaveLength(4);

  // Buttons from before the restart: the TA claims the first post, the asker says 👍 on the old answer.
  const claim = fake.clickButton({ message: postsOf(posted.id)[0], customId: `esc:claim:${posted.id}`, user: world.tomo });
  expect((await claim.waitForCallback()).callbackType).toBe(7);
  expect(after.escalations.get(posted.id)!.state).toBe('claimed');
  const up = buttonIds(answer).find((id) => id.startsWith('answer:up:'))!;
  const thanks = fake.clickButton({ message: answer, customId: up, user: world.alice, locale: 'en-US' });
  expect((await thanks.waitFor((e) => e.kind === 'edit' && e.accepted, 10_000)).body?.content).toBe('Thanks for the feedback!');
});
