/**
 * Progress in a terminal: live bars drawn by the progress-bar library (one per
 * series, updated in place), plain lines every tenth of the run when piped.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { barStatus, createProgress, isReported, loadCliProgress } from '../../src/cli/progress.ts';
import type { EpochEvent } from '../../src/training/types.ts';

const event = (epoch: number, seriesIndex = 0, over: Partial<EpochEvent> = {}): EpochEvent => ({
  epoch,
  totalEpochs: 10,
  loss: 0.5 / epoch,
  elapsedMs: epoch * 1000,
  series: `seed-${42 + seriesIndex}`,
  seriesLabel: { ja: `シード ${42 + seriesIndex}`, en: `seed ${42 + seriesIndex}` },
  seriesIndex,
  seriesCount: 2,
  ...over,
});

function terminal() {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

/** Stands in for cli-progress, recording what tasuke asks of it. */
function fakeLib() {
  const calls: string[] = [];
  class MultiBar {
    constructor(readonly options: Record<string, unknown>) {
      calls.push(`multibar format=${String(options.format)}`);
    }
    create(total: number, start: number, payload: Record<string, string>) {
      calls.push(`create total=${total} start=${start} name=${payload.name.trim()}`);
      return { update: (v: number, p: Record<string, string>) => calls.push(`update ${p.name.trim()} ${v} ${p.status}`), stop: () => {} };
    }
    stop() {
      calls.push('stop');
    }
  }
  return { lib: { MultiBar, SingleBar: class {}, Presets: { shades_classic: {} } } as never, calls };
}

const installed = await loadCliProgress();

describe('progress', () => {
  it('keeps one bar per series in a terminal and updates it in place', async () => {
    const { lib, calls } = fakeLib();
    const out = terminal();
    const p = await createProgress(out.stream, 'en', { lib });
    p.epoch(event(1));
    p.epoch(event(2));
    p.epoch(event(1, 1));
    p.stop();
    expect(calls.filter((c) => c.startsWith('create'))).toEqual(['create total=10 start=0 name=seed 42', 'create total=10 start=0 name=seed 43']);
    expect(calls).toContain('update seed 42 2 epoch 2/10  loss 0.25  2.0 s, 8.0 s left');
    expect(calls.at(-1)).toBe('stop');
  });

  it('says the elapsed and remaining time in the asked language', () => {
    expect(barStatus(event(4), 'ja')).toBe('エポック 4/10  損失 0.125  経過 4.0 秒・残り 6.0 秒');
  });

  it('falls back to lines, with a note, where the library is not installed', async () => {
    const out = terminal();
    const note = new PassThrough();
    let noted = '';
    note.on('data', (c: Buffer) => (noted += c.toString()));
    const p = await createProgress(out.stream, 'en', { lib: null, note });
    p.epoch(event(1));
    expect(noted).toContain('cli-progress is not installed');
    expect(out.text()).toContain('[seed 42 1/2]  epoch 1/10');
  });

  it('prints a line every tenth of the run when piped, and every epoch whose loss is not a number', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const p = await createProgress(out, 'en');
    for (let e = 1; e <= 50; e++) p.epoch(event(e, 0, { totalEpochs: 50, seriesCount: 1 }));
    p.stop();
    const epochs = text.trim().split('\n').map((l) => Number(/^epoch (\d+)/.exec(l)![1]));
    expect(epochs).toEqual([1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(isReported({ epoch: 7, totalEpochs: 50, loss: Number.NaN })).toBe(true);
  });

  it.runIf(installed !== undefined)('draws real bars with cli-progress when it is installed', async () => {
    const out = terminal();
    const p = await createProgress(out.stream, 'ja');
    for (let e = 1; e <= 10; e++) p.epoch(event(e));
    p.epoch(event(10, 1));
    p.stop();
    const screen = out.text();
    expect(screen).toContain('シード 42');
    expect(screen).toContain('シード 43');
    expect(screen).toContain('エポック 10/10');
    expect(screen).toMatch(/█{10,}/);
    // Redrawn in place: cursor movements, not one line per epoch.
    expect(screen).toContain('\u001b[');
  });
});
