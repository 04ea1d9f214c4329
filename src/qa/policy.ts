/**
 * What tasuke does with a question before and after retrieval: refuse input
 * that is not a question (empty, emoji spam, keyboard mashing) or that tries to
 * steer the assistant (prompt injection, role-play jailbreaks); hand
 * out-of-scope questions (logistics, certificates, payment, accounts, broken
 * infrastructure, personal or unrelated requests) and weak matches to a TA;
 * answer requests for the graded final exercise's solution with a hint only.
 * Every refusal and escalation says, in the asker's language, what happens next.
 */
import type { Bilingual, Lang } from '../core/lang.ts';

export type Action = 'answer' | 'escalate' | 'refuse';

/** Why the action was chosen; kept outside the answer contract (for logs and the eval). */
export type Reason =
  | 'answered'
  | 'assessment-hint'
  | 'low-confidence'
  | 'empty'
  | 'emoji-spam'
  | 'gibberish'
  | 'prompt-injection'
  | 'abuse'
  | 'out-of-scope:logistics'
  | 'out-of-scope:certificate'
  | 'out-of-scope:payment'
  | 'out-of-scope:account'
  | 'out-of-scope:infrastructure'
  | 'out-of-scope:personal'
  | 'out-of-scope:unrelated';

export interface Screening {
  /** 'ok' = go on to retrieval; 'assessment' = retrieve, then answer with a hint only. */
  verdict: 'ok' | 'refuse' | 'escalate' | 'assessment';
  reason: Reason;
  /** The text to retrieve with (long pastes are cut down to the question and the error lines). */
  focus: string;
}

/** Inputs longer than this are reduced to their question and error lines before analysis. */
export const FOCUS_LIMIT = 1200;

const EMOJI = /\p{Extended_Pictographic}/gu;
const LETTER = /[\p{L}\p{N}]/gu;

const INJECTION: RegExp[] = [
  /\b(ignore|disregard|forget|override|bypass)\b.{0,30}\b(previous|prior|above|earlier|all|your|the|any)\b.{0,20}\b(instructions?|prompts?|rules?|guidelines?|directions?|context|restrictions?)/i,
  /\b(print|show|reveal|repeat|tell|output|display|give|leak|dump|what)\b.{0,25}\b(system|initial|hidden|original|developer|secret)\s*(prompt|instructions?|message|rules)/i,
  /\bsystem prompt\b/i,
  /\bignore (the |everything |all )?(above|previous|prior|before|earlier)\b(?!\s+(warnings?|errors?|messages?|outputs?|cells?|lines?|logs?|results?))/i,
  /\b(what|which) (were|are|have) you (been )?(told|instructed|programmed|prompted)\b/i,
  /\brepeat (the |all |everything )?(text|words|message|instructions|above)\b.{0,30}(above|before|you are)/i,
  /\b(output|print|show|reveal|dump) (your|the) (configuration|config|settings|rules|instructions)\b/i,
  /\b(you are now|from now on,? you are|pretend (to be|you are|that you)|act as (if|an? (unrestricted|evil|different|jailbroken))|roleplay as|role-play as|play the role of)\b/i,
  /\b(jailbreak|jailbroken|dan mode|developer mode|do anything now|no restrictions|without (any )?(restrictions|filters|rules))\b/i,
  /(これまで|今まで|以前|前|上|上記|先ほど|最初|すべて|全て)の?(指示|命令|ルール|設定|プロンプト|制約).{0,8}(無視|忘れ|破棄|リセット)/,
  /(指示|命令|ルール|制約|制限).{0,6}(無視して|忘れて|解除して|取り払って)/,
  /システム\s*プロンプト/,
  /(プロンプト|内部の?指示|初期設定|隠された指示).{0,8}(表示|教えて|見せて|出力|開示|書き出)/,
  /(なりきって|なりきり|ロールプレイ|ロール・プレイ|演じて|になったつもり|脱獄|ジェイルブレイク|制限を解除|制限なしで|開発者モード)/,
  /(今から|これから|以後|以降|ここから)(は)?、?(あなた|君|お前|きみ)は/,
  /(以上|上記|これまで|今まで|前|最初)の(内容|会話|やりとり|やり取り|文章|話)?を?(すべて|全て|全部)?(忘れ|無視)/,
  /(あなた|君|きみ|お前|tasuke)(の|に(与えられ|設定され|書かれ)(た|ている))(設定|指示|命令|ルール|プロンプト|制約)/i,
  /(安全|セーフティ|倫理)(制限|装置|フィルター?|ガード)を?(外し|外して|解除|無効|オフ)|制限を(外して|解除して)/,
  /(開発者|管理者|運営)として(命令|指示)/,
  /(制限|制約|ルール|フィルター?)(の|が)(ない|無い)\s*(AI|ＡＩ|アシスタント|ボット|bot)/i,
  // Asking for other people's data is never a course question.
  /(他の|ほかの|全員の|みんなの)(参加者|受講者|受講生|人|ユーザー?)の?(質問|履歴|メール|アドレス|個人情報|名前|連絡先|チケット)/,
  /\b(other|all (the )?)(participants?|students?|users?|attendees?)'?s? (questions?|history|e-?mails?|addresses|names|data|tickets)\b/i,
  /\b(list|show|dump|give me) (all )?(the )?(open )?(ta )?(tickets|escalations|questions) (with|and) (the )?(names|emails)\b/i,
];

/** Insults: refused when nothing answerable comes with them, otherwise ignored. */
const ABUSE = [
  /(バカ|ばか|馬鹿|アホ|あほ|使えね|役立たず|クソ|くそボット|ポンコツ|死ね|うざい|ウザい)/,
  /\b(stupid|idiot|useless|dumb|moron|shut up|suck|sucks|garbage|trash|wtf)\b/i,
];

export function isAbusive(text: string): boolean {
  return ABUSE.some((r) => r.test(text.normalize('NFKC')));
}

interface ScopeRule {
  reason: Reason;
  patterns: RegExp[];
}

const OUT_OF_SCOPE: ScopeRule[] = [
  {
    reason: 'out-of-scope:certificate',
    patterns: [/(修了証|受講証明|証明書|修了証明|認定証|バッジ)/, /\b(certificates?|certification|certified|credentials? (of|for) (completion|the course)|badge)\b/i],
  },
  {
    reason: 'out-of-scope:payment',
    patterns: [
      /(返金|払い戻し|払い戻|支払|請求書|領収書|受講料|参加費|料金|キャンセル料|クレジットカード|振込|割引|インボイス)/,
      /\b(refunds?|payments?|pay for|invoices?|receipts?|billing|billed|charged|fees?|price|pricing|discount|credit card|reimburse\w*)\b/i,
    ],
  },
  // A broken or unreachable environment (instance stopped, SSH or JupyterLab
  // timing out, 502) needs an organizer, even when the asker says "log in".
  // Checked before the account rules: "ログインできません、SSHがタイムアウト"
  // is about the instance, not about a password.
  {
    reason: 'out-of-scope:infrastructure',
    patterns: [
      /(インスタンス|サーバー?|jupyter ?(lab|hub)?|ジュピター|gpu ?(マシン|サーバー?|インスタンス)|ssh).{0,30}(タイムアウト|time ?out|timed out|502|503|504|bad gateway|応答しない|応答がない|応答しません|落ちて(い|る|ま)|ダウンして|接続が拒否|refused)/i,
      /(インスタンス|サーバー?|gpu ?(マシン|サーバー?|インスタンス)).{0,20}(停止して|停止され|停止中|止まってい|止まりました|止まった|起動しない|起動しません|起動でき)/i,
      /\bssh\b.{0,40}(繋がらない|つながらない|繋がりません|つながりません|接続でき|接続出来|入れない|入れません|ログインでき|ログイン出来|timed? ?out|refused|reset|hangs?|hanging|fails?|failed|doesn'?t work|not working|can'?t connect|cannot connect)/i,
      /(繋がらない|つながらない|接続できない|ログインできない|入れない|タイムアウト).{0,20}\bssh\b/i,
      /\b(can'?t|cannot|unable to|couldn'?t) (ssh|connect|log ?in|get in)\b.{0,30}\b(instance|server|gpu (machine|box|server|instance)|vm|jupyter(lab|hub)?)\b.{0,40}\b(time[sd]? ?out|timing out|502|503|504|refused|unreachable|down|stopped)\b/i,
      /\b(instance|server|vm|gpu (machine|box))\b.{0,25}\b(is|was|got|has been|seems)\s+(stopped|shut ?down|terminated|down|offline|unreachable|not running)\b/i,
      /\b(ssh|port 22)\b.{0,40}\b(time[sd]? ?out|timing out|refused|unreachable|no route|hangs?)\b/i,
      /\bconnection (refused|reset|timed out)\b|\bbad gateway\b|\bpermission denied \(publickey\)/i,
    ],
  },
  {
    reason: 'out-of-scope:account',
    patterns: [
      /(パスワード|パスコード|ログイン情報|認証情報|ユーザー名|ユーザ名|ユーザーid|二段階認証|2段階認証|アカウント.{0,10}(ロック|停止|無効|凍結|作れ|作成|登録)|(jupyter|ログイン|アクセス)の?トークン)/i,
      /\b(password|passcode|username|user name|2fa|two-factor|credentials?|(jupyter|login|access) token)\b/i,
      /\b(my|your|the course|workshop|discord) account\b|\baccount (is )?(locked|disabled|suspended|blocked|access)/i,
    ],
  },
  {
    reason: 'out-of-scope:infrastructure',
    patterns: [
      /(インスタンス|サーバー?|jupyter ?(lab|hub)?|ジュピター|ラボ|ブラウザ|ページ|url|リンク|gpu ?(マシン|サーバー?|インスタンス)|環境|ノートブック).{0,25}(繋がらない|つながらない|繋がりません|つながりません|接続でき|接続出来|開かない|開けない|開きません|表示されない|真っ白|起動しない|起動でき|起動しません|応答しない|応答がない|タイムアウト|502|503|504|bad gateway|落ちて(い|る|ま)|ダウンして|アクセスでき|アクセス出来|入れない|入れません|読み込み中のまま|ロード中のまま|ログインでき|ログイン出来)/i,
      /(繋がらない|つながらない|接続できない|アクセスできない).{0,15}(インスタンス|サーバー?|jupyter|ジュピター|gpu|環境)/i,
      /\b(instance|server|jupyter(lab|hub)?|notebook server|lab|gpu (machine|box|server|instance)|environment|page|link|url|hub)\b.{0,40}\b(unreachable|not reachable|can'?t (connect|reach|access|open|load)|cannot (connect|reach|access|open|load)|won'?t (load|open|start|connect)|doesn'?t (load|open|start|respond)|not (loading|responding|starting|available)|is down|went down|502|503|504|bad gateway|timed? ?out|offline|crashed and)\b/i,
      /\b(can'?t|cannot|unable to) (connect|reach|access|open|get into|log ?in(to)?|sign ?in(to)?)\b.{0,30}\b(instance|server|jupyter(lab|hub)?|lab|gpu (machine|instance|server)|environment|vm)\b/i,
    ],
  },
  {
    // "I can't log in" with nothing saying what into: the account is the likelier cause.
    reason: 'out-of-scope:account',
    patterns: [
      /(ログインでき|ログイン出来|ログインが|サインインでき|アカウント)/,
      /\b(log ?in|login|sign ?in|signin)\b/i,
    ],
  },
  {
    reason: 'out-of-scope:logistics',
    patterns: [
      /(休憩|昼休み|昼食|お昼|ランチ|トイレ|会場|駐車場|wi-?fi|遅刻|早退|欠席|出欠|次回の(講座|回)|タイムテーブル|時間割|(講座|当日|今日|本日|研修|ワークショップ|午後|午前)の?(スケジュール|日程|予定)|録画|アーカイブ配信|懇親会|アンケート|締め切り|締切|提出期限|何時(まで|から|に|頃)|終了時刻|開始時刻|終わる時間|始まる時間)/i,
      /(スライド|資料|テキスト).{0,8}(もらえ|配布|共有して|送って|ダウンロードでき|いただけ)/,
      /(講師|先生|インストラクター|TA)の?(名前|連絡先|メール|経歴|プロフィール)/i,
      /\b(instructor|teacher|lecturer|trainer)'?s? (name|email|contact|bio)\b|\bwho is the (instructor|teacher|lecturer|trainer)\b/i,
      /\b(lunch|coffee break|break time|restroom|toilet|bathroom|parking|venue|wi-?fi|(today'?s|the course|the workshop|class) schedule|agenda|timetable|recording|recorded|attendance|deadline|due date|survey|what time (is|does|do|will|should) (the |we |today'?s )?(lunch|break|session|workshop|class|course|day|start|end|finish|begin)|when does (the|today'?s)? ?(session|workshop|course|class|day|lunch|break)|next session|leave early|arrive late|be late)\b/i,
      /\b(slides?|materials?|handouts?)\b.{0,25}\b(get|share|send|download|copy|available|access)\b/i,
    ],
  },
  {
    reason: 'out-of-scope:personal',
    patterns: [
      /(付き合って|恋人|彼女|彼氏|結婚|デート|電話番号|住所|年齢|何歳|好きな食べ物|趣味は|転職|給料|年収|履歴書|職務経歴書|宿題をやって|悩み相談|人生相談)/,
      /\b(date me|girlfriend|boyfriend|marry|your (phone|address|age|favou?rite)|how old are you|my (resume|cv|homework|cover letter)|cover letter|salary|career advice|job interview|relationship advice)\b/i,
    ],
  },
  {
    reason: 'out-of-scope:unrelated',
    patterns: [
      /(天気|天候|レシピ|料理の作り方|為替|ビットコイン|仮想通貨|サッカー|野球|歌詞|俳句|占い|星座|首相|大統領|首都|観光|旅行|ホテル|おすすめの店|ラーメン|寿司)/,
      /\b(weather|recipe|cooking|bitcoin|crypto|football|soccer|baseball|lyrics|poem|haiku|horoscope|prime minister|president|capital of|tourist|travel|hotel|restaurant|sushi|ramen|write (me )?a (song|poem|story))\b/i,
    ],
  },
];

const ASSESSMENT_MENTION = [
  /(最終|修了|卒業|最後の|評価|採点(される|対象)?)(評価|の)?\s*(課題|テスト|試験|演習|問題|アセスメント|チャレンジ|プロジェクト)/,
  /アセスメント/,
  /\b(final|graded|capstone|end-of-course|certification)\s*(assessment|exercise|exam|project|assignment|test|quiz|challenge|task|lab)\b/i,
  /\bassessment\b/i,
];
const SOLUTION_ASK = [
  /(答え|解答|正解|回答例|模範|解き方|やり方を全部|コード|ソース|全部|丸ごと|そのまま|完成|提出用|書いて|教えて|見せて|ください|下さい|お願い|ほしい|欲しい|どうやって|どうすれば)/,
  /\b(solution|answers?|solve|solved|code|complete|finish|do it|write|give|show|full|entire|pass|how (do|can|should) i|what should)\b/i,
];

/**
 * The request for the graded exercise's solution taken out of a question
 * ("最終課題の答えを教えて", "the final assessment's solution code"), leaving
 * what it is about, so that those words do not pull retrieval towards entries
 * that merely mention answers, code or steps.
 */
export function assessmentTopicText(text: string): string {
  let t = text.normalize('NFKC');
  for (const r of [...ASSESSMENT_MENTION, ...SOLUTION_ASK]) t = t.replace(new RegExp(r.source, r.flags.includes('g') ? r.flags : `${r.flags}g`), ' ');
  return t.replace(/\s+/g, ' ').trim();
}

/** Reduces a long paste to what matters: the asker's own words and the error lines. */
export function focusQuestion(text: string): string {
  if (text.length <= FOCUS_LIMIT) return text;
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd());
  const isTrace = (l: string) =>
    /^\s+/.test(l) || /^(File |Traceback|\s*at |-{3,}|\s*\^)/.test(l.trim()) || /^[\s\d|:>-]*$/.test(l);
  const prose = lines.filter((l) => l.trim() && !isTrace(l) && !/(Error|Exception|Warning)\b/.test(l)).slice(0, 4);
  const errors = lines.filter((l) => /(Error|Exception|エラー)/.test(l)).map((l) => l.trim());
  const lastErrors = [...new Set(errors)].slice(-2);
  const tail = lines.filter((l) => l.trim()).slice(-2).map((l) => l.trim());
  const parts = [...new Set([...prose.map((l) => l.trim().slice(0, 300)), ...lastErrors.map((l) => l.slice(0, 300)), ...tail.map((l) => l.slice(0, 300))])];
  return parts.join('\n').slice(0, FOCUS_LIMIT);
}

/** Greetings and fillers with no question in them. */
const GREETING_ONLY =
  /^(hi|hello|hey|yo|ok|okay|test|testing|thanks|thankyou|thx|bye|ありがとう(ございます|ございました)?|こんにちは|こんばんは|おはよう(ございます)?|よろしく(お願いします|おねがいします)?|テスト|てすと|はい|うん|了解(です)?|お疲れ様(です)?|おつかれさま(です)?|どうも)+$/i;

/** Words without (many) vowels that are not key mashing. */
const TECH_WORDS = new Set(
  'lstm lstms rmsprop mlp mlps cnns rnns nlp sgd mse rmse html http https xml csv tsv png jpg jpeg svg pdf npm ssh pwd cmd ctrl bfgs std fft dft ckpt pth hdf5 h5py tflite mps nccl nvcc nvml cpus gpus tpus bptt sqrt xlsx'.split(' '),
);

const KEY_ROWS = ['qwertyuiop', 'asdfghjkl;', 'zxcvbnm,.'];

function isGibberish(text: string): boolean {
  const t = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  const compact = t.replace(/[\s\p{P}\p{S}]/gu, '');
  if (compact.length >= 4 && new Set(compact).size <= 2) return true;
  // Japanese with real words is not mashing; IME mashing shows up as latin residue below.
  const kanjiKana = (t.match(/[\u30a0-\u30ff\u4e00-\u9fff]/g) ?? []).length;
  const latin = t.match(/[a-z]+/g) ?? [];
  const hiragana = (t.match(/[\u3040-\u309f]/g) ?? []).length;
  if (latin.length === 0) return false;
  const mash = (w: string) => {
    if (w.length < 4 || TECH_WORDS.has(w)) return false;
    const vowels = (w.match(/[aeiouy]/g) ?? []).length;
    if (vowels === 0 && w.length >= 4) return true;
    if (vowels / w.length < 0.2 && w.length >= 6) return true;
    if (/(asdf|qwer|zxcv|hjkl|jkl;|sdfg|dfgh|fghj|ghjk|uiop|wert|erty|rtyu|tyui|xcvb|cvbn|vbnm|lkjh|poiu|fdsa|mnbv)/.test(w)) return true;
    if (/(.)\1{3,}/.test(w)) return true;
    // Long runs typed along one keyboard row (qwpoeiruty, lkjhgfds).
    if (w.length >= 7 && KEY_ROWS.some((row) => [...w].every((ch) => row.includes(ch)))) return true;
    if (/^(\w{2,3})\1{2,}/.test(w)) return true;
    return false;
  };
  const mashed = latin.filter(mash);
  const letters = latin.join('').length;
  const mashedLetters = mashed.join('').length;
  // A long mashed run drowns whatever Japanese surrounds it.
  if (mashedLetters >= 12 && mashedLetters / letters >= 0.8) return true;
  if (kanjiKana >= 2) return false;
  if (hiragana > 0 && mashedLetters >= 6 && mashedLetters / letters >= 0.5) return true;
  return mashedLetters >= 4 && mashedLetters / letters >= 0.6;
}

/** Looks at the raw question and decides whether it goes on to retrieval. */
export function screen(question: string): Screening {
  const focus = focusQuestion(question);
  const raw = question.trim();
  const letters = raw.match(LETTER)?.length ?? 0;
  const emoji = raw.match(EMOJI)?.length ?? 0;
  if (letters < 2 && emoji === 0) return { verdict: 'refuse', reason: 'empty', focus };
  if (GREETING_ONLY.test(raw.normalize('NFKC').replace(/[\s\p{P}\p{S}]/gu, ''))) return { verdict: 'refuse', reason: 'empty', focus };
  if (emoji > 0 && (letters < 4 || emoji * 3 >= letters)) return { verdict: 'refuse', reason: 'emoji-spam', focus };
  if (INJECTION.some((r) => r.test(raw))) return { verdict: 'refuse', reason: 'prompt-injection', focus };
  if (raw.length < 200 && isGibberish(raw)) return { verdict: 'refuse', reason: 'gibberish', focus };
  const head = focus.normalize('NFKC');
  if (ASSESSMENT_MENTION.some((r) => r.test(head)) && SOLUTION_ASK.some((r) => r.test(head))) {
    // "When is the final assessment due?" is logistics, not a request for the solution.
    const logistics = OUT_OF_SCOPE.find((r) => r.reason === 'out-of-scope:logistics');
    if (!logistics?.patterns.some((p) => p.test(head)) || /(答え|解答|正解|solution|answer)/i.test(head)) {
      return { verdict: 'assessment', reason: 'assessment-hint', focus };
    }
  }
  for (const rule of OUT_OF_SCOPE) {
    if (rule.patterns.some((p) => p.test(head))) return { verdict: 'escalate', reason: rule.reason, focus };
  }
  return { verdict: 'ok', reason: 'answered', focus };
}

/** Decides after retrieval: answer only when confident enough. */
export function decide(confidence: number, threshold: number): { action: Action; reason: Reason } {
  return confidence >= threshold ? { action: 'answer', reason: 'answered' } : { action: 'escalate', reason: 'low-confidence' };
}

const NEXT_TA: Bilingual = {
  ja: 'TA に引き継ぎました。TA から返信がありますので、少しお待ちください。',
  en: 'I have passed this to a TA, who will reply shortly.',
};

const MESSAGES: Record<Exclude<Reason, 'answered' | 'assessment-hint'>, Bilingual> = {
  empty: {
    ja: '質問の内容が読み取れませんでした。知りたいことを文章で書いてください（例：「エポックとは何ですか？」）。',
    en: 'I could not find a question in that. Please write what you would like to know, for example "What is an epoch?".',
  },
  'emoji-spam': {
    ja: '絵文字だけでは質問として受け取れませんでした。講座の内容について、知りたいことを文章で書いてください。',
    en: 'I can only answer questions written in words. Please describe what you would like to know about the course material.',
  },
  gibberish: {
    ja: '入力が読み取れませんでした（キーの誤入力かもしれません）。質問を文章で書き直してください。',
    en: 'I could not read that (it looks like stray key presses). Please write your question again in words.',
  },
  'prompt-injection': {
    ja: 'その依頼にはお応えできません。tasuke はこの講座（ディープラーニングの基礎）の内容についての質問に答えます。講座について知りたいことを質問してください。',
    en: 'I can’t do that. I answer questions about this course (Fundamentals of Deep Learning); please ask me something about the course material.',
  },
  abuse: {
    ja: '強い言葉が届きましたが、質問の内容が読み取れませんでした。困っていることを具体的に書いてもらえれば一緒に考えます（例：どのセルで、どんなエラーが出たか）。',
    en: 'I hear the frustration, but I could not find a question in that. Tell me what went wrong (which cell, which error) and I will help.',
  },
  'low-confidence': {
    ja: `この質問に確実に答えられる資料が見つからなかったため、${NEXT_TA.ja}エラーメッセージの全文や、実行したセルの内容を書き足してもらえると助かります。`,
    en: `I could not find material that answers this reliably. ${NEXT_TA.en} Adding the full error message or the cell you ran will help.`,
  },
  'out-of-scope:logistics': {
    ja: `日程や会場などの運営に関する質問は tasuke では答えられないため、${NEXT_TA.ja}`,
    en: `Questions about the schedule, venue or organisation are outside what I can answer. ${NEXT_TA.en}`,
  },
  'out-of-scope:certificate': {
    ja: `修了証や証明書については運営スタッフが対応します。${NEXT_TA.ja}`,
    en: `Certificates are handled by the organisers. ${NEXT_TA.en}`,
  },
  'out-of-scope:payment': {
    ja: `お支払い・返金に関するご質問は運営スタッフが対応します。${NEXT_TA.ja}`,
    en: `Payment and refund questions are handled by the organisers. ${NEXT_TA.en}`,
  },
  'out-of-scope:account': {
    ja: `アカウントやパスワードの問題は tasuke では確認できません。${NEXT_TA.ja}パスワードそのものはチャットに書かないでください。`,
    en: `I can’t look into accounts or passwords. ${NEXT_TA.en} Please don’t post your password in the chat.`,
  },
  'out-of-scope:infrastructure': {
    ja: `GPU インスタンスや JupyterLab に接続できない・タイムアウトする・停止しているといった環境の問題は、運営側が確認して直す必要があります。${NEXT_TA.ja}表示されているエラー（502、タイムアウトなど）、開こうとした URL、いつから起きているかを書き添えてもらえると早く対応できます。`,
    en: `An instance or JupyterLab that can’t be reached, times out or has stopped is an environment problem the organizers need to fix. ${NEXT_TA.en} Posting what you see (the error, such as 502 or a timeout), the URL you opened and since when it happens speeds it up.`,
  },
  'out-of-scope:personal': {
    ja: `個人的なご相談には tasuke はお答えできません。${NEXT_TA.ja}講座の内容についての質問ならいつでもどうぞ。`,
    en: `I can’t help with personal requests. ${NEXT_TA.en} Questions about the course material are always welcome.`,
  },
  'out-of-scope:unrelated': {
    ja: `tasuke はこの講座（ディープラーニングの基礎）の内容についてだけ答えます。${NEXT_TA.ja}`,
    en: `I only answer questions about this course (Fundamentals of Deep Learning). ${NEXT_TA.en}`,
  },
};

/** The short message shown for a refusal or escalation, in the asker's language. */
export function messageFor(reason: Reason, lang: Lang): string {
  if (reason === 'answered' || reason === 'assessment-hint') return '';
  return MESSAGES[reason][lang];
}
