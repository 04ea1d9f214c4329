import { describe, expect, it } from 'vitest';
import { classify, classifyEnsembleTerms, deserializeClassifier, deserializeEnsemble, serializeClassifier, serializeEnsemble, trainClassifier, trainEnsemble } from '../../src/qa/classifier.ts';
import { lexicalTerms } from '../../src/qa/lexical.ts';
import { createGlossary } from '../../src/qa/glossary.ts';
import type { KnowledgeEntry } from '../../src/qa/knowledge.ts';

const glossary = createGlossary([
  { id: 'epoch', ja: ['エポック'], en: ['epoch', 'epochs'] },
  { id: 'normalization', ja: ['正規化'], en: ['normalization', 'normalize'] },
]);

const entry = (id: string, title: string, questions: string[], body: string): KnowledgeEntry =>
  ({ id, title, questions, body, lang: id.endsWith('-ja') ? 'ja' : 'en', topics: ['epochs'], lesson: null, file: `${id}.md` }) as unknown as KnowledgeEntry;

// Two entries that share their topic's words (255, pixels; epochs) and differ in what they answer.
const ENTRIES = [
  entry('why-255-en', 'Why divide the pixels by 255?', ['What is dividing x_train by 255 for?', 'What happens if I skip the division by 255?', 'Why scale the images before training?'], 'Pixel values run from 0 to 255. Dividing by 255 scales them to 0-1 so that training is stable and the learning rate suits every input.'),
  entry('divide-256-en', 'May I divide by 256 instead of 255?', ['Is x / 256 fine too?', 'My neighbour used 256, is that wrong?', 'Must the maximum be exactly 1.0?'], 'Dividing by 256 works as well: the largest value becomes 0.996 instead of 1, a difference the network cannot notice.'),
  entry('how-many-epochs-en', 'How many epochs should I train?', ['Is epochs=50 better than 5?', 'When should I stop training?', 'What number of epochs is right for MNIST?'], 'Train until the validation loss stops improving; EarlyStopping does this for you.'),
  entry('epoch-default-en', 'What does fit do when epochs is not given?', ['What is the default of epochs in fit?', 'I forgot epochs= and it ran once', 'What are the defaults of fit?'], 'The default is one epoch: fit runs over the training data once.'),
];

describe('entry classifier', () => {
  it('finds the entry of a paraphrase that shares the topic words with its neighbour', () => {
    const m = trainClassifier(ENTRIES, glossary, { epochs: 60 });
    const best = (q: string) => ENTRIES[classify(m, q, glossary).reduce((bi, p, i, a) => (p > a[bi] ? i : bi), 0)].id;
    expect(best('what is the point of dividing by 255?')).toBe('why-255-en');
    expect(best('is dividing by 256 ok?')).toBe('divide-256-en');
    expect(best('should I use 50 epochs or 5?')).toBe('how-many-epochs-en');
    expect(best('default epochs of fit?')).toBe('epoch-default-en');
  });

  it('gives probabilities that sum to 1, and nothing for a text without features', () => {
    const m = trainClassifier(ENTRIES, glossary, { epochs: 5 });
    const p = classify(m, 'why 255', glossary);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect([...classify(m, '   ', glossary)]).toEqual([0, 0, 0, 0]);
  });

  it('is the same for the same knowledge, and survives a round trip through its file format', () => {
    const a = trainClassifier(ENTRIES, glossary, { epochs: 5 });
    const b = trainClassifier(ENTRIES, glossary, { epochs: 5 });
    expect(Buffer.compare(serializeClassifier(a), serializeClassifier(b))).toBe(0);
    const back = deserializeClassifier(serializeClassifier(a));
    expect([...classify(back, 'default epochs of fit?', glossary)]).toEqual([...classify(a, 'default epochs of fit?', glossary)]);
    expect(() => deserializeClassifier(serializeClassifier(a).subarray(0, 100))).toThrow(/wrong size/);
  });

  it('averages an ensemble of differently seeded members, and keeps it through its file format', () => {
    const ms = trainEnsemble(ENTRIES, glossary, { epochs: 2 }, 3);
    expect(ms).toHaveLength(3);
    // Different seeds, different members.
    expect(Buffer.compare(serializeClassifier(ms[0]), serializeClassifier(ms[1]))).not.toBe(0);
    const terms = lexicalTerms('is dividing by 256 ok?', glossary);
    const avg = classifyEnsembleTerms(ms, terms);
    expect(avg.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    const one = classify(ms[1], 'is dividing by 256 ok?', glossary);
    const mean = (c: number) => ms.reduce((acc, m) => acc + classify(m, 'is dividing by 256 ok?', glossary)[c], 0) / 3;
    for (let c = 0; c < ENTRIES.length; c++) expect(avg[c]).toBeCloseTo(mean(c), 6);
    expect([...avg].some((p, c) => Math.abs(p - one[c]) > 1e-4)).toBe(true);
    const back = deserializeEnsemble(serializeEnsemble(ms));
    expect([...classifyEnsembleTerms(back, terms)]).toEqual([...avg]);
    expect(() => deserializeEnsemble(serializeEnsemble(ms).subarray(0, 200))).toThrow(/wrong size/);
  });
});
