/**
 * The optional LLM writer: with LLM_BASE_URL/LLM_MODEL set, an
 * OpenAI-compatible chat model (LangChain's ChatOpenAI) writes the answer from
 * the retrieved entries only and cites their ids. LangChain is imported on
 * first use, so asking without an LLM does not pay for loading it.
 */
import type { Config } from '../config.ts';
import type { Lang } from '../core/lang.ts';
import type { KnowledgeEntry } from './knowledge.ts';
import { clip } from './answer.ts';

export type LlmSettings = NonNullable<Config['qa']['llm']>;

export interface LlmWriter {
  write(question: string, lang: Lang, entries: KnowledgeEntry[]): Promise<string>;
}

/** The system instructions: answer from the given entries only, cite them, stay in the asker's language. */
export function systemPrompt(lang: Lang): string {
  return lang === 'ja'
    ? [
        'あなたは深層学習の入門ワークショップの TA アシスタント「tasuke」です。',
        '下に示す知識エントリーの内容だけを使って、受講者の質問に日本語（です・ます調）で答えてください。',
        'エントリーに書かれていないことは推測せず、「資料にはありません」と伝えてください。',
        '回答の最後に、使ったエントリーの id を [id] の形で挙げてください。1,500 文字以内で答えてください。',
      ].join('\n')
    : [
        'You are tasuke, the teaching assistant of an introductory deep-learning workshop.',
        "Answer the participant's question in English using only the knowledge entries given below.",
        'Do not guess beyond them; if they do not cover it, say so.',
        'End with the ids of the entries you used, as [id]. Keep it under 1,500 characters.',
      ].join('\n');
}

/** The user message: the retrieved entries, then the question. */
export function userPrompt(question: string, entries: KnowledgeEntry[]): string {
  const blocks = entries.map((e) => `### [${e.id}] ${e.title}\n${e.body}`);
  return `Knowledge entries:\n\n${blocks.join('\n\n')}\n\nQuestion:\n${question}`;
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
    async write(question, lang, entries) {
      const chat = await model();
      const res = await chat.invoke(
        [
          { role: 'system', content: systemPrompt(lang) },
          { role: 'user', content: userPrompt(question, entries) },
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
