/**
 * The optional LLM writer: with LLM_BASE_URL/LLM_MODEL set, an
 * OpenAI-compatible chat model (LangChain's ChatOpenAI) writes the answer from
 * the retrieved entries only and cites their ids. LangChain is imported on
 * first use, so asking without an LLM does not pay for loading it.
 */
import type { Config } from '../config.ts';
import type { Lang } from '../core/lang.ts';
import { clip } from './answer.ts';

export type LlmSettings = NonNullable<Config['qa']['llm']>;

/** What the writer answers from: the selected passages, the worked-out results, the notes to keep. */
export interface WriterContext {
  /** Paragraphs of the knowledge entries chosen for this question, best first. */
  passages: { id: string; title: string; text: string }[];
  /** Results computed from the asker's own numbers and code (exact: to be stated, not redone). */
  computed: string[];
  /** Notes the answer must keep (the question's language, a page tasuke cannot see). */
  notes: string[];
}

export interface LlmWriter {
  write(question: string, lang: Lang, context: WriterContext): Promise<string>;
}

/** The system instructions: answer from the given entries only, cite them, stay in the asker's language. */
export function systemPrompt(lang: Lang): string {
  return lang === 'ja'
    ? [
        'あなたは深層学習の入門ワークショップの TA アシスタント「tasuke」です。',
        '下に示す資料（知識エントリーの抜粋と、質問の数値やコードから計算した結果）だけを使って、受講者の質問に日本語（です・ます調）で答えてください。',
        '最初の文で、聞かれたことに直接答えてください（はい／いいえ、数値、このエラーの原因）。そのあとに必要な説明を続けます。',
        '質問者自身のコードや数値について聞かれていれば、それに即して答えてください。計算結果はそのまま使い、計算し直さないでください。',
        '資料に書かれていないことは推測せず、「資料にはありません」と伝えてください。質問者が見ているページやセルは見えないので、見えるふりをしないでください。',
        '回答の最後に、使ったエントリーの id を [id] の形で挙げてください。1,500 文字以内で答えてください。',
      ].join('\n')
    : [
        'You are tasuke, the teaching assistant of an introductory deep-learning workshop.',
        "Answer the participant's question in English using only the material below: excerpts of knowledge entries and results computed from the question's own numbers and code.",
        'Lead with the direct answer to what was asked (the yes or no, the number, the cause of this error), then the explanation the asker needs.',
        "When the question is about the asker's own code or numbers, answer about them. State the computed results as given; do not redo the arithmetic.",
        "Do not guess beyond the material; if it does not cover the question, say so. You cannot see the asker's pages, slides or cells: never pretend to.",
        'End with the ids of the entries you used, as [id]. Keep it under 1,500 characters.',
      ].join('\n');
}

/** The user message: the computed results, the selected passages grouped by entry, the notes, then the question. */
export function userPrompt(question: string, context: WriterContext): string {
  const parts: string[] = [];
  if (context.computed.length) parts.push(`Worked out from the question (exact):\n\n${context.computed.join('\n\n')}`);
  const byEntry = new Map<string, { title: string; texts: string[] }>();
  for (const p of context.passages) {
    const e = byEntry.get(p.id) ?? { title: p.title, texts: [] };
    e.texts.push(p.text);
    byEntry.set(p.id, e);
  }
  const blocks = [...byEntry].map(([id, e]) => `### [${id}] ${e.title}\n${e.texts.join('\n\n')}`);
  if (blocks.length) parts.push(`Knowledge entries (excerpts):\n\n${blocks.join('\n\n')}`);
  if (context.notes.length) parts.push(`Keep these notes at the start of the answer:\n${context.notes.join('\n')}`);
  parts.push(`Question:\n${question}`);
  return parts.join('\n\n');
}

/** A writer over LangChain's ChatOpenAI, pointed at `settings.baseUrl`. */
export function createLlmWriter(settings: LlmSettings): LlmWriter {
  let modelPromise: Promise<{ invoke(input: unknown, opts?: unknown): Promise<{ content: unknown }> }> | undefined;
  const model = () =>
    (modelPromise ??= import('@langchain/openai').then(
      ({ ChatOpenAI }) =>
        new ChatOpenAI({
          model: settings.model,
          apiKey: settings.apiKey ?? 'not-needed',
          configuration: { baseURL: settings.baseUrl },
          temperature: 0.2,
          timeout: settings.timeoutMs,
          maxRetries: 0,
          useResponsesApi: false,
        }),
    ));
  return {
    async write(question, lang, context) {
      const chat = await model();
      const res = await chat.invoke(
        [
          { role: 'system', content: systemPrompt(lang) },
          { role: 'user', content: userPrompt(question, context) },
        ],
        { signal: AbortSignal.timeout(settings.timeoutMs) },
      );
      const text =
        typeof res.content === 'string'
          ? res.content
          : Array.isArray(res.content)
            ? res.content.map((p: { text?: string }) => p?.text ?? '').join('')
            : '';
      if (!text.trim()) throw new Error('the chat model returned an empty answer');
      return clip(text.trim());
    },
  };
}
