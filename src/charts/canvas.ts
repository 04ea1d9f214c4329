/**
 * Lazy access to the canvas and chart.js, and the Japanese font. Nothing here
 * runs at import: the native canvas binding and chart.js load on the first
 * render, and the font is looked for once.
 */
import { existsSync } from 'node:fs';

type CanvasModule = typeof import('@napi-rs/canvas');
type ChartModule = typeof import('chart.js');

/** The family every chart text asks for; skia falls back per glyph to the system's fonts. */
export const CJK_FAMILY = 'Noto Sans CJK JP';
export const FONT_STACK = `"${CJK_FAMILY}", "DejaVu Sans", sans-serif`;

/** Where Debian's fonts-noto-cjk (and a few other distributions) put the Japanese sans-serif font. */
export const CJK_FONT_CANDIDATES: readonly string[] = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJKjp-Regular.otf',
  '/usr/share/fonts/truetype/noto/NotoSansCJKjp-Regular.otf',
];

export interface FontStatus {
  /** A font with Japanese glyphs is available to the canvas. */
  cjk: boolean;
  /** The file registered by tasuke, when the system's font list did not have it already. */
  registeredFrom?: string;
  /** Set when Japanese text will render as boxes. */
  warning?: string;
}

let canvasModule: Promise<CanvasModule> | undefined;
let chartModule: Promise<ChartModule> | undefined;
let fontStatus: FontStatus | undefined;

export function loadCanvas(): Promise<CanvasModule> {
  canvasModule ??= import('@napi-rs/canvas');
  return canvasModule;
}

/** chart.js with every controller, scale and element registered. */
export function loadChartJs(): Promise<ChartModule> {
  chartModule ??= import('chart.js').then((mod) => {
    mod.Chart.register(...mod.registerables);
    mod.Chart.defaults.font.family = FONT_STACK;
    mod.Chart.defaults.color = '#1a1a1a';
    return mod;
  });
  return chartModule;
}

export interface FontOptions {
  /** Font files to try, first that registers wins; defaults to `CJK_FONT_CANDIDATES`. */
  candidates?: readonly string[];
  /** Where the warning goes when no Japanese font is found; defaults to console.warn. */
  warn?: (message: string) => void;
}

/**
 * Makes sure the canvas can draw Japanese: uses the system's Noto Sans CJK JP
 * when skia already sees it, else registers the first candidate file under
 * that name. Without one, charts still render and a warning says why Japanese
 * labels will show as boxes. Runs once per process unless `force` is given.
 */
export async function ensureJapaneseFont(options: FontOptions & { force?: boolean } = {}): Promise<FontStatus> {
  if (fontStatus && !options.force) return fontStatus;
  const { GlobalFonts } = await loadCanvas();
  const candidates = options.candidates ?? CJK_FONT_CANDIDATES;
  let status: FontStatus;
  if (!options.candidates && GlobalFonts.has(CJK_FAMILY)) {
    status = { cjk: true };
  } else {
    const path = candidates.find((p) => existsSync(p) && GlobalFonts.registerFromPath(p, CJK_FAMILY) !== null);
    status = path
      ? { cjk: true, registeredFrom: path }
      : {
          cjk: false,
          warning:
            `tasuke charts: no Japanese font found (looked for "${CJK_FAMILY}" in ${candidates.join(', ')}); ` +
            'Japanese labels will show as boxes. Install it with: apt-get install fonts-noto-cjk',
        };
  }
  if (status.warning) (options.warn ?? console.warn)(status.warning);
  fontStatus = status;
  return status;
}
