/**
 * The custom ids of tasuke's buttons and modals. A custom id carries
 * everything its handler needs (an answer id, a job id, an escalation id,
 * a lesson id), never state kept in memory, so a button still works after the
 * bot restarts. Discord limits a custom id to 100 characters; every id here
 * is far shorter.
 */
import type { Lang } from '../core/lang.ts';

/** What a button or modal asks for once its custom id is read. */
export type CustomAction =
  | { kind: 'feedback'; value: 'helpful' | 'not-helpful'; answerId: string }
  | { kind: 'ask-ta'; answerId: string }
  | { kind: 'try'; lessonId: string; lang?: Lang }
  | { kind: 'cancel-job'; jobId: string }
  | { kind: 'claim'; escalationId: string }
  | { kind: 'resolve'; escalationId: string }
  | { kind: 'resolve-modal'; escalationId: string };

const SAFE = /^[A-Za-z0-9_-]{1,64}$/;

/** The custom id of `action`. */
export function customId(action: CustomAction): string {
  switch (action.kind) {
    case 'feedback':
      return `answer:${action.value === 'helpful' ? 'up' : 'down'}:${action.answerId}`;
    case 'ask-ta':
      return `answer:ta:${action.answerId}`;
    case 'try':
      return action.lang ? `try:${action.lang}:${action.lessonId}` : `try:${action.lessonId}`;
    case 'cancel-job':
      return `job:cancel:${action.jobId}`;
    case 'claim':
      return `esc:claim:${action.escalationId}`;
    case 'resolve':
      return `esc:resolve:${action.escalationId}`;
    case 'resolve-modal':
      return `esc:resolved:${action.escalationId}`;
  }
}

/** Reads a custom id; `undefined` for one that is not tasuke's (or is malformed). */
export function parseCustomId(id: string): CustomAction | undefined {
  const parts = id.split(':');
  const last = parts[parts.length - 1];
  if (!SAFE.test(last)) return undefined;
  const head = parts.slice(0, -1).join(':');
  switch (head) {
    case 'answer:up':
      return { kind: 'feedback', value: 'helpful', answerId: last };
    case 'answer:down':
      return { kind: 'feedback', value: 'not-helpful', answerId: last };
    case 'answer:ta':
      return { kind: 'ask-ta', answerId: last };
    case 'try':
      return { kind: 'try', lessonId: last };
    case 'try:ja':
    case 'try:en':
      return { kind: 'try', lessonId: last, lang: head === 'try:ja' ? 'ja' : 'en' };
    case 'job:cancel':
      return { kind: 'cancel-job', jobId: last };
    case 'esc:claim':
      return { kind: 'claim', escalationId: last };
    case 'esc:resolve':
      return { kind: 'resolve', escalationId: last };
    case 'esc:resolved':
      return { kind: 'resolve-modal', escalationId: last };
    default:
      return undefined;
  }
}
