/** `tasuke index`: validates the knowledge base and glossary, builds the index and reports counts and time. */
import { relative } from 'node:path';
import { buildIndex } from '../../qa/index-store.ts';
import type { CliCommand } from '../command.ts';

export const command: CliCommand = {
  name: 'index',
  usage: 'index',
  summary: 'Validate knowledge/ and rebuild the question-answering index',
  async run(_argv, ctx) {
    const started = performance.now();
    const idx = await buildIndex(ctx.config);
    const ms = Math.round(performance.now() - started);
    const byLang = { ja: 0, en: 0 };
    const topics = new Set<string>();
    for (const e of idx.entries) {
      byLang[e.lang]++;
      for (const t of e.topics) topics.add(t);
    }
    const where = relative(process.cwd(), `${ctx.config.dataDir}/index`) || '.';
    ctx.stdout.write(
      `Indexed ${idx.entries.length} entries (ja ${byLang.ja}, en ${byLang.en}) covering ${topics.size} topics, ` +
        `${idx.manifest.chunks} chunks, ${idx.glossary.concepts.length} glossary concepts, ` +
        `embeddings ${idx.manifest.embeddings}, in ${ms} ms -> ${where}\n`,
    );
    return 0;
  },
};
