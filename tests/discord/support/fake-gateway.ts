/**
 * The gateway half of the fake Discord: a WebSocket endpoint that speaks
 * Discord's gateway protocol v10 (JSON, uncompressed) well enough for
 * `@discordjs/ws` — HELLO, heartbeats and their ACKs, IDENTIFY → READY,
 * RESUME → replay + RESUMED, INVALID_SESSION, RECONNECT — and keeps the one
 * session's sequence numbers and event history so a resume replays what the
 * client missed, as Discord does.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { ApiObject } from './discord-limits.ts';

/** Gateway opcodes (https://discord.com/developers/docs/topics/opcodes-and-status-codes). */
export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Counters a test can assert on after driving reconnects. */
export interface GatewayCounters {
  /** WebSocket connections accepted. */
  connections: number;
  /** IDENTIFY payloads that got a READY. */
  identifies: number;
  /** RESUME payloads received (successful or not). */
  resumes: number;
  /** RESUMEs answered with RESUMED. */
  resumed: number;
  /** INVALID_SESSION (op 9) frames sent. */
  invalidSessions: number;
  /** Heartbeats received (each answered with op 11). */
  heartbeats: number;
  /** Dispatches that could not be delivered because no session existed. */
  dropped: number;
}

/** What the gateway needs from the world model around it. */
export interface GatewayHooks {
  token: string;
  heartbeatIntervalMs: number;
  /** The public URL of this endpoint, e.g. `ws://127.0.0.1:1234`. */
  baseUrl: string;
  /** READY's `d` (without session fields) and the dispatches that follow it (GUILD_CREATE). */
  onIdentify(intents: number): { ready: ApiObject; then: Array<{ t: string; d: ApiObject }> };
  /** Answer to op 8; null means "not allowed" (already recorded by the hook). */
  onRequestGuildMembers(d: ApiObject, intents: number): Array<{ t: string; d: ApiObject }>;
  violation(text: string): void;
  /** Called after anything observable changed (wakes waiters). */
  changed(): void;
}

interface HistoryEntry {
  s: number;
  /** The frame, serialized at dispatch time so later changes to the world do not leak into a replay. */
  frame: string;
  /** Runs the first time the event is written to a socket (interaction timing starts there). */
  onSent?: () => void;
  sent: boolean;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  resumable: boolean;
  socket: WebSocket | null;
  history: HistoryEntry[];
}

// Enough history for any test; Discord itself keeps a bounded buffer too.
const HISTORY_LIMIT = 5000;

/**
 * One gateway with at most one session (the fake serves a single shard).
 * Dispatches made while the socket is down are kept and replayed on resume.
 */
export class FakeGateway {
  readonly counters: GatewayCounters = {
    connections: 0,
    identifies: 0,
    resumes: 0,
    resumed: 0,
    invalidSessions: 0,
    heartbeats: 0,
    dropped: 0,
  };
  /** Intents of the current (or last) session: the world model filters events with them. */
  intents = 0;
  private session: Session | null = null;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private sessionCounter = 0;

  constructor(private readonly hooks: GatewayHooks) {}

  /** True while a session is READY/RESUMED on an open socket. */
  get live(): boolean {
    return this.session?.socket?.readyState === WebSocket.OPEN;
  }

  /** True when a session exists, live or waiting to be resumed. */
  get hasSession(): boolean {
    return this.session !== null;
  }

  /** The id of the current session, if any. */
  get sessionId(): string | null {
    return this.session?.id ?? null;
  }

  /** Takes over an HTTP upgrade on `/gateway` or `/resume`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  /**
   * Sends (or, while disconnected, queues for the resume) one dispatch.
   * `onSent` runs when the event actually reaches a socket.
   */
  dispatch(t: string, d: ApiObject, onSent?: () => void): 'sent' | 'queued' | 'dropped' {
    const session = this.session;
    if (!session) {
      this.counters.dropped++;
      return 'dropped';
    }
    const s = ++session.seq;
    const entry: HistoryEntry = { s, frame: JSON.stringify({ op: Op.Dispatch, t, s, d }), onSent, sent: false };
    session.history.push(entry);
    if (session.history.length > HISTORY_LIMIT) session.history.shift();
    if (session.socket?.readyState === WebSocket.OPEN) {
      this.sendEntry(session.socket, entry);
      return 'sent';
    }
    return 'queued';
  }

  /**
   * Drops the connection from the server side. Code 1006 is a network-level
   * drop (no close frame); 4000 is Discord's "unknown error, please resume".
   * With `resumable: false` the session is forgotten, so the client's RESUME
   * gets INVALID_SESSION and it must IDENTIFY again.
   */
  disconnect({ code = 4000, resumable = true }: { code?: number; resumable?: boolean } = {}): void {
    const session = this.session;
    const socket = session?.socket;
    if (!session || !socket) throw new Error('fake gateway: no live connection to disconnect');
    session.resumable = resumable;
    session.socket = null;
    if (code === 1006) socket.terminate();
    else socket.close(code, 'fake-discord disconnect');
    this.hooks.changed();
  }

  /** Sends op 9 on the live socket; `resumable: false` also forgets the session. */
  invalidateSession(resumable: boolean): void {
    const socket = this.session?.socket;
    if (!socket) throw new Error('fake gateway: no live connection');
    this.counters.invalidSessions++;
    socket.send(JSON.stringify({ op: Op.InvalidSession, d: resumable }));
    if (!resumable) this.session = null;
    this.hooks.changed();
  }

  /** Sends op 7: the client closes and resumes on a new connection. */
  requestReconnect(): void {
    const socket = this.session?.socket;
    if (!socket) throw new Error('fake gateway: no live connection');
    socket.send(JSON.stringify({ op: Op.Reconnect, d: null }));
  }

  /** Closes every socket and the WebSocket server. */
  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    this.session = null;
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    this.counters.connections++;
    this.sockets.add(ws);
    const url = new URL(req.url ?? '/', 'http://fake');
    // @discordjs/ws always sends v and encoding; compress only when zlib-sync is installed.
    if (url.searchParams.get('v') !== '10' || url.searchParams.get('encoding') !== 'json') {
      this.hooks.violation(`gateway: connected with ${url.search || 'no query'}; the fake speaks only ?v=10&encoding=json`);
      ws.close(4012, 'Invalid API version');
      return;
    }
    if (url.searchParams.has('compress')) {
      this.hooks.violation(
        `gateway: client asked for compress=${url.searchParams.get('compress')}; the fake does not compress (uninstall zlib-sync for tests)`,
      );
      ws.close(4000, 'Compression not supported by the fake');
      return;
    }
    let authed = false;
    ws.on('message', (raw, isBinary) => {
      let payload: ApiObject;
      try {
        if (isBinary) throw new Error('binary frame');
        payload = JSON.parse(raw.toString());
      } catch {
        this.hooks.violation('gateway: undecodable frame (the client must send JSON text frames)');
        ws.close(4002, 'Decode error');
        return;
      }
      switch (payload.op) {
        case Op.Heartbeat:
          this.counters.heartbeats++;
          ws.send(JSON.stringify({ op: Op.HeartbeatAck }));
          this.hooks.changed();
          break;
        case Op.Identify:
          if (authed) {
            ws.close(4005, 'Already authenticated');
            return;
          }
          if (payload.d?.token !== this.hooks.token) {
            ws.close(4004, 'Authentication failed');
            return;
          }
          authed = true;
          this.identify(ws, Number(payload.d.intents ?? 0));
          break;
        case Op.Resume:
          authed = this.resume(ws, payload.d ?? {}) || authed;
          break;
        case Op.RequestGuildMembers:
          if (!authed) return void ws.close(4003, 'Not authenticated');
          for (const e of this.hooks.onRequestGuildMembers(payload.d ?? {}, this.intents)) this.dispatch(e.t, e.d);
          break;
        case Op.PresenceUpdate:
        case Op.VoiceStateUpdate:
          if (!authed) ws.close(4003, 'Not authenticated');
          break;
        default:
          this.hooks.violation(`gateway: unknown opcode ${String(payload.op)}`);
          ws.close(4001, 'Unknown opcode');
      }
    });
    ws.on('close', (code) => {
      this.sockets.delete(ws);
      const session = this.session;
      if (session && session.socket === ws) {
        session.socket = null;
        // A client that closes with 1000/1001 ends its session (Discord's rule).
        if (code === 1000 || code === 1001) this.session = null;
      }
      this.hooks.changed();
    });
    ws.on('error', () => {
      /* a reset socket also emits close, handled above */
    });
    ws.send(JSON.stringify({ op: Op.Hello, d: { heartbeat_interval: this.hooks.heartbeatIntervalMs } }));
  }

  private identify(ws: WebSocket, intents: number): void {
    this.counters.identifies++;
    this.intents = intents;
    const id = `fake-session-${++this.sessionCounter}`;
    this.session = { id, seq: 0, intents, resumable: true, socket: ws, history: [] };
    const { ready, then } = this.hooks.onIdentify(intents);
    this.dispatch('READY', {
      ...ready,
      session_id: id,
      resume_gateway_url: `${this.hooks.baseUrl}/resume`,
      session_type: 'normal',
    });
    for (const e of then) this.dispatch(e.t, e.d);
    this.hooks.changed();
  }

  /** Returns whether the socket is now authenticated. */
  private resume(ws: WebSocket, d: ApiObject): boolean {
    this.counters.resumes++;
    const session = this.session;
    const ok =
      session !== null &&
      session.resumable &&
      d.session_id === session.id &&
      d.token === this.hooks.token &&
      typeof d.seq === 'number' &&
      d.seq <= session.seq;
    if (!ok || !session) {
      // Discord forgets the session; the client must IDENTIFY on a new connection.
      this.session = null;
      this.counters.invalidSessions++;
      ws.send(JSON.stringify({ op: Op.InvalidSession, d: false }));
      this.hooks.changed();
      return false;
    }
    const old = session.socket;
    if (old && old !== ws && old.readyState === WebSocket.OPEN) old.close(4000, 'Session resumed elsewhere');
    session.socket = ws;
    for (const entry of session.history) if (entry.s > d.seq) this.sendEntry(ws, entry);
    this.counters.resumed++;
    this.dispatch('RESUMED', {});
    this.hooks.changed();
    return true;
  }

  private sendEntry(ws: WebSocket, entry: HistoryEntry): void {
    ws.send(entry.frame);
    if (!entry.sent) {
      entry.sent = true;
      entry.onSent?.();
    }
  }
}
