import { describe, expect, it } from 'vitest';
import { detectLang, LANGS, type Lang } from '../../src/core/lang.ts';
import { diagnoseRun, kindName, readRun, READING_MAX_CHARS } from '../../src/charts/reading.ts';
import { lessonFacts } from '../../src/training/run.ts';
import type { TrainResult } from '../../src/training/types.ts';
import * as f from './fixtures.ts';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/u;

/** What every reading must be: in the asker's language, short, a handful of sentences. */
function checkShape(text: string, lang: Lang): void {
  expect(text.length).toBeGreaterThan(60);
  expect(text.length).toBeLessThanOrEqual(READING_MAX_CHARS);
  if (lang === 'ja') {
    expect(detectLang(text)).toBe('ja');
    const sentences = text.split('。').filter((s) => s.trim() !== '').length;
    expect(sentences).toBeGreaterThanOrEqual(3);
    expect(sentences).toBeLessThanOrEqual(6);
  } else {
    expect(text).not.toMatch(JAPANESE);
  }
}

const cases: [string, () => TrainResult][] = [
  ['linear healthy', f.linearHealthy],
  ['overfitting', () => f.overfitting(12)],
  ['NaN', () => f.divergedNaN(7)],
  ['plateau', f.plateau],
  ['cnn healthy', () => f.cnnHealthy()],
  ['xor', () => f.xor()],
  ['compare seed', f.compareSeed],
  ['single epoch', f.singleEpoch],
  ['400 epochs', () => f.longStillFalling(400)],
];

describe('readRun', () => {
  for (const [name, make] of cases) {
    for (const lang of LANGS) {
      it(`reads ${name} in ${lang}: right language, 3-6 sentences, under ${READING_MAX_CHARS} characters`, () => {
        checkShape(readRun(make(), lang), lang);
      });
    }
  }

  it('names overfitting, the epoch it starts from and what to do', () => {
    const ja = readRun(f.overfitting(12), 'ja');
    const en = readRun(f.overfitting(12), 'en');
    expect(ja).toContain('過学習');
    expect(ja).toContain('エポック 12');
    expect(ja).toMatch(/早期終了/);
    expect(ja).toMatch(/ドロップアウト/);
    expect(en).toMatch(/overfitting/i);
    expect(en).toContain('epoch 12');
    expect(en).toMatch(/early stopping/);
    expect(en).toMatch(/dropout/);
    expect(en).toMatch(/fewer epochs/);
  });

  it('follows the overfitting epoch of the history rather than a fixed text', () => {
    expect(readRun(f.overfitting(20, 40), 'en')).toContain('epoch 20');
    expect(readRun(f.overfitting(20, 40), 'en')).not.toContain('epoch 12');
  });

  it('blames the learning rate for NaN and suggests one the lesson is known to train with, not a tenth of it', () => {
    const linear = f.about('linear', { loss: 'meanSquaredError', defaults: f.params({ learningRate: 0.1, optimizer: 'sgd' }), learningRates: { sgd: 0.1, adam: 0.1 } });
    const r = f.withAbout(f.divergedNaN(7), linear);
    const en = readRun(r, 'en');
    expect(en).toContain('NaN');
    expect(en).toContain('epoch 7');
    expect(en).toMatch(/learning rate 0\.5 is too high/);
    expect(en).toContain("known to train well with a learning rate of 0.1 (sgd, the lesson's default): try --learning-rate 0.1");
    expect(en).not.toMatch(/10 times smaller|0\.05/);
    const ja = readRun(r, 'ja');
    expect(ja).toContain('学習率 0.5');
    expect(ja).toContain('--learning-rate 0.1');
    expect(ja).not.toContain('10 分の 1');
    // With another optimizer, that optimizer's rate.
    r.series[0] = { ...r.series[0], params: { ...r.series[0].params, optimizer: 'adam', learningRate: 3 } };
    expect(readRun(r, 'en')).toContain('0.1 (adam): try --learning-rate 0.1');
    // A result that carries no lesson facts (stored by an older version) gets no made-up number.
    const bare = readRun(f.divergedNaN(7), 'en');
    expect(bare).toMatch(/Train again with the lesson’s defaults/);
    expect(bare).not.toMatch(/0\.05/);
  });

  it('reads a plateau with a tiny learning rate as too small a rate, naming the one the lesson trains with', () => {
    const iris = f.about('iris', { defaults: f.params({ learningRate: 0.01 }) });
    const en = readRun(f.withAbout(f.plateau(), iris), 'en');
    expect(en).toMatch(/barely moved/);
    expect(en).toContain('A learning rate of 1e-5 is so small that each update barely moves the weights');
    expect(en).toContain("0.01 (adam, the lesson's default)");
    const ja = readRun(f.withAbout(f.plateau(), iris), 'ja');
    expect(ja).toMatch(/ほとんど動いていません/);
    expect(ja).toContain('小さすぎて');
    // Without facts, no rate is invented.
    expect(readRun(f.plateau(), 'en')).toMatch(/bigger model .* or go back to the lesson’s defaults/);
  });

  it('never suggests a higher learning rate when it is already high', () => {
    const r = f.withAbout(f.plateau(), f.about('iris', { defaults: f.params({ learningRate: 0.01 }) }));
    r.series[0] = { ...r.series[0], params: { ...r.series[0].params, learningRate: 1 } };
    const en = readRun(r, 'en');
    expect(en).toMatch(/barely moved/);
    expect(en).not.toMatch(/higher learning rate|so small/);
    expect(en).toContain('try --learning-rate 0.01');
    expect(readRun(r, 'ja')).not.toMatch(/学習率を上げ|小さすぎ/);
    const x = f.xor();
    x.series = x.series.map((s) => ({ ...s, params: { ...s.params, learningRate: 5 } }));
    x.series[1] = { ...x.series[0], key: 'hidden', label: { ja: '隠れ層あり', en: 'hidden layer' } };
    expect(readRun(x, 'en')).toMatch(/No model has solved it yet/);
    expect(readRun(x, 'en')).not.toMatch(/higher learning rate/);
    expect(readRun(x, 'ja')).not.toMatch(/学習率を上げ/);
  });

  it('reads a loss stuck far above guessing as divergence, with the guessing loss and a smaller rate', () => {
    const p = f.params({ epochs: 60, learningRate: 10 });
    const h = f.history(60, { loss: (e) => (e === 1 ? 10.03 : 10.61), valLoss: () => 10.74, acc: () => 0.34, valAcc: () => 0.33 });
    const r = f.result('iris', [f.series('iris', ['iris', 'iris'], p, h)], {
      about: f.about('iris', { numClasses: 3, defaults: f.params({ learningRate: 0.01 }) }),
    });
    const en = readRun(r, 'en');
    expect(en).toMatch(/within the first epoch/);
    expect(en).toContain('guesses scores 1.1');
    expect(en).toMatch(/learning rate 10 is too high/);
    expect(en).toContain('try --learning-rate 0.01');
    expect(en).not.toMatch(/10 times smaller|\(1\)/);
    expect(en).not.toMatch(/higher learning rate|barely moved/);
    const ja = readRun(r, 'ja');
    expect(ja).toContain('最初のエポック');
    expect(ja).toContain('発散');
    expect(ja).not.toMatch(/学習率を上げ/);
    expect(diagnoseRun(r)[0].diagnosis.kind).toBe('diverged');
    expect(en).toMatch(/accuracy 34\.0% is no better than guessing/);
    // Two of three species right is better than guessing, and the reading must not say otherwise.
    r.series[0].history = r.series[0].history.map((x) => ({ ...x, acc: 0.667 }));
    r.series[0].final = { ...r.series[0].final, acc: 0.667 };
    expect(readRun(r, 'en')).not.toMatch(/no better than guessing/);
    expect(readRun(r, 'ja')).not.toMatch(/当てずっぽうと変わりません/);
  });

  it('explains what an epoch does where the advice is more epochs, and not on every run', () => {
    for (const r of [f.longStillFalling(400), f.singleEpoch()]) {
      expect(readRun(r, 'en')).toMatch(/another pass of gradient descent over the same data, starting from the weights the previous epoch left/);
      expect(readRun(r, 'ja')).toMatch(/前のエポックが残した重み/);
    }
    for (const r of [f.cnnHealthy(), f.overfitting(12), f.divergedNaN(7), f.xor(), f.compareSeed()]) {
      expect(readRun(r, 'en')).not.toMatch(/gradient descent/);
      expect(readRun(r, 'ja')).not.toMatch(/勾配降下/);
    }
    expect(readRun(f.cnnHealthy(), 'en')).toContain('98.9%');
  });

  it('gives linear’s learned m and b next to the true ones', () => {
    const en = readRun(f.linearHealthy(), 'en');
    expect(en).toContain('m = 2.01 (true value 2)');
    expect(en).toContain('b = 0.97 (true value 1)');
    expect(readRun(f.linearHealthy(), 'ja')).toContain('m = 2.01（正解は 2）');
  });

  it('reads the true values from a nested `true` object too', () => {
    const r = f.linearHealthy();
    r.extras = { true: { m: 3, b: -1 } };
    expect(readRun(r, 'en')).toContain('b = 0.97 (true value -1)');
  });

  it('compares xor’s two models, with the paragraph that lives in the xor lesson', async () => {
    const { lesson } = await import('../../lessons/xor/index.ts');
    const r = f.withAbout(f.xor(), lessonFacts(lesson));
    const en = readRun(r, 'en');
    expect(en).toMatch(/^Perceptron got stuck, while hidden layer solved/);
    expect(en).toContain(lesson.notes!.modelsDiffer!.en);
    expect(en).toContain('100.0%');
    const ja = readRun(r, 'ja');
    expect(ja).toMatch(/パーセプトロンは学習が進まずに止まり、隠れ層ありは問題を解けました/);
    expect(ja).toContain(lesson.notes!.modelsDiffer!.ja);
    // The reading itself knows nothing of xor: without the lesson's note, a general sentence.
    expect(readRun(f.xor(), 'en')).not.toMatch(/linearly separable/);
  });

  it('says when no model has solved xor yet', () => {
    const r = f.xor();
    r.series[1] = { ...r.series[0], key: 'hidden', label: { ja: '隠れ層あり', en: 'hidden layer' } };
    expect(readRun(r, 'en')).toMatch(/No model has solved it yet/);
    expect(readRun(r, 'ja')).toMatch(/どのモデルもまだ解けていません/);
  });

  it('judges a difference between two seeds against the spread measured for the lesson', () => {
    const spread = { mnist: { seeds: [1, 2, 3, 4, 5, 6, 7, 8], metric: 'valAcc' as const, min: 0.956, max: 0.964 } };
    const r = f.withAbout(f.compareSeed(), f.about('mnist', { seedSpread: spread, defaults: f.params({ epochs: 15 }) }));
    const en = readRun(r, 'en');
    expect(en).toContain("Seed 1 and seed 2: final validation accuracy 95.8% and 96.4% (0.6 points apart).");
    expect(en).toMatch(/initial weights are random/);
    expect(en).toMatch(/shuffled/);
    expect(en).toContain('8 seeds measured for this lesson ended between 95.6% and 96.4%: a difference this size is ordinary');
    const ja = readRun(r, 'ja');
    expect(ja).toMatch(/初期値が乱数/);
    expect(ja).toContain('普通に起こる');
    // Wider than anything measured: said so, never "normal".
    const wide = f.withAbout(f.compareSeed(), f.about('mnist', { seedSpread: { mnist: { ...spread.mnist, max: 0.958 } }, defaults: f.params({ epochs: 15 }) }));
    expect(readRun(wide, 'en')).toMatch(/larger than any of them/);
    expect(readRun(wide, 'en')).not.toMatch(/ordinary/);
    // Unmeasured: no verdict either way.
    expect(readRun(f.compareSeed(), 'en')).toMatch(/no measured spread/);
    expect(readRun(f.compareSeed(), 'en')).not.toMatch(/is ordinary between|larger/);
  });

  it('points out a seed that diverged instead of calling the difference normal', () => {
    const r = f.compareSeed();
    const broken = f.divergedNaN(5).series[0];
    r.series[1] = { ...broken, key: 'seed-2', label: { ja: 'シード 2', en: 'seed 2' } };
    const en = readRun(r, 'en');
    expect(en).toMatch(/Only seed 2 diverged/);
    expect(en).not.toMatch(/ordinary/);
    expect(readRun(r, 'ja')).toMatch(/シード 2だけ発散/);
  });

  it('does not call two diverged seeds a normal difference', () => {
    const p = (seed: number) => f.params({ epochs: 10, learningRate: 10, seed });
    const h = (v: number) => f.history(10, { loss: (e) => (e === 1 ? v - 0.5 : v), valLoss: () => v, acc: () => 0.34, valAcc: () => 0.33 });
    const r = f.result('iris', [f.series('seed-1', ['シード 1', 'seed 1'], p(1), h(10.6)), f.series('seed-2', ['シード 2', 'seed 2'], p(2), h(10.7))], {
      mode: 'compare-seed',
      about: f.about('iris', { numClasses: 3, defaults: f.params({ learningRate: 0.01 }) }),
    });
    const en = readRun(r, 'en');
    expect(en).toMatch(/Every seed diverged/);
    expect(en).toContain('try --learning-rate 0.01');
    expect(en).not.toMatch(/ordinary|higher learning rate/);
    const ja = readRun(r, 'ja');
    expect(ja).toContain('発散');
    expect(ja).not.toMatch(/心配いりません|学習率を上げ/);
  });

  it('says a cancelled run stopped early', () => {
    const r = f.cnnHealthy();
    r.series[0].stopped = { reason: 'cancelled', epoch: 12 };
    expect(readRun(r, 'en')).toMatch(/cancelled at epoch 12/);
  });

  it('stays under the limit with very long labels and many series', () => {
    const r = f.xor();
    const long = 'a very long model label that goes on and on '.repeat(4);
    r.series = Array.from({ length: 6 }, (_, i) => ({ ...r.series[i % 2], key: `m${i}`, label: { ja: `モデル${i}${long}`, en: `model ${i} ${long}` } }));
    for (const lang of LANGS) expect(readRun(r, lang).length).toBeLessThanOrEqual(READING_MAX_CHARS);
  });

  it('reads a result whose series list is empty from its top-level history', () => {
    const r = f.overfitting(10, 30);
    const flat = { ...r, series: [] };
    expect(readRun(flat, 'en')).toContain('epoch 10');
    expect(diagnoseRun(flat)[0].diagnosis.kind).toBe('overfitting');
  });

  it('exports the diagnosis of every series as data, with names in both languages', () => {
    const ds = diagnoseRun(f.xor());
    expect(ds.map((d) => [d.key, d.diagnosis.kind])).toEqual([
      ['perceptron', 'underfitting'],
      ['hidden', 'healthy'],
    ]);
    expect(kindName(ds[0].diagnosis, 'ja')).toBe('学習不足');
    expect(kindName({ kind: 'overfitting' }, 'en')).toBe('overfitting');
  });
});

describe('readRun on a loss that became infinite', () => {
  it('says infinite rather than NaN, and still blames the learning rate', () => {
    const r = f.cnnHealthy();
    r.series[0].history = r.series[0].history.slice(0, 6);
    r.series[0].history[5] = { ...r.series[0].history[5], loss: Number.POSITIVE_INFINITY };
    const en = readRun(r, 'en');
    expect(en).toMatch(/At epoch 6 the loss became infinite/);
    expect(en).toMatch(/The last finite loss was 0.18 \(epoch 5\)/);
    expect(readRun(r, 'ja')).toMatch(/無限大/);
  });
});

describe('readRun on compare seed with two models per seed (xor)', () => {
  it('compares each model with itself across seeds, not the perceptron with the hidden layer', () => {
    for (const lang of LANGS) {
      const text = readRun(f.xorCompareSeed(), lang);
      checkShape(text, lang);
      expect(text).not.toMatch(/fragile|不安定/);
    }
    const en = readRun(f.xorCompareSeed(), 'en');
    expect(en).toContain('Perceptron (seed 42) and perceptron (seed 43): final loss');
    expect(en).toContain('Hidden layer (seed 42) and hidden layer (seed 43): final loss');
  });

  it('reads a compare-seed run cancelled before its second seed as separate models', () => {
    const r = f.xorCompareSeed();
    r.series = r.series.slice(0, 2);
    expect(readRun(r, 'en')).toMatch(/got stuck, while hidden layer \(seed 42\) solved/);
  });
});

describe('verdictName', () => {
  it('names the reason where it tells a beginner more than the kind', async () => {
    const { verdictName } = await import('../../src/charts/reading.ts');
    expect(verdictName({ kind: 'underfitting', reason: 'still-falling' }, 'en')).toBe('still learning');
    expect(verdictName({ kind: 'underfitting', reason: 'too-short' }, 'ja')).toBe('エポック不足');
    expect(verdictName({ kind: 'underfitting', reason: 'low-accuracy' }, 'ja')).toBe('学習不足');
    expect(verdictName({ kind: 'diverged', reason: 'nan' }, 'en')).toBe('diverged');
  });
});

describe('readRun length', () => {
  it('drops optional sentences rather than exceed six (a cancelled, still-improving linear run with m and b)', () => {
    const r = f.linearHealthy();
    const s = r.series[0];
    s.history = s.history.slice(0, 12);
    s.history.push({ epoch: 13, loss: s.history[11].loss * 0.5, valLoss: 1, elapsedMs: 1 });
    s.stopped = { reason: 'cancelled', epoch: 13 };
    s.final = { ...s.final, loss: s.history[12].loss, valLoss: 1 };
    for (const lang of LANGS) {
      const text = readRun(r, lang);
      expect(text).toMatch(/cancelled|キャンセル/);
      expect(text).toMatch(/m = 2.01/);
      if (lang === 'ja') expect(text.split('。').filter((x) => x.trim() !== '').length).toBeLessThanOrEqual(6);
    }
  });
});
