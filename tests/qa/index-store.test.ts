import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { buildIndex, chunkEntry, hnswDense, loadDenseFromDisk, openIndex, readManifest } from '../../src/qa/index-store.ts';
import { retrieve } from '../../src/qa/retrieve.ts';
import { miniConfig } from './helpers.ts';

describe('index persistence', () => {
  it('writes the index with a manifest and reopens it without rebuilding', async () => {
    const config = miniConfig();
    const built = await buildIndex(config);
    const dir = join(config.dataDir, 'index');
    for (const f of ['manifest.json', 'entries.json', 'lexical.json', 'idf.json', 'hnsw/hnswlib.index', 'hnsw/docstore.json', 'hnsw/args.json']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const m = readManifest(dir)!;
    expect(m.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.entries).toBe(8);
    expect(m.chunks).toBe(built.manifest.chunks);
    const reopened = await openIndex(config);
    expect(reopened.rebuilt).toBe(false);
    expect(reopened.manifest.hash).toBe(m.hash);
    const r = await retrieve(reopened, 'What is an epoch?');
    expect(r.entries[0].entry.topics).toContain('epochs');
  });

  it('persists a LangChain HNSWLib store that the light reader searches identically', async () => {
    const config = miniConfig();
    const built = await buildIndex(config);
    const dir = join(config.dataDir, 'index', 'hnsw');
    const { HNSWLib } = await import('@langchain/community/vectorstores/hnswlib');
    const store = await HNSWLib.load(dir, built.embeddings);
    const light = await loadDenseFromDisk(dir);
    expect(light.count()).toBe(store.index.getCurrentCount());
    const q = await built.embeddings.embedQuery('why does the loss become NaN with a big learning rate');
    const viaLangChain = await hnswDense(store).search(q, 5);
    const viaReader = await light.search(q, 5);
    expect(viaReader).toEqual(viaLangChain);
    expect(viaReader[0].distance).toBeLessThanOrEqual(viaReader[4].distance);
    expect(built.entries[viaReader[0].meta.e].topics).toContain('learning-rate');
  });

  it('rebuilds by itself when a knowledge file changes', async () => {
    const config = miniConfig();
    await buildIndex(config);
    const before = readManifest(join(config.dataDir, 'index'))!.hash;
    writeFileSync(
      join(config.knowledgeDir, 'en', 'pooling-stride-en.md'),
      '---\nid: pooling-stride-en\ntitle: Does pooling use a stride?\nlang: en\ntopics: [pooling]\nquestions:\n  - what stride does MaxPooling2D use\n  - zebra stride question\n---\nA zebra-striped explanation: pooling windows move by their own size unless you set strides.\n',
    );
    const idx = await openIndex(config);
    expect(idx.rebuilt).toBe(true);
    expect(idx.manifest.hash).not.toBe(before);
    expect(idx.entries.map((e) => e.id)).toContain('pooling-stride-en');
    const r = await retrieve(idx, 'zebra stride');
    expect(r.entries[0].entry.id).toBe('pooling-stride-en');
    expect((await openIndex(config)).rebuilt).toBe(false);
  });

  it('rebuilds when the glossary changes or the index is damaged', async () => {
    const config = miniConfig();
    await buildIndex(config);
    appendFileSync(join(config.knowledgeDir, 'glossary.yaml'), '  - id: stride\n    ja: [ストライド]\n    en: [stride]\n');
    expect((await openIndex(config)).rebuilt).toBe(true);
    writeFileSync(join(config.dataDir, 'index', 'lexical.json'), '{broken');
    expect((await openIndex(config)).rebuilt).toBe(true);
  });

  it('fails the build with every malformed file named', async () => {
    const config = miniConfig();
    writeFileSync(join(config.knowledgeDir, 'ja', 'bad-one.md'), '---\nid: bad-one-ja\ntitle: x\nlang: ja\ntopics: [nope]\nquestions: [a]\n---\nbody\n');
    writeFileSync(join(config.knowledgeDir, 'en', 'bad-two.md'), 'no front matter');
    appendFileSync(join(config.knowledgeDir, 'glossary.yaml'), '  - id: Bad Concept\n    ja: [悪い]\n    en: [bad]\n');
    const err = await buildIndex(config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toMatch(/ja\/bad-one\.md: unknown topic "nope"/);
    expect(String((err as Error).message)).toMatch(/en\/bad-two\.md: no YAML front matter/);
    expect(String((err as Error).message)).toMatch(/glossary\.yaml: concept #\d+: "id" must be a kebab-case/);
  });

  it('chunks an entry into its title, its questions and its body', () => {
    const body = Array.from({ length: 6 }, (_, i) => `Paragraph ${i} ${'word '.repeat(30)}`).join('\n\n');
    const chunks = chunkEntry({ id: 'x-en', title: 'T?', lang: 'en', topics: ['epochs'], questions: ['q1', 'q2'], body, file: 'x.md' });
    expect(chunks.filter((c) => c.kind === 'title')).toHaveLength(1);
    expect(chunks.filter((c) => c.kind === 'question').map((c) => c.text)).toEqual(['q1', 'q2']);
    const bodies = chunks.filter((c) => c.kind === 'body');
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(b.text.startsWith('T?\n')).toBe(true);
    expect(bodies.map((b) => b.text).join(' ')).toContain('Paragraph 5');
  });
});
