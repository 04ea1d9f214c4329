/**
 * What makes two training runs the same run. Training is deterministic for
 * a seed (the trainer's seeded initialisers and shuffles, one backend), so a
 * submission whose key matches a finished run's would draw the same curves:
 * the run cache (run-cache.ts) serves it from that record instead.
 *
 * The key covers everything the outcome depends on: the lesson, its
 * parameters as validated (defaults filled in, so "/train mnist" and
 * "/train mnist epochs:10" are one run), the mode, the lesson's data seed,
 * the backend asked for and the optional native backends installed (which
 * decide what `auto` resolves to), a digest of the lesson's and the trainer's
 * code and of the TensorFlow.js packages (a code change is a different run),
 * and the language the chart and reading are written in.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import { loadLesson } from '../training/lessons.ts';
import { validateParams } from '../training/params.ts';
// run.ts loads TensorFlow.js only when a run starts (dynamically): importing it here does not.
import { DEFAULT_DATA_SEED } from '../training/run.ts';
import type { JobSubmission } from './types.ts';

/** Computes a submission's run key, or undefined when it must always train for real. */
export type RunKeyer = (submission: JobSubmission) => Promise<string | undefined>;

const TRAINING_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'training');
const CHARTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'charts');
/** Packages whose version changes the numbers, and the optional ones whose presence changes the backend `auto` picks. */
const PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** Every file under `dir` (sorted, recursive), for a digest of code. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function digestFiles(hash: ReturnType<typeof createHash>, files: string[]): void {
  for (const f of files) {
    hash.update(f.slice(f.lastIndexOf('/src/') + 1));
    hash.update(readFileSync(f));
  }
}

let codeDigest: string | undefined;

/**
 * A digest of the trainer's and charts' code and of the TensorFlow.js
 * packages installed. Computed once per process: a process runs the code it
 * started with, and deploying code restarts it.
 */
export function trainingCodeDigest(): string {
  if (codeDigest) return codeDigest;
  const hash = createHash('sha256');
  digestFiles(hash, [...filesUnder(TRAINING_DIR), ...filesUnder(CHARTS_DIR)]);
  const require = createRequire(import.meta.url);
  for (const name of PACKAGES) {
    let version = 'absent';
    try {
      version = (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      // Not installed: that too decides what `auto` picks.
    }
    hash.update(`${name}@${version}\n`);
  }
  codeDigest = hash.digest('hex');
  return codeDigest;
}

/** A digest of one lesson's folder, looked at again only when a file in it changes. */
const lessonDigests = new Map<string, { stamp: string; digest: string }>();
function lessonDigest(dir: string): string {
  const files = filesUnder(dir);
  const stamp = files.map((f) => `${f}:${statSync(f).mtimeMs}:${statSync(f).size}`).join('|');
  const known = lessonDigests.get(dir);
  if (known?.stamp === stamp) return known.digest;
  const hash = createHash('sha256');
  digestFiles(hash, files);
  const digest = hash.digest('hex');
  lessonDigests.set(dir, { stamp, digest });
  return digest;
}

/** JSON with object keys in order, so equal parameters give equal text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The run keyer for the lessons in `lessonsDir` trained on `backend` (the
 * configured preference). A submission the lesson refuses has no key (it
 * fails validation before the cache is asked anyway).
 */
export function lessonRunKeyer(lessonsDir: string, backend: Config['training']['backend']): RunKeyer {
  return async (s) => {
    let lesson;
    let params;
    try {
      lesson = await loadLesson(s.lesson, lessonsDir);
      params = validateParams(lesson, s.params);
    } catch {
      return undefined;
    }
    const material = {
      lesson: lesson.id,
      params,
      mode: s.mode,
      dataSeed: lesson.dataSeed ?? DEFAULT_DATA_SEED,
      lang: s.lang,
      backend,
      code: trainingCodeDigest(),
      lessonCode: lessonDigest(join(lessonsDir, lesson.id)),
    };
    return createHash('sha256').update(canonical(material)).digest('hex');
  };
}
