/** Every text about an escalation that a participant or TA reads, in Japanese and English. */
import { UserError } from '../core/errors.ts';
import type { Bilingual } from '../core/lang.ts';
import type { Escalation } from './types.ts';

/** What the asker sees when their question went to a TA. */
export const TA_CALLED: Bilingual = {
  ja: 'TA を呼びました。TA から返信があるまで少しお待ちください。',
  en: 'A TA has been called and will reply shortly.',
};

/** What the asker sees when the same question was already passed on. */
export const TA_ALREADY_CALLED: Bilingual = {
  ja: 'この質問はすでに TA に引き継いでいます。返信まで少しお待ちください。',
  en: 'This question has already been passed to a TA; they will reply shortly.',
};

/**
 * What the asker sees when nobody answered in time and the sweeper handed the
 * question to a TA (the face that shows it did not file it, so it says why).
 */
export const TA_CALLED_UNANSWERED: Bilingual = {
  ja: 'まだ誰からも回答がないので、TA を呼びました。返信まで少しお待ちください。',
  en: 'Nobody has answered yet, so a TA has been called and will reply shortly.',
};

export function claimedNotice(e: Escalation): Bilingual {
  const who = e.claimedBy?.name ?? '?';
  return { ja: `TA の ${who} さんが対応中です。`, en: `${who} (TA) is on it.` };
}

export function resolvedNotice(e: Escalation): Bilingual {
  const who = e.resolvedBy?.name ?? '?';
  const answer = e.resolution?.trim();
  return answer
    ? { ja: `TA の ${who} さんからの回答:\n${answer}`, en: `Answer from ${who} (TA):\n${answer}` }
    : { ja: `TA の ${who} さんがこの質問を解決済みにしました。`, en: `${who} (TA) marked this question as resolved.` };
}

export function escalationNotFound(id: string): UserError {
  return new UserError('escalation.not-found', { ja: `引き継ぎ「${id}」は見つかりません。`, en: `There is no escalation "${id}".` }, { id });
}

export function alreadyClosed(e: Escalation): UserError {
  const state = e.state === 'resolved' ? { ja: '解決済み', en: 'resolved' } : { ja: '対応不要として閉じられています', en: 'dismissed' };
  return new UserError(
    'escalation.closed',
    { ja: `この引き継ぎはすでに${state.ja}。`, en: `This escalation is already ${state.en}.` },
    { id: e.id, state: e.state },
  );
}

export function claimedByOther(e: Escalation): UserError {
  const who = e.claimedBy?.name ?? '?';
  return new UserError(
    'escalation.claimed-by-other',
    { ja: `この引き継ぎは ${who} さんが対応中です。`, en: `${who} has already claimed this escalation.` },
    { id: e.id, claimedBy: e.claimedBy },
  );
}

/** A knowledge draft (from a TA's resolution) that does not exist. */
export function draftNotFound(id: string): UserError {
  return new UserError('draft.not-found', { ja: `下書き「${id}」は見つかりません。`, en: `There is no draft "${id}".` }, { id });
}

/** A draft already approved or rejected cannot change. */
export function draftDecided(id: string, state: 'approved' | 'rejected'): UserError {
  const s = state === 'approved' ? { ja: '承認済み', en: 'approved' } : { ja: '却下済み', en: 'rejected' };
  return new UserError('draft.decided', { ja: `下書き「${id}」はすでに${s.ja}です。`, en: `Draft "${id}" is already ${s.en}.` }, { id, state });
}

/**
 * A draft that would not be a valid knowledge entry: each problem in both
 * languages where tasuke knows it, the validator's own words otherwise.
 */
export function draftInvalid(id: string, problems: Bilingual[]): UserError {
  return new UserError(
    'draft.invalid',
    {
      ja: `この下書きはまだ承認できません:\n${problems.map((p) => `・${p.ja}`).join('\n')}`,
      en: `This draft cannot be approved yet:\n${problems.map((p) => `- ${p.en}`).join('\n')}`,
    },
    { id, problems: problems.map((p) => p.en) },
  );
}
