/**
 * Training progress in a terminal. On a terminal: one live bar per series,
 * redrawn in place, with the epoch, the loss, the time so far and the time
 * left, drawn by cli-progress (a maintained progress-bar library). Piped or
 * redirected: a plain line every tenth of the run (and the first and last
 * epoch, and any epoch whose loss is not a number), not one per epoch.
 *
 * cli-progress is imported here and nowhere else. Where it is not installed
 * a terminal gets the plain lines, and one note saying how to get the bars.
 */
import { t, type Lang } from '../core/lang.ts';
import type { EpochEvent } from '../training/types.ts';
import { duration, fmt, progressLine, seriesName } from '../training/words.ts';

type CliProgress = typeof import('cli-progress').default;

/** Gets epoch events while training and ends the display when it is over. */
export interface ProgressReporter {
  epoch(e: EpochEvent): void;
  stop(): void;
}

/** A stream that may be a terminal (process.stdout, process.stderr). */
export type OutStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** cli-progress, or undefined when it is not installed (any other failure to load it is thrown). */
export async function loadCliProgress(): Promise<CliProgress | undefined> {
  try {
    const mod = await import('cli-progress');
    return (mod.default ?? mod) as CliProgress;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** Whether epoch `e` gets a line when piped: the first, every tenth of the run, the last, and any non-finite loss. */
export function isReported(e: Pick<EpochEvent, 'epoch' | 'totalEpochs' | 'loss'>): boolean {
  const every = Math.max(1, Math.ceil(e.totalEpochs / 10));
  return e.epoch === 1 || e.epoch % every === 0 || e.epoch === e.totalEpochs || !Number.isFinite(e.loss);
}

/** Plain lines, every tenth of the run: for pipes, files and CI logs. */
export function lineProgress(out: NodeJS.WritableStream, lang: Lang): ProgressReporter {
  return {
    epoch(e) {
      if (isReported(e)) out.write(progressLine(e, lang) + '\n');
    },
    stop() {},
  };
}

/** The text after a bar: "epoch 3/10  loss 0.171  2.1 s, 4.9 s left". */
export function barStatus(e: EpochEvent, lang: Lang): string {
  const elapsed = e.elapsedMs / 1000;
  const left = e.epoch > 0 ? (elapsed / e.epoch) * (e.totalEpochs - e.epoch) : Number.NaN;
  return [
    t(lang, `エポック ${e.epoch}/${e.totalEpochs}`, `epoch ${e.epoch}/${e.totalEpochs}`),
    t(lang, `損失 ${fmt(e.loss)}`, `loss ${fmt(e.loss)}`),
    t(lang, `経過 ${duration(elapsed, lang)}・残り ${duration(left, lang)}`, `${duration(elapsed, lang)}, ${duration(left, lang)} left`),
  ].join('  ');
}

/** Display width of a text in a terminal: CJK characters take two columns. */
function columns(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return n;
}

/** One live bar per series, redrawn in place by cli-progress. */
export function barProgress(lib: CliProgress, out: OutStream, lang: Lang): ProgressReporter {
  // The bar gets what the terminal has left after the name and the status (about 50 columns).
  const barsize = Math.max(8, Math.min(30, (out.columns ?? 100) - 80));
  const multi = new lib.MultiBar(
    { stream: out, format: '{name} {bar} {status}', barsize, hideCursor: true, clearOnComplete: false, autopadding: true, linewrap: false, fps: 10 },
    lib.Presets.shades_classic,
  );
  const bars = new Map<number, ReturnType<typeof multi.create>>();
  let widest = 0;
  const pad = (name: string, width: number) => name + ' '.repeat(Math.max(0, width - columns(name)));
  return {
    epoch(e) {
      // Names padded to one width (the longest seen so far), so the bars line up.
      const width = Math.max(columns(seriesName(e, lang)), widest);
      widest = width;
      let bar = bars.get(e.seriesIndex);
      if (!bar) {
        bar = multi.create(e.totalEpochs, 0, { name: pad(seriesName(e, lang), width), status: '' });
        bars.set(e.seriesIndex, bar);
      }
      bar.update(e.epoch, { name: pad(seriesName(e, lang), width), status: barStatus(e, lang) });
    },
    stop() {
      multi.stop();
    },
  };
}

/**
 * The progress display for `out`: live bars on a terminal, lines otherwise.
 * `lib` stands in for cli-progress (tests); `null` means "not installed".
 */
export async function createProgress(out: OutStream, lang: Lang, opts: { lib?: CliProgress | null; note?: NodeJS.WritableStream } = {}): Promise<ProgressReporter> {
  if (!out.isTTY) return lineProgress(out, lang);
  const lib = opts.lib === undefined ? await loadCliProgress() : (opts.lib ?? undefined);
  if (lib) return barProgress(lib, out, lang);
  (opts.note ?? out).write(
    t(lang, '（cli-progress が入っていないので、進み具合は行で表示します: npm ci で入ります）\n', '(cli-progress is not installed, so progress is shown as lines; `npm ci` installs it)\n'),
  );
  return lineProgress(out, lang);
}
