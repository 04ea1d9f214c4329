/**
 * Proves the fake Discord against the REAL discord.js Client, driven by tiny
 * inline bots written here (not the project's bot): if these pass, a bot test
 * that uses the fake exercises the same library code paths as production.
 */
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  type ChatInputCommandInteraction,
  Client,
  type ClientOptions,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  MessageFlags,
  ModalBuilder,
  Routes,
  type TextChannel,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord, type FakeDiscordOptions, LIMITS, percentile } from './support/fake-discord.ts';

// A 1x1 PNG, enough for the multipart path and the IHDR size read.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

const COMMANDS = [
  {
    name: 'train',
    description: 'Train a lesson model',
    description_localizations: { ja: 'レッスンのモデルを学習する' },
    options: [
      { type: 3, name: 'lesson', description: 'Which lesson', required: true, choices: [{ name: 'MNIST', value: 'mnist' }, { name: 'XOR', value: 'xor' }] },
      { type: 4, name: 'epochs', description: 'Epochs', min_value: 1, max_value: 200 },
      { type: 10, name: 'lr', description: 'Learning rate', min_value: 0 },
      { type: 5, name: 'chart', description: 'Draw the loss curve' },
    ],
  },
  {
    name: 'ask',
    description: 'Ask a question',
    options: [{ type: 3, name: 'topic', description: 'Topic', required: true, autocomplete: true }],
  },
  { name: 'quiz', description: 'A button' },
  { name: 'feedback', description: 'A modal' },
];

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  // Client first, then the fake: the reverse of creation.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts a fake with a small world and logs a real client into it. */
async function boot(fakeOptions: FakeDiscordOptions = {}, clientOptions: Partial<ClientOptions> = {}) {
  const fake = await FakeDiscord.start(fakeOptions);
  cleanups.push(() => fake.stop());
  const taRole = fake.addRole('TA');
  const world = {
    general: fake.addTextChannel('general'),
    forum: fake.addForumChannel('questions', { tags: ['mnist', 'cnn'] }),
    taRole,
    student: fake.addMember({ username: 'hanako' }),
    ta: fake.addMember({ username: 'sato', roles: [taRole], locale: 'en-US' }),
  };
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    rest: fake.restOptions,
    allowedMentions: { parse: [] },
    // @discordjs/ws waits ~5 s between two IDENTIFYs; the re-identify test must not.
    ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
    ...clientOptions,
  });
  cleanups.push(() => client.destroy());
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  await ready;
  return { fake, client, ...world };
}

/** Registers the test commands in the fake's guild through discord.js's own REST call. */
async function register(client: Client, fake: FakeDiscord) {
  await client.application!.commands.set(COMMANDS, fake.guildId);
}

/** Runs `handler` for every chat-input command named `name`; its errors are collected, not thrown. */
function onCommand(client: Client, name: string, handler: (i: ChatInputCommandInteraction) => Promise<unknown>) {
  const errors: unknown[] = [];
  client.on(Events.InteractionCreate, (i: Interaction) => {
    if (i.isChatInputCommand() && i.commandName === name) handler(i).catch((e) => errors.push(e));
  });
  return errors;
}

/** The next `event` whose argument matches `filter`. */
function next<T>(client: Client, event: string, filter: (arg: T) => boolean = () => true, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (arg: T) => {
      if (!filter(arg)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(arg);
    };
    client.on(event, listener);
  });
}

describe('fake Discord with a real discord.js Client', () => {
  it('logs in: READY, then GUILD_CREATE fills the caches', async () => {
    const { fake, client, general, forum, taRole, ta } = await boot();
    expect(client.user!.id).toBe(fake.botUserId);
    expect(client.application!.id).toBe(fake.appId);
    const guild = client.guilds.cache.get(fake.guildId)!;
    expect(guild.available).toBe(true);
    expect(guild.channels.cache.get(general)!.name).toBe('general');
    expect(guild.channels.cache.get(forum)!.isThreadOnly()).toBe(true);
    expect(guild.roles.cache.get(taRole)!.name).toBe('TA');
    expect(guild.roles.everyone.id).toBe(fake.guildId);
    expect(guild.members.me!.id).toBe(fake.botUserId);
    // Without the GuildMembers intent Discord sends only the bot's own member.
    expect(guild.members.cache.has(ta)).toBe(false);
    expect(fake.identifies).toBe(1);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /gateway/bot');
    expect(fake.violations).toEqual([]);
  });

  it('runs a command: deferReply, then editReply with a PNG arrives as multipart', async () => {
    const { fake, client, general, student } = await boot();
    await register(client, fake);
    expect(fake.registeredCommands('guild').map((c) => c.name)).toEqual(['train', 'ask', 'quiz', 'feedback']);

    let seen: Record<string, unknown> = {};
    const errors = onCommand(client, 'train', async (i) => {
      await i.deferReply();
      seen = { lesson: i.options.getString('lesson'), epochs: i.options.getInteger('epochs'), lr: i.options.getNumber('lr'), locale: i.locale, member: i.member?.user.id };
      await i.editReply({ content: '学習が終わりました', files: [new AttachmentBuilder(PNG, { name: 'loss.png' })] });
      await i.followUp({ content: 'only you see this', flags: MessageFlags.Ephemeral });
    });

    const run = fake.invokeCommand({ name: 'train', options: { lesson: 'mnist', epochs: 5, lr: 0.01 }, user: student, channelId: general });
    const callback = await run.waitForCallback();
    expect(callback.callbackType).toBe(5);
    const answer = await run.waitForResponse();
    expect(answer.kind).toBe('edit');
    expect(answer.files).toHaveLength(1);
    expect(answer.files[0]).toMatchObject({ name: 'loss.png', contentType: 'image/png', size: PNG.length });
    expect(answer.files[0].data.equals(PNG)).toBe(true);
    await run.waitFor((e) => e.kind === 'followup');

    expect(seen).toEqual({ lesson: 'mnist', epochs: 5, lr: 0.01, locale: 'ja', member: student });
    const edit = fake.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'))!;
    expect(edit.multipart).toBe(true);
    expect(edit.body).toMatchObject({ content: '学習が終わりました', allowed_mentions: { parse: [] } });
    const original = run.original()!;
    expect(original.content).toBe('学習が終わりました');
    expect(original.attachments[0]).toMatchObject({ filename: 'loss.png', width: 1, height: 1 });
    expect(fake.messagesIn(general).map((m) => m.id)).toContain(original.id);
    // The ephemeral follow-up is the user's alone: not in the channel.
    expect(run.followUps()[0].flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(fake.messagesIn(general).map((m) => m.id)).not.toContain(run.followUpIds[0]);
    // The served attachment is the uploaded bytes.
    const served = Buffer.from(await (await fetch(original.attachments[0].url)).arrayBuffer());
    expect(served.equals(PNG)).toBe(true);

    expect(run.ackMs).toBeGreaterThanOrEqual(0);
    expect(run.ackMs!).toBeLessThan(3000);
    expect(run.answerMs!).toBeGreaterThanOrEqual(run.ackMs!);
    expect(fake.ackWithinMs).toHaveLength(1);
    expect(percentile(fake.answeredWithinMs, 50)).toBe(run.answerMs);
    expect(errors).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('rejects a 2001-character reply with 400 / 50035 and records it', async () => {
    const { fake, client, general, student } = await boot();
    await register(client, fake);
    const errors = onCommand(client, 'quiz', (i) => i.reply('あ'.repeat(LIMITS.content + 1)));
    const run = fake.invokeCommand({ name: 'quiz', user: student, channelId: general });
    await run.waitFor((e) => !e.accepted);
    await fake.waitUntil(() => errors.length > 0);
    expect(errors[0]).toBeInstanceOf(DiscordAPIError);
    expect(errors[0]).toMatchObject({ status: 400, code: 50035 });
    expect(run.acknowledged).toBe(false);
    const violations = fake.takeViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/data\.content: Must be 2000 or fewer in length \(got 2001\)/);
  });

  it('rejects a callback after the ack window with 404 / 10062', async () => {
    const { fake, client, general, student } = await boot({ ackWindowMs: 300 });
    await register(client, fake);
    const errors = onCommand(client, 'quiz', async (i) => {
      await new Promise((r) => setTimeout(r, 450)); // the slow bot under test
      await i.deferReply();
    });
    const late = fake.invokeCommand({ name: 'quiz', user: student, channelId: general });
    await fake.waitUntil(() => errors.length > 0);
    expect(errors[0]).toMatchObject({ status: 404, code: 10062 });
    expect(late.acknowledged).toBe(false);
    expect(late.log[0].sinceDispatchMs).toBeGreaterThan(300);
    expect(fake.takeViolations()).toEqual([expect.stringMatching(/arrived \d+ ms after dispatch \(window 300 ms\)/)]);
  });

  it('rejects a second callback for one interaction with 400 / 40060', async () => {
    const { fake, client, general, student } = await boot();
    await register(client, fake);
    const errors = onCommand(client, 'quiz', async (i) => {
      await i.deferReply();
      // discord.js itself refuses a second reply, so go around it the way a buggy bot could.
      await client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 5 }, auth: false });
    });
    const twice = fake.invokeCommand({ name: 'quiz', user: student, channelId: general });
    await fake.waitUntil(() => errors.length > 0);
    expect(errors[0]).toMatchObject({ status: 400, code: 40060 });
    expect(twice.ackType).toBe(5);
    expect(twice.log.map((e) => e.status)).toEqual([204, 400]);
    expect(fake.takeViolations()).toEqual([expect.stringMatching(/second callback \(type 5\)/)]);
  });

  it('sends world changes made after login as gateway events', async () => {
    const { fake, client } = await boot();
    const channel = fake.addTextChannel('announcements');
    const role = fake.addRole('Staff');
    await fake.waitUntil(() => client.channels.cache.has(channel) && client.guilds.cache.get(fake.guildId)!.roles.cache.has(role));
    expect(client.channels.cache.get(channel)!.isTextBased()).toBe(true);
  });

  it('handles a select menu and an attachment option', async () => {
    const { fake, client, general, student } = await boot();
    await client.application!.commands.set(
      [{ name: 'check', description: 'Check a notebook', options: [{ type: 11, name: 'file', description: 'Your .ipynb', required: true }] }],
      fake.guildId,
    );
    let downloaded = '';
    onCommand(client, 'check', async (i) => {
      const file = i.options.getAttachment('file', true);
      downloaded = await (await fetch(file.url)).text(); // the fake serves the bytes
      await i.reply({
        content: 'どのレッスン？',
        components: [{ type: 1, components: [{ type: 3, custom_id: 'lesson', options: [{ label: 'MNIST', value: 'mnist' }, { label: 'CNN', value: 'cnn' }] }] }],
      });
    });
    client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (i.isStringSelectMenu()) await i.update({ content: `選択: ${i.values.join(',')}`, components: [] });
    });
    const check = fake.invokeCommand({ name: 'check', options: { file: { name: 'a.ipynb', data: '{"cells":[]}' } }, user: student, channelId: general });
    await check.waitForResponse();
    expect(downloaded).toBe('{"cells":[]}');
    expect(() => fake.selectMenu({ message: check.originalMessageId!, customId: 'lesson', values: ['rnn'], user: student })).toThrow(/no option "rnn"/);
    const pick = fake.selectMenu({ message: check.originalMessageId!, customId: 'lesson', values: ['cnn'], user: student });
    await pick.waitForResponse();
    expect(check.original()!.content).toBe('選択: cnn');
    expect(fake.violations).toEqual([]);
  });

  it('starts a thread from a message and answers inside it', async () => {
    const { fake, client, general, student } = await boot();
    client.on(Events.MessageCreate, async (message: Message) => {
      if (message.author.bot || !message.content.startsWith('?')) return;
      const thread = await message.startThread({ name: message.content.slice(1, 90) });
      await thread.send('見てみます');
    });
    const question = fake.postMessage({ channelId: general, author: student, content: '?lossがNaNになります' });
    const reply = await fake.waitForMessage((m) => m.channel_id === question.id && m.author.id === fake.botUserId);
    expect(reply.content).toBe('見てみます');
    const [thread] = fake.threads();
    // A thread started from a message has the message's id.
    expect(thread).toMatchObject({ id: question.id, name: 'lossがNaNになります', parent_id: general, type: 11 });
    expect(client.channels.cache.get(thread.id)?.isThread()).toBe(true);
    expect(fake.violations).toEqual([]);
  });

  it('delivers a forum post as THREAD_CREATE + MESSAGE_CREATE in the thread', async () => {
    const { fake, client, forum, student } = await boot();
    const seen = next<Message>(client, Events.MessageCreate, (m) => !m.author.bot);
    client.on(Events.MessageCreate, async (message: Message) => {
      if (!message.author.bot && message.channel.isThread()) await message.reply('ありがとうございます');
    });
    const post = fake.createForumPost({ forumId: forum, author: student, title: 'MNISTの精度', content: '精度が10%です', tags: ['mnist'] });
    const message = await seen;
    expect(message.channel.isThread()).toBe(true);
    expect(message.channel.id).toBe(post.thread.id);
    expect(message.id).toBe(post.thread.id); // a forum post's starter message has the thread's id
    expect(message.channel.isThread() && message.channel.parentId).toBe(forum);
    expect(message.content).toBe('精度が10%です');
    const reply = await fake.waitForMessage((m) => m.channel_id === post.thread.id && m.author.id === fake.botUserId);
    expect(reply.message_reference).toMatchObject({ message_id: post.message.id });
    expect(reply.type).toBe(19);
    expect(post.thread.applied_tags).toEqual([fake.forumTagId(forum, 'mnist')]);
    expect(fake.violations).toEqual([]);
  });

  it('lets a bot create a forum post itself (REST, multipart)', async () => {
    const { fake, client, forum } = await boot();
    const channel = client.channels.cache.get(forum);
    if (!channel?.isThreadOnly()) throw new Error('forum not cached');
    const thread = await channel.threads.create({
      name: 'FAQ: エポック',
      message: { content: 'まとめ', files: [new AttachmentBuilder(PNG, { name: 'chart.png' })] },
      appliedTags: [fake.forumTagId(forum, 'cnn')],
    });
    expect(fake.channel(thread.id)).toMatchObject({ name: 'FAQ: エポック', parent_id: forum });
    expect(fake.messagesIn(thread.id)[0]).toMatchObject({ id: thread.id, content: 'まとめ' });
    expect(fake.messagesIn(thread.id)[0].attachments[0].filename).toBe('chart.png');
    expect(fake.violations).toEqual([]);
  });

  it('clicks a button and the bot updates the message (callback type 7)', async () => {
    const { fake, client, general, student } = await boot();
    await register(client, fake);
    onCommand(client, 'quiz', (i) =>
      i.reply({
        content: '答えは？',
        components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('quiz:a').setLabel('A').setStyle(ButtonStyle.Primary))],
      }),
    );
    client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (i.isButton() && i.customId === 'quiz:a') await i.update({ content: `正解です (${i.user.username})`, components: [] });
    });
    const quiz = fake.invokeCommand({ name: 'quiz', user: student, channelId: general });
    await quiz.waitForResponse();
    const click = fake.clickButton({ message: quiz.originalMessageId!, customId: 'quiz:a', user: student });
    const update = await click.waitForCallback();
    expect(update.callbackType).toBe(7);
    expect(fake.message(quiz.originalMessageId!)).toMatchObject({ content: '正解です (hanako)', components: [] });
    expect(() => fake.clickButton({ message: quiz.originalMessageId!, customId: 'quiz:a', user: student })).toThrow(/no button/);
    expect(fake.violations).toEqual([]);
  });

  it('shows a modal and receives its submission', async () => {
    const { fake, client, general, ta } = await boot();
    await register(client, fake);
    onCommand(client, 'feedback', (i) =>
      i.showModal(
        new ModalBuilder()
          .setCustomId('fb')
          .setTitle('Feedback')
          .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId('text').setLabel('What?').setStyle(TextInputStyle.Paragraph))),
      ),
    );
    client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (i.isModalSubmit()) await i.reply({ content: `got: ${i.fields.getTextInputValue('text')}`, flags: MessageFlags.Ephemeral });
    });
    const open = fake.invokeCommand({ name: 'feedback', user: ta, channelId: general });
    expect((await open.waitForCallback()).callbackType).toBe(9);
    const submit = fake.submitModal({ interaction: open, values: { text: 'とても良い' } });
    await submit.waitForResponse();
    expect(submit.original()).toMatchObject({ content: 'got: とても良い' });
    expect(fake.violations).toEqual([]);
  });

  it('answers autocomplete, and rejects more than 25 choices', async () => {
    const { fake, client, general, student } = await boot();
    await register(client, fake);
    client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (!i.isAutocomplete()) return;
      const typed = String(i.options.getFocused());
      const count = typed === 'many' ? 26 : 3;
      await i.respond(Array.from({ length: count }, (_, n) => ({ name: `${typed} ${n}`, value: `${typed}-${n}` }))).catch(() => {});
    });
    const ok = fake.autocomplete({ name: 'ask', focused: { name: 'topic', value: 'mn' }, user: student, channelId: general });
    await ok.waitForResponse();
    expect(ok.choices).toHaveLength(3);
    expect(ok.ackType).toBe(8);

    const tooMany = fake.autocomplete({ name: 'ask', focused: { name: 'topic', value: 'many' }, user: student, channelId: general });
    const rejected = await tooMany.waitFor((e) => !e.accepted);
    expect(rejected.status).toBe(400);
    expect(fake.takeViolations()).toEqual([expect.stringMatching(/data\.choices: Must be 25 or fewer in length \(got 26\)/)]);
    expect(() => fake.autocomplete({ name: 'train', focused: { name: 'lesson', value: 'x' }, user: student, channelId: general })).toThrow(/autocomplete/);
  });

  it('answers a 429 with Discord headers; discord.js retries and succeeds', async () => {
    const { fake, client, general } = await boot();
    const channel = client.channels.cache.get(general) as TextChannel;
    fake.rateLimitNext({ method: 'POST', pathIncludes: `/channels/${general}/messages`, retryAfterS: 0.2 });
    const limited = new Promise((resolve) => client.rest.once('rateLimited', resolve));
    const sent = await channel.send('こんにちは');
    expect(sent.content).toBe('こんにちは');
    await limited;
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${general}/messages`);
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(posts[1].time - posts[0].time).toBeGreaterThanOrEqual(190);
    expect(fake.rateLimited).toBe(1);

    fake.rateLimitNext({ pathIncludes: '/messages', retryAfterS: 0.1, global: true });
    await channel.send('もう一度');
    expect(fake.rateLimited).toBe(2);
    expect(fake.messagesIn(general).map((m) => m.content)).toEqual(['こんにちは', 'もう一度']);
    expect(fake.violations).toEqual([]);
  });

  it('resumes after a drop, replays missed events, and still runs commands', async () => {
    const { fake, client, general, student } = await boot();
    await register(client, fake);
    onCommand(client, 'quiz', (i) => i.reply('まだ動いています'));
    const seen: string[] = [];
    client.on(Events.MessageCreate, (m: Message) => void seen.push(m.content));

    fake.disconnect(); // 4000: discord.js resumes
    fake.postMessage({ channelId: general, author: student, content: 'sent while the bot was away' });
    await fake.waitForReady();
    await fake.waitUntil(() => seen.includes('sent while the bot was away'));
    expect(fake.resumes).toBe(1);

    fake.disconnect({ code: 1006 }); // a dropped TCP connection: also resumed
    await fake.waitForReady();
    expect(fake.resumes).toBe(2);

    fake.requestReconnect(); // op 7: the client reconnects and resumes
    await fake.waitUntil(() => fake.resumes === 3 && fake.connected);
    expect(fake.identifies).toBe(1);

    const run = fake.invokeCommand({ name: 'quiz', user: student, channelId: general });
    await run.waitForResponse();
    expect(run.original()!.content).toBe('まだ動いています');
    expect(fake.violations).toEqual([]);
  });

  it('re-identifies when the session cannot be resumed, and still runs commands', async () => {
    const { fake, client, general, student } = await boot();
    await register(client, fake);
    onCommand(client, 'quiz', (i) => i.reply('新しいセッション'));

    fake.disconnect({ resumable: false }); // the RESUME gets INVALID_SESSION, then a fresh IDENTIFY
    await fake.waitUntil(() => fake.identifies === 2 && fake.connected);
    expect(fake.sessions.invalidSessions).toBe(1);

    fake.invalidateSession(false); // op 9 on a live socket
    await fake.waitUntil(() => fake.identifies === 3 && fake.connected);

    const run = fake.invokeCommand({ name: 'quiz', user: student, channelId: general });
    await run.waitForResponse();
    expect(run.original()!.content).toBe('新しいセッション');
    expect(fake.violations).toEqual([]);
  });

  it('acknowledges heartbeats', async () => {
    // Short enough to see two beats quickly, long enough that a busy machine
    // does not miss an ACK and take the connection for a zombie.
    const { fake } = await boot({ heartbeatIntervalMs: 250 });
    await fake.waitUntil(() => fake.sessions.heartbeats >= 2);
    expect(fake.sessions.connections).toBe(1); // no zombie-connection reconnects
  });

  it('throws when a test invokes what no Discord client could send', async () => {
    const { fake, client, general, student } = await boot();
    const invoke = (name: string, options: Record<string, unknown>) => () => fake.invokeCommand({ name, options, user: student, channelId: general });
    expect(invoke('train', { lesson: 'mnist' })).toThrow(/not registered/);
    await register(client, fake);
    expect(invoke('nope', {})).toThrow(/\/nope is not registered/);
    expect(invoke('train', { lesson: 'mnist', batch: 32 })).toThrow(/no option "batch"/);
    expect(invoke('train', { lesson: 'mnist', epochs: '5' })).toThrow(/must be an integer/);
    expect(invoke('train', { lesson: 'mnist', epochs: 2.5 })).toThrow(/must be an integer/);
    expect(invoke('train', { lesson: 'mnist', epochs: 500 })).toThrow(/must be <= 200/);
    expect(invoke('train', { lesson: 'mnist', chart: 'yes' })).toThrow(/must be a boolean/);
    expect(invoke('train', { lesson: 'cifar' })).toThrow(/must be one of/);
    expect(invoke('train', { epochs: 5 })).toThrow(/requires option lesson/);
    expect(() => fake.invokeCommand({ name: 'quiz', user: 'no-such-user', channelId: general })).toThrow(/unknown user/);
  });

  it('nests sub-command options, and rejects command definitions Discord would reject', async () => {
    const { fake, client, general, ta } = await boot();
    await client.application!.commands.set([
      {
        name: 'admin',
        description: 'TA tools',
        options: [
          { type: 2, name: 'jobs', description: 'Training jobs', options: [{ type: 1, name: 'list', description: 'List jobs', options: [{ type: 4, name: 'limit', description: 'How many' }] }] },
        ],
      },
    ]);
    let seen: unknown[] = [];
    onCommand(client, 'admin', async (i) => {
      seen = [i.options.getSubcommandGroup(), i.options.getSubcommand(), i.options.getInteger('limit')];
      await i.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
    });
    await fake.invokeCommand({ name: 'admin jobs list', options: { limit: 3 }, user: ta, channelId: general }).waitForResponse();
    expect(seen).toEqual(['jobs', 'list', 3]);
    expect(() => fake.invokeCommand({ name: 'admin', user: ta, channelId: general })).toThrow(/has sub-commands/);

    await expect(client.application!.commands.set([{ name: 'Train', description: 'x' }])).rejects.toMatchObject({ code: 50035 });
    await expect(
      client.application!.commands.set([{ name: 'train', description: 'x', name_localizations: { jp: 'がくしゅう' } } as never]),
    ).rejects.toMatchObject({ code: 50035 });
    const violations = fake.takeViolations();
    expect(violations[0]).toMatch(/lower case/);
    expect(violations[1]).toMatch(/Invalid locale "jp"/);
  });

  it('rejects what Discord rejects: embed, component and thread-name limits', async () => {
    const { fake, client, general } = await boot();
    const channel = client.channels.cache.get(general) as TextChannel;
    const rejects = async (payload: Parameters<TextChannel['send']>[0], pattern: RegExp) => {
      await expect(channel.send(payload)).rejects.toMatchObject({ status: 400, code: 50035 });
      const violations = fake.takeViolations();
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatch(pattern);
    };
    const button = (n: number, label = 'ok') => ({ type: 2, style: 1, custom_id: `b${n}`, label });
    await rejects({ embeds: [{ title: 'x'.repeat(257) }] }, /embeds\.0\.title/);
    await rejects({ embeds: [{ description: 'x'.repeat(4097) }] }, /embeds\.0\.description/);
    await rejects({ embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }, /embeds: Must be 10 or fewer/);
    await rejects({ embeds: [{ fields: Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: 'v' })) }] }, /fields: Must be 25 or fewer/);
    await rejects({ embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }] }, /fields\.0\.value/);
    await rejects({ embeds: [{ footer: { text: 'x'.repeat(2049) } }] }, /footer\.text/);
    await rejects({ embeds: [{ author: { name: 'x'.repeat(257) } }] }, /author\.name/);
    await rejects({ embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }] }, /Embed size exceeds maximum size of 6000/);
    await rejects({ content: 'x', components: [{ type: 1, components: [button(1, 'x'.repeat(81))] }] } as never, /label/);
    await rejects({ content: 'x', components: [{ type: 1, components: [{ ...button(1), custom_id: 'c'.repeat(101) }] }] } as never, /custom_id/);
    await rejects({ content: 'x', components: [{ type: 1, components: Array.from({ length: 6 }, (_, i) => button(i)) }] } as never, /Must be 5 or fewer/);
    await rejects({ content: 'x', components: Array.from({ length: 6 }, (_, i) => ({ type: 1, components: [button(i)] })) } as never, /components: Must be 5 or fewer/);
    await expect(channel.send({})).rejects.toMatchObject({ code: 50006 });
    expect(fake.takeViolations()).toHaveLength(1);

    const message = await channel.send('スレッドにして');
    await expect(message.startThread({ name: 'x'.repeat(101) })).rejects.toMatchObject({ code: 50035 });
    await expect(message.startThread({ name: '   ' })).rejects.toMatchObject({ code: 50035 });
    expect(fake.takeViolations().every((v) => /name: Must be between 1 and 100/.test(v))).toBe(true);
    expect(fake.threads()).toEqual([]);
  });

  it('records a message that could ping people (no allowed_mentions), without rejecting it', async () => {
    const { fake, client, general, student } = await boot({}, { allowedMentions: undefined });
    const channel = client.channels.cache.get(general) as TextChannel;
    await channel.send(`<@${student}> @everyone`);
    const violations = fake.takeViolations();
    expect(violations).toEqual([expect.stringMatching(/allowed_mentions is missing/)]);
    expect(fake.messagesIn(general)[0]).toMatchObject({ mention_everyone: true, mentions: [expect.objectContaining({ id: student })] });
    await channel.send({ content: `<@${student}>`, allowedMentions: { parse: ['users'] } });
    expect(fake.takeViolations()).toEqual([expect.stringMatching(/parse is \["users"\]/)]);
  });

  it('rejects a webhook edit for an interaction that was never acknowledged', async () => {
    const { fake, client, general, student } = await boot();
    await register(client, fake);
    const run = fake.invokeCommand({ name: 'quiz', user: student, channelId: general }); // no handler: never acked
    await fake.waitUntil(() => run.dispatchedAt !== null);
    await expect(
      client.rest.patch(Routes.webhookMessage(fake.appId, run.token, '@original'), { body: { content: 'x', allowed_mentions: { parse: [] } }, auth: false }),
    ).rejects.toMatchObject({ status: 404, code: 10015 });
    expect(fake.takeViolations()).toEqual([expect.stringMatching(/before the interaction was acknowledged/)]);
  });

  it('honours intents: without MessageContent only mentions of the bot carry content', async () => {
    const { fake, client, general, student } = await boot({}, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
    const plain = next<Message>(client, Events.MessageCreate, (m) => m.author.id === student);
    fake.postMessage({ channelId: general, author: student, content: 'hello' });
    expect((await plain).content).toBe('');
    const mention = next<Message>(client, Events.MessageCreate, (m) => m.author.id === student);
    fake.postMessage({ channelId: general, author: student, content: `<@${fake.botUserId}> hello` });
    const mentioned = await mention;
    expect(mentioned.content).toBe(`<@${fake.botUserId}> hello`);
    expect(mentioned.mentions.users.has(fake.botUserId)).toBe(true);
  });

  it('refuses a wrong token and records unknown routes', async () => {
    const fake = await FakeDiscord.start();
    cleanups.push(() => fake.stop());
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: fake.restOptions });
    cleanups.push(() => client.destroy());
    await expect(client.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(fake.takeViolations()).toEqual([expect.stringMatching(/wrong Authorization/)]);

    client.rest.setToken(fake.token);
    await expect(client.rest.get('/no/such/route' as `/${string}`)).rejects.toMatchObject({ status: 404 });
    expect(fake.takeViolations()).toEqual(['unknown route GET /no/such/route (the fake does not implement it)']);
  });
});
