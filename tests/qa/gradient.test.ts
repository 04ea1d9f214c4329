import { describe, expect, it } from 'vitest';
import { computeGradient, lineEquation, namedNumbers } from '../../src/qa/compute/gradient.ts';
import { computeFromQuestion } from '../../src/qa/compute/index.ts';

describe('gradient arithmetic on the asker\'s numbers', () => {
  it('reads named numbers in both languages', () => {
    const v = namedNumbers('データ1点 x=2, y=5、いま m=1, b=0、学習率 0.01');
    expect(Object.fromEntries(v)).toEqual({ x: 2, y: 5, m: 1, b: 0, lr: 0.01 });
    expect(namedNumbers('learning rate of 0.1, w = -0.5').get('w')).toBe(-0.5);
  });

  it('works one gradient-descent step of the line, with the direction', () => {
    const r = computeGradient('データ1点 x=2, y=5、いま m=1, b=0、損失は (y−ŷ)^2、学習率 0.01。 勾配降下1ステップでmとbはいくつになりますか？')!;
    expect(r.kind).toBe('line-step');
    expect(r.text.ja).toContain('m = 1.12, b = 0.06');
    expect(r.text.ja).toContain('∂L/∂m = −2x(y − ŷ) = −2×2×3 = −12');
    expect(r.text.en).toMatch(/the gradient is negative, so m grows/);
  });

  it('works several steps when asked, each from the last', () => {
    const r = computeGradient('x = 1, y = 2, w = 0, learning rate 0.5, no bias. what is w after 2 steps of gradient descent?')!;
    // Step 1: ŷ = 0, grad = −4, w = 2. Step 2: ŷ = 2, grad = 0, w = 2.
    expect(r.text.en).toContain('After 2 steps: w = 2.');
  });

  it('works the chain rule on a two-weight network with ReLU, and says when ReLU blocks the gradient', () => {
    const r = computeGradient('x = 1, h = relu(w1*x) with w1 = 2, y = w2*h with w2 = 3, target t = 4, L = (y - t)^2. what are dL/dw2 and dL/dw1? I got 8 and 24')!;
    expect(r.kind).toBe('chain');
    expect(r.text.en).toMatch(/^∂L\/∂w2 = 8 and ∂L\/∂w1 = 12/);
    const dead = computeGradient('x = 1, h = relu(w1*x), w1 = -1, w2 = 3, target 4. what is the gradient of w1?')!;
    expect(dead.text.en).toContain('∂L/∂w1 = 0');
    expect(dead.text.en).toContain('w1 gets no update');
    const sig = computeGradient('x=0, sigmoid hidden unit h = sigmoid(w1*x), w1=1, w2=2, t=0: compute the gradient of w2')!;
    // h = 0.5, ŷ = 1, ∂L/∂ŷ = 2, ∂L/∂w2 = 1.
    expect(sig.text.en).toMatch(/^∂L\/∂w2 = 1 /);
  });

  it('works the other textbook cases: a quadratic, gradients without an update, N points, a sigmoid neuron, a prediction, a best-fit line', () => {
    expect(computeGradient('L = (w − 3)² で、w = 0 スタート、学習率 0.1。 2ステップ後の w はいくつ？')!.text.ja).toMatch(/^2 ステップ後は w = 1\.08 です。/);
    expect(computeGradient('L = (w − 3)² で、w = 0 スタート、学習率 0.1。 2ステップ後の w はいくつ？')!.text.ja).toContain('2. w = 0.6 − 0.1 × (−4.8) = 1.08');
    expect(computeGradient('x = 2, w = 0.5, b = 0, ŷ = w·x + b, 正解 y = 3, L = (ŷ − y)² ∂L/∂w と ∂L/∂b はいくつ')!.text.ja).toMatch(/^∂L\/∂w = −8、∂L\/∂b = −4 です。/);
    const pts = computeGradient('one step of gradient descent for y=mx+b with MSE over 2 points: (1,2) and (2,4). start m=0, b=0, lr=0.01. what are the gradients?')!;
    expect(pts.text.en).toContain('= −10; ∂L/∂b = (2/2) Σ(ŷ − y) = −6');
    expect(pts.text.en).toContain('m = 0 − 0.01×(−10) = 0.1, b = 0 − 0.01×(−6) = 0.06');
    expect(computeGradient('single sigmoid neuron: x=1, w=0, b=0, target y=1, L=(a - y)^2 with a = sigmoid(w*x + b). what is dL/dw?')!.text.en).toMatch(/^∂L\/∂w = −0\.25\./);
    expect(computeGradient('学習後 m=2, b=1 になったとして、x=3 のときの予測っていくつ？ 実際のデータが (3, 8) だったら誤差と二乗誤差は？')!.text.ja).toBe('予測は ŷ = mx + b = 2×3 + 1 = 7 です。正解 8 との誤差は 8 − 7 = 1、二乗誤差は 1² = 1 です。');
    expect(computeGradient('toy data: points (0,1), (1,3), (2,5). what should m and b converge to, and the lowest possible MSE?')!.text.en).toMatch(/y = 2x \+ 1 \(m = 2, b = 1\), with MSE 0/);
  });

  it('works an update from a weight and a gradient, a ReLU neuron, points without a bias, weights read from get_weights, an overshoot', () => {
    const u = computeGradient('更新式の確認です。重み 0.5、勾配 4.0、学習率 0.01 なら更新後はいくつ？ あと学習率を 1.0 にしたら？')!.text.ja;
    expect(u).toContain('学習率 0.01：0.5 − 0.01×4 = 0.46');
    expect(u).toContain('学習率 1：0.5 − 1×4 = −3.5');
    const dead = computeGradient("x=3, w=-1, b=1, a = relu(w*x + b), L = (a - y)^2 with y=1. what's dL/dw? i get 0")!.text.en;
    expect(dead).toMatch(/^∂L\/∂w = 0\./);
    expect(dead).toContain('∂L/∂a × ∂a/∂w = (−2) × 0 = 0');
    expect(dead).toContain('0 is the right answer');
    const pts = computeGradient('data (1,2) and (2,4), model y = w*x, start w=0, loss MSE, lr 0.1. one gradient descent step -> w = ?')!.text.en;
    expect(pts).toContain('After one step: w = 0 − 0.1×(−10) = 1.');
    expect(pts).not.toContain('∂L/∂b');
    expect(computeGradient('get_weights() したら [array([[0.5]], dtype=float32), array([1.9], dtype=float32)] でした。x=4 のときモデルは何を出力する？予測は？')!.text.ja).toContain('0.5×4 + 1.9 = 3.9');
    expect(computeGradient('y = w*x、データ1点 x=3, y=6、今 w=1、損失 L=(wx−y)^2、学習率0.1 で1ステップ更新したら w いくつ？')!.text.ja).toContain('最適な w = y / x = 2 を飛び越えています');
  });

  it("works the asker's own formulas: coefficients, several definitions, any activation, several weights", () => {
    // The leading 2 multiplies the derivative: 4(w − 1) = 8 at w = 3, not 2(w − 1) = 4.
    const c = computeGradient('手計算の練習です。L = 2(w − 1)^2、w = 3 からスタート、学習率 0.1 で1ステップ更新すると w はいくつ？')!.text.ja;
    expect(c).toMatch(/^1 ステップ後は w = 2\.2 です。/);
    expect(c).toContain('w = 3 − 0.1 × 8 = 2.2');
    expect(c).toContain('式の前の係数（2）');
    // tanh is not one of the textbook's two-weight cases: the chain is read from the definitions.
    const t = computeGradient('連鎖律の確認 z = w·x、a = tanh(z)、L = (a − y)^2 x = 2, w = 0, y = 1 のとき ∂L/∂w は？')!.text.ja;
    expect(t).toMatch(/^∂L\/∂w = −4 です。/);
    expect(t).toContain('z = w·x = 0、a = tanh(z) = 0、L = (a − y)^2 = 1');
    expect(t).toContain('∂L/∂a × ∂a/∂z × ∂z/∂w = (−2) × 1 × 2 = −4');
    const m = computeGradient('y = w1*x1 + w2*x2 + b, L = (y - t)^2 with x1=1, x2=2, w1=0.5, w2=-1, b=0, t=1. dL/dw1 and dL/dw2?')!.text.en;
    expect(m).toMatch(/^∂L\/∂w1 = −5 and ∂L\/∂w2 = −10\./);
    // A name without a value or a definition: nothing is guessed.
    expect(computeGradient('z = w·x、a = tanh(z)、L = (a − y)^2、w = 0, y = 1 のとき ∂L/∂w は？')).toBeUndefined();
  });

  it('descends L = w² at two learning rates, fits x/y lists, and predicts from a multi-input get_weights', () => {
    const q = computeGradient('L = w²、w の初期値 4、学習率 0.25。3ステップ後の w っていくつ？ あと学習率 1.0 だとどうなります？')!.text.ja;
    expect(q).toMatch(/^3 ステップ後は w = 0\.5 です。/);
    expect(q).toContain('4 → −4 → 4 … と往復して収束しません');
    expect(computeGradient('x = [1, 2, 3]\ny = [2, 3, 5]\n500エポックで m≈1.50, b≈0.33 で止まって loss: 0.0556 から下がらない。なんで？')!.text.ja).toContain('y = 1.5x + 0.333333');
    expect(computeGradient('model.get_weights() gives [array([[ 0.5], [ 2. ], [-1. ]], dtype=float32), array([3.], dtype=float32)] what should model.predict(np.array([[2, 1, 4]])) return?')!.text.en).toMatch(/^The prediction is 0\.5×2 \+ 2×1 \+ \(−1\)×4 \+ 3 = 2 /);
  });

  it('evaluates a given line on given points, and fits two points even in 線形回帰', () => {
    expect(computeGradient('my line model ended at m=0.5, b=2. test points (2, 3), (4, 5), (6, 4). what mse should evaluate() print?')!.text.en).toMatch(/^MSE = 0\.666667\./);
    expect(computeGradient('点 (1, 4) と (3, 10) の2つだけで Dense(1) の線形回帰してます。理想的には m と b はいくつに収束するはず？')!.text.ja).toContain('y = 3x + 1');
  });

  it('stays silent without the numbers or without a question about a gradient', () => {
    expect(computeGradient('what is gradient descent?')).toBeUndefined();
    expect(computeGradient('x=2, y=5, m=1, b=0. nice plot!')).toBeUndefined();
    // Without a learning rate the gradients are the answer, not an update.
    expect(computeGradient('x=2, y=5, m=1: what is the gradient?')).toMatchObject({ kind: 'line-grad' });
  });

  it('leads the answer as a worked calculation', () => {
    const c = computeFromQuestion('one point x=2, y=5, m=1, b=0, lr=0.01, squared error. what are m and b after one gradient descent step?', 'en');
    expect(c).toEqual([expect.objectContaining({ kind: 'math', topic: 'gradient-descent' })]);
  });
  it('updates several weights from their gradients, and finds where a line reaches a level', () => {
    const u = computeGradient('two weights, w1 = 1, w2 = -2, gradients 0.5 and -1.5, lr = 0.2, plain SGD. new weights?')!.text.en;
    expect(u).toMatch(/^After the update: w1 = 0\.9, w2 = −1\.7\./);
    // "b = 4 (from get_weights)": a parenthesis after a space is not a product.
    const p = computeGradient('my line model ended with m = -0.5, b = 4 (from get_weights). what should it predict at x = 2, and at which x does it hit y = 0?')!.text.en;
    expect(p).toContain('−0.5×2 + 4 = 3.');
    expect(p).toContain('x = (0 − 4) / (−0.5) = 8');
  });
});

describe('a line written as an equation', () => {
  it('reads slope and intercept, 0 when none is written', () => {
    expect(lineEquation('直線 y=2x を当てた')).toEqual({ m: 2, b: 0 });
    expect(lineEquation('the line y = 0.5x - 3 fits')).toEqual({ m: 0.5, b: -3 });
    expect(lineEquation('ŷ = -x + 4')).toEqual({ m: -1, b: 4 });
    expect(lineEquation('y = 3*x+1')).toEqual({ m: 3, b: 1 });
    expect(lineEquation('y = 2x2')).toBeUndefined();
    expect(lineEquation('no line here')).toBeUndefined();
  });

  it('evaluates the given line on the points, not the best line, and says the sum is divided by n', () => {
    const ja = computeGradient('手計算の練習で、点 (1,3), (2,5), (3,7) に直線 y=2x を当てたときのMSEを計算したら 3 になりました。答えは1らしいんですがどこが違いますか？')!;
    expect(ja.text.ja).toMatch(/^MSE は 1 です/);
    expect(ja.text.ja).toContain('= 3 / 3 = 1');
    expect(ja.text.ja).toContain('二乗誤差の合計 3 を点の数 3 で割った');
    const en = computeGradient('points (1,3), (2,5), (3,7) and the line y = 2x + 0.5: what is the MSE?')!;
    expect(en.text.en).toMatch(/^MSE = 0\.25\b/);
  });
});

describe('an update the asker checks', () => {
  it('reads dL/dw as the gradient and names a plus-sign slip', () => {
    const r = computeGradient('勾配降下法の確認です。w=0.5、dL/dw=2.0、学習率0.1 のとき、更新後の w は 0.5 + 0.1×2.0 = 0.7 で合ってますか？')!;
    expect(r.text.ja).toMatch(/^0\.7 ではなく 0\.3 です/);
    expect(r.text.ja).toContain('0.5 − 0.1×2 = 0.3');
    const ok = computeGradient('w = 1.0, dL/dw = 0.5, lr 0.1: the new w = 0.95, right?')!;
    expect(ok.text.en).not.toMatch(/^Not/);
    expect(ok.text.en).toContain('1 − 0.1×0.5 = 0.95');
  });
});

describe('the chain rule written out when the question gives formulas but no numbers', () => {
  it('differentiates each link symbolically and multiplies them', () => {
    const ja = computeGradient('教科書の式が追えません…。z = wx + b、a = σ(z)、L = (a − t)² のとき ∂L/∂w を連鎖律で書くとどうなりますか？')!.text.ja;
    expect(ja).toContain('∂L/∂w = ∂L/∂a × ∂a/∂z × ∂z/∂w = 2(a − t) · σ(z)·(1 − σ(z)) · x');
    expect(ja).toContain('∂z/∂w = x');
    const en = computeGradient('with z = w*x + b, a = relu(z), L = 0.5(a - y)^2, what is dL/dw and dL/db?')!.text.en;
    expect(en).toContain('∂L/∂w = ∂L/∂a × ∂a/∂z × ∂z/∂w = (a − y) · [z > 0] · x');
    expect(en).toContain('∂L/∂b = ∂L/∂a × ∂a/∂z × ∂z/∂b = (a − y) · [z > 0]\n');
    expect(computeGradient('L = (m*x + b - y)^2, what is dL/dm?')!.text.en).toContain('∂L/∂m = 2(m·x + b − y)·x');
  });

  it('still works the numbers when they are given', () => {
    const en = computeGradient('z = wx + b, x = 2, w = 0.5, b = 0, a = σ(z), t = 1, L = (a − t)², dL/dw?')!.text.en;
    expect(en).toMatch(/^∂L\/∂w = −0\.2115\./);
  });
});

describe('checks of hand-worked steps (batch 12)', () => {
  it('updates several parameters from their written derivatives and says which way each moves', () => {
    const r = computeGradient('m=0.5, b=0, lr=0.01, and I computed dL/dm = -12.4, dL/db = -4.0. what are the new values? should m go up or down?')!;
    expect(r.text.en).toMatch(/^After the update: m = 0\.624, b = 0\.04 \(m goes up, b goes up\)/);
  });

  it('updates one named parameter from its written derivative, under its own name', () => {
    const en = computeGradient('if m = 2.0, dL/dm = 4.0 and the learning rate is 0.1, what is m after one gradient descent step?')!.text.en;
    expect(en).toMatch(/^After one update m is 1\.6\./);
    expect(en).toContain('2 − 0.1×4 = 1.6');
    expect(en).toContain('so m moves down');
    expect(computeGradient('b = 1, dL/db = -3, 学習率 0.01 で1回更新したら b は？')!.text.ja).toMatch(/^更新後の b は 1\.03 です。/);
  });

  it('confirms a right result in so many words', () => {
    expect(computeGradient('手計算の練習で、w=3、dL/dw=4、学習率0.1 のとき次の w は 2.6 で合ってますか？')!.text.ja).toMatch(/^はい、2\.6 で合っています。/);
  });

  it('gives the MSE of the asker\'s line and the best line when both are asked', () => {
    const t = computeGradient('点を (1,2),(2,4),(3,6) にして試してます。m=1.8 b=0.4 あたりで止めたんですけど、これって正解はいくつ？ あと今のMSEも知りたい')!.text.ja;
    expect(t).toMatch(/^MSE は 0\.026667 です。ŷ = 1\.8x \+ 0\.4 の予測/);
    expect(t).toContain('一番合う直線は y = 2x（m = 2、b = 0）');
    expect(t).toContain('まだ収束していません');
    // Asked "the best m, b" beside a line the asker only computes with: the best line, and no verdict on a line nobody trained.
    const best = computeGradient('点が (1,3), (2,5), (3,7) の3つで、直線が m=1, b=1 のときMSEっていくつになります？\nあと一番いい m, b っていくつ？')!.text.ja;
    expect(best).toContain('14 / 3 = 4.666667');
    expect(best).toContain('一番合う直線は y = 2x + 1');
    expect(best).not.toContain('いいえ');
  });

  it('differentiates one function of one variable at the value asked', () => {
    const t = computeGradient('連鎖律の練習で y=(3x+1)^2 の x=1 での微分を出せって。18？24？')!.text.ja;
    expect(t).toMatch(/^∂y\/∂x = 24 です。/);
    expect(t).toContain('6(3x + 1) = 24');
    // Without a value for its variable there is nothing to evaluate.
    expect(computeGradient('y=(3x+1)^2 の微分ってどうやるの？')?.text.ja ?? '').not.toContain('= 24');
  });

  it('writes out where each factor of a numeric chain comes from', () => {
    const t = computeGradient('z = w*x, a = sigmoid(z), L = (a - t)^2. x=1, w=0, t=1. What is dL/dw? step by step please')!.text.en;
    expect(t).toContain('(∂L/∂a = 2(a − t) = −1; ∂a/∂z = σ(z)·(1 − σ(z)) = 0.25; ∂z/∂w = x = 1)');
  });

  it("checks the asker's own m and b against the points: not converged yet, with both MSEs", () => {
    const r = computeGradient('手計算で線形回帰するところ、点が (1,3), (2,5), (3,7) の3つのとき m と b は最終的にいくつになるのが正解ですか？ 自分のは m=1.8, b=1.5 あたりで止めちゃったんですが、これ合ってます？')!.text.ja;
    expect(r).toMatch(/^いいえ、m = 1\.8、b = 1\.5 はまだ一番合う直線（m = 2、b = 1）ではありません/);
    expect(r).toContain('(0.3² + 0.1² + (−0.1)²) / 3 = 0.11 / 3 = 0.036667');
    expect(r).toContain('y = 2x + 1');
    expect(computeGradient('points (1,3),(2,5),(3,7). I ended with m=2, b=1 — is that right?')!.text.en).toMatch(/^Yes: m = 2, b = 1 is the best line\./);
  });

  it('works gradient descent on L = |w|: constant steps of the learning rate, bouncing around the minimum', () => {
    const r = computeGradient('toy experiment: L = |w|, start w = 1.0, plain gradient descent, lr = 0.3. I expected it to end at 0 but it never settles. with L = w² it worked fine. why?')!.text.en;
    expect(r).toContain('1 → 0.7 → 0.4 → 0.1 → −0.2 → 0.1');
    expect(r).toContain('bounces around it and never settles');
    // L = w² is still the quadratic case.
    expect(computeGradient('L = w², w = 1, lr = 0.3, one gradient descent step?')!.text.en).toContain('w = 1 − 0.3 × 2 = 0.4');
  });

  it('averages the per-sample gradients of a batch given as named pairs (x=1, y=3)', () => {
    const r = computeGradient('ŷ = w·x、w = 1、サンプルは (x=1, y=3) と (x=2, y=2)、損失は二乗誤差の平均です。∂L/∂w は各サンプルの勾配の平均？ 学習率 0.1 で1回更新したら w はいくつ？')!.text;
    expect(r.ja).toContain('w = 1 − 0.1×(−2) = 1.2');
    expect(r.ja).toContain('（−4, 0）の平均');
    expect(r.en).toContain('per-sample gradients 2(ŷ − y)x (−4, 0)');
  });

  it('lets the sigmoid derivative cancel with binary cross-entropy', () => {
    const r = computeGradient('one neuron: z = w·x + b, p = sigmoid(z), L = binary crossentropy. x = 1, w = 0.5, b = −0.5, y = 1. what are ∂L/∂w and ∂L/∂b?')!.text.en;
    expect(r).toMatch(/^∂L\/∂w = −0\.5 and ∂L\/∂b = −0\.5\./);
    // With the squared error it stays 2(a − y)·σ'(z).
    expect(computeGradient('a = sigmoid(w*x + b), L = (a − y)², x = 1, w = 0.5, b = −0.5, y = 1. ∂L/∂w?')!.text.en).toContain('2(a − y)');
  });
});

describe('a fitted line judged against the best one, and a derivative asked "with respect to"', () => {
  it('calls a line within a few percent of the best normal, and does not judge a starting guess', () => {
    const near = computeGradient('points (0, 2), (1, 5), (2, 8). after training I get m = 2.97, b = 2.05, is that right?')!.text.en;
    expect(near).toMatch(/^Yes, that is normal: m = 2\.97, b = 2\.05 is very close to the best line \(m = 3, b = 2\)/);
    const far = computeGradient('points (0, 2), (1, 5), (2, 8). after training I get m = 2, b = 1, is that right?')!.text.en;
    expect(far).toMatch(/^No: m = 2, b = 1 is not yet the best line/);
    const start = computeGradient('points (0, 2), (1, 5), (2, 8); starting from m = 0, b = 0, what is the MSE and where should m and b end up?')!.text.en;
    expect(start).toContain('The best least-squares line is y = 3x + 2');
    expect(start).not.toMatch(/not yet the best line/);
  });

  it('differentiates the one loss the question defines with respect to the named variable, with the derivative written out', () => {
    const r = computeGradient('the error E = (t − o)², what is its derivative w.r.t. o, at o = 0.3, t = 1?')!.text.en;
    expect(r).toContain('∂E/∂o = −2(t − o) = −1.4');
    const ja = computeGradient('L = (p − q)^2 を p で微分すると？ p = 2, q = 5 のとき')!.text.ja;
    expect(ja).toContain('∂L/∂p = 2(p − q) = −6');
    // A sum over the samples is not read as a formula (Σ is not σ).
    expect(computeGradient('L = (1/n)Σ(mx + b − y)² を m で偏微分すると？')?.text.ja ?? '').not.toContain('σ(');
  });
});
