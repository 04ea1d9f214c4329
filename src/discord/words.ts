/**
 * Every word the Discord face itself adds, in Japanese and English: button
 * labels, the queue position, the notices around an answer or a run, the TA
 * post's headings. The core's words (answers, escalation notices, run
 * summaries, errors) come from the core; this file only holds what exists
 * because the face is Discord.
 */
import type { Bilingual } from '../core/lang.ts';

/** Button labels. A participant's buttons carry the asker's language; TA buttons carry both. */
export const BUTTONS = {
  helpful: { ja: '役に立った', en: 'Helpful' },
  notHelpful: { ja: '役に立たなかった', en: 'Not helpful' },
  askTa: { ja: 'TA に聞く', en: 'Ask a TA' },
  tryIt: { ja: '試してみる', en: 'Try it' },
  cancel: { ja: '中止', en: 'Cancel' },
  claim: { ja: '担当する / Claim', en: 'Claim / 担当する' },
  resolve: { ja: '解決済みにする / Resolve', en: 'Resolve / 解決済みにする' },
} satisfies Record<string, Bilingual>;

/** Short titles and labels of the answer embed. */
export const ANSWER = {
  title: { ja: 'tasuke の回答', en: 'Answer from tasuke' },
  escalated: { ja: 'TA に引き継ぎました', en: 'Passed to a TA' },
  refused: { ja: 'お答えできません', en: 'Not answered' },
  sources: { ja: '出典', en: 'Sources' },
  confidence: { ja: '確信度', en: 'confidence' },
  tryHint: (lesson: string): Bilingual => ({
    ja: `「試してみる」で /train ${lesson} を既定の設定で始めます。`,
    en: `"Try it" starts /train ${lesson} with its default settings.`,
  }),
} as const;

/** What a person sees after pressing 👍 or 👎. */
export const FEEDBACK = {
  thanks: { ja: 'フィードバックありがとうございます！', en: 'Thanks for the feedback!' },
  thanksDown: { ja: 'フィードバックありがとうございます。', en: 'Thanks for telling me.' },
  onlyAsker: {
    ja: 'このボタンは質問した本人だけが使えます。自分の質問は /ask か質問チャンネルでどうぞ。',
    en: 'Only the person who asked can use this button. Ask your own question with /ask or in a help channel.',
  },
} satisfies Record<string, Bilingual>;

/** The words of a /train message around the core's run words. */
export const TRAIN = {
  queued: (ahead: number): Bilingual =>
    ahead === 0
      ? { ja: '受け付けました。まもなく始まります。', en: 'Accepted: starting shortly.' }
      : {
          ja: `受け付けました。順番待ち ${ahead + 1} 番目です（前に ${ahead} 件）。`,
          en: `Accepted: position ${ahead + 1} in the queue (${ahead} ahead of you).`,
        },
  running: { ja: '学習中…', en: 'Training…' },
  succeeded: { ja: '学習が終わりました', en: 'Training finished' },
  failed: { ja: '学習が失敗しました', en: 'Training failed' },
  cancelled: { ja: '学習を中止しました', en: 'Training cancelled' },
  cancelledBy: { ja: '取り消しました。', en: 'Cancelled.' },
  heading: (lessonId: string, title: string): Bilingual => ({ ja: `/train ${lessonId}：${title}`, en: `/train ${lessonId}: ${title}` }),
  params: { ja: '設定', en: 'settings' },
  job: { ja: 'ジョブ', en: 'job' },
  chartAlt: { ja: '損失のグラフ', en: 'loss chart' },
  /** A run that outlived its interaction token (15 minutes) is finished in a new message. */
  lateResult: (userId: string): Bilingual => ({
    ja: `<@${userId}> さんの学習の結果です（元のメッセージは編集できる時間を過ぎました）。`,
    en: `Result of <@${userId}>'s training run (the original message could no longer be edited).`,
  }),
  stillRunning: {
    ja: '学習に時間がかかっています。終わったらこのチャンネルに結果を投稿します。',
    en: 'This run is taking a while; the result will be posted in this channel when it finishes.',
  },
} as const;

/** /lessons. */
export const LESSONS = {
  heading: { ja: '学習できるレッスン', en: 'Lessons you can train' },
  defaults: { ja: '既定値', en: 'defaults' },
  howTo: { ja: '学習するには: /train lesson:<レッスン>', en: 'To train one: /train lesson:<lesson>' },
} satisfies Record<string, Bilingual>;

/** What a TA (or someone who is not one) sees. TA texts are bilingual on one line: TAs read either. */
export const TA = {
  refusal: {
    ja: 'すみません、この操作は TA ロールを持つ人だけができます。質問がある場合は /ask か質問チャンネルでどうぞ。',
    en: 'Sorry, only members with the TA role can do this. If you have a question, use /ask or a help channel.',
  },
  postTitle: (id: string) => `🙋 TA 対応 / TA needed — ${id}`,
  question: '質問 / Question',
  attempt: 'tasuke の試み / tasuke’s attempt',
  asker: '質問者 / Asked by',
  link: 'リンク / Link',
  reason: '理由 / Reason',
  state: '状態 / State',
  open: '未対応 / Open',
  claimed: (who: string, at: number) => `対応中: ${who}（<t:${Math.floor(at / 1000)}:R>） / Claimed by ${who} (<t:${Math.floor(at / 1000)}:R>)`,
  resolved: (who: string, at: number) => `解決済み: ${who}（<t:${Math.floor(at / 1000)}:R>） / Resolved by ${who} (<t:${Math.floor(at / 1000)}:R>)`,
  dismissed: '対応不要 / Dismissed',
  resolution: 'TA の回答 / TA’s answer',
  noLink: '（リンクなし / no link）',
  /** Where a question asked on another face was asked (no Discord link to give). */
  askedOn: {
    web: 'Web チャットで質問（会話はダッシュボードで見られます） / Asked in the web chat (the conversation is on the dashboard)',
    cli: 'コマンドラインで質問 / Asked on the command line',
  } as Record<string, string>,
  reasons: {
    tasuke: 'tasuke が答えられなかった / tasuke could not answer',
    'not-helpful': '👎 回答が役に立たなかった / 👎 the answer did not help',
    asked: '質問者が TA を呼んだ / the asker asked for a TA',
    unanswered: '時間内に回答なし / nobody answered in time',
  } as Record<string, string>,
  claimedOk: { ja: '担当になりました。', en: 'You have claimed it.' },
  resolvedOk: { ja: '解決済みにしました。質問者に知らせました。', en: 'Marked as resolved; the asker has been told.' },
  modalTitle: '解決 / Resolve',
  modalLabel: '回答（任意） / Answer (optional)',
  modalPlaceholder: '質問者のスレッドか Web チャットに届きます / Sent to the asker’s thread or web chat',
} as const;

/** Shown when an interaction arrives while the bot is stopping. */
export const STOPPING: Bilingual = {
  ja: 'tasuke は再起動中です。1 分ほどしてからもう一度試してください。',
  en: 'tasuke is restarting. Please try again in a minute.',
};

/** The thread name used when a question has no usable words. */
export const UNTITLED_THREAD: Bilingual = { ja: '質問', en: 'Question' };

