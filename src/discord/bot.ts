/**
 * The Discord face: `createBot(services, settings)` builds the discord.js
 * client and wires the one interaction handler, the message handler and the
 * TA desk to the core's services. Nothing connects at import or at
 * creation; `start()` logs in and `stop()` finishes what is in flight and
 * disconnects. Closing the services is the caller's job (`tasuke serve`),
 * after `stop()`.
 *
 * What discord.js does by itself and this only logs: reconnecting and
 * resuming the gateway session after a disconnect, waiting out HTTP 429s
 * (the REST `rateLimited` event) and retrying 5xx answers. Discord API
 * errors surface in the handlers, whose boundaries catch them: no event
 * handler of this face ever rejects, so a failing interaction can neither
 * crash the process nor reach `unhandledRejection`.
 */
import { Client, Events, GatewayIntentBits, RESTEvents, type ClientOptions } from 'discord.js';
import type { DiscordSettings } from '../config.ts';
import type { Logger } from '../core/log.ts';
import type { Services } from '../services.ts';
import type { FaceContext } from './context.ts';
import { TaDesk } from './escalations.ts';
import { createInteractionHandler } from './interactions.ts';
import { createMessageHandler } from './messages.ts';
import { NO_MENTIONS } from './render/payload.ts';
import { RunWatcher, type RunWatcherOptions } from './runs.ts';

/** Options of `createBot`; every one has a default fit for production. */
export interface BotOptions {
  /** Defaults to a child of `services.log`. */
  log?: Logger;
  /** How long `stop()` waits for interactions and messages in progress (default 10 s). */
  stopTimeoutMs?: number;
  /** How long `start()` waits for the gateway's READY (default 60 s). */
  readyTimeoutMs?: number;
  /** The /train message's edit interval and the interaction token's life (tests shorten them). */
  runs?: RunWatcherOptions;
  /** Whether Resolve opens a form for the TA's answer (default true). */
  resolveWithModal?: boolean;
  /** Extra discord.js client options (tests: REST timeouts and retries). */
  clientOptions?: Partial<ClientOptions>;
}

/** The bot `createBot` returns: its client, and its lifecycle. */
export interface Bot {
  client: Client;
  /**
   * Logs in, waits until ready, follows the escalations (posts what the
   * sweeper or the web files, mirrors the dashboard's changes), then posts the
   * TA notices a previous run never posted.
   */
  start(): Promise<void>;
  /** Stops taking new work, waits (bounded) for what is in flight, then disconnects. */
  stop(): Promise<void>;
}

/** Builds the bot; connects nothing until `start()`. */
export function createBot(services: Services, settings: DiscordSettings, opts: BotOptions = {}): Bot {
  const log = (opts.log ?? services.log).child({ component: 'discord' });
  const extra = opts.clientOptions ?? {};
  const client = new Client({
    ...extra,
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    // The default for every message; each payload also sets it (render/payload.ts).
    allowedMentions: NO_MENTIONS,
    rest: { ...extra.rest, ...(settings.apiUrl ? { api: settings.apiUrl } : {}) },
  });

  const ta = new TaDesk({ client, services, settings, log, resolveWithModal: opts.resolveWithModal });
  const runs = new RunWatcher({ client, jobs: services.jobs, log }, opts.runs);
  const ctx: FaceContext = { services, settings, client, log, ta, runs };

  let state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  let unfollow: (() => void) | undefined;
  const stopping = () => state === 'stopping' || state === 'stopped';
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const onInteraction = createInteractionHandler(ctx, { stopping });
  const onMessage = createMessageHandler(ctx, { stopping });
  client.on(Events.InteractionCreate, (i) => track(onInteraction(i)));
  client.on(Events.MessageCreate, (m) => track(onMessage(m)));

  // Without an 'error' listener an emitted error would be thrown and end the process.
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord client warning'));
  // discord.js reports a recoverable close as "reconnecting", and only a close it gives up on (a bad
  // token, intents not enabled in the developer portal) as "disconnect".
  client.on(Events.ShardDisconnect, (event, shard) => log.error({ shard, code: event.code }, 'gateway closed for good: tasuke is offline until restarted'));
  client.on(Events.ShardReconnecting, (shard) => log.warn({ shard }, 'gateway disconnected: reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'gateway session resumed'));
  client.on(Events.ShardReady, (shard) => log.info({ shard }, 'gateway ready'));
  client.on(Events.ShardError, (err, shard) => log.error({ err, shard }, 'gateway error'));
  client.on(Events.Invalidated, () => log.error('gateway session invalidated'));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    log.warn({ route: info.route, method: info.method, global: info.global, retryAfterMs: info.retryAfter, limit: info.limit }, 'Discord rate limit: waiting'),
  );
  // An unexpected 429 (another process using the same token, a shared IP) is retried by discord.js after its retry_after.
  client.rest.on(RESTEvents.Response, (request, response) => {
    if (response.status === 429) log.warn({ method: request.method, route: request.route, status: 429 }, 'Discord answered 429: retrying after the wait it asked for');
  });
  client.rest.on(RESTEvents.InvalidRequestWarning, (info) => log.warn({ count: info.count, remainingMs: info.remainingTime }, 'many invalid Discord requests'));

  async function checkChannels(): Promise<void> {
    if (settings.guildId && !client.guilds.cache.has(settings.guildId)) {
      log.warn({ guild: settings.guildId }, 'tasuke is not a member of DISCORD_GUILD_ID');
    }
    for (const id of [...settings.helpChannelIds, ...(settings.forumChannelId ? [settings.forumChannelId] : [])]) {
      if (!client.channels.cache.has(id)) log.warn({ channel: id }, 'a configured help or forum channel is not visible to tasuke');
    }
    try {
      await ta.taChannel();
    } catch (err) {
      log.error({ err }, 'the TA channel cannot take posts: escalations will wait until it can');
    }
  }

  return {
    client,
    async start() {
      if (state !== 'new') throw new Error(`The bot cannot start: it is ${state}.`);
      state = 'starting';
      const timeoutMs = opts.readyTimeoutMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      const ready = new Promise<void>((resolve, reject) => {
        client.once(Events.ClientReady, () => resolve());
        timer = setTimeout(() => reject(new Error(`Discord did not get ready within ${timeoutMs} ms.`)), timeoutMs);
      });
      try {
        await client.login(settings.token);
        await ready;
      } catch (err) {
        state = 'stopped';
        await client.destroy();
        throw err;
      } finally {
        clearTimeout(timer);
      }
      state = 'running';
      log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'Discord bot ready');
      await checkChannels();
      // Before the catch-up, so that nothing filed in between is missed (posting is idempotent).
      unfollow = ta.follow();
      await ta.postUnposted().catch((err: unknown) => log.error({ err }, 'could not post the waiting TA notices'));
    },
    async stop() {
      if (state === 'stopped' || state === 'stopping') return;
      state = 'stopping';
      unfollow?.();
      unfollow = undefined;
      const timeoutMs = opts.stopTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        Promise.allSettled([...inFlight, ta.idle()]).then(() => true),
        new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (!waited) log.warn({ pending: inFlight.size }, 'stopping with Discord work still in progress');
      await runs.stop(Math.min(5000, timeoutMs));
      await client.destroy();
      state = 'stopped';
      log.info('Discord bot stopped');
    },
  };
}
