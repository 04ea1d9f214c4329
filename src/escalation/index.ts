/** Escalations: questions handed to a human TA (open → claimed → resolved | dismissed). */
export { EscalationStore, ESCALATION_MIGRATIONS, newEscalationId } from './store.ts';
export { Conversations, CONVERSATION_MIGRATIONS, attemptOf, type TaResponse } from './conversations.ts';
export { createSweeper, type Sweeper } from './sweeper.ts';
export { KnowledgeDrafts, DRAFT_MIGRATIONS, learnFromResolutions, suggestTopics, type KnowledgeDraft, type DraftFields } from './drafts.ts';
export * from './types.ts';
export * from './messages.ts';
