/**
 * `tasuke ask "question"`: asks the knowledge base from a terminal.
 * `--json` prints exactly the answer contract; `--json --stdin` reads JSON
 * Lines `{"id","question"}` and writes one contract per line (with the same
 * `id`), opening the index once. A bad line yields an error line for its id.
 */
import { createInterface } from 'node:readline';
import { isLang, type Lang } from '../../core/lang.ts';
import { UserError } from '../../core/errors.ts';
import type { AnswerContract } from '../../qa/answer.ts';
import { createAssistant } from '../../qa/assistant.ts';
import type { CliCommand, CliContext } from '../command.ts';

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
  return bad ? 1 : 0;
}

export const command: CliCommand = {
  name: 'ask',
  usage: 'ask [--json] [--lang ja|en] "question" | --stdin',
  summary: 'Ask the knowledge base a question (JSON Lines from stdin with --stdin)',
  async run(argv, ctx) {
    let json = false;
    let stdin = false;
    let lang: Lang | undefined;
    const words: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--json') json = true;
      else if (a === '--stdin') stdin = true;
      else if (a === '--lang') {
        const v = argv[++i];
        if (!isLang(v)) {
          throw new UserError('ask.bad-lang', { ja: '--lang には ja か en を指定してください。', en: '--lang must be ja or en.' });
        }
        lang = v;
      } else if (a === '--') words.push(...argv.slice(i + 1)), (i = argv.length);
      else words.push(a);
    }
    if (stdin) return runStdin(ctx, lang);
    const question = words.join(' ').trim();
    if (!question) {
      ctx.stderr.write(`Usage: tasuke ${command.usage}\n`);
      return 2;
    }
    const assistant = createAssistant({ config: ctx.config });
    const index = await assistant.ready();
    if (index.rebuilt) ctx.stderr.write(`(index rebuilt: the knowledge changed; ${index.manifest.buildMs} ms)\n`);
    const contract = await assistant.ask(question, { lang });
    ctx.stdout.write(json ? JSON.stringify(contract) + '\n' : render(contract));
    return 0;
  },
};
