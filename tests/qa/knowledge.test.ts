import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { loadKnowledge, loadKnowledgeOrThrow, parseEntry } from '../../src/qa/knowledge.ts';
import { TOPIC_SLUGS } from '../../src/qa/topics.ts';
import { MINI, REPO, tempDir } from './helpers.ts';

const good = (over: Record<string, string> = {}, body = 'エポックは学習データを一周することです。') => {
  const f = {
    id: 'epochs-x-ja',
    title: 'エポックとは？',
    lang: 'ja',
    topics: '[epochs]',
    questions: '\n  - エポックって何？\n  - epochs= の意味',
    ...over,
  };
  const lines = Object.entries(f)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `---\n${lines.join('\n')}\n---\n${body}\n`;
};

describe('knowledge entries', () => {
  it('parses a valid entry', () => {
    const r = parseEntry(good({ lesson: 'mnist' }), 'ja/x.md');
    expect(r.problems).toEqual([]);
    expect(r.entry).toMatchObject({ id: 'epochs-x-ja', lang: 'ja', topics: ['epochs'], lesson: 'mnist' });
    expect(r.entry?.questions).toHaveLength(2);
  });

  const cases: [string, string, RegExp][] = [
    ['no front matter', 'just text', /no YAML front matter/],
    ['bad YAML', '---\nid: [oops\n---\nbody\n', /not valid YAML/],
    ['missing id', good({ id: '' }), /missing required field "id"/],
    ['missing title', good({ title: '' }), /"title"/],
    ['bad lang', good({ lang: 'fr', id: 'epochs-x-fr' }), /lang must be "ja" or "en"/],
    ['unknown topic', good({ topics: '[epochs, quantum-stuff]' }), /unknown topic "quantum-stuff"/],
    ['too many topics', good({ topics: '[epochs, pooling, batch-size, gpu-usage]' }), /at most 3/],
    ['bad lesson', good({ lesson: 'resnet' }), /lesson "resnet" is not one of/],
    ['id suffix', good({ id: 'epochs-x-en' }), /must end in "-ja"/],
    ['empty questions', good({ questions: '[]' }), /questions must be a non-empty list/],
    ['unknown field', good({ tags: '[a]' }), /unknown field "tags"/],
    ['empty body', good({}, ''), /body .* is empty/],
    ['long body', good({}, ('あ'.repeat(500) + '\n\n').repeat(4)), /at most 1800/],
    ['long paragraph', good({}, 'あ'.repeat(700)), /paragraph 1 has 700 characters; at most 600/],
  ];
  for (const [name, text, re] of cases) {
    it(`reports ${name} with the file name`, () => {
      const r = parseEntry(text, 'ja/broken.md');
      expect(r.entry).toBeUndefined();
      expect(r.problems.some((p) => p.startsWith('ja/broken.md: ') && re.test(p))).toBe(true);
    });
  }

  it('collects every problem of every file, duplicates included, and throws a ConfigError naming them', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'ja'));
    mkdirSync(join(dir, 'en'));
    writeFileSync(join(dir, 'ja', 'a.md'), good());
    writeFileSync(join(dir, 'ja', 'b.md'), good());
    writeFileSync(join(dir, 'en', 'c.md'), good({ lang: 'de', topics: '[nope]' }));
    const r = loadKnowledge(dir);
    expect(r.entries.map((e) => e.id)).toEqual(['epochs-x-ja']);
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ja\/b\.md: duplicate id "epochs-x-ja" \(also in ja\/a\.md\)/),
        expect.stringMatching(/^en\/c\.md: lang must be/),
        expect.stringMatching(/^en\/c\.md: unknown topic "nope"/),
      ]),
    );
    expect(() => loadKnowledgeOrThrow(dir)).toThrow(ConfigError);
    expect(() => loadKnowledgeOrThrow(dir)).toThrow(/^(?=[\s\S]*ja\/b\.md)(?=[\s\S]*en\/c\.md)/);
  });

  it('loads the mini fixture cleanly', () => {
    const r = loadKnowledge(MINI);
    expect(r.problems).toEqual([]);
    expect(r.entries).toHaveLength(8);
  });

  it('loads the real knowledge base cleanly, with at least two entries per topic and language', () => {
    const r = loadKnowledge(join(REPO, 'knowledge'));
    expect(r.problems).toEqual([]);
    const missing: string[] = [];
    for (const topic of TOPIC_SLUGS) {
      for (const lang of ['ja', 'en'] as const) {
        const n = r.entries.filter((e) => e.lang === lang && e.topics[0] === topic).length;
        if (n < 2) missing.push(`${topic}/${lang}: ${n}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
