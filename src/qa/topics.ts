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

/**
 * The glossary concepts that define each topic. A question naming one of them
 * gives its topic a small lift in retrieval, the way a person would read
 * "gradient descent" in a question as a hint of what it is about.
 */
export const TOPIC_CONCEPTS: Record<TopicSlug, string[]> = {
  'features-and-labels': ['feature', 'label', 'sample', 'dataset', 'iris'],
  'linear-regression': ['linear-regression', 'slope-intercept'],
  'loss-function': ['loss', 'mse', 'cross-entropy'],
  'gradient-descent': ['gradient-descent', 'optimizer'],
  'learning-rate': ['learning-rate', 'divergence'],
  epochs: ['epoch'],
  'batch-size': ['batch', 'iteration'],
  'one-hot-encoding': ['one-hot', 'sparse-categorical', 'integer-label'],
  'classification-softmax': ['softmax', 'argmax', 'probability'],
  'perceptron-xor': ['perceptron', 'xor', 'linear-separability'],
  backpropagation: ['backpropagation', 'chain-rule'],
  'activation-functions': ['activation', 'relu', 'sigmoid', 'tanh'],
  'cnn-convolution': ['convolution', 'kernel', 'stride', 'padding', 'feature-map'],
  pooling: ['pooling', 'downsampling'],
  'overfitting-validation': ['overfitting', 'validation', 'dropout', 'early-stopping'],
  'data-augmentation': ['data-augmentation', 'rotation-flip'],
  'transfer-learning': ['transfer-learning', 'fine-tuning', 'freeze'],
  normalization: ['normalization', 'batch-normalization'],
  reproducibility: ['reproducibility', 'seed', 'randomness', 'determinism'],
  'gpu-usage': ['gpu', 'out-of-memory'],
  'jupyter-environment': ['jupyter', 'cell', 'kernel-restart', 'variable'],
  'keras-api-errors': ['error', 'shape', 'dtype', 'value-error'],
  'nlp-embeddings': ['tokenization', 'embedding', 'sequence-model', 'natural-language'],
};
