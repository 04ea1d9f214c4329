import { describe, expect, it } from 'vitest';
import { createGlossary } from '../../src/qa/glossary.ts';
import type { QaIndex } from '../../src/qa/index-store.ts';
import type { KnowledgeEntry } from '../../src/qa/knowledge.ts';
import { buildLexical, LexicalIndex } from '../../src/qa/lexical.ts';
import { answerCoverage, paragraphsOf, passageCandidates, questionTerms, selectPassages, variableTerms, withoutVerdict } from '../../src/qa/passages.ts';
import type { ScoredEntry } from '../../src/qa/retrieve.ts';

const entry = (id: string, body: string, over: Partial<KnowledgeEntry> = {}): KnowledgeEntry => ({
  id,
  title: id,
  lang: 'en',
  topics: ['normalization'],
  questions: ['q'],
  body,
  file: `en/${id}.md`,
  ...over,
});

const SCALING = entry(
  'scaling-en',
  [
    'Scaling puts every input on a similar range so that gradient descent takes even steps.',
    'For images, divide the pixel values by 255 so that they lie between 0 and 1: x_train = x_train / 255.',
    'The test data must be scaled exactly like the training data, with the statistics of the training data.',
    'Batch normalization rescales the activations inside the network, layer by layer.',
  ].join('\n\n'),
);
const OTHER = entry('batchnorm-en', 'BatchNormalization keeps a moving mean and variance per channel; gamma and beta are trained.', { topics: ['normalization'] });
const JA = entry('scaling-ja', '画素値を 255 で割って 0〜1 にします。', { lang: 'ja' });

function fakeIndex(entries: KnowledgeEntry[]): QaIndex {
  const glossary = createGlossary([{ id: 'normalization', ja: ['正規化'], en: ['normalization', 'scaling'] }]);
  const lexical = new LexicalIndex(buildLexical(entries.map((e) => ({ fields: [[e.title, 2], [e.body, 1]] as [string, number][] })), glossary));
  return { entries, glossary, lexical } as unknown as QaIndex;
}

const scored = (e: KnowledgeEntry, score = 1, extra: Partial<ScoredEntry> = {}): ScoredEntry => ({ entry: e, index: 0, dense: 0, lexical: 0, concept: 0, score, match: 0, covered: 0, learned: 0, ...extra });

describe('paragraphs', () => {
  it('splits at blank lines and keeps a heading as matching text only', () => {
    expect(paragraphsOf('## Why divide?\nBecause.\n\nSecond.')).toEqual([{ text: 'Because.', head: 'Why divide?' }, { text: 'Second.', head: undefined }]);
  });

  it('keeps single-letter variables of formulas, not English articles', () => {
    expect(variableTerms('the update of w_jk has h_j in it, and z = w·h + b')).toEqual(['$w', '$h', '$z', '$w', '$h', '$b']);
    expect(variableTerms('I have a dog, is that a problem?')).toEqual([]);
    expect(variableTerms('np.argmax(x)')).toEqual(['$x']);
    // A casual lower-case "i" is the pronoun; an index stays a variable.
    expect(variableTerms('which loss should i use, and what do i get?')).toEqual([]);
    expect(variableTerms('x[i] for i = 0 to n')).toEqual(['$x', '$i', '$i', '$n']);
  });

  it('weighs the terms of the asking sentence up', () => {
    const index = fakeIndex([SCALING]);
    const t = questionTerms(index, 'My images look fine. Why divide by 255?');
    expect(t.get('255')).toBeGreaterThan(t.get('imag') ?? t.get('image') ?? 0);
  });
});

describe('passage selection', () => {
  const index = fakeIndex([SCALING, OTHER, JA]);

  it('leads with the paragraph that answers what is asked, not the entry\'s first one', () => {
    const p = selectPassages(index, 'do I have to divide the test data by 255 too?', [scored(SCALING)], { budget: 1300 });
    expect(p[0].at).toBe(2);
    expect(p.map((x) => x.text).join(' ')).not.toContain('Batch normalization rescales');
  });

  it('leads a definition question with the defining entry\'s first paragraph when told the entry defines the subject', () => {
    // Without the hint a neighbour's paragraph that shares more words leads.
    const q = 'what is batch normalization';
    const free = selectPassages(index, q, [scored(SCALING), scored(OTHER, 0.9)], { budget: 1300 });
    expect(free[0].at === 0 && free[0].source.entry.id === 'scaling-en').toBe(false);
    const told = selectPassages(index, q, [scored(SCALING), scored(OTHER, 0.9)], { budget: 1300, defines: true });
    expect(told[0]).toMatchObject({ at: 0 });
    expect(told[0].source.entry.id).toBe('scaling-en');
  });

  it('adds a paragraph for a second part of the question', () => {
    const p = selectPassages(index, 'why divide the pixels by 255? and does the test data need the same scaling?', [scored(SCALING)], { budget: 1300 });
    expect(p.map((x) => x.at)).toEqual(expect.arrayContaining([1, 2]));
    expect(p.map((x) => x.at)).not.toContain(3);
  });

  it('follows the lead of a long entry with the paragraphs that hold most of the question, not merely the first ones', () => {
    const long = entry(
      'dropout-en',
      [
        'Dropout switches off a random share of the units at each training step.',
        'The dropout rate is the share of units switched off: 0.5 means half of them.',
        'Dropout layers have no weights of their own to learn.',
        'Only during training are units dropped; predict and evaluate use every unit.',
        'Because units are dropped only during training, the training loss is measured on a weakened network and can be higher than the validation loss, which uses every unit.',
      ].join('\n\n'),
      { topics: ['overfitting-validation'] },
    );
    const idx = fakeIndex([long]);
    const p = selectPassages(idx, 'with dropout my training loss is higher than the validation loss. does predict use every unit?', [scored(long)], { budget: 1300, max: 2 });
    expect(p.map((x) => x.at).sort()).toEqual([3, 4]);
  });

  it('follows the lead with the rest of its entry when that touches the question, in the entry\'s order', () => {
    const p = selectPassages(index, 'why divide the pixels by 255?', [scored(SCALING), scored(OTHER, 0.9)], { budget: 1300, max: 4 });
    expect(p[0].at).toBe(1);
    // The scaling paragraphs come with it, the unrelated batch-norm paragraph and entry do not.
    expect(p.every((x) => x.source.entry.id === 'scaling-en')).toBe(true);
    expect(p.map((x) => x.at)).not.toContain(3);
  });

  it('follows the lead with the rest of a short entry: the fix after the cause', () => {
    const restart = entry(
      'restart-en',
      [
        'A kernel restart clears every variable, so NameError says the name is no longer defined.',
        'To fix it, run the cells again from the top: Kernel, Restart Kernel and Run All Cells.',
      ].join('\n\n'),
    );
    const p = selectPassages(fakeIndex([restart, OTHER]), 'why NameError after a kernel restart?', [scored(restart), scored(OTHER, 0.9)], { budget: 1300, max: 4 });
    expect(p.map((x) => [x.source.entry.id, x.at])).toEqual([['restart-en', 0], ['restart-en', 1]]);
  });

  it("drops a paragraph's opening yes or no unless the question is (nearly) the one its entry answers", () => {
    const cont = entry('fit-again-en', ['Yes, it continues: fit starts from the weights the model has now.', 'To start over, build and compile the model again.'].join('\n\n'), { topics: ['epochs'] });
    const idx = fakeIndex([cont]);
    // Another question answered from it: the yes would answer a question nobody asked.
    const other = selectPassages(idx, 'what weights does fit start from when I run the cell again?', [scored(cont, 1, { match: 0.3 })], { budget: 1300 });
    expect(other[0].text).toBe('It continues: fit starts from the weights the model has now.');
    // Its own question: the yes is the direct answer.
    const own = selectPassages(idx, 'does fit continue training if I run it again?', [scored(cont, 1, { match: 0.7 })], { budget: 1300 });
    expect(own[0].text).toMatch(/^Yes, it continues/);
    expect(withoutVerdict('No. Dropout is off at predict time.')).toBe('Dropout is off at predict time.');
    expect(withoutVerdict('いいえ、学習率は関係ありません。')).toBe('学習率は関係ありません。');
    expect(withoutVerdict('Not necessarily: it depends.')).toBe('Not necessarily: it depends.');
    expect(withoutVerdict('Nothing is wrong.')).toBe('Nothing is wrong.');
  });

  it('keeps to the budget and the maximum', () => {
    const p = selectPassages(index, 'scaling pixels 255 test data batch normalization gradient', [scored(SCALING)], { budget: 150, max: 2 });
    expect(p.length).toBeLessThanOrEqual(2);
    expect(p.slice(1).reduce((n, x) => n + x.text.length, p[0].text.length)).toBeLessThanOrEqual(150 + p[0].text.length);
  });

  it('answers from the whole entry when one of its listed questions was asked word for word, led by the paragraph that answers it', () => {
    const exact = scored(SCALING, 1, { covered: 1, match: 0.9 });
    const p = selectPassages(index, 'do I have to divide the test data by 255 too?', [exact], { budget: 1300, max: 2 });
    expect(p.map((x) => x.at)).toEqual([2, 0, 1, 3]);
  });

  it('measures how much of what was asked the shown passages hold, ignoring words no entry has', () => {
    const q = 'does the test data need the same scaling? thanks a lot, my colleague Tanaka asked too';
    const on = selectPassages(index, q, [scored(SCALING)], { budget: 1300 }).filter((p) => p.at === 2);
    const off = [{ source: scored(OTHER), at: 0, text: OTHER.body, score: 1 }];
    expect(answerCoverage(index, q, on)).toBeGreaterThan(0.5);
    expect(answerCoverage(index, q, off)).toBeLessThan(0.3);
  });

  it('counts a specific no entry mentions (an acronym, an identifier) as missing, but not the subscripts of a formula', () => {
    const p = selectPassages(index, 'what is the ROC of the scaling?', [scored(SCALING)], { budget: 1300 });
    expect(answerCoverage(index, 'what is the ROC of the scaling?', p)).toBe(0);
    const q = 'why divide the pixels by 255 for x_i and y_i?';
    expect(answerCoverage(index, q, selectPassages(index, q, [scored(SCALING)], { budget: 1300 }))).toBeGreaterThan(0.3);
  });

  it('takes candidates in the answering entry\'s language whose main topic is the winner', () => {
    const elsewhere = entry('aug-en', 'x', { topics: ['data-augmentation', 'normalization'] });
    const c = passageCandidates(scored(SCALING), [scored(JA, 0.9), scored(OTHER, 0.8), scored(elsewhere, 0.9), scored(entry('weak-en', 'y'), 0.2)], 'normalization');
    expect(c.map((x) => x.entry.id)).toEqual(['scaling-en', 'batchnorm-en']);
  });
});
