/** Escalations: questions handed to a human TA (open → claimed → resolved | dismissed). */
export { EscalationStore, ESCALATION_MIGRATIONS, newEscalationId } from './store.ts';
export * from './types.ts';
export * from './messages.ts';
