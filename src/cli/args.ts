/**
 * Reading a command line: flags with values (`--epochs 5`, `--epochs=5`),
 * aliases (`--lr`), boolean flags, `--` to end the options, and the nearest
 * known name for a mistyped one ("did you mean --learning-rate?"). Pure: it
 * returns what it read or throws a UsageError, and never prints.
 */
import { UserError } from '../core/errors.ts';
import { t, type Bilingual, type Lang } from '../core/lang.ts';

/** A command line the person has to fix: shown to them, exit code 2. */
export class UsageError extends UserError {
  constructor(message: Bilingual, context: Record<string, unknown> = {}) {
    super('usage', message, context);
    this.name = 'UsageError';
  }
}

/** Edit distance with adjacent transpositions (Damerau–Levenshtein, optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name closest to `typed`, when it is close enough to be a typo:
 * at most one edit in four characters (at least one), or a prefix of it.
 */
export function nearest(typed: string, known: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const distance = editDistance(word, k.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [k, distance];
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 4))) return best;
  return word.length >= 3 ? known.find((k) => k.toLowerCase().startsWith(word)) : undefined;
}

/** " Did you mean --epochs?" / "--epochs のことですか？", or nothing. */
export function didYouMean(suggestion: string | undefined): Bilingual {
  return suggestion ? { ja: `${suggestion} のことですか？`, en: ` Did you mean ${suggestion}?` } : { ja: '', en: '' };
}

/** One flag a command knows. */
export interface FlagSpec {
  /** The name without dashes, in kebab-case: `learning-rate`. */
  name: string;
  aliases?: string[];
  /** A flag that takes no value (`--json`). */
  boolean?: boolean;
}

/** One flag as read: its canonical name, how it was typed (`--lr`) and its value (`true` for a boolean flag). */
export interface ReadFlag {
  name: string;
  typed: string;
  value: string | true;
}

export interface ParsedLine {
  flags: ReadFlag[];
  positionals: string[];
  /** `--help` or `-h` appeared before any `--`. */
  help: boolean;
}

/** True when `raw` can be read as a number (so "-1" or "-0.5" is a value, not a flag). */
export const isNumberLike = (raw: string) => /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw.trim());

/**
 * Reads `argv` against `specs`. A flag not in `specs` is a UsageError naming
 * the nearest known flag; `acceptUnknown` lets a caller collect unknown
 * value-taking flags instead (train reads the lesson's own flags after it
 * knows the lesson). Every message is in `lang`'s pair of languages.
 */
export function parseLine(argv: string[], specs: FlagSpec[], opts: { acceptUnknown?: boolean } = {}): ParsedLine {
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) for (const n of [s.name, ...(s.aliases ?? [])]) byName.set(n, s);
  const out: ParsedLine = { flags: [], positionals: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-' || isNumberLike(arg)) {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const typedName = (eq === -1 ? arg : arg.slice(0, eq)).replace(/^--?/, '');
    const typed = `--${typedName}`;
    const spec = byName.get(typedName);
    if (!spec && !(opts.acceptUnknown && /^[a-z][a-z0-9-]*$/.test(typedName))) {
      const known = specs.map((s) => `--${s.name}`);
      throw new UsageError(
        {
          ja: `${arg.startsWith('--') ? typed : arg} というオプションはありません。${didYouMean(nearest(typed, known)).ja}`,
          en: `Unknown option ${arg.startsWith('--') ? typed : arg}.${didYouMean(nearest(typed, known)).en}`,
        },
        { option: typed },
      );
    }
    if (spec?.boolean) {
      if (eq !== -1) throw new UsageError({ ja: `${typed} に値はいりません。`, en: `${typed} takes no value.` }, { option: typed });
      out.flags.push({ name: spec.name, typed, value: true });
      continue;
    }
    let value: string | undefined = eq === -1 ? argv[i + 1] : arg.slice(eq + 1);
    if (eq === -1) {
      if (value === undefined || value === '--help' || (value.startsWith('-') && !isNumberLike(value))) {
        throw new UsageError({ ja: `${typed} には値を指定してください。`, en: `${typed} needs a value.` }, { option: typed });
      }
      i++;
    }
    out.flags.push({ name: spec?.name ?? typedName, typed, value: value! });
  }
  return out;
}

/** The last value given for flag `name` (a later flag wins, as in most tools). */
export function flagValue(line: ParsedLine, name: string): string | true | undefined {
  return [...line.flags].reverse().find((f) => f.name === name)?.value;
}

/** The shared `--lang ja|en` check: the asked language, or a UsageError. */
export function langFlag(line: ParsedLine, fallback: Lang): Lang {
  const v = flagValue(line, 'lang');
  if (v === undefined) return fallback;
  if (v === 'ja' || v === 'en') return v;
  throw new UsageError({ ja: `--lang には ja か en を指定してください（指定された値: ${String(v)}）。`, en: `--lang must be ja or en (got ${String(v)}).` });
}

/** "Run `tasuke train --help` for the options." in `lang`. */
export function helpHint(command: string | undefined, lang: Lang): string {
  const cmd = command ? `tasuke ${command} --help` : 'tasuke --help';
  return t(lang, `使い方は \`${cmd}\` で表示されます。`, `Run \`${cmd}\` for help.`);
}
