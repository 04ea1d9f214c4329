/** `tasuke index`: validates the knowledge base and glossary, builds the index and reports counts and time. */
import { relative } from 'node:path';
import { buildIndex } from '../../qa/index-store.ts';
import { parseLine, UsageError } from '../args.ts';
import { EXIT, type CliCommand } from '../command.ts';
import { HELP_OPTION } from '../help.ts';

export const command: CliCommand = {
  name: 'index',
  usage: 'index',
  summary: 'Validate knowledge/ and rebuild the question-answering index',
  help: () => ({
    usage: ['tasuke index'],
    summary: {
      ja: 'knowledge/ の項目と用語集を検査して、質問応答の索引を作り直し、件数と時間を表示します（知識が変わったときは ask が自動で作り直します）。',
      en: 'Check knowledge/ and the glossary, rebuild the question-answering index and print counts and time (ask also rebuilds it by itself when the knowledge changed).',
    },
    options: [HELP_OPTION],
    examples: ['tasuke index'],
    notes: [{ ja: '終了コード: 0 作り直した、2 知識の項目に誤りがある（ファイル名つきで表示）。', en: 'Exit codes: 0 rebuilt, 2 a knowledge entry is malformed (named with its file).' }],
  }),
  async run(argv, ctx) {
    const line = parseLine(argv, []);
    if (line.positionals.length > 0) throw new UsageError({ ja: `「${line.positionals[0]}」は使えない引数です。`, en: `Unexpected argument "${line.positionals[0]}".` });
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
    return EXIT.ok;
  },
};
