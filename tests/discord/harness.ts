/**
 * A workshop for bot tests: the fake Discord (tests/discord/support) with a
 * guild of help channel, forum, TA channel, a TA and two participants; the
 * real services on a temporary data dir; and the real bot (discord.js
 * Client) logged into the fake. `restartBot` stops the bot and closes the
 * services, then opens both again on the same data dir, as `tasuke serve`
 * would after a crash or a deploy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import { discordSettings, loadConfig, type Config, type ConfigOverrides } from '../../src/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { createBot, type Bot, type BotOptions } from '../../src/discord/bot.ts';
import { openServices, type ServiceOverrides, type Services } from '../../src/services.ts';
import { FakeDiscord, type ApiObject, type FakeDiscordOptions } from './support/fake-discord.ts';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MINI_KNOWLEDGE = join(REPO, 'tests/fixtures/knowledge-mini');
export const LESSONS = join(REPO, 'lessons');

export interface World {
  fake: FakeDiscord;
  help: string;
  forum: string;
  taChannel: string;
  general: string;
  taRole: string;
  /** Participants: alice writes English with an English client; hana a Japanese client. */
  alice: string;
  hana: string;
  /** A member with the TA role. */
  tomo: string;
  dataDir: string;
  config: Config;
  services: Services;
  bot: Bot;
  /** Every log line (JSON) the services and the bot wrote. */
  logs: string[];
  /** Stops the bot, closes the services, and opens both again on the same data dir. */
  restartBot(): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  fake?: FakeDiscordOptions;
  config?: ConfigOverrides;
  bot?: BotOptions;
  /** Service overrides other than the log (e.g. `sweepIntervalMs`, so that a test sweeps when it says). */
  services?: Omit<ServiceOverrides, 'log'>;
}

function captureLogs(config: Config, lines: string[]) {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(line);
  });
  return createLogger(config, stream);
}

/** Starts the fake, registers the commands (through `tasuke register-commands`), opens the services and starts the bot. */
export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const fake = await FakeDiscord.start(opts.fake);
  const taRole = fake.addRole('TA');
  const ids = {
    help: fake.addTextChannel('help'),
    forum: fake.addForumChannel('questions'),
    taChannel: fake.addTextChannel('ta-desk'),
    general: fake.addTextChannel('general'),
    taRole,
    alice: fake.addMember({ username: 'alice', locale: 'en-US' }),
    hana: fake.addMember({ username: 'hana', locale: 'ja', globalName: 'Hana' }),
    tomo: fake.addMember({ username: 'tomo', roles: [taRole], locale: 'ja' }),
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-discord-'));
  const config = loadConfig(
    {
      TASUKE_DATA_DIR: dataDir,
      TASUKE_KNOWLEDGE_DIR: MINI_KNOWLEDGE,
      TASUKE_LESSONS_DIR: LESSONS,
      TASUKE_LOG_LEVEL: 'debug',
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.appId,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_HELP_CHANNEL_IDS: ids.help,
      DISCORD_FORUM_CHANNEL_ID: ids.forum,
      DISCORD_TA_CHANNEL_ID: ids.taChannel,
      DISCORD_TA_ROLE_ID: taRole,
      DISCORD_API_URL: fake.apiUrl,
      ...opts.config,
    },
    {},
    dataDir,
  );
  const out = new PassThrough();
  const err = new PassThrough();
  let printed = '';
  out.on('data', (c: Buffer) => (printed += c.toString()));
  err.on('data', (c: Buffer) => (printed += c.toString()));
  const code = await main(['register-commands'], { config, stdout: out, stderr: err });
  if (code !== 0) throw new Error(`register-commands failed (${code}):\n${printed}`);

  const logs: string[] = [];
  const settings = discordSettings(config)!;
  const botOptions: BotOptions = {
    stopTimeoutMs: 5000,
    ...opts.bot,
    clientOptions: {
      // discord.js waits ~5 s between two IDENTIFYs of one client; a re-identify test must not.
      ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
      ...opts.bot?.clientOptions,
    },
  };
  const open = async () => {
    const services = await openServices(config, { ...opts.services, log: captureLogs(config, logs) });
    const bot = createBot(services, settings, botOptions);
    try {
      await bot.start();
    } catch (e) {
      await services.close();
      throw e;
    }
    return { services, bot };
  };

  const world: World = {
    fake,
    ...ids,
    dataDir,
    config,
    logs,
    ...(await open()),
    async restartBot() {
      await world.bot.stop();
      await world.services.close();
      Object.assign(world, await open());
    },
    async close() {
      try {
        await world.bot.stop();
        await world.services.close();
      } finally {
        await fake.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  return world;
}

/** The first embed of a message (API shape), or an empty object. */
export function embedOf(m: ApiObject | undefined): ApiObject {
  return m?.embeds?.[0] ?? {};
}

/** The custom ids of a message's buttons. */
export function buttonIds(m: ApiObject | undefined): string[] {
  return (m?.components ?? []).flatMap((row: ApiObject) => (row.components ?? []).map((c: ApiObject) => c.custom_id as string));
}

/** Everything a person reads in a message: content, embed titles, descriptions and fields. */
export function textOf(m: ApiObject | undefined): string {
  if (!m) return '';
  const parts = [m.content ?? ''];
  for (const e of m.embeds ?? []) {
    parts.push(e.title ?? '', e.description ?? '', e.footer?.text ?? '');
    for (const f of e.fields ?? []) parts.push(f.name, f.value);
  }
  return parts.join('\n');
}

/** The bot's messages in a channel. */
export function botMessages(world: World, channelId: string): ApiObject[] {
  return world.fake.messagesIn(channelId).filter((m) => m.author?.id === world.fake.botUserId);
}
