/**
 * `/train lesson: [epochs] [learning_rate] [batch_size] [seed]`: submits a
 * training job to the queue and follows it on one message.
 *
 * The options state each lesson's allowed ranges (built from the lesson
 * catalog by `trainCommandData`); Discord itself only checks the widest
 * range, and the exact check is the core's (`validateParams` inside
 * `jobs.submit`), whose message says what is allowed for that lesson.
 */
import {
  ApplicationCommandOptionType,
  type APIApplicationCommandBasicOption,
  type ChatInputCommandInteraction,
  type MessageComponentInteraction,
} from 'discord.js';
import { UserError } from '../../core/errors.ts';
import type { Bilingual, Lang } from '../../core/lang.ts';
import { isParamProblem, paramProblemText } from '../../training/words.ts';
import type { Lesson, NumericBound } from '../../training/lesson.ts';
import { boundOf, SEED_BOUND } from '../../training/params.ts';
import type { CommandData, FaceContext, SlashCommand, Turn } from '../context.ts';
import { localeLang } from '../lang.ts';
import { LIMITS, truncate } from '../render/limits.ts';
import { renderRun } from '../render/training.ts';

/** The numeric options of /train and the lesson parameter each one sets. */
export const TRAIN_OPTIONS = [
  { option: 'epochs', param: 'epochs', type: ApplicationCommandOptionType.Integer, ja: 'エポック数', label: { ja: 'エポック数', en: 'Epochs' } },
  { option: 'learning_rate', param: 'learningRate', type: ApplicationCommandOptionType.Number, ja: '学習率', label: { ja: '学習率', en: 'Learning rate' } },
  { option: 'batch_size', param: 'batchSize', type: ApplicationCommandOptionType.Integer, ja: 'バッチサイズ', label: { ja: 'バッチサイズ', en: 'Batch size' } },
  { option: 'seed', param: 'seed', type: ApplicationCommandOptionType.Integer, ja: 'シード', label: { ja: '乱数シード', en: 'Random seed' } },
] as const;

const fmt = (b: NumericBound) => `${b.min}–${b.max}`;

/**
 * One option's description in `lang`: the range per lesson when every
 * lesson's fits in Discord's 100 characters (lessons sharing a range listed
 * together), otherwise the widest range and a pointer to /lessons.
 */
export function rangeDescription(label: Bilingual, param: string, lessons: readonly Lesson[], lang: Lang): string {
  const groups = new Map<string, string[]>();
  let widest: NumericBound | undefined;
  for (const l of lessons) {
    const b = boundOf(l, param);
    if (!b) continue;
    widest = widest ? { min: Math.min(widest.min, b.min), max: Math.max(widest.max, b.max) } : { ...b };
    const key = fmt(b);
    groups.set(key, [...(groups.get(key) ?? []), l.id]);
  }
  if (!widest) {
    const fallback = param === 'seed' ? fmt(SEED_BOUND) : '';
    return truncate(fallback ? `${label[lang]}: ${fallback}` : label[lang], LIMITS.optionDescription);
  }
  const sep = lang === 'ja' ? '：' : ': ';
  if (groups.size === 1) return truncate(`${label[lang]}${sep}${fmt(widest)}`, LIMITS.optionDescription);
  const perLesson = [...groups].map(([range, ids]) => `${ids.join(', ')} ${range}`).join('; ');
  const full = `${label[lang]}${sep}${perLesson}`;
  if (full.length <= LIMITS.optionDescription) return full;
  const short = lang === 'ja' ? `${label.ja}：${fmt(widest)}（範囲はレッスンごと。/lessons 参照）` : `${label.en}: ${fmt(widest)} (range depends on the lesson; see /lessons)`;
  return truncate(short, LIMITS.optionDescription);
}

/** The /train definition for `lessons`: per-lesson ranges in the descriptions, the widest as min/max. */
export function trainCommandData(lessons: readonly Lesson[]): CommandData {
  const numeric: APIApplicationCommandBasicOption[] = TRAIN_OPTIONS.map((o) => {
    const bounds = lessons.map((l) => boundOf(l, o.param)).filter((b): b is NumericBound => !!b);
    const min = bounds.length ? Math.min(...bounds.map((b) => b.min)) : o.param === 'seed' ? SEED_BOUND.min : undefined;
    const max = bounds.length ? Math.max(...bounds.map((b) => b.max)) : o.param === 'seed' ? SEED_BOUND.max : undefined;
    return {
      type: o.type,
      name: o.option,
      name_localizations: { ja: o.ja },
      description: rangeDescription(o.label, o.param, lessons, 'en'),
      description_localizations: { ja: rangeDescription(o.label, o.param, lessons, 'ja') },
      required: false,
      ...(min !== undefined ? { min_value: min } : {}),
      ...(max !== undefined ? { max_value: max } : {}),
    } as APIApplicationCommandBasicOption;
  });
  const ids = lessons.map((l) => l.id).join(', ');
  return {
    name: 'train',
    name_localizations: { ja: '学習' },
    description: 'Train a lesson model and watch its loss curve',
    description_localizations: { ja: 'レッスンのモデルを学習させて、損失の変化を見る' },
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'lesson',
        name_localizations: { ja: 'レッスン' },
        description: truncate(ids ? `The lesson: ${ids}` : 'The lesson (see /lessons)', LIMITS.optionDescription),
        description_localizations: { ja: truncate(ids ? `レッスン：${ids}` : 'レッスン（/lessons 参照）', LIMITS.optionDescription) },
        required: true,
        autocomplete: true,
      },
      ...numeric,
    ],
  };
}

/** The job owner id of a Discord user (job records are shared by every face). */
export const jobUserId = (discordUserId: string) => `discord:${discordUserId}`;

/** How many queued or running jobs were submitted before `jobId`. */
export async function jobsAhead(ctx: FaceContext, jobId: string): Promise<number> {
  // Newest first: the ones after ours in the list are older.
  const active = await ctx.services.jobs.list({ states: ['queued', 'running'] });
  const at = active.findIndex((j) => j.id === jobId);
  return at === -1 ? 0 : active.length - at - 1;
}

/**
 * Starts `lessonId` for the person behind `i`, exactly as /train does (the
 * "Try it" button comes here with no parameters: the lesson's defaults).
 * The rate limit is checked before anything is acknowledged, so its message
 * can be ephemeral; everything slower comes after the deferred reply.
 */
export async function startRun(
  i: ChatInputCommandInteraction | MessageComponentInteraction,
  ctx: FaceContext,
  turn: Turn,
  lessonId: string,
  params: Record<string, number | undefined>,
): Promise<void> {
  ctx.services.limits.train.take(jobUserId(i.user.id));
  await i.deferReply();
  const lesson = await ctx.services.lessons.get(lessonId);
  const job = await ctx.services.jobs
    .submit({ lesson: lesson.id, params, mode: 'single', lang: turn.lang, userId: jobUserId(i.user.id) })
    .catch((err: unknown) => {
      throw withOptionNames(err);
    });
  const ahead = await jobsAhead(ctx, job.id);
  await i.editReply(renderRun({ job, lesson, lang: turn.lang, ahead }));
  ctx.runs.watch(i, job, lesson, turn.lang, ahead);
}

/** A parameter's name as the /train option a person typed (`learningRate` → `learning_rate`). */
export function optionName(param: string): string {
  return param.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * A parameter problem from the core names the parameter as the terminal's
 * flag (`batch-size`); on Discord the message names the option as typed.
 */
function withOptionNames(err: unknown): unknown {
  if (!(err instanceof UserError) || !isParamProblem(err.context)) return err;
  const p = err.context;
  return new UserError(err.id, paramProblemText(p, optionName(p.param), optionName), err.context);
}

/** /train: definition (from the lessons), handler and lesson autocomplete. */
export const command: SlashCommand = {
  name: 'train',
  data: trainCommandData,
  async execute(i, ctx, turn) {
    const lessonId = i.options.getString('lesson', true).trim();
    const params: Record<string, number | undefined> = {};
    for (const o of TRAIN_OPTIONS) {
      const v = o.type === ApplicationCommandOptionType.Integer ? i.options.getInteger(o.option) : i.options.getNumber(o.option);
      if (v !== null) params[o.param] = v;
    }
    await startRun(i, ctx, turn, lessonId, params);
  },
  async autocomplete(i, ctx) {
    const typed = i.options.getFocused().trim().toLowerCase();
    const lang = localeLang(i.locale);
    const lessons = await ctx.services.lessons.list();
    const choices = lessons
      .filter((l) => !typed || l.id.includes(typed) || l.title.en.toLowerCase().includes(typed) || l.title.ja.includes(typed))
      .slice(0, LIMITS.choices)
      .map((l) => ({ name: truncate(`${l.id} — ${l.title[lang]}`, LIMITS.choiceName), value: l.id }));
    await i.respond(choices);
  },
};
