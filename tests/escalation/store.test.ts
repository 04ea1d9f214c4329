import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { EscalationStore } from '../../src/escalation/store.ts';
import type { NewEscalation } from '../../src/escalation/types.ts';
import { databasePath, openDatabase } from '../../src/storage/db.ts';

const dirs: string[] = [];
function tempDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tasuke-esc-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const input = (over: Partial<NewEscalation> = {}): NewEscalation => ({
  reason: 'tasuke',
  question: 'GPU が使われているか確認するには？',
  lang: 'ja',
  attempt: { action: 'escalate', answer: 'TA に引き継ぎました。', confidence: 0.2, sources: [] },
  asker: { id: 'u1', name: 'alice' },
  origin: { face: 'discord', channelId: 'c1', threadId: 't1', url: 'https://discord.com/channels/g/t1' },
  key: 'discord:thread:t1',
  ...over,
});
const ta = { id: 'ta1', name: 'Tanaka' };
const ta2 = { id: 'ta2', name: 'Sato' };

function userErrorId(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof UserError ? err.id : `not a UserError: ${String(err)}`;
  }
  return undefined;
}

describe('EscalationStore', () => {
  it('files once per key: a second open returns the first record', () => {
    const s = new EscalationStore(openDatabase(':memory:'));
    const a = s.open(input());
    const b = s.open(input({ reason: 'not-helpful', question: 'another wording' }));
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.escalation.id).toBe(a.escalation.id);
    expect(b.escalation.reason).toBe('tasuke');
    expect(s.list()).toHaveLength(1);
  });

  it('walks open → claimed → resolved with who and when, and keeps the history', () => {
    const s = new EscalationStore(openDatabase(':memory:'));
    const events: string[] = [];
    s.subscribe((e) => events.push(`${e.type}:${e.escalation.state}`));
    const { escalation } = s.open(input(), 1000);
    const claimed = s.claim(escalation.id, ta, 2000);
    expect(claimed).toMatchObject({ state: 'claimed', claimedAt: 2000, claimedBy: ta });
    // The same TA claiming again changes nothing; another TA is told who has it.
    expect(s.claim(escalation.id, ta, 2500).claimedAt).toBe(2000);
    expect(userErrorId(() => s.claim(escalation.id, ta2))).toBe('escalation.claimed-by-other');
    const resolved = s.resolve(escalation.id, ta, '  nvidia-smi で確認できます。 ', 3000);
    expect(resolved).toMatchObject({ state: 'resolved', resolvedAt: 3000, resolvedBy: ta, resolution: 'nvidia-smi で確認できます。' });
    expect(userErrorId(() => s.resolve(escalation.id, ta))).toBe('escalation.closed');
    expect(userErrorId(() => s.claim(escalation.id, ta))).toBe('escalation.closed');
    expect(s.history(escalation.id).map((h) => h.kind)).toEqual(['opened', 'claimed', 'resolved']);
    expect(events).toEqual(['opened:open', 'claimed:claimed', 'resolved:resolved']);
  });

  it('dismisses, and refuses unknown ids with a bilingual message', () => {
    const s = new EscalationStore(openDatabase(':memory:'));
    const { escalation } = s.open(input());
    expect(s.dismiss(escalation.id, ta2, 'duplicate').state).toBe('dismissed');
    try {
      s.claim('e-nothere', ta);
      expect.unreachable();
    } catch (err) {
      expect((err as UserError).messages.ja).toContain('e-nothere');
      expect((err as UserError).messages.en).toContain('e-nothere');
    }
  });

  it('records the first TA post only, and lists the unposted ones of a face', () => {
    const s = new EscalationStore(openDatabase(':memory:'));
    const a = s.open(input()).escalation;
    const b = s.open(input({ key: 'discord:thread:t2' })).escalation;
    s.open(input({ key: 'web:1', origin: { face: 'web' } }));
    expect(s.unposted('discord').map((e) => e.id)).toEqual([a.id, b.id]);
    expect(s.setTaPost(a.id, { face: 'discord', channelId: 'ta', messageId: 'm1' })).toBe(true);
    expect(s.setTaPost(a.id, { face: 'discord', channelId: 'ta', messageId: 'm2' })).toBe(false);
    expect(s.get(a.id)!.taPost!.messageId).toBe('m1');
    expect(s.unposted('discord').map((e) => e.id)).toEqual([b.id]);
  });

  it('lists the unposted ones of every face, and of some states', () => {
    const s = new EscalationStore(openDatabase(':memory:'));
    const a = s.open(input()).escalation;
    const w = s.open(input({ key: 'web:1', origin: { face: 'web' } })).escalation;
    const c = s.open(input({ key: 'cli:1', origin: { face: 'cli' } })).escalation;
    expect(s.unposted().map((e) => e.id)).toEqual([a.id, w.id, c.id]);
    expect(s.unposted({ face: 'web' }).map((e) => e.id)).toEqual([w.id]);
    s.resolve(c.id, ta, 'done');
    s.claim(w.id, ta);
    expect(s.unposted({ states: ['open', 'claimed'] }).map((e) => e.id)).toEqual([a.id, w.id]);
    s.setTaPost(w.id, { face: 'discord', channelId: 'ta', messageId: 'm1' });
    expect(s.unposted({ states: ['open', 'claimed'] }).map((e) => e.id)).toEqual([a.id]);
  });

  it('loses nothing across a reopen of the same file, and lists by state oldest first', () => {
    const dir = tempDataDir();
    const db1 = openDatabase(databasePath(dir));
    const s1 = new EscalationStore(db1);
    const first = s1.open(input({ key: 'k1' }), 1000).escalation;
    const second = s1.open(input({ key: 'k2' }), 2000).escalation;
    s1.claim(second.id, ta, 2500);
    db1.close();
    const s2 = new EscalationStore(openDatabase(databasePath(dir)));
    expect(s2.list({ states: ['open'] }).map((e) => e.id)).toEqual([first.id]);
    expect(s2.list({ states: ['open', 'claimed'] }).map((e) => e.id)).toEqual([first.id, second.id]);
    expect(s2.get(second.id)).toMatchObject({ state: 'claimed', claimedBy: ta, asker: { id: 'u1', name: 'alice' } });
    expect(s2.open(input({ key: 'k1' })).created).toBe(false);
    s2.db.close();
  });

  it('bounds a pasted notebook to 8,000 characters', () => {
    const s = new EscalationStore(openDatabase(':memory:'));
    const e = s.open(input({ question: 'x'.repeat(50_000) })).escalation;
    expect(e.question).toHaveLength(8000);
  });
});
