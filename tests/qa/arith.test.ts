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
    // The loss the asker worked out is checked, not read as one more probability.
    const claim = en('softmax gave me [0.7, 0.2, 0.1] and the first class is the true one. cross-entropy loss about 0.357, right?')[0];
    expect(claim).toMatch(/^Yes, that is right: with 0\.7 on the true class the loss is −ln\(0\.7\) = 0\.357\./);
    expect(claim).not.toContain('−ln(0.357)');
    // An accuracy written before its metric is not a probability of the true class.
    expect(en('I skipped to_categorical, used sparse_categorical_crossentropy and got the same 0.98 accuracy')).toEqual([]);
    // Logits (a list with negative values or values above 1) are scores, not probabilities.
    expect(en('predict gives [-3.2, 0.4, 8.9, -1.1] with SparseCategoricalCrossentropy(from_logits=True). not probabilities?')).toEqual([]);
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

describe('more of the course\'s arithmetic', () => {
  it('applies activations to lists and answers "softmax of [..]"', () => {
    expect(ja('relu([-2, 0.5, 3, -0.1]) と sigmoid(0) ってそれぞれいくつ？')[0]).toContain('relu([−2, 0.5, 3, −0.1]) = [0, 0.5, 3, 0]');
    const s = en('softmax of [1, 1, 1]? and of [3, 1]?')[0];
    expect(s).toContain('softmax([1, 1, 1]) = [0.333, 0.333, 0.333]');
    expect(s).toContain('softmax([3, 1]) = [0.881, 0.119]');
    // The lists may be named by what they hold: "softmax of logits [..]".
    const l = en('softmax of logits [1, 1, 1, 1]? and of [3, 1]? want to sanity check my understanding')[0];
    expect(l).toContain('softmax([1, 1, 1, 1]) = [0.25, 0.25, 0.25, 0.25]');
    expect(l).toContain('softmax([3, 1]) = [0.881, 0.119]');
  });

  it('computes the MSE of a line on x and y lists', () => {
    expect(ja('m=2, b=1 のモデルで、データが x=[1,2,3], y=[3,6,7] のときのMSEっていくつ？ 自分は 1 になった')[0]).toMatch(/^MSE = 0\.3333 です。ŷ = 2x \+ 1 で予測は \[3, 5, 7\]。/);
  });

  it('pools a matrix typed as lines of numbers', () => {
    expect(ja('MaxPooling2D((2,2)) を手でやってみたい。\n```\n1 3 2 0\n4 6 1 1\n0 2 5 7\n1 1 3 2\n```\nこれの出力は？')[0]).toContain('[[6, 2], [2, 7]]');
  });

  it('standardizes a list, sizes a tensor, subtracts the frozen parameters, reads an MSE in units', () => {
    expect(en('StandardScaler on a single feature [2, 4, 6] -> what values come out?')[0]).toMatch(/^\[−1\.225, 0, 1\.225\]/);
    expect(en('how much memory is one activation tensor of shape [512, 26, 26, 32] float32? and if I double the batch?')[0]).toContain('44,302,336 bytes ≈ 42.3 MiB');
    expect(en('summary says Total params: 14,846,273 and Non-trainable params: 14,714,688. how many are actually trained?')[0]).toMatch(/^14,846,273 − 14,714,688 = 131,585/);
    expect(en('my temperature regression finishes with mse: 25.0. what does that mean in degrees?')[0]).toContain('√25 = 5');
  });

  it('works the vanishing gradient, a pixel value, a network written as 2-2-1, epochs for an update budget', () => {
    expect(ja('シグモイドの微分は最大でも 0.25。シグモイドの層を10層重ねたら勾配はどれくらい小さくなる？')[0]).toContain('0.25^10 = 9.54e-7');
    expect(ja('ピクセル値 51 を /255 したら何になりますか？ あと -1〜1 にしたい時の式は？')[0]).toBe('51 / 255 = 0.2 です。−1〜1 にしたいときは x / 127.5 − 1 で、51 なら −0.6（0 → −1、255 → 1）になります。');
    expect(en('classic 2-2-1 network for XOR. how many trainable params total?')[0]).toMatch(/^9 parameters in total/);
    expect(en('i want roughly 10k weight updates total. 60k training images, batch_size=64. how many epochs is that')[0]).toContain('≈ 10.7 epochs (11 epochs to do at least that many)');
  });

  it('splits iris by test_size and follows EarlyStopping along a val_loss list', () => {
    expect(en('iris, train_test_split(X, y, test_size=0.3). how many in train vs test? each species with stratify?')[0]).toContain('45 rows, training 105');
    const es = en('val_loss per epoch: 0.150, 0.110, 0.095, 0.093, 0.101, 0.118, 0.131. EarlyStopping(patience=2) where would it stop?')[0];
    expect(es).toContain('lowest at epoch 4 (0.093)');
    expect(es).toContain('stops at the end of epoch 6');
    expect(en('val_loss: 0.5, 0.4, 0.3, 0.2 with EarlyStopping patience=2?')[0]).toContain('still falling');
    // Asked where overfitting starts: a steady rise after the lowest value answers; a bouncing list is noise, not answered.
    expect(en('val_loss by epoch: 0.31, 0.22, 0.19, 0.21, 0.26, 0.33 and train loss keeps falling. when did overfitting start?')[0]).toContain('lowest at epoch 3 (0.19)');
    expect(en('My val_loss bounces around (0.21, 0.35, 0.19, 0.40, 0.22) while train loss goes down. is this overfitting already?').join(' ')).not.toContain('lowest at epoch');
  });
});

describe('the arithmetic of losses, encodings and schedules on the asker\'s numbers', () => {
  it('computes cross-entropy of a prediction vector and binary cross-entropy of a batch', () => {
    expect(ja('3クラスで predict が [0.7, 0.2, 0.1]、正解が versicolor（ラベル1）のとき categorical_crossentropy っていくつ？')[0]).toMatch(/^categorical_crossentropy は 1\.609 です。/);
    expect(en('model output [0.1, 0.7, 0.2], one-hot label [0, 1, 0]. what does categorical_crossentropy give?')[0]).toMatch(/gives 0\.357/);
    const b = en('binary crossentropy by hand for a batch of 3: labels [1, 0, 1], predictions [0.9, 0.2, 0.6]. the loss?');
    expect(b).toHaveLength(1);
    expect(b[0]).toMatch(/^Keras reports 0\.28\./);
  });

  it('scales min-max, standardizes several values, encodes and pads given lists', () => {
    expect(en('min-max scaling sepal length: min 4.3, max 7.9. what does 6.1 become?')[0]).toContain('= 1.8 / 3.6 = 0.5');
    expect(ja('平均 33.3、標準偏差 78.6 として (x - mean) / std にしたら、画素値 0 と 255 はそれぞれいくつ？').join('\n')).toContain('(0 − 33.3) / 78.6 = −0.42、(255 − 33.3) / 78.6 = 2.82');
    expect(ja('to_categorical([2, 0, 1]) ってどういう結果？')[0]).toContain('[[0, 0, 1], [1, 0, 0], [0, 1, 0]]、形は (3, 3)');
    expect(en('to_categorical([1, 3], num_classes=5) gives what? and why does num_classes=3 crash?')[0]).toContain('With num_classes=3 there is no column for label 3');
    expect(en("pad_sequences([[5, 8, 2]], maxlen=5) -> ? and with padding='post'?")[0]).toContain("[[0, 0, 5, 8, 2]]; with padding='post' behind: [[5, 8, 2, 0, 0]]");
  });

  it('reads the best epoch of a history list, decayed learning rates and Adam\'s memory', () => {
    expect(en("history.history['val_accuracy']\n[0.951, 0.968, 0.974, 0.972, 0.975, 0.973]\nwhich epoch was best?")[0]).toMatch(/^val_accuracy is highest at epoch 5 \(0\.975\), 0\.024 above epoch 1/);
    expect(ja("ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=2)、adam のデフォルト。「reducing learning rate」が3回出ました。いまの学習率は？")[0]).toContain('0.001 × 0.5^3 = 0.000125');
    expect(en('ExponentialDecay(initial_learning_rate=0.01, decay_steps=1000, decay_rate=0.5). learning rate after 3000 steps?')[0]).toContain('= 0.00125');
    expect(en('model has 5 million params, optimizer adam. how much GPU memory do the weights + adam state take?')[0]).toContain('≈ 60 MB together');
  });
});

describe('calculator fixes found on blind batch 6', () => {
  it('reads 2,500万 and 25 million as counts, the pool size from the layer, a standardization after /255, a batch of categorical cross-entropies', () => {
    expect(ja('パラメータ 2,500万個のモデル（float32）って、重みだけで GPU メモリどのくらい？ Adam で学習するともっと増える？')[0]).toContain('25,000,000 × 4 バイト ≈ 100 MB');
    expect(en('doing pooling by hand, 4x4 input:\n```\n0 5 1 1\n2 3 0 4\n7 1 6 2\n0 8 3 3\n```\nwhat do MaxPooling2D(2) give?')[0]).toContain('[[5, 4], [8, 6]]');
    expect(en('pixel value 200: what is it after /255? and then standardized with mean 0.1307, std 0.3081?')[0]).toMatch(/^200 \/ 255 = 0\.7843; standardized: \(0\.7843 − 0\.1307\) \/ 0\.3081 = 2\.121/);
    expect(en('categorical crossentropy by hand, batch of 2: sample A: true class 0, pred [0.5, 0.25, 0.25] sample B: true class 2, pred [0.1, 0.1, 0.8]. what does keras report?')[0]).toMatch(/^Keras reports the batch mean, 0\.458/);
  });
  it('reads a sigmoid output back, runs a step perceptron, rescales an MSE, compares sigmoid slopes', () => {
    const one = (q: string) => computeArithmetic(q).map((r) => r.text.en).join('\n');
    const sig = one("binary model, sigmoid output says 0.73. what's the probability of class 0 then? and what raw value came out of the neuron before the sigmoid?");
    expect(sig).toContain('1 − 0.73 = 0.27');
    expect(sig).toContain('ln(0.73 / 0.27) = 0.995');
    const table = one('perceptron with step function (1 if z > 0), w1=1, w2=-1, b=-0.5. outputs for (0,0) (0,1) (1,0) (1,1)?');
    expect(table).toMatch(/^The outputs are \(0,0\)→0, \(0,1\)→0, \(1,0\)→1, \(1,1\)→0: x1 AND NOT x2/);
    expect(one('perceptron, w1 = 1, w2 = 1, b = -1.5, truth table outputs?')).toContain(': AND.');
    const rule = one('perceptron learning rule by hand: w = [0, 0], b = 0, lr = 1, step(z) = 1 if z > 0 else 0. training sample (1, 1) with target 1. what are w and b after this one update?');
    expect(rule).toMatch(/^After the update: w = \[1, 1\], b = 1\./);
    expect(rule).toContain('error t − y = 1 − 0 = 1');
    const mse = one('regression on prices in yen, final mse loss is 2,500,000. if I divide all y by 1000, what loss would the same model show? and roughly how many yen off are my predictions?');
    expect(mse).toContain('2,500,000 / 1,000² = 2.5');
    expect(mse).toContain('√2,500,000 = 1,581');
    const slopes = computeArithmetic('sigmoid の微分を z=0 と z=2 で比べたいです。それぞれいくつ？').map((r) => r.text.ja).join('\n');
    expect(slopes).toContain("σ'(0) = σ(1 − σ) = 0.25");
    expect(slopes).toContain("σ'(2) = σ(1 − σ) = 0.105");
    expect(slopes).toContain('傾きは z = 0 で 0.25、z = 2 で 0.105 です。');
  });
  it('works cosine similarity, the softmax cross-entropy gradient, momentum steps, a sigmoid neuron on the four inputs, and a network written as formulas', () => {
    const one = (q: string) => computeArithmetic(q).map((r) => r.text.en).join('\n');
    expect(one('two learned word vectors: good = [1, 2, 2], great = [2, 1, 2]. cosine similarity?')).toContain('(1·2 + 2·1 + 2·2) / (3 × 3) = 8 / 9');
    const ce = one("probs p = [0.7, 0.2, 0.1], true class 1. what's dL/dlogits?");
    expect(ce).toContain('= [0.7, −0.8, 0.1]');
    expect(ce).not.toContain('−ln(0.1)');
    const mom = one('SGD(learning_rate=0.1, momentum=0.9), w starts at 1, gradient is 2 on both steps. w after 2 steps?');
    expect(mom).toMatch(/^After 2 steps w = 0\.42 /);
    expect(mom).toContain('2. v = 0.9×(−0.2) − 0.1×2 = −0.38');
    expect(mom).toContain('Plain SGD (no momentum) would give 0.8 → 0.6');
    const sig = one('sigmoid neuron: w1 = 10, w2 = 10, b = -15. outputs for the 4 inputs? still an AND gate?');
    expect(sig).toContain('(1,1): z = 5, sigmoid = 0.9933');
    expect(sig).toContain('the AND table');
    const net = one('XOR with relu:\nh1 = relu(x1 + x2)\nh2 = relu(x1 + x2 - 1)\nout = h1 - 2*h2\ndoes that give 0,1,1,0?');
    expect(net).toMatch(/^out gives \(0,0\)→0, \(0,1\)→1, \(1,0\)→1, \(1,1\)→0 \(XOR\)/);
    expect(net).toContain('(1,1): h1 = 2, h2 = 1, out = 0');
    // A network with an input that has no value and is not one of two inputs: nothing is guessed.
    expect(one('h = relu(w*x + b), out = 2*h. outputs for the 4 inputs?')).toBe('');
  });

  it('checks a softmax the asker worked out against the input they gave, wherever the input stands on the line', () => {
    const r = ja('出力層の手前の値が [2.0, 1.0, 0.1] のとき、softmax 通すといくつになりますか？ 自分で計算したら [0.67, 0.24, 0.09] になったけど合ってるか確認したい')[0];
    // The input is the first list, not the asker's result.
    expect(r).toContain('softmax([2, 1, 0.1]) = [0.659, 0.242, 0.099]');
    expect(r).not.toContain('softmax([0.67');
    expect(r).toContain('あなたの [0.67, 0.24, 0.09] は少し違います');
    expect(r).toContain('[0.66, 0.24, 0.10]');
    expect(en('softmax of [2.0, 1.0, 0.1]? I got [0.66, 0.24, 0.10]')[0]).toContain('Your [0.66, 0.24, 0.10] is right');
    // Without a result of the asker's, every list is computed as before.
    expect(en("what's softmax([3, 1])?")[0]).not.toContain('Your');
  });

  it('names the gate a step perceptron\'s weights make when asked which gate', () => {
    const r = ja('練習問題で w1=1, w2=1, b=-1.5、活性化はステップ関数（0より大きければ1）のパーセプトロンって、何の論理ゲートになりますか？')[0];
    expect(r).toMatch(/^出力は \(0,0\)→0、\(0,1\)→0、\(1,0\)→0、\(1,1\)→1 で、AND/);
    expect(r).toContain('(1,1): z = 0.5 → 1');
    expect(en('perceptron with w1=1, w2=1, b=-0.5 and a step activation: which logic gate is it?')[0]).toContain(': OR.');
  });

  it('works out a convolution or pooling output size described in words', () => {
    const conv = en('if I use a 3x3 kernel with strides=2 on a 28x28 image (no padding), what output size do I get? I guessed 14')[0];
    expect(conv).toMatch(/^13×13 \(Conv2D, 3×3, strides=2, padding='valid': floor\(\(28 − 3\) \/ 2\) \+ 1 = 13\)\. With padding='same' it would be 14×14\./);
    const pool = en("MaxPooling2D((2,2)) took (None, 26, 26, 32) to (None, 13, 13, 32). what if the input were 27x27, does it crash?")[0];
    expect(pool).toMatch(/^13×13 \(MaxPooling2D, 2×2, strides=2/);
    expect(pool).toContain("With padding='same' it would be 14×14");
    expect(pool).toContain('It does not crash');
    expect(ja('28×28 の画像に 5×5 のカーネルを stride 1 で畳み込むと出力は何×何？')[0]).toMatch(/^24×24 になります/);
    // A chain of sizes the asker followed: the next step is from its last size.
    expect(ja("MaxPool2D((2,2), strides=2, padding='same') で28x28→14x14→7x7 になるのはわかったけど、7x7の次はいくつ？3x3？4x4？")[0]).toMatch(/^4×4 になります（MaxPooling2D、2×2、strides=2、padding='same'：ceil\(7 \/ 2\) = 4）。padding='valid' なら 3×3 です。/);
    // A model in code is the model calculator's; a kernel alone is no question about sizes.
    expect(en("Conv2D(32, (3,3), input_shape=(28,28,1)): what is the output size?").some((x) => /^26×26/.test(x))).toBe(false);
    expect(en('what does a 3x3 kernel learn?')).toEqual([]);
    // The filters' count too when asked; an error message's sizes are not asked about.
    expect(en('output size if I use a 5x5 kernel on a 28x28 image, stride 1, no padding? and how many params for 16 such filters on a grayscale image?')[0]).toContain('Parameters: (5×5×1 + 1) × 16 = 416');
    expect(en("ValueError: Negative dimension size caused by subtracting 3 from 1. input 28x28, MaxPooling2D(2) after each 3x3 conv: what size?").some((x) => /MaxPooling2D, 2×2/.test(x))).toBe(false);
  });

  it('walks a Dense count after Flatten through from the shapes the asker quotes, and says when the count disagrees', () => {
    const r = en('my summary has flatten (Flatten) (None, 1600) after a (None, 5, 5, 64) layer, and then dense (Dense) (None, 128) with 204928 params. can someone walk me through that number')[0];
    expect(r).toContain('5 × 5 × 64 = 1,600 values');
    expect(r).toContain('1,600 × 128 + 128 = 204,928');
    expect(r).not.toContain('not the');
    expect(en('after (None, 5, 5, 64) a Flatten, then Dense gives (None, 128) with 102,528 params. why?')[0]).toContain('That is not the 102,528 you see');
  });

  it("one-hot encodes printed labels with to_categorical's own class count, two-digit labels included", () => {
    const [r] = computeArithmetic('ASL のラベルで y_train[:5] が [3, 6, 2, 2, 13] でした。to_categorical(y_train, 24) した後の y_train[0] ってどういう中身になりますか？');
    expect(r.text.ja).toContain('ラベル 3 の 1 件目は [0, 0, 0, 1, ' + Array(20).fill('0').join(', ') + ']');
    expect(r.text.en).toContain('(samples, 24)');
    // MNIST labels without a count still get 10 columns.
    const [d] = computeArithmetic('y_train[:5] is [5 0 4 1 9], what does it look like after to_categorical(y_train)?');
    expect(d.text.en).toContain('[0, 0, 0, 0, 0, 1, 0, 0, 0, 0]');
  });

  it('one-hot encodes a label named in words, with the class count and the new shape', () => {
    const [r] = computeArithmetic('to_categorical(labels, num_classes=5) にしたら、クラス 3 の行はどうなる？');
    expect(r.text.ja).toContain('ラベル 3 は [0, 0, 0, 1, 0] になります');
    const [e] = computeArithmetic('one-hot with num_classes=12: my y has shape (5000,). what does it become, and what does label 11 look like?');
    expect(e.text.en).toContain('Label 11 becomes [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]');
    expect(e.text.en).toContain('the 12th from the left');
    expect(e.text.en).toContain('The shape (5000,) becomes (5000, 12)');
    // A label with no column is an error, not a row.
    expect(computeArithmetic('one-hot with num_classes=4, what does label 4 look like?')[0].text.en).toContain('IndexError');
    // A traceback's shapes are not a question about the encoding.
    expect(computeArithmetic('y = to_categorical(y, 10)\nValueError: Shapes (32, 10) and (320,) are incompatible').some((x) => x.topic === 'one-hot-encoding' && /becomes/.test(x.text.en))).toBe(false);
  });

  it('applies an activation to a list written after "applied to", and pools with MaxPooling2D\'s defaults on a shape tuple', () => {
    expect(en('tanh applied to [0, 1] and relu applied to [-1, 4]?').join('\n')).toContain('relu([−1, 4]) = [0, 4]');
    const p = en('I put MaxPooling2D() right after a conv whose output is (30, 30, 16). what comes out of it?')[0];
    expect(p).toMatch(/^15×15×16 \(MaxPooling2D, 2×2, strides=2/);
    expect(p).toContain('pool_size=(2, 2), strides=None');
  });

  it('says where the largest value goes when pixels are divided by 255', () => {
    expect(en('pixel value 102 / 255 = ? and what is the max after dividing?')[0]).toMatch(/^102 \/ 255 = 0\.4\. After the division the largest value.*1\.0/);
    expect(en('pixel value 102 / 255 = ?')[0]).toBe('102 / 255 = 0.4.');
  });
});
