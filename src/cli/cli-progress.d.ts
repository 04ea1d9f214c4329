/**
 * The part of cli-progress (npm `cli-progress`, 3.x) that src/cli/progress.ts
 * uses. Declared here so the dependency stays in that one file and the
 * project type-checks whether or not the package is installed.
 */
declare module 'cli-progress' {
  export interface Options {
    format?: string;
    stream?: NodeJS.WritableStream;
    barsize?: number;
    hideCursor?: boolean;
    clearOnComplete?: boolean;
    stopOnComplete?: boolean;
    autopadding?: boolean;
    linewrap?: boolean | null;
    fps?: number;
    forceRedraw?: boolean;
    barCompleteChar?: string;
    barIncompleteChar?: string;
  }
  export class SingleBar {
    update(value: number, payload?: Record<string, unknown>): void;
    stop(): void;
  }
  export class MultiBar {
    constructor(options: Options, preset?: Record<string, unknown>);
    create(total: number, start: number, payload?: Record<string, unknown>): SingleBar;
    stop(): void;
  }
  export const Presets: Record<'legacy' | 'shades_classic' | 'shades_grey' | 'rect', Record<string, unknown>>;
  const cliProgress: { MultiBar: typeof MultiBar; SingleBar: typeof SingleBar; Presets: typeof Presets };
  export default cliProgress;
}
