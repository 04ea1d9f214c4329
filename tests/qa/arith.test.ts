import { describe, expect, it } from 'vitest';
import { computeArithmetic, show } from '../../src/qa/compute/arith.ts';
import { computeFromQuestion } from '../../src/qa/compute/index.ts';

const en = (q: string) => computeArithmetic(q).map((r) => r.text.en);
const ja = (q: string) => computeArithmetic(q).map((r) => r.text.ja);

describe('the course\'s small formulas on the asker\'s numbers', () => {
  it('evaluates activations and, when asked, their derivatives', () => {
    expect(en('sigmoid(0) = ? relu(-3) = ? relu(2.5) = ?')[0].split('\n')).toEqual([
      'sigmoid(0) = 1 / (1 + e^0) = 0.5',
      'relu(−3) = max(0, −3) = 0',
      'relu(2.5) = max(0, 2.5) = 2.5',
    ]);
    const d = en("what's the derivative of relu? and of sigmoid at 0?")[0];
    expect(d).toContain("σ'(0) = σ(1 − σ) = 0.25");
    expect(d).toMatch(/ReLU's derivative is 1 for a positive input and 0 for a negative one/);
    expect(en("what's softmax([3, 1])?")[0]).toContain('softmax([3, 1]) = [0.881, 0.119]');
    // Code that names an activation is not arithmetic.
    expect(computeArithmetic("Dense(64, activation='relu'), then tf.nn.relu(x)")).toEqual([]);
  });

  it('computes MSE and MAE of two lists and says when the asker summed instead of averaging', () => {
    const r = ja('MSEの計算あってるか見てほしいです 予測 = [2, 4, 6] 正解 = [3, 4, 8] 自分の計算だと 5 になったんだけど')[0];
    expect(r).toMatch(/^MSE = 1\.6667 です/);
    expect(r).toContain('5 は合計');
    expect(r).toContain('MAE（絶対誤差の平均）なら 1');
  });

  it('computes cross-entropy, binary with both labels', () => {
    expect(en('binary crossentropy: true label 1, model says 0.8. the loss? and with true label 0?')[0]).toContain('−ln(0.8) = 0.223; with true label 0 it is −ln(1 − 0.8) = 1.609');
    const cat = ja('クロスエントロピーって、正解クラスの確率が 0.9 のときと 0.1 のときで loss どれくらい違う？')[0];
    expect(cat).toContain('正解クラスの確率 0.9 → loss = −ln(0.9) = 0.105');
    expect(cat).toContain('正解クラスの確率 0.1 → loss = −ln(0.1) = 2.303');
  });

  it('pools and convolves a small matrix by hand', () => {
    expect(ja('2x2 の MaxPooling を手で: 入力 [[1, 3, 2, 0], [4, 2, 1, 1], [0, 1, 5, 6], [2, 2, 7, 1]]')[0]).toContain('[[4, 2], [2, 7]]');
    expect(en('average pooling 2x2 on [[1, 3], [4, 2]]')[0]).toContain('[[2.5]]');
    expect(en('input [[1,2,0],[0,1,3],[2,1,1]] and kernel [[1,0],[0,-1]], what does the convolution output?')[0]).toContain('[[0, −1], [−1, 0]]');
  });

  it('standardizes a value, sizes the weights in memory, turns a shift range into pixels', () => {
    expect(en('standardizing sepal length: mean 5.84, std 0.83. what does a flower with 7.0 become?')[0]).toMatch(/^\(7 − 5\.84\) \/ 0\.83 = 1\.4\b/);
    expect(en('my model has 1,199,882 params. how much GPU memory do the weights take?')[0]).toContain('≈ 4.8 MB');
    expect(ja('width_shift_range=0.1 って、28x28のMNISTだと何ピクセル？')[0]).toContain('0.1 × 28 = 2.8 ピクセル');
  });

  it('leads the answer, and never fires on plain questions', () => {
    expect(computeFromQuestion('sigmoid(0) はいくつ？', 'ja')[0]).toMatchObject({ kind: 'math', topic: 'activation-functions' });
    for (const q of ['what is the sigmoid function?', 'why divide by 255?', 'MSE と MAE の違いは？', 'what is max pooling?']) expect(computeArithmetic(q), q).toEqual([]);
    expect(show(-0.5)).toBe('−0.5');
  });
});
