/**
 * Fault tests. A server process killed with SIGKILL in the middle of
 * escalation writes loses nothing it committed and duplicates nothing; a
 * restart carries on from what is stored. And the chat holds a burst: 200
 * questions from 20 concurrent clients on 127.0.0.1, all answered.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePath, openDatabase } from '../../src/storage/db.ts';
import { MINI, REPO } from '../qa/helpers.ts';
import { Client, startHarness, type Harness } from './helpers.ts';

const WRITER = join(REPO, 'tests/web/support/escalation-writer.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs the writer until it has reported `killAfter` commits (then SIGKILL), or to its end. */
function runWriter(dataDir: string, opts: { start?: number; count?: number; killAfter?: number }) {
  return new Promise<{ committed: Map<string, string>; killed: boolean; code: number | null }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, WRITER, dataDir, MINI, String(opts.start ?? 0), String(opts.count ?? 1_000_000)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committed = new Map<string, string>();
    let n = 0;
    let killed = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^committed (\S+) (\S+)$/.exec(line);
      if (!m) return;
      committed.set(m[1], m[2]);
      if (opts.killAfter !== undefined && ++n === opts.killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!killed && code !== 0) reject(new Error(`writer exited ${code}: ${stderr}`));
      else resolve({ committed, killed, code });
    });
  });
}

interface Row {
  id: string;
  key: string;
  state: string;
  claimed_at: number | null;
  resolved_at: number | null;
  dismissed_at: number | null;
  resolution: string | null;
}

/** Reads the database as a fresh process would, and checks that every record is whole. */
function inspect(dataDir: string) {
  const db = openDatabase(databasePath(dataDir));
  try {
    const rows = db.prepare('SELECT id, key, state, claimed_at, resolved_at, dismissed_at, resolution FROM escalations').all() as Row[];
    const events = db.prepare('SELECT escalation_id, kind FROM escalation_events ORDER BY at, rowid').all() as { escalation_id: string; kind: string }[];
    const dupKeys = db.prepare('SELECT key, COUNT(*) AS n FROM escalations GROUP BY key HAVING n > 1').all();
    const orphans = db.prepare('SELECT COUNT(*) AS n FROM escalation_events WHERE escalation_id NOT IN (SELECT id FROM escalations)').get() as { n: number };
    const integrity = db.pragma('integrity_check', { simple: true });
    const byId = new Map<string, string[]>();
    for (const e of events) byId.set(e.escalation_id, [...(byId.get(e.escalation_id) ?? []), e.kind]);
    const problems: string[] = [];
    for (const r of rows) {
      const kinds = byId.get(r.id) ?? [];
      const expected = { open: ['opened'], claimed: ['opened', 'claimed'], resolved: ['opened', 'claimed', 'resolved'], dismissed: ['opened', 'dismissed'] }[r.state];
      // The TA response recorded on resolve is an extra event of the same story.
      const story = kinds.filter((k) => k !== 'ta-response');
      if (JSON.stringify(story) !== JSON.stringify(expected)) problems.push(`${r.key}: state ${r.state} but events ${kinds.join(',')}`);
      if (r.state === 'claimed' && r.claimed_at === null) problems.push(`${r.key}: claimed without claimed_at`);
      if (r.state === 'resolved' && (r.resolved_at === null || !r.resolution)) problems.push(`${r.key}: resolved without time or answer`);
      if (r.state === 'dismissed' && r.dismissed_at === null) problems.push(`${r.key}: dismissed without time`);
    }
    return { rows: new Map(rows.map((r) => [r.key, r])), dupKeys, orphans: orphans.n, integrity, problems };
  } finally {
    db.close();
  }
}

const ORDER = ['open', 'claimed', 'resolved', 'dismissed'];

describe('SIGKILL during escalation writes', () => {
  it('loses nothing committed, duplicates nothing, leaves every record whole; a restart carries on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-fault-'));
    for (const killAfter of [37, 151, 263]) {
      const run = await runWriter(dataDir, { killAfter });
      expect(run.killed).toBe(true);
      const db = inspect(dataDir);
      expect(db.integrity).toBe('ok');
      expect(db.dupKeys).toEqual([]);
      expect(db.orphans).toBe(0);
      expect(db.problems).toEqual([]);
      for (const [key, state] of run.committed) {
        const row = db.rows.get(key);
        expect(row, key).toBeDefined();
        // What was reported committed is there; the store may be one step further (killed before the report).
        expect(ORDER.indexOf(row!.state), key).toBeGreaterThanOrEqual(ORDER.indexOf(state));
      }
    }
    // Restarted over the same keys: the existing records are found, not filed again, and the rest is done.
    const final = await runWriter(dataDir, { start: 0, count: 300 });
    expect(final.killed).toBe(false);
    const db = inspect(dataDir);
    expect(db.problems).toEqual([]);
    expect(db.dupKeys).toEqual([]);
    expect(db.rows.size).toBe(300);
  }, 180_000);
});

describe('burst', () => {
  let h: Harness;
  afterAll(async () => h?.close());

  it('answers 200 chat questions from 20 concurrent clients without an error', async () => {
    h = await startHarness();
    const questions = ['What is an epoch?', 'エポックって何ですか？', 'What does max pooling do?', 'Why one-hot encode labels?', '学習率が大きすぎるとどうなる？'];
    const clients = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const c = new Client(h.url);
        await c.page('/');
        return c;
      }),
    );
    const statuses: number[] = [];
    const actions: string[] = [];
    await Promise.all(
      clients.map(async (c, ci) => {
        for (let i = 0; i < 10; i++) {
          const res = await c.post('/api/ask', { question: questions[(ci + i) % questions.length] });
          statuses.push(res.status);
          actions.push(((await res.json()) as { contract: { action: string } }).contract.action);
        }
      }),
    );
    expect(statuses).toHaveLength(200);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(actions.every((a) => a === 'answer')).toBe(true);
    expect(h.services.answers.since(0)).toHaveLength(200);
  }, 120_000);
});
