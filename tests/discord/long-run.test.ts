/**
 * A run that outlives its interaction token (15 minutes on Discord; a few
 * seconds here): the bot stops editing the reply before the token expires,
 * says the result will follow, and posts the result as a new message.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { botMessages, embedOf, startWorld, textOf, type World } from './harness.ts';

const LIFETIME_MS = 2000;
let w: World;
beforeAll(async () => {
  w = await startWorld({ fake: { tokenLifetimeMs: LIFETIME_MS }, bot: { runs: { tokenLifetimeMs: LIFETIME_MS } } });
});
afterAll(async () => {
  await w?.close();
});

it('posts the result of a run that outlives its interaction token as a new message', async () => {
  // Seconds of training (mnist in batches of 8): longer than the token's lifetime here.
  const i = w.fake.invokeCommand({ name: 'train', options: { lesson: 'mnist', epochs: 2, batch_size: 8 }, user: w.alice, channelId: w.general, locale: 'en-US' });
  const note = await i.waitFor((e) => e.kind === 'edit' && e.accepted && textOf(e.body).includes('the result will be posted in this channel'), 10_000, 'the last edit');
  expect(note.sinceDispatchMs).toBeLessThan(LIFETIME_MS);
  const late = await w.fake.waitUntil(() => botMessages(w, w.general).find((m) => m.id !== i.originalMessageId && (m.attachments ?? []).length > 0), 90_000, 'the late result');
  expect(late.content).toBe(`Result of <@${w.alice}>'s training run (the original message could no longer be edited).`);
  expect(embedOf(late).description).toContain('Training finished');
  expect(late.attachments[0].filename).toBe('chart.png');
  // Nothing was sent on the expired token.
  expect(i.log.every((e) => e.accepted)).toBe(true);
  expect(w.fake.takeViolations()).toEqual([]);
});
