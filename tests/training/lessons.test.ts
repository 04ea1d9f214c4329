import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UserError } from '../../src/core/errors.ts';
import { lessonProblems } from '../../src/training/lesson.ts';
import { listLessonIds, loadLesson, loadLessons } from '../../src/training/lessons.ts';
import { LESSONS_DIR } from './support.ts';

function lessonDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tasuke-lessons-'));
  for (const [id, source] of Object.entries(files)) {
    mkdirSync(join(dir, id));
    writeFileSync(join(dir, id, 'index.ts'), source);
  }
  return dir;
}

describe('lesson loader', () => {
  it('finds the five lessons in teaching order and every one is well formed', async () => {
    expect(listLessonIds(LESSONS_DIR)).toEqual(['linear', 'xor', 'iris', 'mnist', 'cnn']);
    const lessons = await loadLessons(LESSONS_DIR);
    for (const l of lessons) {
      expect(lessonProblems(l, l.id)).toEqual([]);
      expect(l.title.ja).not.toBe(l.title.en);
      expect(l.explanation.ja.length).toBeGreaterThan(40);
    }
  });

  it('reports a malformed lesson by name with each problem', async () => {
    const dir = lessonDir({
      broken: `export const lesson = { id: 'broken', title: { ja: 'x', en: '' }, loss: 'hinge', metrics: [],
        defaults: { epochs: 500, learningRate: 0.1, batchSize: 8, optimizer: 'adam', seed: 1 },
        bounds: { numeric: { epochs: { min: 1, max: 100 }, learningRate: { min: 0.001, max: 1 }, batchSize: { min: 1, max: 8 } }, optimizers: ['sgd'] },
        loadData() { return {}; } };`,
    });
    const err = await loadLesson('broken', dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('Lesson "broken"');
    expect(msg).toContain('title must have non-empty ja and en');
    expect(msg).toContain('explanation');
    expect(msg).toContain('buildModel must be a function');
    expect(msg).toContain('loss must be');
    expect(msg).toContain('defaults.epochs=500 is outside its bounds 1 … 100');
    expect(msg).toContain('defaults.optimizer "adam" is not in bounds.optimizers');
  });

  it('reports a lesson that does not export `lesson`, or whose id differs from its folder', async () => {
    const dir = lessonDir({ empty: 'export const other = 1;', named: "export const lesson = { id: 'other' };" });
    await expect(loadLesson('empty', dir)).rejects.toThrow(/Lesson "empty".*\n.*does not export `lesson`/);
    await expect(loadLesson('named', dir)).rejects.toThrow(/id must be "named"/);
  });

  it('answers an unknown or malicious lesson name with a UserError listing the lessons', async () => {
    for (const id of ['nope', '../lessons/mnist', 'MNIST', '']) {
      const err = await loadLesson(id, LESSONS_DIR).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).messages.en).toContain('linear, xor, iris, mnist, cnn');
      expect((err as UserError).messages.ja).toContain('レッスン');
    }
  });

  it('skips folders that are not lessons', () => {
    const dir = lessonDir({ _shared: 'export {}', good: 'export const lesson = {}' });
    mkdirSync(join(dir, 'no-index'));
    expect(listLessonIds(dir)).toEqual(['good']);
    expect(listLessonIds(join(dir, 'missing'))).toEqual([]);
  });
});
