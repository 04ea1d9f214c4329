/**
 * The shapes of what the web accepts (JSON from the page's script, or a plain
 * form), checked with zod before anything reaches the core. Ranges of
 * training parameters are the lesson's to check (its bilingual messages name
 * the limits); here only their types.
 */
import { z } from 'zod';

/** An empty form field means "not given". */
const blank = (v: unknown) => (v === '' || v === null ? undefined : v);
const optNumber = z.preprocess(blank, z.coerce.number().finite().optional());
const optInt = z.preprocess(blank, z.coerce.number().int().optional());
/** A `<select multiple>` sends one value as a string and several as an array. */
const list = z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().trim().max(60)).max(10));

export const AskBody = z.object({
  question: z.string().trim().min(1).max(8000),
});

export const FeedbackBody = z.object({
  value: z.enum(['helpful', 'not-helpful']),
});

export const TrainBody = z.object({
  lesson: z.string().trim().min(1).max(40).regex(/^[a-z0-9-]+$/),
  epochs: optInt,
  learningRate: optNumber,
  batchSize: optInt,
  seed: z.preprocess(blank, z.coerce.number().int().min(0).optional()),
  lang: z.preprocess(blank, z.enum(['ja', 'en']).optional()),
});

export const ResolveBody = z.object({
  answer: z.string().trim().min(1).max(8000),
});

export const DismissBody = z.object({
  note: z.preprocess(blank, z.string().trim().max(2000).optional()),
});

export const SigninBody = z.object({
  token: z.string().min(1).max(500),
  next: z.preprocess(blank, z.string().max(300).optional()),
});

export const DraftBody = z.object({
  action: z.enum(['save', 'approve', 'reject']),
  title: z.string().max(200).optional(),
  topics: list.optional(),
  questions: z.string().max(2000).optional(),
  lesson: z.preprocess(blank, z.string().max(20).optional()),
  body: z.string().max(4000).optional(),
});

/** Path ids: the core's id alphabets, nothing that could reach a file path. */
export const AnswerId = z.string().regex(/^a-[a-z0-9]{4,40}$/);
export const JobId = z.string().regex(/^[a-z][a-z0-9]{3,40}$/);
export const EscalationId = z.string().regex(/^e-[a-z0-9]{4,40}$/);
export const DraftId = z.string().regex(/^d-[a-z0-9]{4,40}$/);
export const Day = z.preprocess(blank, z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional());
