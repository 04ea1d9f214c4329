import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandDefinitions } from '../../src/discord/commands/index.ts';
import { rangeDescription, trainCommandData } from '../../src/discord/commands/train.ts';
import { loadLessons } from '../../src/training/lessons.ts';
import { validateCommands } from './support/discord-limits.ts';

const lessons = await loadLessons(resolve('lessons'));

describe('slash command definitions', () => {
  it('every command has its definition and handler', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(['ask', 'train', 'lessons']);
    for (const c of COMMANDS) expect(typeof c.execute).toBe('function');
  });

  it('are what Discord accepts (names, descriptions ≤ 100, ja localizations, option types)', () => {
    const defs = commandDefinitions(lessons);
    expect(validateCommands(defs)).toEqual([]);
    for (const d of defs) expect(d.description_localizations?.ja).toBeTruthy();
  });

  it('/train states each lesson range and allows the widest', () => {
    const train = trainCommandData(lessons);
    const epochs = train.options!.find((o) => o.name === 'epochs') as { min_value: number; max_value: number; description: string; description_localizations: { ja: string } };
    expect(epochs.min_value).toBe(1);
    expect(epochs.max_value).toBe(Math.max(...lessons.map((l) => l.bounds.numeric.epochs.max)));
    expect(epochs.description).toContain('linear');
    expect(epochs.description).toContain('1–200');
    expect(epochs.description.length).toBeLessThanOrEqual(100);
    expect(epochs.description_localizations.ja).toMatch(/^エポック数：/);
    const lr = train.options!.find((o) => o.name === 'learning_rate') as { type: number; min_value: number };
    expect(lr.type).toBe(10);
    expect(lr.min_value).toBe(Math.min(...lessons.map((l) => l.bounds.numeric.learningRate.min)));
    const lesson = train.options!.find((o) => o.name === 'lesson') as { autocomplete: boolean; required: boolean };
    expect(lesson).toMatchObject({ autocomplete: true, required: true });
  });

  it('falls back to the widest range when the per-lesson list does not fit', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ ...lessons[0], id: `lesson-number-${i}`, bounds: { ...lessons[0].bounds, numeric: { ...lessons[0].bounds.numeric, epochs: { min: 1, max: 10 + i, integer: true } } } }));
    const en = rangeDescription({ ja: 'エポック数', en: 'Epochs' }, 'epochs', many, 'en');
    expect(en).toBe('Epochs: 1–21 (range depends on the lesson; see /lessons)');
    const ja = rangeDescription({ ja: 'エポック数', en: 'Epochs' }, 'epochs', many, 'ja');
    expect(ja.length).toBeLessThanOrEqual(100);
    expect(ja).toContain('1–21');
  });
});
