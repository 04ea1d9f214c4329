/**
 * Every word the web face itself adds, in Japanese and English: page titles,
 * labels, buttons, notices and the messages of bad input. The core's words
 * (answers, escalation notices, run summaries and readings, errors) come from
 * the core; this file holds only what exists because the face is a web page.
 */
import type { Bilingual, Lang } from '../core/lang.ts';
import type { EscalationReason, EscalationState } from '../escalation/types.ts';
import type { JobState } from '../jobs/types.ts';

type Words = Record<string, Bilingual>;

export const COMMON = {
  appName: { ja: 'tasuke（助け）', en: 'tasuke' },
  tagline: { ja: '深層学習ワークショップの TA アシスタント', en: 'the teaching assistant of the deep-learning workshop' },
  chat: { ja: '質問する', en: 'Ask' },
  dashboard: { ja: 'TA ダッシュボード', en: 'TA dashboard' },
  signIn: { ja: 'サインイン', en: 'Sign in' },
  signOut: { ja: 'サインアウト', en: 'Sign out' },
  signedInAs: { ja: 'サインイン中:', en: 'Signed in as' },
  language: { ja: '言語', en: 'Language' },
  back: { ja: '戻る', en: 'Back' },
  reload: { ja: '再読み込み', en: 'Reload' },
  error: { ja: 'エラー', en: 'Error' },
  notFound: { ja: 'ページが見つかりません。', en: 'This page does not exist.' },
  forbidden: {
    ja: 'このページは古くなりました。ページを再読み込みしてからもう一度お試しください。',
    en: 'This page has expired. Please reload it and try again.',
  },
  needsJs: { ja: 'チャットの一部の機能には JavaScript が必要です。', en: 'Some chat features need JavaScript.' },
  none: { ja: 'なし', en: 'none' },
  seconds: { ja: '秒', en: 's' },
} satisfies Words;

export const CHAT = {
  title: { ja: 'tasuke に質問する', en: 'Ask tasuke' },
  intro: {
    ja: '授業の内容について日本語か英語で質問してください。わからないときは TA に引き継ぎます。',
    en: 'Ask about the course in Japanese or English. When tasuke does not know, it passes your question to a TA.',
  },
  placeholder: { ja: '例: エポックって何ですか？', en: 'e.g. What is an epoch?' },
  send: { ja: '送信', en: 'Send' },
  sending: { ja: '考え中…', en: 'Thinking…' },
  newConversation: { ja: '新しい会話', en: 'New conversation' },
  empty: { ja: 'まだ質問はありません。', en: 'No questions yet.' },
  you: { ja: 'あなた', en: 'You' },
  tasuke: { ja: 'tasuke', en: 'tasuke' },
  answer: { ja: '回答', en: 'Answer' },
  escalated: { ja: 'TA に引き継ぎました', en: 'Passed to a TA' },
  refused: { ja: 'お答えできません', en: 'Not answered' },
  sources: { ja: '出典', en: 'Sources' },
  confidence: { ja: '確信度', en: 'confidence' },
  helpful: { ja: '👍 役に立った', en: '👍 Helpful' },
  notHelpful: { ja: '👎 役に立たなかった', en: '👎 Not helpful' },
  askTa: { ja: 'TA に聞く', en: 'Ask a TA' },
  tryIt: { ja: '試してみる', en: 'Try it' },
  tryHint: { ja: 'このレッスンを既定の設定で学習します', en: 'Trains this lesson with its default settings' },
  thanks: { ja: 'フィードバックありがとうございます！', en: 'Thanks for the feedback!' },
  thanksDown: { ja: 'フィードバックありがとうございます。', en: 'Thanks for telling me.' },
  taAnswer: { ja: 'TA からの回答', en: 'Answer from a TA' },
} satisfies Words;

export const TRAIN = {
  title: { ja: 'レッスンを学習する', en: 'Train a lesson' },
  lesson: { ja: 'レッスン', en: 'Lesson' },
  epochs: { ja: 'エポック数', en: 'Epochs' },
  learningRate: { ja: '学習率', en: 'Learning rate' },
  batchSize: { ja: 'バッチサイズ', en: 'Batch size' },
  seed: { ja: 'シード', en: 'Seed' },
  defaultsHint: { ja: '空欄は既定値です。', en: 'Leave a field empty for its default.' },
  start: { ja: '学習を開始', en: 'Start training' },
  cancel: { ja: '中止', en: 'Cancel' },
  myJobs: { ja: 'あなたの学習', en: 'Your runs' },
  noRuns: { ja: 'まだ学習していません。上のフォームか、回答の「試してみる」から始められます。', en: 'No runs yet. Start one with the form above, or with "Try it" under an answer.' },
  job: { ja: 'ジョブ', en: 'Job' },
  progress: { ja: '進み具合', en: 'Progress' },
  reading: { ja: '結果の読み方', en: 'What the run shows' },
  chartAlt: { ja: '損失のグラフ', en: 'Loss chart' },
  chart: { ja: 'グラフ', en: 'chart' },
  summary: { ja: '結果', en: 'Result' },
  waiting: { ja: '順番待ちです…', en: 'Waiting for its turn…' },
  starting: { ja: '学習を始めています…', en: 'Starting to train…' },
  queued: (ahead: number): Bilingual =>
    ahead === 0
      ? { ja: '受け付けました。まもなく始まります。', en: 'Accepted: starting shortly.' }
      : { ja: `受け付けました。前に ${ahead} 件あります。`, en: `Accepted: ${ahead} run(s) ahead of you.` },
} as const;

export const JOB_STATES: Record<JobState, Bilingual> = {
  queued: { ja: '順番待ち', en: 'queued' },
  running: { ja: '学習中', en: 'running' },
  succeeded: { ja: '完了', en: 'succeeded' },
  failed: { ja: '失敗', en: 'failed' },
  cancelled: { ja: '中止', en: 'cancelled' },
};

export const SIGNIN = {
  title: { ja: 'TA サインイン', en: 'TA sign-in' },
  intro: { ja: '主催者から受け取った TA トークンを入力してください。', en: 'Enter the TA token the organizers gave you.' },
  token: { ja: 'トークン', en: 'Token' },
  wrong: { ja: 'トークンが正しくありません。', en: 'That token is not valid.' },
  tooMany: { ja: '試行が多すぎます。1 分ほど待ってからもう一度どうぞ。', en: 'Too many attempts. Please wait a minute and try again.' },
  off: {
    ja: 'ダッシュボードは無効です（TASUKE_TA_TOKENS が設定されていません）。',
    en: 'The dashboard is off (TASUKE_TA_TOKENS is not set).',
  },
  expired: { ja: 'セッションの期限が切れました。もう一度サインインしてください。', en: 'Your session has expired. Please sign in again.' },
} satisfies Words;

export const DASH = {
  queue: { ja: '対応待ちの質問', en: 'Open questions' },
  queueEmpty: { ja: '対応待ちの質問はありません。🎉', en: 'No open questions. 🎉' },
  drafts: { ja: 'ナレッジの下書き', en: 'Knowledge drafts' },
  draftsEmpty: { ja: '承認待ちの下書きはありません。', en: 'No drafts waiting for approval.' },
  jobs: { ja: '学習ジョブ', en: 'Training jobs' },
  jobsEmpty: { ja: 'ジョブはまだありません。', en: 'No jobs yet.' },
  knowledge: { ja: 'ナレッジベース', en: 'Knowledge base' },
  figures: { ja: '今日の数字', en: "Today's figures" },
  recent: { ja: '最近閉じた質問', en: 'Recently closed' },
  question: { ja: '質問', en: 'Question' },
  asker: { ja: '質問者', en: 'Asked by' },
  waiting: { ja: '待ち時間', en: 'Waiting' },
  reason: { ja: '理由', en: 'Reason' },
  state: { ja: '状態', en: 'State' },
  attempt: { ja: 'tasuke の回答', en: "tasuke's attempt" },
  confidence: { ja: '確信度', en: 'confidence' },
  thread: { ja: 'スレッドを開く', en: 'Open the thread' },
  claim: { ja: '担当する', en: 'Claim' },
  claimedBy: { ja: '担当:', en: 'Claimed by' },
  resolve: { ja: '回答して解決', en: 'Resolve with this answer' },
  answerPlaceholder: { ja: '質問者への回答（ナレッジの下書きにもなります）', en: 'Your answer to the asker (it also becomes a knowledge draft)' },
  dismiss: { ja: '対応不要として閉じる', en: 'Dismiss' },
  dismissNote: { ja: 'メモ（任意）', en: 'Note (optional)' },
  resolvedBy: { ja: '解決:', en: 'Resolved by' },
  title: { ja: 'タイトル', en: 'Title' },
  lang: { ja: '言語', en: 'Language' },
  topics: { ja: 'トピック（1〜3 個）', en: 'Topics (1 to 3)' },
  questions: { ja: '質問の言い方（1 行に 1 つ）', en: 'Ways of asking (one per line)' },
  lesson: { ja: 'レッスン（任意）', en: 'Lesson (optional)' },
  body: { ja: '本文（回答）', en: 'Body (the answer)' },
  save: { ja: '保存', en: 'Save' },
  approve: { ja: '承認してナレッジに追加', en: 'Approve and add to the knowledge' },
  reject: { ja: '却下', en: 'Reject' },
  fromEscalation: { ja: '元の質問', en: 'From the question' },
  entryId: { ja: 'エントリ ID', en: 'Entry id' },
  user: { ja: '利用者', en: 'User' },
  backend: { ja: 'バックエンド', en: 'Backend' },
  duration: { ja: '時間', en: 'Duration' },
  created: { ja: '作成', en: 'Created' },
  allTopics: { ja: 'すべてのトピック', en: 'All topics' },
  entries: { ja: '件', en: 'entries' },
  learned: { ja: 'TA の回答から学習', en: 'learned from a TA' },
  conversation: { ja: '会話', en: 'Conversation' },
  newItems: { ja: '新しい質問があります。再読み込みしてください。', en: 'New questions have arrived. Reload to see them.' },
  day: { ja: '日付', en: 'Day' },
  show: { ja: '表示', en: 'Show' },
  figQuestions: { ja: '質問', en: 'Questions' },
  figAnswered: { ja: 'tasuke が回答', en: 'Answered by tasuke' },
  figEscalated: { ja: 'TA に引き継ぎ', en: 'Escalated' },
  figRefused: { ja: '回答せず', en: 'Refused' },
  figHelpful: { ja: '👍', en: '👍' },
  figNotHelpful: { ja: '👎', en: '👎' },
  figMedian: { ja: 'TA の初回返信までの時間（中央値）', en: "Median time to a TA's first response" },
  figResponses: { ja: '件の返信から', en: 'responses' },
  figMostAsked: { ja: 'よく聞かれたトピック', en: 'Most-asked topics' },
  figMostEscalated: { ja: 'tasuke が TA に回したトピック（ナレッジの穴）', en: 'Topics tasuke escalates most (gaps in the knowledge)' },
  figByHour: { ja: '時間帯ごとの質問と引き継ぎ', en: 'Questions and escalations by hour' },
  figNoTopic: { ja: '（トピック不明）', en: '(no topic)' },
  noData: { ja: 'データはまだありません。', en: 'No data yet.' },
} satisfies Words;

export const REASONS: Record<EscalationReason, Bilingual> = {
  tasuke: { ja: 'tasuke が判断', en: 'tasuke was unsure' },
  'not-helpful': { ja: '👎 が押された', en: 'asker pressed 👎' },
  asked: { ja: '「TA に聞く」', en: '"Ask a TA"' },
  unanswered: { ja: '時間内に返信なし', en: 'nobody answered in time' },
};

export const ESC_STATES: Record<EscalationState, Bilingual> = {
  open: { ja: '未対応', en: 'open' },
  claimed: { ja: '対応中', en: 'claimed' },
  resolved: { ja: '解決済み', en: 'resolved' },
  dismissed: { ja: '対応不要', en: 'dismissed' },
};

/** Notices shown after a dashboard action (the redirect carries only the key). */
export const NOTICES = {
  claimed: { ja: '担当にしました。', en: 'Claimed.' },
  resolved: { ja: '解決済みにしました。回答からナレッジの下書きを作ります。', en: 'Resolved. A knowledge draft is being made from your answer.' },
  dismissed: { ja: '対応不要として閉じました。', en: 'Dismissed.' },
  saved: { ja: '下書きを保存しました。', en: 'Draft saved.' },
  approved: { ja: '承認しました。ナレッジに追加し、すぐに回答に使われます。', en: 'Approved: the entry is in the knowledge base and answers questions now.' },
  rejected: { ja: '下書きを却下しました。', en: 'Draft rejected.' },
  signedIn: { ja: 'サインインしました。', en: 'Signed in.' },
} satisfies Words;

export type NoticeKey = keyof typeof NOTICES;

export function isNoticeKey(v: unknown): v is NoticeKey {
  return typeof v === 'string' && Object.hasOwn(NOTICES, v);
}

/** What a field of a form must be, for the message of bad input. */
export const FIELDS: Record<string, Bilingual> = {
  question: { ja: '質問は 1〜8,000 文字で入力してください。', en: 'A question must be 1 to 8,000 characters.' },
  value: { ja: 'フィードバックは helpful か not-helpful です。', en: 'Feedback must be helpful or not-helpful.' },
  lesson: { ja: 'レッスンを選んでください。', en: 'Choose a lesson.' },
  epochs: { ja: 'エポック数は整数で入力してください。', en: 'Epochs must be a whole number.' },
  learningRate: { ja: '学習率は数値で入力してください。', en: 'The learning rate must be a number.' },
  batchSize: { ja: 'バッチサイズは整数で入力してください。', en: 'The batch size must be a whole number.' },
  seed: { ja: 'シードは 0 以上の整数で入力してください。', en: 'The seed must be a whole number, 0 or more.' },
  answer: { ja: '回答は 1〜8,000 文字で入力してください。', en: 'An answer must be 1 to 8,000 characters.' },
  note: { ja: 'メモは 2,000 文字までです。', en: 'A note can have at most 2,000 characters.' },
  token: { ja: 'トークンを入力してください。', en: 'Enter your token.' },
  title: { ja: 'タイトルは 200 文字までです。', en: 'A title can have at most 200 characters.' },
  topics: { ja: 'トピックを選び直してください。', en: 'Choose the topics again.' },
  questions: { ja: '質問の言い方は 2,000 文字までです。', en: 'The ways of asking can have at most 2,000 characters.' },
  body: { ja: '本文は 4,000 文字までです。', en: 'The body can have at most 4,000 characters.' },
  action: { ja: '操作が正しくありません。', en: 'Unknown action.' },
  day: { ja: '日付は YYYY-MM-DD で指定してください。', en: 'The day must be YYYY-MM-DD.' },
};

export const INVALID = {
  heading: { ja: '入力を確認してください:', en: 'Please check your input:' },
  other: { ja: '入力が正しくありません。', en: 'The input is not valid.' },
} satisfies Words;

/** "3 min", "1 h 05 min": a waiting time. */
export function waited(ms: number, lang: Lang): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return lang === 'ja' ? `${s} 秒` : `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return lang === 'ja' ? `${m} 分` : `${m} min`;
  const h = Math.floor(m / 60);
  const mm = String(m % 60).padStart(2, '0');
  return lang === 'ja' ? `${h} 時間 ${mm} 分` : `${h} h ${mm} min`;
}

/** The words of `lang` from a table of Bilingual. */
export function t(lang: Lang): (w: Bilingual) => string {
  return (w) => w[lang];
}
