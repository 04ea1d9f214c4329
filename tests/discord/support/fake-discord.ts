/**
 * A fake Discord for tests: one HTTP + WebSocket server on 127.0.0.1 that the
 * REAL discord.js Client connects to (REST under `/api/v10`, gateway under
 * `/gateway`). It models one guild (channels, forum, roles, members, threads,
 * messages), records every REST request, answers the way Discord answers —
 * including its rejections (2000-character content, embed limits, late or
 * double interaction callbacks, …) — and lets a test act as the workshop's
 * users: invoke slash commands, click buttons, post messages and forum posts.
 *
 * Everything Discord would reject, and a few things it would silently accept
 * but the bot must never do (a message that could ping @everyone), lands in
 * {@link FakeDiscord.violations}; bot tests assert it is empty.
 *
 * Connect a client with:
 * ```ts
 * new Client({
 *   intents: [Guilds, GuildMessages, MessageContent],
 *   rest: fake.restOptions,               // { api: fake.apiUrl, cdn: fake.cdnUrl }
 *   allowedMentions: { parse: [] },        // otherwise every message is a violation
 * });
 * await client.login(fake.token);
 * ```
 * See tests/discord/README.md for the whole API.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiObject,
  type FieldError,
  describeErrors,
  isEmptyMessage,
  mentionProblem,
  toErrorTree,
  validateArchiveDuration,
  validateChoices,
  validateCommand,
  validateCommands,
  validateMessageBody,
  validateModal,
  validateThreadName,
  textLength,
} from './discord-limits.ts';
import { FakeGateway, type GatewayCounters } from './fake-gateway.ts';

export type { ApiObject } from './discord-limits.ts';
export { LIMITS } from './discord-limits.ts';

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/** Options of {@link FakeDiscord.start}. Every field has a sensible default. */
export interface FakeDiscordOptions {
  /** Application id; defaults to the bot user id, as for every modern Discord app. */
  appId?: string;
  botUserId?: string;
  botUsername?: string;
  /** The token the fake accepts (`Authorization: Bot <token>`); random by default. */
  token?: string;
  guild?: { id?: string; name?: string; preferredLocale?: string };
  /** How long after dispatch an interaction may be acknowledged (Discord: 3000 ms). */
  ackWindowMs?: number;
  /** How long an interaction token accepts webhook calls (Discord: 15 minutes). */
  tokenLifetimeMs?: number;
  /** HELLO's heartbeat_interval (Discord: ~41250 ms); small values exercise heartbeats. */
  heartbeatIntervalMs?: number;
  /** Per-file upload limit (Discord: 10 MiB without boosts). */
  uploadLimitBytes?: number;
}

/** One uploaded file of a multipart request. */
export interface UploadedFile {
  /** The form field, e.g. `files[0]`. */
  field: string;
  name: string;
  contentType: string;
  size: number;
  data: Buffer;
}

/** One REST request as the fake received and answered it. */
export interface RecordedRequest {
  method: string;
  /** Decoded path below `/api/v10`, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  /** The matched route template, e.g. `PATCH /webhooks/:appId/:token/messages/:messageId`; null if unknown. */
  route: string | null;
  query: Record<string, string>;
  /** Parsed JSON body, or a multipart request's `payload_json`. */
  body: ApiObject | undefined;
  files: UploadedFile[];
  multipart: boolean;
  /** The HTTP status the fake answered with. */
  status: number;
  /** The JSON the fake answered with (undefined for 204). */
  response: unknown;
  /** When it arrived (ms since the epoch, sub-millisecond precision). */
  time: number;
}

/** What happened to an interaction, in order: its callbacks, edits and follow-ups. */
export interface InteractionEvent {
  kind: 'callback' | 'edit' | 'followup' | 'edit-followup' | 'delete';
  /** Interaction callback type for `callback` events (4 reply, 5 defer, 6 defer update, 7 update, 8 choices, 9 modal). */
  callbackType?: number;
  /** False when the fake rejected it (see `status`). */
  accepted: boolean;
  status: number;
  /** Absolute time (ms) and time since the interaction was dispatched. */
  at: number;
  sinceDispatchMs: number;
  body: ApiObject | undefined;
  files: UploadedFile[];
  /** The message created or edited, if any (current state at the time). */
  messageId?: string;
}

/** Matches the next request(s) that {@link FakeDiscord.rateLimitNext} answers with 429. */
export interface RateLimitRule {
  method?: string;
  /** Substring of the decoded path (below /api/v10). */
  pathIncludes: string;
  retryAfterS: number;
  global?: boolean;
}

/** A user of the fake guild, as passed to the drivers: the id returned by {@link FakeDiscord.addMember}. */
export type UserId = string;

/** A file a fake user attaches to a message or passes as an attachment option. */
export interface FakeFile {
  name: string;
  data: Buffer | string;
  contentType?: string;
}

/** Timing of one interaction, for latency statistics. */
export interface InteractionTiming {
  id: string;
  type: number;
  name: string;
  /** Dispatch → first accepted callback (ms), or null if never acknowledged. */
  ackMs: number | null;
  /** Dispatch → first response the user can see (reply/edit/follow-up with content), or null. */
  answerMs: number | null;
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

const DISCORD_EPOCH = 1420070400000n;

/** Gateway intents the fake honours when deciding what to send. */
const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  MessageContent: 1 << 15,
} as const;

const ChannelType = { Text: 0, Category: 4, Announcement: 5, PublicThread: 11, PrivateThread: 12, Forum: 15 } as const;
const InteractionType = { Command: 2, Component: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
const CallbackType = { Reply: 4, DeferReply: 5, DeferUpdate: 6, Update: 7, Choices: 8, Modal: 9 } as const;
const MessageFlag = { Ephemeral: 1 << 6, Loading: 1 << 7, SuppressEmbeds: 1 << 2 } as const;

/** Which callback types Discord accepts for which interaction type. */
const ALLOWED_CALLBACKS: Record<number, number[]> = {
  [InteractionType.Command]: [4, 5, 9],
  [InteractionType.Component]: [4, 5, 6, 7, 9],
  [InteractionType.Autocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};

const P = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  UseApplicationCommands: 1n << 31n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  SendMessagesInThreads: 1n << 38n,
} as const;

// What @everyone may do in a typical workshop server.
const EVERYONE_PERMISSIONS =
  P.CreateInstantInvite | P.AddReactions | P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles |
  P.ReadMessageHistory | P.UseExternalEmojis | P.ChangeNickname | P.UseApplicationCommands |
  P.CreatePublicThreads | P.SendMessagesInThreads;
// The bot's own (managed) role adds what a thread-running assistant needs.
const BOT_ROLE_PERMISSIONS = P.ManageMessages | P.ManageThreads | P.CreatePrivateThreads;
const ALL_PERMISSIONS = (1n << 51n) - 1n;

// ---------------------------------------------------------------------------
// Errors answered over HTTP
// ---------------------------------------------------------------------------

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiObject,
    /** Recorded in `violations` when set. */
    readonly violation?: string,
  ) {
    super(String(body.message));
  }
}

function invalidForm(errors: FieldError[]): HttpError {
  return new HttpError(400, { code: 50035, message: 'Invalid Form Body', errors: toErrorTree(errors) }, describeErrors(errors));
}

function notFound(code: number, message: string, violation?: string): HttpError {
  return new HttpError(404, { code, message }, violation);
}

// ---------------------------------------------------------------------------
// Internal records
// ---------------------------------------------------------------------------

interface MemberRecord {
  user: ApiObject;
  roles: string[];
  nick: string | null;
  joinedAt: string;
  locale: string;
}

interface StoredAttachment {
  data: Buffer;
  contentType: string;
}

interface CommandRecord {
  data: ApiObject;
  guildId: string | null;
}

interface Waiter {
  check: () => boolean;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  poll: NodeJS.Timeout;
}

interface RouteContext {
  req: RecordedRequest;
  params: Record<string, string>;
}

type RouteResult = { status: number; body?: unknown; after?: () => void };

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  keys: string[];
  /** 'bot': requires `Bot <token>`; 'token': interaction/webhook routes that discord.js calls without auth. */
  auth: 'bot' | 'token';
  handle: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

function iso(ms = Date.now()): string {
  return new Date(ms).toISOString();
}

/** The percentile `p` (0-100) of `values` (nearest-rank); NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Width and height of a PNG from its IHDR chunk, so chart attachments carry real dimensions. */
function pngSize(data: Buffer): { width: number; height: number } | null {
  if (data.length < 24 || data.readUInt32BE(0) !== 0x89504e47 || data.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function hasVisibleContent(body: ApiObject | undefined, files: number): boolean {
  if (!body) return files > 0;
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  return (typeof body.content === 'string' && body.content.length > 0) || nonEmpty(body.embeds) || nonEmpty(body.components) || files > 0;
}

// ---------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------

/**
 * One interaction the fake dispatched, and everything the bot did about it.
 * Returned by the drivers ({@link FakeDiscord.invokeCommand} etc.).
 */
export class FakeInteraction {
  /** Callbacks, edits and follow-ups in arrival order (rejected ones too). */
  readonly log: InteractionEvent[] = [];
  /** When the INTERACTION_CREATE reached the client's socket (null while queued for a resume). */
  dispatchedAt: number | null = null;
  /** First accepted callback: time and type. */
  ackedAt: number | null = null;
  ackType: number | null = null;
  /** First response the user can see (content, embeds, files or components; or choices / a modal). */
  answeredAt: number | null = null;
  /** The `@original` message (reply, deferred reply, or the component's message after 6/7). */
  originalMessageId: string | null = null;
  readonly followUpIds: string[] = [];
  /** Choices of an autocomplete answer (callback type 8). */
  choices: ApiObject[] | null = null;
  /** The modal shown (callback type 9), for {@link FakeDiscord.submitModal}. */
  modal: ApiObject | null = null;

  /** @internal */
  constructor(
    private readonly fake: FakeDiscord,
    /** The INTERACTION_CREATE payload as sent. */
    readonly payload: ApiObject,
    /** Command name (with sub-command) or component custom_id. */
    readonly name: string,
  ) {}

  get id(): string {
    return this.payload.id;
  }
  get token(): string {
    return this.payload.token;
  }
  get type(): number {
    return this.payload.type;
  }
  get channelId(): string {
    return this.payload.channel_id;
  }
  get userId(): string {
    return this.payload.member.user.id;
  }
  get acknowledged(): boolean {
    return this.ackType !== null;
  }
  /** Dispatch → first accepted callback, in ms. */
  get ackMs(): number | null {
    return this.ackedAt !== null && this.dispatchedAt !== null ? this.ackedAt - this.dispatchedAt : null;
  }
  /** Dispatch → first visible answer, in ms. */
  get answerMs(): number | null {
    return this.answeredAt !== null && this.dispatchedAt !== null ? this.answeredAt - this.dispatchedAt : null;
  }

  /** Resolves with the first accepted callback (POST /interactions/:id/:token/callback). */
  waitForCallback(timeoutMs = 5000): Promise<InteractionEvent> {
    return this.waitFor((e) => e.kind === 'callback' && e.accepted, timeoutMs, 'an accepted callback');
  }

  /** Resolves with the first accepted event the user can see: a reply, an edit or follow-up with content, choices or a modal. */
  waitForResponse(timeoutMs = 5000): Promise<InteractionEvent> {
    return this.fake.waitUntil(
      () => (this.answeredAt !== null ? this.log.find((e) => e.accepted && e.at === this.answeredAt) : undefined),
      timeoutMs,
      `a visible response to interaction ${this.name}`,
    );
  }

  /** Resolves with the first logged event (past or future) matching `predicate`. */
  waitFor(predicate: (e: InteractionEvent) => boolean, timeoutMs = 5000, what = 'a matching event'): Promise<InteractionEvent> {
    return this.fake.waitUntil(() => this.log.find(predicate), timeoutMs, `${what} on interaction ${this.name}`);
  }

  /** Current state of the `@original` message (edits applied), if there is one. */
  original(): ApiObject | undefined {
    return this.originalMessageId ? this.fake.message(this.originalMessageId) : undefined;
  }

  /** Current state of the follow-up messages, in order. */
  followUps(): ApiObject[] {
    return this.followUpIds.map((id) => this.fake.message(id)).filter((m): m is ApiObject => m !== undefined);
  }
}

// ---------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------

/** The fake Discord server. Create with {@link FakeDiscord.start}; always {@link FakeDiscord.stop}. */
export class FakeDiscord {
  /** Every REST request under /api/v10, in the order it was answered, with the answer given. */
  readonly requests: RecordedRequest[] = [];
  /** Everything Discord would reject or the bot must not do; bot tests assert this is empty. */
  readonly violations: string[] = [];
  /** How many requests were answered with an injected 429. */
  rateLimited = 0;
  /** Every interaction dispatched, in order. */
  readonly interactions: FakeInteraction[] = [];

  readonly appId: string;
  readonly botUserId: string;
  readonly guildId: string;
  readonly token: string;
  /** The id of the bot's managed role. */
  readonly botRoleId: string;

  private readonly options: Required<Omit<FakeDiscordOptions, 'guild' | 'appId' | 'botUserId' | 'token'>>;
  private readonly guildName: string;
  private readonly preferredLocale: string;
  private server!: Server;
  private gateway!: FakeGateway;
  private port = 0;
  private lastSnowflakeMs = 0n;
  private snowflakeIncrement = 0n;
  private readonly channels = new Map<string, ApiObject>();
  private readonly roles = new Map<string, ApiObject>();
  private readonly members = new Map<string, MemberRecord>();
  private readonly channelMessages = new Map<string, ApiObject[]>();
  private readonly messagesById = new Map<string, ApiObject>();
  private readonly threadMembers = new Map<string, Set<string>>();
  private readonly attachments = new Map<string, StoredAttachment>();
  private readonly commands = new Map<string, CommandRecord>();
  private readonly interactionsById = new Map<string, FakeInteraction>();
  private readonly interactionsByToken = new Map<string, FakeInteraction>();
  private readonly rateLimitRules: RateLimitRule[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly routes: Route[] = [];
  private nextPosition = 0;
  private stopped = false;

  private constructor(opts: FakeDiscordOptions) {
    this.botUserId = opts.botUserId ?? this.snowflake();
    this.appId = opts.appId ?? this.botUserId;
    this.guildId = opts.guild?.id ?? this.snowflake();
    this.token = opts.token ?? `fake.${randomBytes(18).toString('base64url')}`;
    this.guildName = opts.guild?.name ?? 'Fake Workshop';
    this.preferredLocale = opts.guild?.preferredLocale ?? 'ja';
    this.options = {
      botUsername: opts.botUsername ?? 'tasuke',
      ackWindowMs: opts.ackWindowMs ?? 3000,
      tokenLifetimeMs: opts.tokenLifetimeMs ?? 15 * 60_000,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
      uploadLimitBytes: opts.uploadLimitBytes ?? 10 * 1024 * 1024,
    };
    // @everyone has the guild's id, as on Discord.
    this.roles.set(this.guildId, this.roleObject(this.guildId, '@everyone', EVERYONE_PERMISSIONS, 0));
    this.botRoleId = this.snowflake();
    this.roles.set(this.botRoleId, {
      ...this.roleObject(this.botRoleId, this.options.botUsername, BOT_ROLE_PERMISSIONS, 1),
      managed: true,
      tags: { bot_id: this.botUserId },
    });
    this.members.set(this.botUserId, {
      user: this.userObject(this.botUserId, this.options.botUsername, true),
      roles: [this.botRoleId],
      nick: null,
      joinedAt: iso(),
      locale: 'en-US',
    });
    this.defineRoutes();
  }

  /** Starts the fake on 127.0.0.1 (a free port) and returns it once it listens. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await fake.listen();
    return fake;
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handleHttp(req, res).catch((error: unknown) => {
        this.violation(`fake-discord internal error on ${req.method} ${req.url}: ${String((error as Error)?.stack ?? error)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname.replace(/\/+$/, '');
      if (path === '/gateway' || path === '/resume') this.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.gateway = new FakeGateway({
      token: this.token,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      baseUrl: `ws://127.0.0.1:${this.port}`,
      onIdentify: (intents) => this.readyPayloads(intents),
      onRequestGuildMembers: (d, intents) => this.guildMembersChunk(d, intents),
      violation: (text) => this.violation(text),
      changed: () => this.notify(),
    });
  }

  /** Closes the server, every socket and every pending wait. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const w of [...this.waiters]) w.reject(new Error('fake-discord stopped while waiting'));
    await this.gateway?.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  // -------------------------------------------------------------------------
  // Addresses
  // -------------------------------------------------------------------------

  /** `http://127.0.0.1:PORT`: where attachments are served. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** The value for the client's `rest.api` (discord.js appends `/v10`) and the bot's DISCORD_API_URL. */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }
  /** The value for the client's `rest.cdn`, so no avatar or icon URL points at discord.com. */
  get cdnUrl(): string {
    return `${this.baseUrl}/cdn`;
  }
  /** The gateway URL `GET /gateway/bot` hands out. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }
  /** `{ api, cdn }` to spread into discord.js's `rest` client option. */
  get restOptions(): { api: string; cdn: string } {
    return { api: this.apiUrl, cdn: this.cdnUrl };
  }

  // -------------------------------------------------------------------------
  // Violations, waiting
  // -------------------------------------------------------------------------

  /** Returns the violations so far and clears them (for tests that provoke one on purpose). */
  takeViolations(): string[] {
    return this.violations.splice(0, this.violations.length);
  }

  private violation(text: string): void {
    this.violations.push(text);
    this.notify();
  }

  /**
   * Resolves with the first value `probe` returns that is not undefined/null/false.
   * It is re-checked after every change the fake sees (requests, dispatches,
   * sockets) and every 10 ms, so it may also look at the client's side (a
   * flag the bot under test sets). Rejects after `timeoutMs` with `what` and
   * the last requests and violations in the message.
   */
  waitUntil<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'a condition'): Promise<T> {
    const first = probe();
    if (first !== undefined && first !== null && first !== false) return Promise.resolve(first);
    if (this.stopped) return Promise.reject(new Error('fake-discord is stopped'));
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(waiter.timer);
        clearInterval(waiter.poll);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        check: () => {
          const v = probe();
          if (v === undefined || v === null || v === false) return false;
          done();
          resolve(v);
          return true;
        },
        reject: (e) => {
          done();
          reject(e);
        },
        poll: setInterval(() => waiter.check(), 10),
        timer: setTimeout(() => {
          const recent = this.requests.slice(-6).map((r) => `  ${r.status} ${r.method} ${r.path}`).join('\n');
          const violations = this.violations.length ? `\nviolations:\n  ${this.violations.join('\n  ')}` : '';
          waiter.reject(new Error(`fake-discord: timed out after ${timeoutMs} ms waiting for ${what}\nlast requests:\n${recent || '  (none)'}${violations}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves with the first recorded request (past or future) matching `predicate`. */
  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    return this.waitUntil(() => this.requests.find(predicate), timeoutMs, 'a matching request');
  }

  /** Resolves with the first stored message (current state, ephemeral ones included) matching `predicate`. */
  waitForMessage(predicate: (m: ApiObject) => boolean, timeoutMs = 5000): Promise<ApiObject> {
    return this.waitUntil(() => [...this.messagesById.values()].find(predicate), timeoutMs, 'a matching message');
  }

  /** Resolves once the gateway has a READY (or RESUMED) session on an open socket. */
  waitForReady(timeoutMs = 5000): Promise<void> {
    return this.waitUntil(() => this.gateway.live, timeoutMs, 'a live gateway session').then(() => undefined);
  }

  private notify(): void {
    for (const w of [...this.waiters]) w.check();
  }

  // -------------------------------------------------------------------------
  // Gateway control
  // -------------------------------------------------------------------------

  /** Gateway counters: connections, identifies, resumes, resumed, invalidSessions, heartbeats, dropped. */
  get sessions(): Readonly<GatewayCounters> {
    return this.gateway.counters;
  }
  /** IDENTIFYs answered with READY. */
  get identifies(): number {
    return this.gateway.counters.identifies;
  }
  /** RESUMEs answered with RESUMED. */
  get resumes(): number {
    return this.gateway.counters.resumed;
  }
  /** The intents of the current session's IDENTIFY. */
  get intents(): number {
    return this.gateway.intents;
  }
  /** True while the client holds a READY/RESUMED session on an open socket. */
  get connected(): boolean {
    return this.gateway.live;
  }

  /**
   * Closes the client's gateway socket. The default (4000, resumable) makes
   * discord.js RESUME; `resumable: false` answers that RESUME with
   * INVALID_SESSION so it IDENTIFYs again; code 1006 drops the TCP connection
   * without a close frame.
   */
  disconnect(opts: { code?: number; resumable?: boolean } = {}): void {
    this.gateway.disconnect(opts);
  }

  /** Sends INVALID_SESSION (op 9) on the live socket. */
  invalidateSession(resumable = false): void {
    this.gateway.invalidateSession(resumable);
  }

  /** Sends RECONNECT (op 7): the client reconnects and resumes. */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  // -------------------------------------------------------------------------
  // Faults
  // -------------------------------------------------------------------------

  /**
   * Answers the next request matching `rule` with HTTP 429 (Discord's headers
   * and body). discord.js waits `retryAfterS` and retries; the retry succeeds.
   * Rules queue up: each one is used once.
   */
  rateLimitNext(rule: RateLimitRule): void {
    this.rateLimitRules.push(rule);
  }

  // -------------------------------------------------------------------------
  // Timing
  // -------------------------------------------------------------------------

  /** Dispatch → first callback (ms) of every acknowledged interaction, in dispatch order. */
  get ackWithinMs(): number[] {
    return this.interactions.map((i) => i.ackMs).filter((v): v is number => v !== null);
  }
  /** Dispatch → first visible answer (ms) of every answered interaction, in dispatch order. */
  get answeredWithinMs(): number[] {
    return this.interactions.map((i) => i.answerMs).filter((v): v is number => v !== null);
  }
  /** Per-interaction timing (see {@link percentile} for p50/p99). */
  interactionTimings(): InteractionTiming[] {
    return this.interactions.map((i) => ({ id: i.id, type: i.type, name: i.name, ackMs: i.ackMs, answerMs: i.answerMs }));
  }
  /** The interaction with this id. */
  interaction(id: string): FakeInteraction | undefined {
    return this.interactionsById.get(id);
  }
  /** The callbacks, edits and follow-ups of one interaction, in order. */
  interactionLog(id: string): InteractionEvent[] {
    return this.interactionsById.get(id)?.log ?? [];
  }

  // -------------------------------------------------------------------------
  // World model: building
  // -------------------------------------------------------------------------

  /** A new snowflake: time-ordered like Discord's, so discord.js's createdAt is sensible. */
  snowflake(): string {
    let ms = BigInt(Date.now()) - DISCORD_EPOCH;
    if (ms <= this.lastSnowflakeMs) {
      ms = this.lastSnowflakeMs;
      this.snowflakeIncrement++;
      if (this.snowflakeIncrement > 4095n) {
        ms += 1n;
        this.snowflakeIncrement = 0n;
      }
    } else {
      this.snowflakeIncrement = 0n;
    }
    this.lastSnowflakeMs = ms;
    return ((ms << 22n) | (1n << 17n) | this.snowflakeIncrement).toString();
  }

  /** Adds a text channel; after READY the client also gets CHANNEL_CREATE. Returns its id. */
  addTextChannel(name: string, opts: { topic?: string; parentId?: string } = {}): string {
    const id = this.snowflake();
    this.channels.set(id, {
      ...this.channelBase(id, ChannelType.Text, name),
      topic: opts.topic ?? null,
      parent_id: opts.parentId ?? null,
    });
    this.channelMessages.set(id, []);
    this.dispatchGuildEvent('CHANNEL_CREATE', this.channels.get(id)!, Intent.Guilds);
    return id;
  }

  /** Adds a forum channel with optional tags (see {@link FakeDiscord.forumTagId}). Returns its id. */
  addForumChannel(name: string, opts: { tags?: string[]; topic?: string } = {}): string {
    const id = this.snowflake();
    this.channels.set(id, {
      ...this.channelBase(id, ChannelType.Forum, name),
      topic: opts.topic ?? null,
      available_tags: (opts.tags ?? []).map((tag) => ({ id: this.snowflake(), name: tag, moderated: false, emoji_id: null, emoji_name: null })),
      default_reaction_emoji: null,
      default_thread_rate_limit_per_user: 0,
      default_sort_order: null,
      default_forum_layout: 0,
      template: '',
    });
    this.dispatchGuildEvent('CHANNEL_CREATE', this.channels.get(id)!, Intent.Guilds);
    return id;
  }

  /** The id of a forum's tag by name. */
  forumTagId(forumId: string, tag: string): string {
    const found = (this.channels.get(forumId)?.available_tags ?? []).find((t: ApiObject) => t.name === tag);
    if (!found) throw new Error(`fake-discord: forum ${forumId} has no tag ${JSON.stringify(tag)}`);
    return found.id;
  }

  /** Adds a role (no permissions unless given); after READY the client gets GUILD_ROLE_CREATE. Returns its id. */
  addRole(name: string, opts: { permissions?: bigint; color?: number } = {}): string {
    const id = this.snowflake();
    const role = { ...this.roleObject(id, name, opts.permissions ?? 0n, this.roles.size), color: opts.color ?? 0 };
    this.roles.set(id, role);
    this.dispatchGuildEvent('GUILD_ROLE_CREATE', { guild_id: this.guildId, role }, Intent.Guilds, false);
    return id;
  }

  /**
   * Adds a guild member (a workshop participant, a TA, another bot). After
   * READY the client gets GUILD_MEMBER_ADD if it asked for the GuildMembers
   * intent, as on Discord. Returns the user id, which the drivers take as `user`.
   */
  addMember(opts: { username: string; roles?: string[]; bot?: boolean; globalName?: string; nick?: string; locale?: string }): UserId {
    const id = this.snowflake();
    for (const r of opts.roles ?? []) if (!this.roles.has(r)) throw new Error(`fake-discord: unknown role ${r}`);
    this.members.set(id, {
      user: { ...this.userObject(id, opts.username, opts.bot ?? false), global_name: opts.globalName ?? null },
      roles: [...(opts.roles ?? [])],
      nick: opts.nick ?? null,
      joinedAt: iso(),
      locale: opts.locale ?? this.preferredLocale,
    });
    this.dispatchGuildEvent('GUILD_MEMBER_ADD', { ...this.memberObject(id), guild_id: this.guildId }, Intent.GuildMembers, false);
    return id;
  }

  // -------------------------------------------------------------------------
  // World model: reading
  // -------------------------------------------------------------------------

  /** A channel or thread as the API returns it. */
  channel(id: string): ApiObject | undefined {
    return this.channels.get(id);
  }
  /** Every thread (public and private), in creation order. */
  threads(): ApiObject[] {
    return [...this.channels.values()].filter((c) => c.type === ChannelType.PublicThread || c.type === ChannelType.PrivateThread);
  }
  /** A message by id (any channel; ephemeral ones included), with edits applied. */
  message(id: string): ApiObject | undefined {
    return this.messagesById.get(id);
  }
  /** The messages of a channel or thread, oldest first, edits applied, ephemeral replies excluded. */
  messagesIn(channelId: string): ApiObject[] {
    return [...(this.channelMessages.get(channelId) ?? [])];
  }
  /** A member's user object. */
  user(id: string): ApiObject | undefined {
    return this.members.get(id)?.user;
  }
  /** Registered commands: global, or of the guild when `scope` is 'guild'. */
  registeredCommands(scope: 'global' | 'guild' | 'all' = 'all'): ApiObject[] {
    return [...this.commands.values()]
      .filter((c) => scope === 'all' || (scope === 'guild') === (c.guildId !== null))
      .map((c) => c.data);
  }
  /** The bytes of an attachment the bot uploaded, by attachment id. */
  attachmentData(id: string): Buffer | undefined {
    return this.attachments.get(id)?.data;
  }

  // -------------------------------------------------------------------------
  // Drivers: acting as users
  // -------------------------------------------------------------------------

  /**
   * A user runs a slash command. `name` may include a sub-command (`'train start'`,
   * `'admin jobs list'`). The command must be registered (guild commands win over
   * global ones) and every option must be declared, of the registered type and
   * within its min/max/choices — otherwise this throws, as the Discord client
   * would never send it. Returns the interaction, already dispatched.
   */
  invokeCommand(opts: {
    name: string;
    options?: Record<string, unknown>;
    user: UserId;
    channelId: string;
    locale?: string;
  }): FakeInteraction {
    const { command, decls, path } = this.findCommand(opts.name);
    const resolved: ApiObject = {};
    const leaf = this.buildOptions(decls, opts.options ?? {}, resolved, `/${opts.name}`, null);
    const data: ApiObject = {
      id: command.data.id,
      name: command.data.name,
      type: 1,
      options: this.nestOptions(path, leaf),
      ...(command.guildId ? { guild_id: command.guildId } : {}),
      ...(Object.keys(resolved).length ? { resolved } : {}),
    };
    return this.dispatchInteraction(InteractionType.Command, opts.user, opts.channelId, opts.locale, { data }, opts.name);
  }

  /**
   * A user types into an option with `autocomplete: true`. `focused.value` is
   * the partial input. Other `options` are checked like {@link invokeCommand}'s
   * but none is required.
   */
  autocomplete(opts: {
    name: string;
    focused: { name: string; value: string | number };
    options?: Record<string, unknown>;
    user: UserId;
    channelId: string;
    locale?: string;
  }): FakeInteraction {
    const { command, decls, path } = this.findCommand(opts.name);
    const decl = decls.find((d) => d.name === opts.focused.name);
    if (!decl) throw new Error(`fake-discord: /${opts.name} has no option ${JSON.stringify(opts.focused.name)}`);
    if (!decl.autocomplete) throw new Error(`fake-discord: option ${decl.name} of /${opts.name} is not declared with autocomplete: true`);
    const resolved: ApiObject = {};
    const leaf = this.buildOptions(decls, opts.options ?? {}, resolved, `/${opts.name}`, opts.focused.name);
    leaf.push({ name: decl.name, type: decl.type, value: opts.focused.value, focused: true });
    const data: ApiObject = {
      id: command.data.id,
      name: command.data.name,
      type: 1,
      options: this.nestOptions(path, leaf),
      ...(command.guildId ? { guild_id: command.guildId } : {}),
    };
    return this.dispatchInteraction(InteractionType.Autocomplete, opts.user, opts.channelId, opts.locale, { data }, opts.name);
  }

  /** A user clicks a button (by custom_id) on a message the bot sent. Throws if there is no such enabled button. */
  clickButton(opts: { message: string | ApiObject; customId: string; user: UserId; locale?: string }): FakeInteraction {
    const message = this.requireMessage(opts.message);
    const component = this.findComponent(message, opts.customId);
    if (component?.type !== 2) throw new Error(`fake-discord: message ${message.id} has no button ${JSON.stringify(opts.customId)} (has: ${this.customIds(message).join(', ') || 'none'})`);
    if (component.disabled) throw new Error(`fake-discord: button ${opts.customId} is disabled`);
    return this.dispatchInteraction(
      InteractionType.Component,
      opts.user,
      message.channel_id,
      opts.locale,
      { message, data: { custom_id: opts.customId, component_type: 2 } },
      opts.customId,
    );
  }

  /** A user picks values in a string select menu. Values must be among its options and within min/max_values. */
  selectMenu(opts: { message: string | ApiObject; customId: string; values: string[]; user: UserId; locale?: string }): FakeInteraction {
    const message = this.requireMessage(opts.message);
    const menu = this.findComponent(message, opts.customId);
    if (menu?.type !== 3) throw new Error(`fake-discord: message ${message.id} has no string select ${JSON.stringify(opts.customId)}`);
    if (menu.disabled) throw new Error(`fake-discord: select ${opts.customId} is disabled`);
    const allowed = new Set((menu.options ?? []).map((o: ApiObject) => o.value));
    for (const v of opts.values) if (!allowed.has(v)) throw new Error(`fake-discord: select ${opts.customId} has no option ${JSON.stringify(v)}`);
    const min = menu.min_values ?? 1;
    const max = menu.max_values ?? 1;
    if (opts.values.length < min || opts.values.length > max) throw new Error(`fake-discord: select ${opts.customId} takes ${min}-${max} values`);
    return this.dispatchInteraction(
      InteractionType.Component,
      opts.user,
      message.channel_id,
      opts.locale,
      { message, data: { custom_id: opts.customId, component_type: 3, values: opts.values } },
      opts.customId,
    );
  }

  /** The user submits the modal the bot showed on `interaction` (callback type 9), with text-input values by custom_id. */
  submitModal(opts: { interaction: FakeInteraction; values: Record<string, string>; user?: UserId; locale?: string }): FakeInteraction {
    const modal = opts.interaction.modal;
    if (!modal) throw new Error(`fake-discord: interaction ${opts.interaction.name} did not show a modal`);
    const inputs: ApiObject[] = [];
    const components = (modal.components as ApiObject[]).map((row) => {
      const input = row.type === 1 ? row.components?.[0] : row.component;
      if (input?.type !== 4) return row;
      const value = opts.values[input.custom_id] ?? '';
      if ((input.required ?? true) && value === '') throw new Error(`fake-discord: modal field ${input.custom_id} is required`);
      const len = textLength(value);
      if ((input.min_length !== undefined && len < input.min_length) || (input.max_length !== undefined && len > input.max_length)) {
        throw new Error(`fake-discord: modal field ${input.custom_id} must be ${input.min_length ?? 0}-${input.max_length ?? 4000} characters`);
      }
      inputs.push(input);
      const submitted = { type: 4, id: input.id, custom_id: input.custom_id, value };
      return row.type === 1 ? { type: 1, id: row.id, components: [submitted] } : { type: row.type, id: row.id, component: submitted };
    });
    for (const key of Object.keys(opts.values)) {
      if (!inputs.some((i) => i.custom_id === key)) throw new Error(`fake-discord: the modal has no text input ${JSON.stringify(key)}`);
    }
    const source = opts.interaction.payload;
    return this.dispatchInteraction(
      InteractionType.ModalSubmit,
      opts.user ?? opts.interaction.userId,
      opts.interaction.channelId,
      opts.locale,
      { ...(source.message ? { message: this.message(source.message.id) ?? source.message } : {}), data: { custom_id: modal.custom_id, components } },
      modal.custom_id,
    );
  }

  /**
   * A user posts a message in a text channel or thread; the client gets
   * MESSAGE_CREATE. Mentions are parsed from content (`<@id>`, `<@&id>`,
   * `@everyone`), as Discord does for users. Returns the stored message.
   */
  postMessage(opts: {
    channelId: string;
    author: UserId;
    content?: string;
    attachments?: FakeFile[];
    embeds?: ApiObject[];
    /** Id of a message in the same channel this one replies to. */
    replyTo?: string;
  }): ApiObject {
    const channel = this.channels.get(opts.channelId);
    if (!channel) throw new Error(`fake-discord: unknown channel ${opts.channelId}`);
    if (channel.type === ChannelType.Forum) throw new Error('fake-discord: post in a forum with createForumPost()');
    const member = this.requireMember(opts.author);
    let reference: ApiObject | undefined;
    if (opts.replyTo) {
      if (this.messagesById.get(opts.replyTo)?.channel_id !== opts.channelId) throw new Error(`fake-discord: no message ${opts.replyTo} in that channel`);
      reference = { message_id: opts.replyTo, channel_id: opts.channelId, guild_id: this.guildId };
    }
    return this.storeMessage({
      channelId: opts.channelId,
      author: member.user,
      content: opts.content ?? '',
      embeds: opts.embeds ?? [],
      attachments: (opts.attachments ?? []).map((f) => this.storeFakeFile(opts.channelId, f)),
      reference,
      mentionRule: 'all',
    });
  }

  /**
   * A user opens a forum post: a public thread (type 11, parent = the forum)
   * whose starter message has the thread's id, as on Discord. The client gets
   * THREAD_CREATE, then MESSAGE_CREATE. `tags` are tag names.
   */
  createForumPost(opts: { forumId: string; author: UserId; title: string; content: string; tags?: string[]; attachments?: FakeFile[] }): {
    thread: ApiObject;
    message: ApiObject;
  } {
    const forum = this.channels.get(opts.forumId);
    if (forum?.type !== ChannelType.Forum) throw new Error(`fake-discord: ${opts.forumId} is not a forum`);
    const member = this.requireMember(opts.author);
    const nameErrors = validateThreadName(opts.title);
    if (nameErrors.length) throw new Error(`fake-discord: forum post title: ${describeErrors(nameErrors)}`);
    const thread = this.createThread({
      parent: forum,
      name: opts.title,
      ownerId: opts.author,
      appliedTags: (opts.tags ?? []).map((t) => this.forumTagId(opts.forumId, t)),
    });
    const message = this.storeMessage({
      id: thread.id,
      channelId: thread.id,
      author: member.user,
      content: opts.content,
      attachments: (opts.attachments ?? []).map((f) => this.storeFakeFile(thread.id, f)),
      mentionRule: 'all',
    });
    return { thread: this.channels.get(thread.id)!, message };
  }

  // -------------------------------------------------------------------------
  // Payload builders
  // -------------------------------------------------------------------------

  private userObject(id: string, username: string, bot: boolean): ApiObject {
    return {
      id,
      username,
      discriminator: '0',
      global_name: null,
      avatar: null,
      ...(bot ? { bot: true } : {}),
      public_flags: 0,
      flags: 0,
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
    };
  }

  private roleObject(id: string, name: string, permissions: bigint, position: number): ApiObject {
    return {
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions: permissions.toString(),
      managed: false,
      mentionable: false,
      flags: 0,
    };
  }

  private channelBase(id: string, type: number, name: string): ApiObject {
    return {
      id,
      type,
      guild_id: this.guildId,
      name,
      position: this.nextPosition++,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  private permissionsOf(userId: string): bigint {
    const member = this.members.get(userId);
    let bits = BigInt(this.roles.get(this.guildId)!.permissions);
    for (const r of member?.roles ?? []) bits |= BigInt(this.roles.get(r)?.permissions ?? '0');
    return (bits & P.Administrator) !== 0n ? ALL_PERMISSIONS : bits;
  }

  /** A guild member object; `withUser` for payloads that carry the user inside the member. */
  private memberObject(userId: string, opts: { withUser?: boolean; permissions?: boolean } = { withUser: true }): ApiObject {
    const m = this.members.get(userId)!;
    return {
      ...(opts.withUser !== false ? { user: m.user } : {}),
      nick: m.nick,
      avatar: null,
      banner: null,
      roles: [...m.roles],
      joined_at: m.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
      ...(opts.permissions ? { permissions: this.permissionsOf(userId).toString() } : {}),
    };
  }

  private guildObject(intents: number): ApiObject {
    const all = [...this.channels.values()];
    // Without the privileged GuildMembers intent Discord sends only the bot's own member.
    const memberIds = (intents & Intent.GuildMembers) !== 0 ? [...this.members.keys()] : [this.botUserId];
    return {
      id: this.guildId,
      name: this.guildName,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: '1',
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      features: ['COMMUNITY'],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      max_members: 500000,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: this.preferredLocale,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      roles: [...this.roles.values()],
      emojis: [],
      stickers: [],
      joined_at: this.members.get(this.botUserId)!.joinedAt,
      large: false,
      unavailable: false,
      member_count: this.members.size,
      voice_states: [],
      members: memberIds.map((id) => this.memberObject(id)),
      channels: all.filter((c) => c.type !== ChannelType.PublicThread && c.type !== ChannelType.PrivateThread),
      threads: all.filter((c) => (c.type === ChannelType.PublicThread || c.type === ChannelType.PrivateThread) && !c.thread_metadata.archived),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private readyPayloads(intents: number): { ready: ApiObject; then: Array<{ t: string; d: ApiObject }> } {
    const bot = this.members.get(this.botUserId)!.user;
    return {
      ready: {
        v: 10,
        user_settings: {},
        user: { ...bot, verified: true, mfa_enabled: false, email: null },
        guilds: [{ id: this.guildId, unavailable: true }],
        shard: [0, 1],
        application: { id: this.appId, flags: 0 },
        private_channels: [],
        relationships: [],
        presences: [],
        geo_ordered_rtc_regions: [],
        guild_join_requests: [],
        auth: {},
      },
      // Without the Guilds intent Discord does not send GUILD_CREATE (discord.js then skips waiting).
      then: (intents & Intent.Guilds) !== 0 ? [{ t: 'GUILD_CREATE', d: this.guildObject(intents) }] : [],
    };
  }

  private guildMembersChunk(d: ApiObject, intents: number): Array<{ t: string; d: ApiObject }> {
    let ids: string[];
    if (Array.isArray(d.user_ids) || typeof d.user_ids === 'string') {
      ids = ([] as string[]).concat(d.user_ids).filter((id) => this.members.has(id));
    } else {
      if ((intents & Intent.GuildMembers) === 0) {
        this.violation('gateway: REQUEST_GUILD_MEMBERS for a query/all members needs the GuildMembers intent');
        return [];
      }
      const query = String(d.query ?? '').toLowerCase();
      ids = [...this.members.keys()].filter((id) => this.members.get(id)!.user.username.toLowerCase().startsWith(query));
      if (d.limit) ids = ids.slice(0, d.limit);
    }
    return [
      {
        t: 'GUILD_MEMBERS_CHUNK',
        d: { guild_id: this.guildId, members: ids.map((id) => this.memberObject(id)), chunk_index: 0, chunk_count: 1, not_found: [], nonce: d.nonce },
      },
    ];
  }

  /** Sends a guild-level dispatch if the session's intents cover it (only after READY). */
  private dispatchGuildEvent(t: string, d: ApiObject, intent: number, addGuildId = true): void {
    if (!this.gateway?.hasSession || (this.gateway.intents & intent) === 0) return;
    this.gateway.dispatch(t, addGuildId ? { ...d, guild_id: this.guildId } : d);
  }

  /**
   * MESSAGE_CREATE/UPDATE as Discord filters them: only with GuildMessages; and
   * without MessageContent, content/embeds/attachments/components are blank
   * unless the bot wrote the message or is mentioned in it.
   */
  private dispatchMessage(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: ApiObject): void {
    if (!this.gateway?.hasSession || (this.gateway.intents & Intent.GuildMessages) === 0) return;
    if ((message.flags & MessageFlag.Ephemeral) !== 0) return;
    let d: ApiObject = { ...message, guild_id: this.guildId };
    if (this.members.has(message.author.id) && !message.webhook_id) d.member = this.memberObject(message.author.id, { withUser: false });
    else if (message.author.id === this.botUserId) d.member = this.memberObject(this.botUserId, { withUser: false });
    const seesContent =
      (this.gateway.intents & Intent.MessageContent) !== 0 ||
      message.author.id === this.botUserId ||
      message.mentions.some((u: ApiObject) => u.id === this.botUserId);
    if (!seesContent) d = { ...d, content: '', embeds: [], attachments: [], components: [] };
    this.gateway.dispatch(t, d);
  }

  // -------------------------------------------------------------------------
  // Messages and threads
  // -------------------------------------------------------------------------

  private storeFakeFile(channelId: string, file: FakeFile): ApiObject {
    const data = typeof file.data === 'string' ? Buffer.from(file.data) : file.data;
    return this.storeAttachment(channelId, {
      field: 'files[0]',
      name: file.name,
      contentType: file.contentType ?? 'application/octet-stream',
      size: data.length,
      data,
    });
  }

  private storeAttachment(channelId: string, file: UploadedFile, description?: string): ApiObject {
    const id = this.snowflake();
    this.attachments.set(id, { data: file.data, contentType: file.contentType });
    const url = `${this.baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}`;
    const size = pngSize(file.data);
    return {
      id,
      filename: file.name,
      size: file.size,
      url,
      proxy_url: url,
      content_type: file.contentType,
      ...(size ? size : {}),
      ...(description !== undefined ? { description } : {}),
    };
  }

  /** Users/roles a message really pings, given its allowed_mentions ('all' = a user typed it). */
  private mentionsOf(content: string, rule: 'all' | ApiObject | undefined): { mentions: ApiObject[]; mention_roles: string[]; mention_everyone: boolean } {
    const parse: string[] = rule === 'all' || rule === undefined ? ['users', 'roles', 'everyone'] : (rule.parse ?? []);
    const listedUsers: string[] = rule !== 'all' && rule !== undefined ? (rule.users ?? []) : [];
    const listedRoles: string[] = rule !== 'all' && rule !== undefined ? (rule.roles ?? []) : [];
    const userIds = [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]))].filter(
      (id) => this.members.has(id) && (parse.includes('users') || listedUsers.includes(id)),
    );
    const roleIds = [...new Set([...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]))].filter(
      (id) => this.roles.has(id) && (parse.includes('roles') || listedRoles.includes(id)),
    );
    return {
      mentions: userIds.map((id) => ({ ...this.members.get(id)!.user, member: this.memberObject(id, { withUser: false }) })),
      mention_roles: roleIds,
      mention_everyone: parse.includes('everyone') && /@(everyone|here)\b/.test(content),
    };
  }

  private storeMessage(args: {
    id?: string;
    channelId: string;
    author: ApiObject;
    content?: string;
    embeds?: ApiObject[];
    components?: ApiObject[];
    attachments?: ApiObject[];
    flags?: number;
    type?: number;
    reference?: ApiObject;
    mentionRule: 'all' | ApiObject | undefined;
    extra?: ApiObject;
  }): ApiObject {
    const id = args.id ?? this.snowflake();
    const content = args.content ?? '';
    const referenced = args.reference ? this.messagesById.get(args.reference.message_id) : undefined;
    const message: ApiObject = {
      id,
      type: args.type ?? (args.reference ? 19 : 0),
      channel_id: args.channelId,
      author: args.author,
      content,
      timestamp: iso(),
      edited_timestamp: null,
      tts: false,
      ...this.mentionsOf(content, args.mentionRule),
      mention_channels: [],
      attachments: args.attachments ?? [],
      embeds: args.embeds ?? [],
      components: args.components ?? [],
      reactions: [],
      pinned: false,
      flags: args.flags ?? 0,
      ...(args.reference ? { message_reference: { type: 0, ...args.reference }, referenced_message: referenced ?? null } : {}),
      ...args.extra,
    };
    const channel = this.channels.get(args.channelId);
    if (channel?.type === ChannelType.PublicThread || channel?.type === ChannelType.PrivateThread) {
      message.position = channel.total_message_sent;
      channel.message_count += 1;
      channel.total_message_sent += 1;
    }
    this.messagesById.set(id, message);
    if ((message.flags & MessageFlag.Ephemeral) === 0) {
      if (!this.channelMessages.has(args.channelId)) this.channelMessages.set(args.channelId, []);
      this.channelMessages.get(args.channelId)!.push(message);
      if (channel) channel.last_message_id = id;
    }
    this.dispatchMessage('MESSAGE_CREATE', message);
    this.notify();
    return message;
  }

  private createThread(args: { parent: ApiObject; name: string; ownerId: string; id?: string; type?: number; autoArchive?: number; appliedTags?: string[] }): ApiObject {
    const id = args.id ?? this.snowflake();
    const created = iso();
    const thread: ApiObject = {
      id,
      type: args.type ?? ChannelType.PublicThread,
      guild_id: this.guildId,
      parent_id: args.parent.id,
      owner_id: args.ownerId,
      name: args.name,
      last_message_id: null,
      message_count: 0,
      total_message_sent: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      flags: 0,
      applied_tags: args.appliedTags ?? [],
      thread_metadata: {
        archived: false,
        auto_archive_duration: args.autoArchive ?? 4320,
        archive_timestamp: created,
        locked: false,
        create_timestamp: created,
      },
    };
    this.channels.set(id, thread);
    this.channelMessages.set(id, []);
    this.threadMembers.set(id, new Set([args.ownerId]));
    this.dispatchGuildEvent('THREAD_CREATE', { ...thread, newly_created: true }, Intent.Guilds);
    this.notify();
    return thread;
  }

  /** Applies an edit body (content/embeds/components/attachments/flags) and dispatches MESSAGE_UPDATE. */
  private applyEdit(message: ApiObject, body: ApiObject, files: UploadedFile[]): ApiObject {
    const wasLoading = (message.flags & MessageFlag.Loading) !== 0;
    if ('content' in body) message.content = body.content ?? '';
    if ('embeds' in body) message.embeds = body.embeds ?? [];
    if ('components' in body) message.components = body.components ?? [];
    if (typeof body.flags === 'number') {
      // Only SUPPRESS_EMBEDS can be toggled by an edit.
      message.flags = (message.flags & ~MessageFlag.SuppressEmbeds) | (body.flags & MessageFlag.SuppressEmbeds);
    }
    message.flags &= ~MessageFlag.Loading;
    const uploaded = this.attachmentsFromUpload(message.channel_id, body, files);
    if (Array.isArray(body.attachments)) {
      // An attachments list replaces the old set: keep only the ids it names.
      const keep = new Set(body.attachments.map((a: ApiObject) => String(a.id)));
      message.attachments = [...message.attachments.filter((a: ApiObject) => keep.has(a.id)), ...uploaded];
    } else {
      message.attachments = [...message.attachments, ...uploaded];
    }
    if ('allowed_mentions' in body || 'content' in body) Object.assign(message, this.mentionsOf(message.content, body.allowed_mentions));
    // Resolving a deferred "thinking…" reply is not an edit in Discord's eyes.
    if (!wasLoading) message.edited_timestamp = iso();
    this.dispatchMessage('MESSAGE_UPDATE', message);
    this.notify();
    return message;
  }

  /** New attachments from an upload, with descriptions from `attachments[i]` matched by index. */
  private attachmentsFromUpload(channelId: string, body: ApiObject, files: UploadedFile[]): ApiObject[] {
    return files.map((file) => {
      const index = /\[(\d+)\]/.exec(file.field)?.[1] ?? String(files.indexOf(file));
      const meta = Array.isArray(body.attachments) ? body.attachments.find((a: ApiObject) => String(a.id) === index) : undefined;
      return this.storeAttachment(channelId, file, meta?.description);
    });
  }

  // -------------------------------------------------------------------------
  // Commands
  // -------------------------------------------------------------------------

  private findCommand(fullName: string): { command: CommandRecord; decls: ApiObject[]; path: string[] } {
    const [name, ...path] = fullName.trim().split(/\s+/);
    const candidates = [...this.commands.values()].filter((c) => c.data.name === name && (c.data.type ?? 1) === 1);
    const command = candidates.find((c) => c.guildId !== null) ?? candidates[0];
    if (!command) {
      const known = this.registeredCommands().map((c) => c.name).join(', ') || 'none';
      throw new Error(`fake-discord: command /${name} is not registered (registered: ${known})`);
    }
    let decls: ApiObject[] = command.data.options ?? [];
    const hasSubs = decls.some((d) => d.type === 1 || d.type === 2);
    if (path.length > 2) throw new Error(`fake-discord: /${fullName}: too many words`);
    for (const [i, part] of path.entries()) {
      const sub = decls.find((d) => d.name === part && (d.type === 2 || d.type === 1));
      if (!sub) throw new Error(`fake-discord: /${name} has no sub-command ${JSON.stringify(part)}`);
      if (i === path.length - 1 && sub.type !== 1) throw new Error(`fake-discord: /${fullName} is a group; name a sub-command`);
      decls = sub.options ?? [];
    }
    if (hasSubs && path.length === 0) throw new Error(`fake-discord: /${name} has sub-commands; name one ("${name} <sub>")`);
    return { command, decls, path };
  }

  /** Wraps leaf options into sub-command (group) options. */
  private nestOptions(path: string[], leaf: ApiObject[]): ApiObject[] {
    let options = leaf;
    for (let i = path.length - 1; i >= 0; i--) {
      options = [{ name: path[i], type: i === path.length - 1 ? 1 : 2, options }];
    }
    return options;
  }

  /** Type-checks the given option values against the registered declarations, as the Discord client does. */
  private buildOptions(decls: ApiObject[], given: Record<string, unknown>, resolved: ApiObject, where: string, focused: string | null): ApiObject[] {
    const out: ApiObject[] = [];
    for (const key of Object.keys(given)) {
      if (given[key] === undefined) continue;
      if (!decls.some((d) => d.name === key)) {
        throw new Error(`fake-discord: ${where} has no option ${JSON.stringify(key)} (declared: ${decls.map((d) => d.name).join(', ') || 'none'})`);
      }
    }
    for (const decl of decls) {
      if (decl.name === focused) continue;
      const value = given[decl.name];
      if (value === undefined) {
        if (decl.required && focused === null) throw new Error(`fake-discord: ${where} requires option ${decl.name}`);
        continue;
      }
      out.push({ name: decl.name, type: decl.type, value: this.checkOption(decl, value, resolved, where) });
    }
    return out;
  }

  private checkOption(decl: ApiObject, value: unknown, resolved: ApiObject, where: string): unknown {
    const fail = (why: string): never => {
      throw new Error(`fake-discord: option ${decl.name} of ${where} (type ${decl.type}): ${why}; got ${JSON.stringify(value)}`);
    };
    const inChoices = () => {
      if (Array.isArray(decl.choices) && decl.choices.length && !decl.choices.some((c: ApiObject) => c.value === value)) {
        fail(`must be one of ${decl.choices.map((c: ApiObject) => JSON.stringify(c.value)).join(', ')}`);
      }
    };
    const inRange = (n: number) => {
      if (typeof decl.min_value === 'number' && n < decl.min_value) fail(`must be >= ${decl.min_value}`);
      if (typeof decl.max_value === 'number' && n > decl.max_value) fail(`must be <= ${decl.max_value}`);
    };
    const add = (kind: string, id: string, object: ApiObject) => ((resolved[kind] ??= {})[id] = object);
    switch (decl.type) {
      case 3: {
        if (typeof value !== 'string') fail('must be a string');
        const len = textLength(value as string);
        if (typeof decl.min_length === 'number' && len < decl.min_length) fail(`must be at least ${decl.min_length} characters`);
        if (len > (decl.max_length ?? 6000)) fail(`must be at most ${decl.max_length ?? 6000} characters`);
        inChoices();
        return value;
      }
      case 4:
        if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2 ** 53) fail('must be an integer');
        inRange(value as number);
        inChoices();
        return value;
      case 10:
        if (typeof value !== 'number' || !Number.isFinite(value)) fail('must be a number');
        inRange(value as number);
        inChoices();
        return value;
      case 5:
        if (typeof value !== 'boolean') fail('must be a boolean');
        return value;
      case 6:
      case 9: {
        const id = String(value);
        if (this.members.has(id)) {
          add('users', id, this.members.get(id)!.user);
          add('members', id, this.memberObject(id, { withUser: false, permissions: true }));
        } else if (decl.type === 9 && this.roles.has(id)) {
          add('roles', id, this.roles.get(id)!);
        } else {
          fail('must be the id of a member' + (decl.type === 9 ? ' or role' : ''));
        }
        return id;
      }
      case 7: {
        const channel = this.channels.get(String(value));
        if (!channel) fail('must be the id of a channel');
        if (Array.isArray(decl.channel_types) && decl.channel_types.length && !decl.channel_types.includes(channel!.type)) {
          fail(`must be a channel of type ${decl.channel_types.join('/')}`);
        }
        add('channels', channel!.id, {
          id: channel!.id,
          name: channel!.name,
          type: channel!.type,
          parent_id: channel!.parent_id,
          permissions: this.permissionsOf(this.botUserId).toString(),
          ...(channel!.thread_metadata ? { thread_metadata: channel!.thread_metadata } : {}),
        });
        return channel!.id;
      }
      case 8: {
        const role = this.roles.get(String(value));
        if (!role) fail('must be the id of a role');
        add('roles', role!.id, role!);
        return role!.id;
      }
      case 11: {
        const file = value as FakeFile;
        if (typeof file !== 'object' || file === null || typeof file.name !== 'string' || file.data === undefined) fail('must be a file {name, data}');
        const attachment: ApiObject = { ...this.storeFakeFile('options', file), ephemeral: true };
        add('attachments', attachment.id, attachment);
        return attachment.id;
      }
      default:
        return fail('is of a type the fake cannot fill');
    }
  }

  private storeCommand(body: ApiObject, guildId: string | null): ApiObject {
    const type = body.type ?? 1;
    const existing = [...this.commands.values()].find((c) => c.guildId === guildId && c.data.name === body.name && (c.data.type ?? 1) === type);
    const id = existing?.data.id ?? this.snowflake();
    const data: ApiObject = {
      id,
      application_id: this.appId,
      version: this.snowflake(),
      default_member_permissions: body.default_member_permissions ?? null,
      type,
      name: body.name,
      name_localizations: body.name_localizations ?? null,
      description: body.description ?? '',
      description_localizations: body.description_localizations ?? null,
      ...(body.options ? { options: body.options } : {}),
      contexts: body.contexts ?? null,
      integration_types: body.integration_types ?? [0],
      nsfw: body.nsfw ?? false,
      ...(guildId ? { guild_id: guildId } : {}),
    };
    this.commands.set(id, { data, guildId });
    return data;
  }

  // -------------------------------------------------------------------------
  // Interactions: dispatch
  // -------------------------------------------------------------------------

  private dispatchInteraction(type: number, userId: string, channelId: string, locale: string | undefined, extra: ApiObject, name: string): FakeInteraction {
    if (!this.gateway?.hasSession) throw new Error('fake-discord: no gateway session (log the client in and await fake.waitForReady())');
    const member = this.requireMember(userId);
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`fake-discord: unknown channel ${channelId}`);
    const payload: ApiObject = {
      id: this.snowflake(),
      application_id: this.appId,
      type,
      token: `aW50ZXJhY3Rpb24.${randomBytes(24).toString('base64url')}`,
      version: 1,
      guild_id: this.guildId,
      guild: { id: this.guildId, locale: this.preferredLocale, features: ['COMMUNITY'] },
      channel_id: channelId,
      channel: { ...channel, permissions: this.permissionsOf(userId).toString() },
      member: this.memberObject(userId, { withUser: true, permissions: true }),
      locale: locale ?? member.locale,
      guild_locale: this.preferredLocale,
      app_permissions: this.permissionsOf(this.botUserId).toString(),
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      context: 0,
      attachment_size_limit: this.options.uploadLimitBytes,
      ...extra,
    };
    const interaction = new FakeInteraction(this, payload, name);
    this.interactions.push(interaction);
    this.interactionsById.set(payload.id, interaction);
    this.interactionsByToken.set(payload.token, interaction);
    this.gateway.dispatch('INTERACTION_CREATE', payload, () => {
      interaction.dispatchedAt = now();
    });
    this.notify();
    return interaction;
  }

  // -------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------

  private requireMember(id: string): MemberRecord {
    const member = this.members.get(id);
    if (!member) throw new Error(`fake-discord: unknown user ${id} (add it with addMember())`);
    return member;
  }

  private requireMessage(ref: string | ApiObject): ApiObject {
    const id = typeof ref === 'string' ? ref : ref.id;
    const message = this.messagesById.get(id);
    if (!message) throw new Error(`fake-discord: unknown message ${id}`);
    return message;
  }

  private *walkComponents(list: ApiObject[] | undefined): Generator<ApiObject> {
    for (const c of list ?? []) {
      yield c;
      if (Array.isArray(c.components)) yield* this.walkComponents(c.components);
      if (c.accessory) yield c.accessory;
      if (c.component) yield c.component;
    }
  }

  private findComponent(message: ApiObject, customId: string): ApiObject | undefined {
    for (const c of this.walkComponents(message.components)) if (c.custom_id === customId) return c;
    return undefined;
  }

  private customIds(message: ApiObject): string[] {
    return [...this.walkComponents(message.components)].map((c) => c.custom_id).filter(Boolean);
  }

  private requireChannel(id: string): ApiObject {
    const channel = this.channels.get(id);
    if (!channel) throw notFound(10003, 'Unknown Channel');
    return channel;
  }

  private requireChannelMessage(channelId: string, messageId: string): ApiObject {
    const message = this.messagesById.get(messageId);
    if (!message || message.channel_id !== channelId || (message.flags & MessageFlag.Ephemeral) !== 0) throw notFound(10008, 'Unknown Message');
    return message;
  }

  /** Checks the mention rule (a violation, never a rejection). */
  private checkMentions(req: RecordedRequest, body: ApiObject | undefined, where = ''): void {
    const problem = mentionProblem(body);
    if (problem) this.violation(`${req.method} ${req.path}: ${where}${problem}`);
  }

  /** Rejects a message body Discord would reject; `create` also rejects an empty message. */
  private checkMessageBody(body: ApiObject, files: UploadedFile[], opts: { create: boolean; path?: string }): void {
    const errors = validateMessageBody(body, { fileCount: files.length, path: opts.path });
    if (errors.length) throw invalidForm(errors);
    for (const f of files) {
      if (f.size > this.options.uploadLimitBytes) {
        throw new HttpError(413, { code: 40005, message: 'Request entity too large' }, `file ${f.name} is ${f.size} bytes, over the ${this.options.uploadLimitBytes}-byte upload limit`);
      }
    }
    if (opts.create && isEmptyMessage(body, files.length)) {
      throw new HttpError(400, { code: 50006, message: 'Cannot send an empty message' }, 'empty message (no content, embed, file or component)');
    }
  }

  /** An embed that shows `attachment://x.png` without uploading x.png shows nothing: record it. */
  private checkAttachmentRefs(req: RecordedRequest, message: ApiObject): void {
    const names = new Set(message.attachments.map((a: ApiObject) => a.filename));
    for (const embed of message.embeds ?? []) {
      for (const url of [embed.image?.url, embed.thumbnail?.url, embed.author?.icon_url, embed.footer?.icon_url]) {
        if (typeof url === 'string' && url.startsWith('attachment://') && !names.has(url.slice('attachment://'.length))) {
          this.violation(`${req.method} ${req.path}: embed refers to ${url} but the message has no such attachment`);
        }
      }
    }
  }

  // -------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);

    if (url.pathname.startsWith('/attachments/')) {
      const id = url.pathname.split('/')[3];
      const stored = this.attachments.get(id);
      if (method !== 'GET' || !stored) return void send(res, 404, { message: '404: Not Found', code: 0 });
      res.writeHead(200, { 'content-type': stored.contentType, 'content-length': stored.data.length });
      return void res.end(stored.data);
    }
    if (url.pathname.startsWith('/cdn/')) {
      this.violation(`${method} ${url.pathname}: the client fetched from the CDN (the fake serves no avatars/icons)`);
      return void send(res, 404, { message: '404: Not Found', code: 0 });
    }

    const prefix = '/api/v10';
    const record: RecordedRequest = {
      method,
      path: decodePath(url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname),
      route: null,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      multipart: false,
      status: 0,
      response: undefined,
      time: now(),
    };
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      record.response = body;
      this.requests.push(record);
      send(res, status, body, headers);
      this.notify();
    };

    if (!url.pathname.startsWith(`${prefix}/`)) {
      this.violation(`${method} ${url.pathname}: not under /api/v10 (discord.js must be given rest.api = fake.apiUrl)`);
      return finish(404, { message: '404: Not Found', code: 0 });
    }

    try {
      const parsed = await parseBody(req.headers['content-type'], raw);
      record.body = parsed.body;
      record.files = parsed.files;
      record.multipart = parsed.multipart;
    } catch {
      this.violation(`${method} ${record.path}: body is not valid JSON/multipart`);
      return finish(400, { code: 50109, message: 'The request body contains invalid JSON.' });
    }

    let match: { route: Route; params: Record<string, string> } | null = null;
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(record.path);
      if (m) {
        match = { route, params: Object.fromEntries(route.keys.map((k, i) => [k, m[i + 1]])) };
        break;
      }
    }
    if (!match) {
      this.violation(`unknown route ${method} ${record.path} (the fake does not implement it)`);
      return finish(404, { message: '404: Not Found', code: 0 });
    }
    record.route = `${method} ${match.route.template}`;

    const auth = req.headers.authorization;
    if (match.route.auth === 'bot' ? auth !== `Bot ${this.token}` : auth !== undefined && auth !== `Bot ${this.token}`) {
      this.violation(`${method} ${record.path}: ${auth ? 'wrong' : 'missing'} Authorization header`);
      return finish(401, { message: '401: Unauthorized', code: 0 });
    }

    const bucket = createHash('sha1').update(record.route).digest('hex').slice(0, 16);
    const ruleIndex = this.rateLimitRules.findIndex(
      (r) => (!r.method || r.method.toUpperCase() === method) && record.path.includes(r.pathIncludes),
    );
    if (ruleIndex >= 0) {
      const [rule] = this.rateLimitRules.splice(ruleIndex, 1);
      this.rateLimited++;
      const headers: Record<string, string> = {
        'retry-after': String(rule.retryAfterS),
        'x-ratelimit-scope': rule.global ? 'global' : 'user',
      };
      if (rule.global) headers['x-ratelimit-global'] = 'true';
      else {
        Object.assign(headers, {
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String((Date.now() + rule.retryAfterS * 1000) / 1000),
          'x-ratelimit-reset-after': String(rule.retryAfterS),
          'x-ratelimit-bucket': bucket,
        });
      }
      return finish(429, { message: 'You are being rate limited.', retry_after: rule.retryAfterS, global: rule.global ?? false, code: 0 }, headers);
    }

    const okHeaders = {
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '4',
      'x-ratelimit-reset': String((Date.now() + 1000) / 1000),
      'x-ratelimit-reset-after': '1.000',
      'x-ratelimit-bucket': bucket,
    };
    let result: RouteResult;
    try {
      result = await match.route.handle({ req: record, params: match.params });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.violation !== undefined) this.violation(`${method} ${record.path}: ${error.violation}`);
      return finish(error.status, error.body, okHeaders);
    }
    finish(result.status, result.body, okHeaders);
    // Gateway events after the HTTP answer, as discord.js usually sees them.
    result.after?.();
  }

  private route(method: string, template: string, auth: Route['auth'], handle: Route['handle']): void {
    const keys: string[] = [];
    const pattern = template
      .split('/')
      .map((part) => {
        if (part.startsWith(':')) {
          keys.push(part.slice(1));
          return '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, template, regex: new RegExp(`^${pattern}/?$`), keys, auth, handle });
  }

  // -------------------------------------------------------------------------
  // REST routes
  // -------------------------------------------------------------------------

  private defineRoutes(): void {
    const ok = (body: unknown, status = 200): RouteResult => ({ status, body });
    const noContent: RouteResult = { status: 204 };

    // --- gateway, users, application
    const gatewayBot = () =>
      ok({
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      });
    this.route('GET', '/gateway/bot', 'bot', gatewayBot);
    this.route('GET', '/gateway', 'token', () => ok({ url: this.gatewayUrl }));
    this.route('GET', '/users/@me', 'bot', () => ok({ ...this.members.get(this.botUserId)!.user, verified: true, mfa_enabled: false }));
    this.route('GET', '/users/:userId', 'bot', ({ params }) => {
      const user = this.members.get(params.userId)?.user;
      if (!user) throw notFound(10013, 'Unknown User');
      return ok(user);
    });
    this.route('GET', '/applications/@me', 'bot', () =>
      ok({
        id: this.appId,
        name: this.options.botUsername,
        icon: null,
        description: '',
        bot_public: false,
        bot_require_code_grant: false,
        verify_key: '0'.repeat(64),
        flags: 0,
        team: null,
        owner: this.userObject('1', 'owner', false),
        bot: this.members.get(this.botUserId)!.user,
        approximate_guild_count: 1,
      }),
    );

    // --- application commands (global and guild)
    const checkApp = (appId: string, guildId?: string) => {
      if (appId !== this.appId) throw notFound(10002, 'Unknown Application', `application id ${appId} is not the bot's (${this.appId})`);
      if (guildId !== undefined && guildId !== this.guildId) throw notFound(10004, 'Unknown Guild', `guild id ${guildId} is not the fake's (${this.guildId})`);
    };
    const listCommands = (guildId: string | null) => [...this.commands.values()].filter((c) => c.guildId === guildId).map((c) => c.data);
    const overwrite = (body: unknown, guildId: string | null) => {
      const errors = validateCommands(body);
      if (errors.length) throw invalidForm(errors);
      const kept = new Set<string>();
      const stored = (body as ApiObject[]).map((c) => {
        const data = this.storeCommand(c, guildId);
        kept.add(data.id);
        return data;
      });
      for (const [id, c] of this.commands) if (c.guildId === guildId && !kept.has(id)) this.commands.delete(id);
      return ok(stored);
    };
    const createOne = (body: ApiObject | undefined, guildId: string | null) => {
      const errors = validateCommand(body ?? {});
      if (errors.length) throw invalidForm(errors);
      const existed = [...this.commands.values()].some((c) => c.guildId === guildId && c.data.name === body!.name);
      return ok(this.storeCommand(body!, guildId), existed ? 200 : 201);
    };
    const oneCommand = (id: string, guildId: string | null) => {
      const c = this.commands.get(id);
      if (!c || c.guildId !== guildId) throw notFound(10063, 'Unknown application command');
      return c;
    };
    this.route('PUT', '/applications/:appId/commands', 'bot', ({ params, req }) => (checkApp(params.appId), overwrite(req.body, null)));
    this.route('GET', '/applications/:appId/commands', 'bot', ({ params }) => (checkApp(params.appId), ok(listCommands(null))));
    this.route('POST', '/applications/:appId/commands', 'bot', ({ params, req }) => (checkApp(params.appId), createOne(req.body, null)));
    this.route('GET', '/applications/:appId/commands/:commandId', 'bot', ({ params }) => (checkApp(params.appId), ok(oneCommand(params.commandId, null).data)));
    this.route('DELETE', '/applications/:appId/commands/:commandId', 'bot', ({ params }) => {
      checkApp(params.appId);
      this.commands.delete(oneCommand(params.commandId, null).data.id);
      return noContent;
    });
    this.route('PUT', '/applications/:appId/guilds/:guildId/commands', 'bot', ({ params, req }) => (checkApp(params.appId, params.guildId), overwrite(req.body, this.guildId)));
    this.route('GET', '/applications/:appId/guilds/:guildId/commands', 'bot', ({ params }) => (checkApp(params.appId, params.guildId), ok(listCommands(this.guildId))));
    this.route('POST', '/applications/:appId/guilds/:guildId/commands', 'bot', ({ params, req }) => (checkApp(params.appId, params.guildId), createOne(req.body, this.guildId)));
    this.route('DELETE', '/applications/:appId/guilds/:guildId/commands/:commandId', 'bot', ({ params }) => {
      checkApp(params.appId, params.guildId);
      this.commands.delete(oneCommand(params.commandId, this.guildId).data.id);
      return noContent;
    });

    // --- guild
    const checkGuild = (id: string) => {
      if (id !== this.guildId) throw notFound(10004, 'Unknown Guild');
    };
    this.route('GET', '/guilds/:guildId', 'bot', ({ params }) => {
      checkGuild(params.guildId);
      const { members: _m, channels: _c, threads: _t, ...guild } = this.guildObject(0);
      return ok(guild);
    });
    this.route('GET', '/guilds/:guildId/channels', 'bot', ({ params }) => (checkGuild(params.guildId), ok(this.guildObject(0).channels)));
    this.route('GET', '/guilds/:guildId/roles', 'bot', ({ params }) => (checkGuild(params.guildId), ok([...this.roles.values()])));
    this.route('GET', '/guilds/:guildId/threads/active', 'bot', ({ params }) => (checkGuild(params.guildId), ok({ threads: this.threads().filter((t) => !t.thread_metadata.archived), members: [] })));
    this.route('GET', '/guilds/:guildId/members/:userId', 'bot', ({ params }) => {
      checkGuild(params.guildId);
      if (!this.members.has(params.userId)) throw notFound(10007, 'Unknown Member');
      return ok(this.memberObject(params.userId));
    });
    this.route('GET', '/guilds/:guildId/members', 'bot', ({ params, req }) => {
      checkGuild(params.guildId);
      const limit = Math.min(Number(req.query.limit ?? 1), 1000);
      return ok([...this.members.keys()].slice(0, limit).map((id) => this.memberObject(id)));
    });

    // --- channels and messages
    this.route('GET', '/channels/:channelId', 'bot', ({ params }) => ok(this.requireChannel(params.channelId)));
    this.route('PATCH', '/channels/:channelId', 'bot', ({ params, req }) => {
      const channel = this.requireChannel(params.channelId);
      const body = req.body ?? {};
      const isThread = channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread;
      const errors = [
        ...('name' in body ? validateThreadName(body.name) : []),
        ...(isThread ? validateArchiveDuration(body.auto_archive_duration) : []),
      ];
      if (errors.length) throw invalidForm(errors);
      if ('name' in body) channel.name = body.name;
      if ('topic' in body && !isThread) channel.topic = body.topic;
      if (isThread) {
        for (const key of ['archived', 'locked', 'auto_archive_duration', 'invitable'] as const) {
          if (key in body) channel.thread_metadata[key] = body[key];
        }
        if ('archived' in body) channel.thread_metadata.archive_timestamp = iso();
        if ('applied_tags' in body) channel.applied_tags = body.applied_tags;
      }
      return { status: 200, body: channel, after: () => this.dispatchGuildEvent(isThread ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', channel, Intent.Guilds) };
    });
    this.route('POST', '/channels/:channelId/typing', 'bot', ({ params }) => (this.requireChannel(params.channelId), noContent));
    this.route('GET', '/channels/:channelId/messages', 'bot', ({ params, req }) => {
      this.requireChannel(params.channelId);
      let list = this.messagesIn(params.channelId).reverse(); // newest first, as Discord answers
      const limit = Math.max(1, Math.min(100, Number(req.query.limit ?? 50)));
      const big = (id: string) => BigInt(id);
      if (req.query.before) list = list.filter((m) => big(m.id) < big(req.query.before));
      if (req.query.after) list = list.filter((m) => big(m.id) > big(req.query.after)).reverse().slice(0, limit).reverse();
      return ok(list.slice(0, limit));
    });
    this.route('GET', '/channels/:channelId/messages/:messageId', 'bot', ({ params }) => ok(this.requireChannelMessage(params.channelId, params.messageId)));
    this.route('POST', '/channels/:channelId/messages', 'bot', ({ params, req }) => {
      const channel = this.requireChannel(params.channelId);
      const body = req.body ?? {};
      if (channel.type === ChannelType.Forum || channel.type === ChannelType.Category) {
        throw new HttpError(400, { code: 50008, message: 'Cannot send messages in a non-text channel' }, `cannot post a message in ${channel.type === ChannelType.Forum ? 'a forum (create a thread)' : 'a category'}`);
      }
      this.checkMessageBody(body, req.files, { create: true });
      let reference: ApiObject | undefined;
      if (body.message_reference) {
        const ref = body.message_reference;
        const target = this.messagesById.get(ref.message_id);
        const forward = ref.type === 1;
        if (!forward && (!target || target.channel_id !== params.channelId) && ref.fail_if_not_exists !== false) {
          throw invalidForm([{ path: 'message_reference', code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }]);
        }
        if (!forward && target) reference = { message_id: target.id, channel_id: params.channelId, guild_id: this.guildId };
      }
      this.checkMentions(req, body);
      const message = this.storeMessage({
        channelId: params.channelId,
        author: this.members.get(this.botUserId)!.user,
        content: body.content,
        embeds: body.embeds,
        components: body.components,
        flags: Number(body.flags ?? 0) & MessageFlag.SuppressEmbeds,
        attachments: this.attachmentsFromUpload(params.channelId, body, req.files),
        reference,
        mentionRule: body.allowed_mentions,
        extra: body.nonce !== undefined ? { nonce: body.nonce } : undefined,
      });
      this.checkAttachmentRefs(req, message);
      return ok(message);
    });
    this.route('PATCH', '/channels/:channelId/messages/:messageId', 'bot', ({ params, req }) => {
      const message = this.requireChannelMessage(params.channelId, params.messageId);
      const body = req.body ?? {};
      if (message.author.id !== this.botUserId && ('content' in body || 'embeds' in body || 'components' in body || 'attachments' in body)) {
        throw new HttpError(403, { code: 50005, message: 'Cannot edit a message authored by another user' }, 'edited a message another user wrote');
      }
      this.checkMessageBody(body, req.files, { create: false });
      this.checkMentions(req, body);
      const edited = this.applyEdit(message, body, req.files);
      this.checkAttachmentRefs(req, edited);
      return ok(edited);
    });
    this.route('DELETE', '/channels/:channelId/messages/:messageId', 'bot', ({ params }) => {
      const message = this.requireChannelMessage(params.channelId, params.messageId);
      this.deleteMessage(message);
      return noContent;
    });
    for (const method of ['PUT', 'DELETE'] as const) {
      this.route(method, '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', 'bot', ({ params }) => {
        const message = this.requireChannelMessage(params.channelId, params.messageId);
        this.react(message, params.emoji, method === 'PUT');
        return noContent;
      });
    }

    // --- threads
    this.route('POST', '/channels/:channelId/messages/:messageId/threads', 'bot', ({ params, req }) => {
      const channel = this.requireChannel(params.channelId);
      const message = this.requireChannelMessage(params.channelId, params.messageId);
      const body = req.body ?? {};
      if (channel.type !== ChannelType.Text && channel.type !== ChannelType.Announcement) {
        throw invalidForm([{ path: 'channel', code: 'CHANNEL_TYPE_INVALID', message: 'Threads from a message need a text or announcement channel.' }]);
      }
      const errors = [...validateThreadName(body.name), ...validateArchiveDuration(body.auto_archive_duration)];
      if (errors.length) throw invalidForm(errors);
      if (message.thread || this.channels.has(message.id)) {
        throw new HttpError(400, { code: 160004, message: 'A thread has already been created for this message' }, 'a second thread from the same message');
      }
      // A thread started from a message has that message's id (Discord's rule).
      const thread = this.createThread({ parent: channel, name: body.name, ownerId: this.botUserId, id: message.id, autoArchive: body.auto_archive_duration });
      message.thread = thread;
      return ok(thread, 201);
    });
    this.route('POST', '/channels/:channelId/threads', 'bot', ({ params, req }) => {
      const channel = this.requireChannel(params.channelId);
      const body = req.body ?? {};
      const errors = [...validateThreadName(body.name), ...validateArchiveDuration(body.auto_archive_duration)];
      if (channel.type === ChannelType.Forum) {
        if (!body.message) errors.push({ path: 'message', code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        else errors.push(...validateMessageBody(body.message, { fileCount: req.files.length, path: 'message' }));
        for (const tag of body.applied_tags ?? []) {
          if (!channel.available_tags.some((t: ApiObject) => t.id === tag)) errors.push({ path: 'applied_tags', code: 'TAG_UNKNOWN', message: `Unknown tag ${tag}` });
        }
      } else if (channel.type !== ChannelType.Text && channel.type !== ChannelType.Announcement) {
        errors.push({ path: 'channel', code: 'CHANNEL_TYPE_INVALID', message: 'Threads need a text, announcement or forum channel.' });
      }
      if (errors.length) throw invalidForm(errors);
      if (channel.type !== ChannelType.Forum) {
        const thread = this.createThread({
          parent: channel,
          name: body.name,
          ownerId: this.botUserId,
          type: body.type === ChannelType.PublicThread ? ChannelType.PublicThread : ChannelType.PrivateThread,
          autoArchive: body.auto_archive_duration,
        });
        return ok(thread, 201);
      }
      this.checkMessageBody(body.message, req.files, { create: true, path: 'message' });
      this.checkMentions(req, body.message, 'message.');
      const thread = this.createThread({
        parent: channel,
        name: body.name,
        ownerId: this.botUserId,
        autoArchive: body.auto_archive_duration,
        appliedTags: body.applied_tags,
      });
      const message = this.storeMessage({
        id: thread.id,
        channelId: thread.id,
        author: this.members.get(this.botUserId)!.user,
        content: body.message.content,
        embeds: body.message.embeds,
        components: body.message.components,
        attachments: this.attachmentsFromUpload(thread.id, body.message, req.files),
        mentionRule: body.message.allowed_mentions,
      });
      this.checkAttachmentRefs(req, message);
      return ok({ ...this.channels.get(thread.id), message }, 201);
    });
    for (const method of ['PUT', 'DELETE'] as const) {
      this.route(method, '/channels/:channelId/thread-members/:userId', 'bot', ({ params }) => {
        const channel = this.requireChannel(params.channelId);
        const members = this.threadMembers.get(channel.id);
        if (!members) throw invalidForm([{ path: 'channel', code: 'CHANNEL_TYPE_INVALID', message: 'Not a thread.' }]);
        const userId = params.userId === '@me' ? this.botUserId : params.userId;
        if (!this.members.has(userId)) throw notFound(10013, 'Unknown User');
        if (method === 'PUT') members.add(userId);
        else members.delete(userId);
        channel.member_count = members.size;
        this.notify();
        return noContent;
      });
    }

    // --- interactions: callback
    this.route('POST', '/interactions/:interactionId/:token/callback', 'token', ({ params, req }) => this.interactionCallback(params.interactionId, params.token, req));

    // --- interactions: webhook (the token)
    this.route('PATCH', '/webhooks/:appId/:token/messages/:messageId', 'token', ({ params, req }) => {
      const interaction = this.webhookInteraction(params.appId, params.token);
      const message = this.webhookMessage(interaction, params.messageId);
      const body = req.body ?? {};
      const kind = params.messageId === '@original' || params.messageId === interaction.originalMessageId ? 'edit' : 'edit-followup';
      try {
        this.checkMessageBody(body, req.files, { create: false });
      } catch (error) {
        if (error instanceof HttpError) this.logInteraction(interaction, kind, req, error.status, undefined);
        throw error;
      }
      this.checkMentions(req, body);
      const edited = this.applyEdit(message, body, req.files);
      this.checkAttachmentRefs(req, edited);
      this.logInteraction(interaction, kind, req, 200, edited.id, hasVisibleContent(body, req.files.length));
      return ok(edited);
    });
    this.route('GET', '/webhooks/:appId/:token/messages/:messageId', 'token', ({ params }) => {
      const interaction = this.webhookInteraction(params.appId, params.token);
      return ok(this.webhookMessage(interaction, params.messageId));
    });
    this.route('DELETE', '/webhooks/:appId/:token/messages/:messageId', 'token', ({ params, req }) => {
      const interaction = this.webhookInteraction(params.appId, params.token);
      const message = this.webhookMessage(interaction, params.messageId);
      this.deleteMessage(message);
      this.logInteraction(interaction, 'delete', req, 204, message.id);
      return noContent;
    });
    this.route('POST', '/webhooks/:appId/:token', 'token', ({ params, req }) => {
      const interaction = this.webhookInteraction(params.appId, params.token);
      const body = req.body ?? {};
      try {
        this.checkMessageBody(body, req.files, { create: true });
      } catch (error) {
        if (error instanceof HttpError) this.logInteraction(interaction, 'followup', req, error.status, undefined);
        throw error;
      }
      this.checkMentions(req, body);
      const message = this.interactionMessage(interaction, body, req.files, Number(body.flags ?? 0) & MessageFlag.Ephemeral, {
        original_response_message_id: interaction.originalMessageId ?? undefined,
      });
      this.checkAttachmentRefs(req, message);
      interaction.followUpIds.push(message.id);
      this.logInteraction(interaction, 'followup', req, 200, message.id, hasVisibleContent(body, req.files.length));
      return req.query.wait === 'false' ? noContent : ok(message);
    });
  }

  private deleteMessage(message: ApiObject): void {
    this.messagesById.delete(message.id);
    const list = this.channelMessages.get(message.channel_id);
    if (list) {
      const i = list.indexOf(message);
      if (i >= 0) list.splice(i, 1);
    }
    if ((message.flags & MessageFlag.Ephemeral) === 0 && this.gateway.hasSession && (this.gateway.intents & Intent.GuildMessages) !== 0) {
      this.gateway.dispatch('MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: this.guildId });
    }
    this.notify();
  }

  private react(message: ApiObject, emoji: string, add: boolean): void {
    const custom = /^(.+):(\d+)$/.exec(emoji);
    const emojiObject = custom ? { id: custom[2], name: custom[1] } : { id: null, name: emoji };
    const key = (r: ApiObject) => (r.emoji.id ?? r.emoji.name) === (emojiObject.id ?? emojiObject.name);
    let reaction = message.reactions.find(key);
    if (add && !reaction?.me) {
      if (!reaction) message.reactions.push((reaction = { emoji: emojiObject, count: 0, me: false, burst_colors: [], count_details: { burst: 0, normal: 0 }, me_burst: false, burst_me: false, burst_count: 0 }));
      reaction.count++;
      reaction.count_details.normal++;
      reaction.me = true;
    } else if (!add && reaction?.me) {
      reaction.count--;
      reaction.count_details.normal--;
      reaction.me = false;
      if (reaction.count === 0) message.reactions.splice(message.reactions.indexOf(reaction), 1);
    } else {
      return;
    }
    if (this.gateway.hasSession && (this.gateway.intents & Intent.GuildMessageReactions) !== 0) {
      this.gateway.dispatch(add ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE', {
        user_id: this.botUserId,
        channel_id: message.channel_id,
        message_id: message.id,
        guild_id: this.guildId,
        emoji: emojiObject,
        burst: false,
        type: 0,
        ...(add ? { member: this.memberObject(this.botUserId), message_author_id: message.author.id } : {}),
      });
    }
    this.notify();
  }

  // -------------------------------------------------------------------------
  // Interaction callback and webhook
  // -------------------------------------------------------------------------

  private logInteraction(
    interaction: FakeInteraction,
    kind: InteractionEvent['kind'],
    req: RecordedRequest,
    status: number,
    messageId: string | undefined,
    visible = false,
    callbackType?: number,
  ): void {
    const at = now();
    const accepted = status < 300;
    interaction.log.push({
      kind,
      callbackType,
      accepted,
      status,
      at,
      sinceDispatchMs: interaction.dispatchedAt === null ? Number.NaN : at - interaction.dispatchedAt,
      body: req.body,
      files: req.files,
      messageId,
    });
    if (accepted && visible && interaction.answeredAt === null) interaction.answeredAt = at;
    this.notify();
  }

  private interactionCallback(id: string, token: string, req: RecordedRequest): RouteResult {
    const interaction = this.interactionsById.get(id);
    const body = req.body ?? {};
    const type = Number(body.type);
    if (!interaction || interaction.token !== token) throw notFound(10062, 'Unknown interaction', 'callback for an unknown interaction id/token');
    const fail = (error: HttpError): never => {
      this.logInteraction(interaction, 'callback', req, error.status, undefined, false, type);
      throw error;
    };
    const at = now();
    if (interaction.dispatchedAt === null) fail(notFound(10062, 'Unknown interaction', 'callback for an interaction not yet delivered'));
    const elapsed = at - interaction.dispatchedAt!;
    if (interaction.ackType !== null) {
      fail(new HttpError(400, { code: 40060, message: 'Interaction has already been acknowledged.' }, `second callback (type ${type}) for interaction ${interaction.name}`));
    }
    if (elapsed > this.options.ackWindowMs) {
      fail(notFound(10062, 'Unknown interaction', `callback for ${interaction.name} arrived ${Math.round(elapsed)} ms after dispatch (window ${this.options.ackWindowMs} ms)`));
    }
    if (!ALLOWED_CALLBACKS[interaction.type].includes(type)) {
      fail(new HttpError(400, { code: 50035, message: 'Invalid Form Body', errors: toErrorTree([{ path: 'type', code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Callback type ${type} is not valid for interaction type ${interaction.type}.` }]) }, `callback type ${type} is not valid for interaction type ${interaction.type} (${interaction.name})`));
    }
    const data: ApiObject = body.data ?? {};
    const checked = (f: () => void) => {
      try {
        f();
      } catch (error) {
        if (error instanceof HttpError) fail(error);
        throw error;
      }
    };
    let messageId: string | undefined;
    let visible = false;
    const flags = Number(data.flags ?? 0);
    switch (type) {
      case CallbackType.Reply: {
        checked(() => this.checkMessageBody(data, req.files, { create: true, path: 'data' }));
        this.checkMentions(req, data, 'data.');
        const message = this.interactionMessage(interaction, data, req.files, flags & MessageFlag.Ephemeral);
        this.checkAttachmentRefs(req, message);
        interaction.originalMessageId = messageId = message.id;
        visible = true;
        break;
      }
      case CallbackType.DeferReply: {
        const message = this.interactionMessage(interaction, {}, [], (flags & MessageFlag.Ephemeral) | MessageFlag.Loading);
        interaction.originalMessageId = messageId = message.id;
        break;
      }
      case CallbackType.DeferUpdate:
        interaction.originalMessageId = messageId = interaction.payload.message?.id;
        break;
      case CallbackType.Update: {
        checked(() => this.checkMessageBody(data, req.files, { create: false, path: 'data' }));
        this.checkMentions(req, data, 'data.');
        const target = interaction.payload.message ? this.messagesById.get(interaction.payload.message.id) : undefined;
        if (!target) fail(notFound(10008, 'Unknown Message', 'update (type 7) of a message that no longer exists'));
        this.applyEdit(target!, data, req.files);
        this.checkAttachmentRefs(req, target!);
        interaction.originalMessageId = messageId = target!.id;
        visible = true;
        break;
      }
      case CallbackType.Choices: {
        const errors = validateChoices(data.choices);
        if (errors.length) fail(invalidForm(errors));
        interaction.choices = data.choices ?? [];
        visible = true;
        break;
      }
      case CallbackType.Modal: {
        const errors = validateModal(body.data);
        if (errors.length) fail(invalidForm(errors));
        interaction.modal = data;
        visible = true;
        break;
      }
    }
    interaction.ackType = type;
    interaction.ackedAt = at;
    this.logInteraction(interaction, 'callback', req, req.query.with_response === 'true' ? 200 : 204, messageId, visible, type);
    if (req.query.with_response !== 'true') return { status: 204 };
    const message = messageId ? this.messagesById.get(messageId) : undefined;
    return {
      status: 200,
      body: {
        interaction: {
          id: interaction.id,
          type: interaction.type,
          response_message_id: message?.id,
          response_message_loading: message ? (message.flags & MessageFlag.Loading) !== 0 : undefined,
          response_message_ephemeral: message ? (message.flags & MessageFlag.Ephemeral) !== 0 : undefined,
        },
        resource: { type, ...(message && type !== CallbackType.DeferUpdate ? { message } : {}) },
      },
    };
  }

  /** A message created by an interaction response or follow-up (author: the bot, via the app's webhook). */
  private interactionMessage(interaction: FakeInteraction, body: ApiObject, files: UploadedFile[], flags: number, metadata: ApiObject = {}): ApiObject {
    const user = interaction.payload.member.user;
    const isCommand = interaction.type === InteractionType.Command;
    return this.storeMessage({
      channelId: interaction.channelId,
      author: this.members.get(this.botUserId)!.user,
      content: body.content,
      embeds: body.embeds,
      components: body.components,
      attachments: this.attachmentsFromUpload(interaction.channelId, body, files),
      flags,
      type: isCommand ? 20 : 0,
      mentionRule: body.allowed_mentions,
      extra: {
        webhook_id: this.appId,
        application_id: this.appId,
        interaction_metadata: {
          id: interaction.id,
          type: interaction.type,
          user,
          authorizing_integration_owners: { '0': this.guildId },
          ...(isCommand ? { name: interaction.name } : {}),
          ...(interaction.payload.message ? { interacted_message_id: interaction.payload.message.id } : {}),
          ...metadata,
        },
        ...(isCommand ? { interaction: { id: interaction.id, type: interaction.type, name: interaction.name, user } } : {}),
      },
    });
  }

  /** The interaction behind a webhook token, checking Discord's rules for using it. */
  private webhookInteraction(appId: string, token: string): FakeInteraction {
    const interaction = this.interactionsByToken.get(token);
    if (appId !== this.appId || !interaction) throw notFound(10015, 'Unknown Webhook', 'webhook call with an unknown application id or token');
    if (interaction.ackType === null) {
      throw notFound(10015, 'Unknown Webhook', `webhook call for ${interaction.name} before the interaction was acknowledged`);
    }
    if (now() - interaction.dispatchedAt! > this.options.tokenLifetimeMs) {
      throw new HttpError(401, { code: 50027, message: 'Invalid Webhook Token' }, `webhook call for ${interaction.name} after the token expired`);
    }
    return interaction;
  }

  private webhookMessage(interaction: FakeInteraction, ref: string): ApiObject {
    const id = ref === '@original' ? interaction.originalMessageId : ref;
    const mine = id !== null && (id === interaction.originalMessageId || interaction.followUpIds.includes(id));
    const message = mine ? this.messagesById.get(id!) : undefined;
    if (!message) throw notFound(10008, 'Unknown Message', `webhook message ${ref} does not exist for ${interaction.name}`);
    return message;
  }
}

// ---------------------------------------------------------------------------
// HTTP plumbing
// ---------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Decodes each path segment (discord.js sends `%40original`), keeping `/` structure. */
function decodePath(path: string): string {
  return path
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    })
    .join('/');
}

/** JSON, or multipart/form-data with `payload_json` and `files[n]` parts (parsed by Node's own fetch Request). */
async function parseBody(contentType: string | undefined, raw: Buffer): Promise<{ body: ApiObject | undefined; files: UploadedFile[]; multipart: boolean }> {
  if (raw.length === 0) return { body: undefined, files: [], multipart: false };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType! }, body: raw }).formData();
    let body: ApiObject | undefined;
    const files: UploadedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
        else (body ??= {})[field] = value;
      } else {
        const data = Buffer.from(await value.arrayBuffer());
        files.push({ field, name: value.name, contentType: value.type || 'application/octet-stream', size: data.length, data });
      }
    }
    return { body, files, multipart: true };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [], multipart: false };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
