/**
 * `tasuke ask "question"`: asks the knowledge base from a terminal.
 * `--json` prints exactly the answer contract; `--json --stdin` reads JSON
 * Lines `{"id","question"}` and writes one contract per line (with the same
 * `id`), opening the index once. A bad line yields an error line for its id.
 */
import { createInterface } from 'node:readline';
import { isLang, type Lang } from '../../core/lang.ts';
import type { AnswerContract } from '../../qa/answer.ts';
import { createAssistant } from '../../qa/assistant.ts';
import { flagValue, langFlag, parseLine, UsageError } from '../args.ts';
import { EXIT, type CliCommand, type CliContext } from '../command.ts';
import { HELP_OPTION } from '../help.ts';

function render(c: AnswerContract): string {
  const ja = c.lang === 'ja';
  const label = {
    answer: ja ? '回答' : 'Answer',
    escalate: ja ? 'TA へ引き継ぎ' : 'Passed to a TA',
    refuse: ja ? 'お答えできません' : 'Not answered',
  }[c.action];
  const lines = [`[${label}]`, c.answer, ''];
  if (c.sources.length) {
    lines.push(ja ? '出典:' : 'Sources:');
    for (const s of c.sources) lines.push(`  - ${s.id}  ${s.title}  (${s.topics.join(', ')}; ${s.score.toFixed(2)})`);
  }
  if (c.lesson) lines.push(`${ja ? '試してみる' : 'Try it'}: tasuke train ${c.lesson.id}`);
  lines.push(`${ja ? '確信度' : 'Confidence'}: ${c.confidence.toFixed(2)}`);
  return lines.join('\n') + '\n';
}

async function runStdin(ctx: CliContext, lang: Lang | undefined): Promise<number> {
  const assistant = createAssistant({ config: ctx.config });
  const index = await assistant.ready();
  if (index.rebuilt) ctx.stderr.write(`(index rebuilt: the knowledge changed; ${index.manifest.buildMs} ms)\n`);
  const rl = createInterface({ input: ctx.stdin, crlfDelay: Infinity });
  let n = 0;
  let bad = 0;
  for await (const line of rl) {
    n++;
    if (!line.trim()) continue;
    let id: unknown = null;
    try {
      const obj = JSON.parse(line) as { id?: unknown; question?: unknown; lang?: unknown };
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('expected a JSON object');
      id = obj.id ?? null;
      if (typeof obj.question !== 'string') throw new Error('"question" must be a string');
      const contract = await assistant.ask(obj.question, { lang: isLang(obj.lang) ? obj.lang : lang });
      ctx.stdout.write(JSON.stringify({ id, ...contract }) + '\n');
    } catch (err) {
      bad++;
      ctx.stdout.write(JSON.stringify({ id, error: `line ${n}: ${(err as Error).message}` }) + '\n');
    }
  }
  return bad ? EXIT.failure : EXIT.ok;
}

export const command: CliCommand = {
  name: 'ask',
  usage: 'ask [--json] [--lang ja|en] "question" | --stdin',
  summary: 'Ask the knowledge base a question (JSON Lines from stdin with --stdin)',
  help: () => ({
    usage: ['tasuke ask [--json] [--lang ja|en] "question"', 'tasuke ask --json --stdin < questions.jsonl', 'tasuke ask -- "--question that starts with dashes"'],
    summary: {
      ja: '知識ベースに質問します。答えは質問と同じ言語で、出典つきで返ります。答えられないものは TA に引き継ぎます。',
      en: 'Ask the knowledge base a question. The answer comes in the question’s language with its sources; what it cannot answer is passed to a TA.',
    },
    options: [
      { flags: ['--json'], text: { ja: '回答の契約（JSON）をそのまま出力する', en: 'print the answer contract (JSON) as it is' } },
      { flags: ['--stdin'], text: { ja: '標準入力から JSON Lines {"id","question"} を読み、1 行ずつ答える', en: 'read JSON Lines {"id","question"} from stdin and answer each line' } },
      {
        flags: ['--lang ja|en'],
        text: { ja: '答えの言語（既定: 質問の言語）', en: 'language of the answer (default: the question’s language)' },
        values: 'ja | en',
      },
      HELP_OPTION,
      { flags: ['--'], text: { ja: 'これより後はすべて質問（- で始まる質問に）', en: 'everything after it is the question (for a question starting with -)' } },
    ],
    examples: ['tasuke ask "同じデータなのに、なぜエポックを重ねると良くなるの？"', 'tasuke ask --json "What is dropout?"', 'echo \'{"id":"q1","question":"lrってなに"}\' | tasuke ask --json --stdin'],
    notes: [{ ja: '終了コード: 0 答えた、1 --stdin の入力に読めない行があった、2 コマンドラインの誤り。', en: 'Exit codes: 0 answered, 1 some --stdin lines could not be read, 2 a mistake on the command line.' }],
  }),
  async run(argv, ctx) {
    const line = parseLine(argv, [{ name: 'json', boolean: true }, { name: 'stdin', boolean: true }, { name: 'lang' }]);
    const json = line.flags.some((f) => f.name === 'json');
    const asked = flagValue(line, 'lang');
    const lang = asked === undefined ? undefined : langFlag(line, 'en');
    if (line.flags.some((f) => f.name === 'stdin')) return runStdin(ctx, lang);
    const question = line.positionals.join(' ').trim();
    if (!question) {
      throw new UsageError({ ja: '質問を指定してください: tasuke ask "質問"', en: 'What is the question? Usage: tasuke ask "question"' });
    }
    const assistant = createAssistant({ config: ctx.config });
    const index = await assistant.ready();
    if (index.rebuilt) ctx.stderr.write(`(index rebuilt: the knowledge changed; ${index.manifest.buildMs} ms)\n`);
    const contract = await assistant.ask(question, { lang });
    ctx.stdout.write(json ? JSON.stringify(contract) + '\n' : render(contract));
    return EXIT.ok;
  },
};
