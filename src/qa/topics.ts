/**
 * The curriculum's vocabulary (the table in shared/curriculum/topics.md) and
 * the lesson ids a knowledge entry may point to. A test checks this list
 * against the curriculum file so the two cannot drift apart.
 */
export const TOPIC_SLUGS = [
  'features-and-labels',
  'linear-regression',
  'loss-function',
  'gradient-descent',
  'learning-rate',
  'epochs',
  'batch-size',
  'one-hot-encoding',
  'classification-softmax',
  'perceptron-xor',
  'backpropagation',
  'activation-functions',
  'cnn-convolution',
  'pooling',
  'overfitting-validation',
  'data-augmentation',
  'transfer-learning',
  'normalization',
  'reproducibility',
  'gpu-usage',
  'jupyter-environment',
  'keras-api-errors',
  'nlp-embeddings',
] as const;

export type TopicSlug = (typeof TOPIC_SLUGS)[number];

export const LESSON_IDS = ['linear', 'xor', 'iris', 'mnist', 'cnn'] as const;
export type LessonId = (typeof LESSON_IDS)[number];

const TOPIC_SET: ReadonlySet<string> = new Set(TOPIC_SLUGS);
const LESSON_SET: ReadonlySet<string> = new Set(LESSON_IDS);

export function isTopicSlug(value: unknown): value is TopicSlug {
  return typeof value === 'string' && TOPIC_SET.has(value);
}

export function isLessonId(value: unknown): value is LessonId {
  return typeof value === 'string' && LESSON_SET.has(value);
}

/** Reads the slugs out of the Markdown table of topics.md (first column, backticks optional). */
export function parseTopicsTable(markdown: string): string[] {
  const slugs: string[] = [];
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`?([a-z0-9]+(?:-[a-z0-9]+)*)`?\s*\|/.exec(line.trim());
    if (m && m[1] !== 'slug') slugs.push(m[1]);
  }
  return slugs;
}
