import { describe, expect, it } from 'vitest';
import { computeFromQuestion, learningRate } from '../../src/qa/compute/index.ts';
import { readError } from '../../src/qa/compute/errors.ts';
import { inputShapeFromText, summarizeModels } from '../../src/qa/compute/keras.ts';
import { parseLog, readLog } from '../../src/qa/compute/log.ts';
import { findCalls, parseValue } from '../../src/qa/compute/pyargs.ts';
import { batchSizes, computeSteps, sampleCounts } from '../../src/qa/compute/steps.ts';

describe('python call arguments', () => {
  it('reads literals, tuples and keyword arguments', () => {
    expect(parseValue('(3, 3)')).toEqual([3, 3]);
    expect(parseValue("'same'")).toBe('same');
    expect(parseValue('1e-3')).toBe(0.001);
    expect(parseValue('None')).toBeNull();
    const [c] = findCalls("tf.keras.layers.Conv2D(filters=8, kernel_size=[5, 5], padding='same', input_shape=(None, 64, 64, 3))", ['Conv2D']);
    expect(c).toMatchObject({ name: 'Conv2D', args: [], kwargs: { filters: 8, kernel_size: [5, 5], padding: 'same', input_shape: [null, 64, 64, 3] } });
    expect(findCalls('class MyDense(Layer): pass', ['Dense'])).toEqual([]);
  });
});

describe('model summaries', () => {
  it('works out a Sequential list with conv, pooling, flatten and dense, with the arithmetic', () => {
    const [m] = summarizeModels(`
model = keras.Sequential([
    layers.Input(shape=(32, 32, 3)),
    layers.Conv2D(8, 5, padding="same", activation="relu"),
    layers.MaxPool2D(),
    layers.Conv2D(16, (3, 3), strides=(2, 2)),
    layers.GlobalAveragePooling2D(),
    layers.Dense(4),
])`);
    expect(m.input).toEqual([32, 32, 3]);
    expect(m.rows.map((r) => r.output)).toEqual([[32, 32, 8], [16, 16, 8], [7, 7, 16], [16], [4]]);
    expect(m.rows.map((r) => r.params)).toEqual([8 * (5 * 5 * 3 + 1), 0, 16 * (3 * 3 * 8 + 1), 0, 16 * 4 + 4]);
    expect(m.rows[2].shapeMath).toBe('floor((16−3)/2)+1 = 7');
    expect(m.rows[0].paramMath).toBe('8 × (5×5×3 + 1) = 8 × 76 = 608');
    expect(m.total).toBe(608 + 1168 + 68);
  });

  it('reads model.add lines, Dense without Flatten, BatchNormalization and recurrent layers', () => {
    const [m] = summarizeModels(`model = Sequential()
model.add(Dense(32, input_dim=8))
model.add(BatchNormalization())
model.add(Dropout(0.2))
model.add(Dense(1, activation='sigmoid'))`);
    expect(m.rows.map((r) => [r.kind, r.params, r.trainable])).toEqual([['Dense', 288, 288], ['BatchNormalization', 128, 64], ['Dropout', 0, 0], ['Dense', 33, 33]]);
    expect(m.total - m.trainable).toBe(64);
    const [rnn] = summarizeModels('Sequential([Embedding(5000, 32, input_length=50), LSTM(16), Dense(1)])');
    expect(rnn.rows.map((r) => r.params)).toEqual([160000, 4 * (16 * (32 + 16) + 16), 17]);
    expect(rnn.rows[0].output).toEqual([50, 32]);
    const [text] = summarizeModels('Sequential([Embedding(10000, 16, input_length=100), GlobalAveragePooling1D(), Dense(16, activation="relu"), Dense(1)])');
    expect(text.rows.map((r) => [r.kind, r.output, r.params])).toEqual([['Embedding', [100, 16], 160000], ['GlobalAveragePooling1D', [16], 0], ['Dense', [16], 272], ['Dense', [1], 17]]);
    expect(text.total).toBe(160289);
    const [dense3d] = summarizeModels('Sequential([Dense(10, input_shape=(28, 28))])');
    expect(dense3d.rows[0]).toMatchObject({ output: [28, 10], params: 290 });
  });

  it('takes the input shape from a tuple in the prose, and reads a chain of layers joined by arrows', () => {
    const [conv] = summarizeModels("Conv2D(64, (3,3), padding='same') を (14, 14, 32) の入力にかけたら shape と Param # は？");
    expect(conv.rows[0]).toMatchObject({ output: [14, 14, 64], params: 18496 });
    const [chain] = summarizeModels('(None, 13, 13, 64) -> MaxPooling2D((2,2)) -> Flatten(). what size comes out of flatten?');
    expect(chain.rows.map((r) => r.output)).toEqual([[6, 6, 64], [2304]]);
    // The kernel size inside the call is not the input.
    const [one] = summarizeModels('Conv2D(16, (1,1)) applied to a (64, 64, 32) feature map: output shape + params?');
    expect(one.rows[0]).toMatchObject({ output: [64, 64, 16], params: 528 });
    // Layers joined in prose by "then" are one chain: the pooling takes the convolution's output, not the input.
    const prose = summarizeModels('Conv2D(64,(3,3)) on 13x13x32 then MaxPooling2D(2). summary says (None, 5, 5, 64) but I expected 6');
    expect(prose).toHaveLength(1);
    expect(prose[0].rows.map((r) => r.output)).toEqual([[11, 11, 64], [5, 5, 64]]);
    // The shape a layer is said to give ("→ output shape (None, 100, 16)") is not its input; a base model's output is the head's.
    // The sequence length of an Embedding's input named as its shape.
    const [given] = summarizeModels('Embedding(input_dim=10000, output_dim=16) のパラメータ数と、入力が (None, 100) のときの出力の形は？');
    expect(given.rows[0].output).toEqual([100, 16]);
    const [emb] = summarizeModels('Embedding(input_dim=10000, output_dim=16, input_length=100) → output shape (None, 100, 16). what are the 100 and the 16?');
    expect(emb.input).toEqual([100]);
    const [head] = summarizeModels('MobileNetV2(include_top=False) gives (None, 5, 5, 1280). Flatten -> Dense(2): param count?');
    expect(head.input).toEqual([5, 5, 1280]);
    // A chain with no input shape anywhere still has its layers read one by one.
    const loose = summarizeModels('Conv2D(64, 3, use_bias=False) followed by BatchNormalization(). how many params with 32 input channels?');
    expect(loose.some((m) => m.rows.some((r) => r.params === 256))).toBe(true);
    // Bare BN and Dropout in an arrow chain are layers too, so the chain is not cut at them.
    const [bn] = summarizeModels('input is 28x28x1:\nConv2D(75,(3,3),padding="same") -> BN -> MaxPool2D((2,2),strides=2,padding="same")\nConv2D(25,(3,3),padding="same") -> Dropout -> MaxPool2D((2,2),strides=2,padding="same")\nFlatten()');
    expect(bn.rows.map((r) => r.kind)).toEqual(['Conv2D', 'BatchNormalization', 'MaxPooling2D', 'Conv2D', 'Dropout', 'MaxPooling2D', 'Flatten']);
    expect(bn.rows[bn.rows.length - 1].output).toEqual([7 * 7 * 25]);
    // Japanese names the earlier layer first: 「A の後で B」 and 「A の上に B」 put A first.
    for (const join of ['の後で', 'の上に']) {
      const [ja] = summarizeModels(`入力は 28x28x1 で Conv2D(32, (3,3)) ${join} MaxPooling2D((2,2)) を置くと出力は？`);
      expect(ja.rows.map((r) => r.output)).toEqual([[26, 26, 32], [13, 13, 32]]);
    }
  });

  it('stops with a reason where a layer cannot take its input', () => {
    const [m] = summarizeModels('Sequential([Flatten(input_shape=(28, 28)), Conv2D(8, (3, 3))])');
    expect(m.rows).toHaveLength(1);
    expect(m.error).toMatch(/Conv2D needs an input of 3 axes/);
  });

  it('works out a lone layer on the input the question names, or by its channels alone', () => {
    const [m] = summarizeModels('what does Conv2D(4, (3,3), strides=3) give on 30x30 grey images?');
    expect(m).toMatchObject({ inputFrom: 'question', input: [30, 30, 1] });
    expect(m.rows[0].output).toEqual([10, 10, 4]);
    const [c] = summarizeModels('how many weights does Conv2D(64, (3,3)) have?');
    expect(c.inputFrom).toBe('channels-only');
    expect(c.rows[0].params).toBe(640);
    // The grey-scale input assumed for the first lone Conv2D is not the question's input for the next one.
    const two = summarizeModels('how many parameters in Conv2D(64, (3,3)) and Conv2D(32, (3,3)) ?');
    expect(two.map((x) => x.inputFrom)).toEqual(['channels-only', 'channels-only']);
    // A kernel written "3x3" inside the call; a later layer without its arguments stops the chain there, the layers before it still count.
    const chain = computeFromQuestion("Conv2D(75, 3x3, padding='same') on 28x28x1 then MaxPool2D((2,2), strides=2, padding='same'), then Conv2D(50, same)+pool. what shape after each pool?", 'en');
    expect(chain.map((c) => c.kind)).toEqual(['model']);
    expect(chain[0].text).toContain('MaxPooling2D(2×2): output (14, 14, 75)');
    expect(chain[0].text).toContain('It stops here');
    // Channels named in words: the filters of the convolution before it, or the input's channels.
    const [after] = summarizeModels('2nd conv has way more params?? Conv2D(64,(3,3)) right after a 32-filter conv = 18496. how');
    expect(after).toMatchObject({ inputFrom: 'channels-after-conv', total: 18_496 });
    const told = computeFromQuestion('how many params does Conv2D(16, (5,5)) have on 8 input channels?', 'en')[0].text;
    expect(told).toContain('16 × (5×5×8 + 1) = 16 × 201 = 3,216');
    expect(told).not.toContain('convolution before it');
    expect(computeFromQuestion('フィルター32枚の畳み込みの後の Conv2D(64, (3,3)) のパラメータ数は？', 'ja')[0].text).toContain('64 × (3×3×32 + 1) = 64 × 289 = 18,496');
    expect(inputShapeFromText('a 5x5 kernel on 64×64 pictures')).toEqual([64, 64]);
    // A follow-up that changes one parameter gets the layers worked out again.
    const pool = computeFromQuestion('input (26, 26, 32) -> MaxPooling2D(pool_size=(2,2)) -> shape? and what if pool_size=3', 'en')[0].text;
    expect(pool).toContain('output (13, 13, 32)');
    expect(pool).toMatch(/With pool_size=3:\n[\s\S]*MaxPooling2D\(3×3\): output \(8, 8, 32\)/);
    const stride = computeFromQuestion('(28,28,1) に Conv2D(16, (3,3)) をかけた出力の形は？ strides=2 だったら？', 'ja')[0].text;
    expect(stride).toMatch(/strides=2 にすると：\n[\s\S]*出力 \(13, 13, 16\)/);
    expect(computeFromQuestion('Conv2D(32, (3,3), input_shape=(28,28,1)) output shape? and with strides=1?', 'en')[0].text).not.toContain('With strides');
    expect(inputShapeFromText('the kernel is 3x3')).toBeUndefined();
  });

  it('writes the summary in the asker\'s language and names the heaviest layer', () => {
    const q = 'パラメータ数を確認したいです\nSequential([Conv2D(8, (3,3), input_shape=(20,20,1)), Flatten(), Dense(32), Dense(2)])';
    const [ja] = computeFromQuestion(q, 'ja');
    expect(ja.kind).toBe('model');
    expect(ja.topic).toBe('cnn-convolution');
    expect(ja.text).toContain('Flatten()：出力 (2592,) [18×18×8 = 2,592]');
    expect(ja.text).toContain('合計 83,122 パラメータ');
    expect(ja.text).toMatch(/一番重いのは Dense\(32\)/);
    const [en] = computeFromQuestion(q.replace('パラメータ数を確認したいです', 'how many params?'), 'en');
    expect(en.text).toContain('Total: 83,122 parameters');
    // Which term of a count is the bias ("where do the extra 8 come from?").
    expect(ja.text).toContain('足している部分がバイアスの数');
    expect(en.text).toContain('the added term the biases');
    // Layers without weights need no such line.
    const [pool] = computeFromQuestion('MaxPooling2D((2,2)) on a (26, 26, 32) input: output shape?', 'en');
    expect(pool.text).not.toContain('biases');
  });

  it('leaves code alone when the question does not ask about shapes or parameters', () => {
    expect(computeFromQuestion("why is my accuracy low?\nmodel = Sequential([Dense(8, input_shape=(4,)), Dense(3, activation='softmax')])", 'en')).toEqual([]);
    // A convolution that shrinks, asked "why not 28?": how to keep the size too; not when only the counts are asked.
    const [shrink] = computeFromQuestion("Conv2D(32, (3,3), activation='relu', input_shape=(28,28,1)) の output shape が (None, 26, 26, 32) になるのはなんで？28 のままじゃないの？", 'ja');
    expect(shrink.text).toContain("28 のまま（同じ大きさ）にしたいときは `padding='same'`");
    expect(computeFromQuestion('Conv2D(32, (3,3), input_shape=(28,28,1)) why does it stay 26 and not the same size?', 'en')[0].text).toContain("pass `padding='same'`");
    expect(computeFromQuestion('Conv2D(32, (3,3), input_shape=(28,28,1)): output shape and params?', 'en')[0].text).not.toContain("padding='same'");
    // A kernel's size is the layer's setting, not the model's size.
    expect(computeFromQuestion('Conv2D(50, (3, 3), padding="same") の 50 って何の数ですか？ (3,3) がカーネルサイズなのはわかったんですが', 'ja')).toEqual([]);
    expect(computeFromQuestion('in Conv2D(50, (3,3)) what is the 50? I get that (3,3) is the kernel size', 'en')).toEqual([]);
    expect(computeFromQuestion('Conv2D(50, (3,3)) on 28x28x1: what output size?', 'en')[0].kind).toBe('model');
  });
});

describe('steps per epoch', () => {
  it('reads data sizes and batch sizes as people write them', () => {
    expect(sampleCounts('学習データは3万件で、テストが5,000枚')).toEqual([30000, 5000]);
    expect(sampleCounts('x.shape is (25000, 100)')).toEqual([25000]);
    expect(sampleCounts('28x28 images')).toEqual([]);
    expect(batchSizes('batch_size を 16 → 256 に')).toEqual([16, 256]);
    expect(batchSizes('if I change the batch size from 32 to 256')).toEqual([32, 256]);
    expect(batchSizes('batch_size=64, 60000 training images')).toEqual([64]);
    expect(batchSizes('batch_size 32, 64 or 128')).toEqual([32, 64, 128]);
  });

  it('divides, rounds up and names the last batch, with validation_split and the default batch size', () => {
    const r = computeSteps('I have 1000 samples, batch_size=64, validation_split=0.1. how many steps per epoch?')!;
    expect(r.cases[0]).toMatchObject({ train: 900, steps: 15, last: 4 });
    const d = computeSteps('25000 training images and the bar shows 782/782, why that number?')!;
    expect(d.cases[0]).toMatchObject({ batch: 32, defaultBatch: true, steps: 782 });
    expect(computeSteps('what is a batch?')).toBeUndefined();
    // Two batch sizes compared over what training did: the updates per epoch, and over the run's epochs (not the "1 epoch" unit).
    const cmp = computeSteps('MNISTで batch_size を 32 → 512 にしたら1エポックは速くなったけど 5エポック後の精度が落ちました。精度にも関係あるの？')!;
    expect(cmp.cases.map((c) => c.steps)).toEqual([1875, 118]);
    expect(cmp.epochs).toBe(5);
    expect(computeSteps('A: batch_size=32, epochs=10 / B: batch_size=64, epochs=20 on 60000 images, which is faster?')!.epochs).toBeUndefined();
    expect(computeSteps('batch_size 32 or 64, which is better?')).toBeUndefined();
    // "labelled photos" are samples too, and "total number of weight updates" asks for epochs × steps.
    expect(computeSteps('I have 1200 labelled photos, validation_split=0.25, batch_size=64. how many steps per epoch?')!.cases[0]).toMatchObject({ samples: 1200, train: 900, steps: 15, last: 4 });
    const total = computeSteps('60000 train images, validation_split=0.2, batch_size=128, epochs=8. total number of weight updates?')!;
    expect(total.cases[0]).toMatchObject({ train: 48000, steps: 375 });
    expect(total.epochs).toBe(8);
    // A bar of 1500 with validation_split=0.2 and no batch size: MNIST's 60,000 × 0.8 ÷ 32.
    const mnist = computeSteps('model.fit(x_train, y_train, epochs=5, validation_split=0.2) shows 1500/1500, the instructor had 1875?')!;
    expect(mnist.cases[0]).toMatchObject({ samples: 60000, train: 48000, batch: 32, steps: 1500 });
    expect(mnist.assumedSamples).toBe(true);
    // A bar alone: Keras's default batch size says how much data it implies.
    const bar = computeSteps('進捗バーに 782/782 って出るんですが、この782って何？')!;
    expect(bar.implied).toEqual({ steps: 782, batch: 32, samples: 25024, defaultBatch: true });
    expect(computeFromQuestion('進捗バーに 782/782 って出るんですが、この782って何？', 'ja')[0].text).toContain('24,993〜25,024 件');
    // Iris split by train_test_split, the total number of updates, steps_per_epoch asked by name.
    expect(computeSteps('Irisを train_test_split(iris.data, iris.target, test_size=0.2) で分けて batch_size=16 で fit したら1エポック何ステップ？')!.cases[0]).toMatchObject({ train: 120, steps: 8, last: 8 });
    expect(computeFromQuestion('MNIST 60000枚、batch_size=32、epochs=5 で fit したら、重みの更新って全部で何回？', 'ja')[0].text).toContain('5 × 1,875 = 9,375 回');
    expect(computeSteps('datagen.flow(x_train, y_train, batch_size=32) with 27,455 training images. what steps_per_epoch should I pass?')!.cases[0].steps).toBe(858);
    // The training count is the one named as training, not the validation slice mentioned first.
    expect(computeSteps('自分で validation を1万枚切り出したので訓練は 48000 枚。batch_size=64, epochs=15 だと重みの更新って全部で何回？')!.cases[0]).toMatchObject({ samples: 48000, steps: 750 });
    // A bar that does not fit MNIST is not explained as MNIST.
    expect(computeSteps('model.fit(x_train, y_train, validation_split=0.2) shows 4/4 steps, why?')?.cases ?? []).toHaveLength(0);
    const [ja] = computeFromQuestion('データ2000件、batch_size=300 だと何ステップ？', 'ja');
    expect(ja.text).toContain('2,000 ÷ 300（batch_size=300）→ 7 ステップ（300 件のバッチが 6 個と、最後に 200 件のバッチが 1 個');
  });
});

describe('training logs', () => {
  it('finds where validation loss turns, with the epochs', () => {
    const log = [1, 2, 3, 4, 5].map((e, i) => `Epoch ${e}/5\n100/100 - loss: ${(0.5 - i * 0.08).toFixed(4)} - accuracy: 0.9${i} - val_loss: ${[0.3, 0.25, 0.27, 0.31, 0.36][i]} - val_accuracy: ${[0.9, 0.92, 0.91, 0.9, 0.9][i]}`).join('\n');
    const f = readLog(parseLog(log));
    expect(f[0]).toMatchObject({ kind: 'overfitting', facts: { best: 2, lastEpoch: 5 } });
    const [en] = computeFromQuestion(log, 'en');
    expect(en.text).toMatch(/lowest at epoch 2 \(0\.25\).*overfitting starts around epoch 2/);
  });

  it('reads two quoted epochs with validation loss and accuracy both rising, but not two runs side by side', () => {
    const two = 'Epoch 6/20\n1875/1875 - loss: 0.0410 - accuracy: 0.9868 - val_loss: 0.0788 - val_accuracy: 0.9781\n...\nEpoch 12/20\n1875/1875 - loss: 0.0102 - accuracy: 0.9968 - val_loss: 0.1124 - val_accuracy: 0.9806\nwhich one do I trust';
    expect(readLog(parseLog(two))[0]).toMatchObject({ kind: 'val-loss-and-accuracy-rise', facts: { best: 6, lastEpoch: 12 } });
    expect(readLog(parseLog('A: val_loss: 0.0902 - val_accuracy: 0.9751\nB: val_loss: 0.1187 - val_accuracy: 0.9790')).map((f) => f.kind)).not.toContain('val-loss-and-accuracy-rise');
  });

  it('reads a negative loss as labels the loss does not accept, and a near-zero loss beside a larger val_loss as overfitting', () => {
    const neg = 'how can the loss be NEGATIVE??\nEpoch 3/10\n1875/1875 - loss: -412.7731 - accuracy: 0.1124\ncompile(loss=\'binary_crossentropy\'), labels are the normal mnist y_train';
    expect(readLog(parseLog(neg))[0]).toMatchObject({ kind: 'negative-loss', facts: { value: '-412.7731' } });
    const [en] = computeFromQuestion(neg, 'en');
    expect(en.text).toContain("Dense(10, activation='softmax')");
    expect(en.text).toContain('binary_crossentropy expects labels of 0 or 1');
    const [iris] = computeFromQuestion("iris で Dense(1, activation='sigmoid') と binary_crossentropy にしたら loss: -3.4521 になりました", 'ja');
    expect(iris.text).toContain("Dense(3, activation='softmax')");
    const line = 'これって完璧なモデル？\nEpoch 20/20\n1875/1875 - loss: 1.2034e-04 - accuracy: 1.0000 - val_loss: 0.4102 - val_accuracy: 0.9421';
    expect(readLog(parseLog(line))[0]).toMatchObject({ kind: 'train-val-gap', facts: { loss: '1.2034e-04', vloss: '0.4102' } });
    expect(computeFromQuestion(line, 'ja')[0].text).toMatch(/^完璧なモデルという意味ではありません。/);
    // The same gap with a training loss that is not near 0 is not enough on one line.
    expect(readLog(parseLog('Epoch 5/5 - loss: 0.0900 - accuracy: 0.9700 - val_loss: 0.1400 - val_accuracy: 0.9600'))).toEqual([]);
  });

  it('tells divergence, a printed zero, a stall at chance and loss vs accuracy apart', () => {
    expect(readLog(parseLog('loss: 0.9 -> 54.2 -> inf -> nan'))[0]).toMatchObject({ kind: 'diverged', facts: { epoch: 3 } });
    expect(readLog(parseLog('val_loss=0.000 after training'))[0].kind).toBe('printed-zero');
    // Keras's scientific notation: 0.0000e+00 is exactly zero, the sign of a one-unit softmax.
    expect(readLog(parseLog('Epoch 1/5\n1875/1875 - loss: 0.0000e+00 - accuracy: 0.0987'))[0]).toMatchObject({ kind: 'exact-zero', facts: { text: '0.0000e+00' } });
    expect(computeFromQuestion('loss: 0.0000e+00 - accuracy: 0.5012 every epoch, why?', 'en')[0].text).toMatch(/exactly zero.*Dense\(1, activation='softmax'\)/s);
    expect(readLog(parseLog('loss 1.0986 → 1.0985 → 1.0986'))[0]).toMatchObject({ kind: 'chance-level', facts: { classes: 3 } });
    expect(readLog(parseLog('loss: 0.9 -> 0.6 -> 0.4\naccuracy: 0.75 -> 0.75 -> 0.75'))[0].kind).toBe('loss-falls-accuracy-flat');
    expect(readLog(parseLog('mae: 3.1 - loss: 12.0 - accuracy: 0.0000\nloss: 9.0 - accuracy: 0.0000'))[0].kind).toBe('regression-accuracy');
    expect(readLog(parseLog('val_loss: 0.20 -> 0.22 -> 0.26\nval_accuracy: 0.93 -> 0.94 -> 0.95'))[0].kind).toBe('val-loss-and-accuracy-rise');
  });

  it('names the epoch the prose gives for a diverged loss, and a rate smaller than the asker\'s own', () => {
    const [en] = computeFromQuestion('loss: nan from epoch 2 in my linear regression, x is 1500-3000, SGD lr=0.01. what did I break', 'en');
    expect(en.text).toContain('at epoch 2');
    expect(en.text).toContain('10 to 100 times smaller than your 0.01 (0.001 or 0.0001)');
    expect(en.text).not.toContain('0.001-0.01');
    // No epoch line and none in the prose: no epoch is claimed.
    const [bare] = computeFromQuestion('my loss became loss: nan, why?', 'en');
    expect(bare.text).toMatch(/^Your log shows the loss at nan: training diverged/);
    // A rate already at Adam's default: the data is suspected first.
    const [ja] = computeFromQuestion('Adam(learning_rate=0.001) なのに\nEpoch 1/20\n38/313 - loss: nan - accuracy: 0.1035\nって最初から nan です', 'ja');
    expect(ja.text).toContain('np.isnan(x).any()');
  });

  it('reads several epochs pasted on one line, and sends Adam at 0.1 or more back to its default', () => {
    const s = parseLog('Epoch 1/10 loss: 2.3e+12  Epoch 2/10 loss: nan  Epoch 3/10 loss: nan');
    expect(s.loss?.map((p) => [p.epoch, p.text])).toEqual([[1, '2.3e+12'], [2, 'nan'], [3, 'nan']]);
    const [en] = computeFromQuestion('Epoch 1/10 loss: 2.3e+12  Epoch 2/10 loss: nan  Epoch 3/10 loss: nan ... I set optimizer=Adam(learning_rate=1). what happened', 'en');
    expect(en.text).toMatch(/^Your log shows the loss at nan at epoch 2: training diverged/);
    expect(en.text).toContain("Adam's 0.001");
    expect(en.text).not.toContain('10 to 100 times smaller');
    // With SGD a tenth of 0.5 is a usual rate.
    const [sgd] = computeFromQuestion('SGD(learning_rate=0.5)\nEpoch 1/5 - loss: 3.2e+09\nEpoch 2/5 - loss: nan\nwhy', 'en');
    expect(sgd.text).toContain('10 to 100 times smaller than your 0.5 (0.05 or 0.005)');
  });

  it('blames a tiny learning rate for a stall only when the asker set one', () => {
    expect(learningRate('Adam(learning_rate=3e-6)')).toBe(3e-6);
    const [ja] = computeFromQuestion('学習率 0.000001 で loss が 2.303→2.302→2.302 のままです', 'ja');
    expect(ja.text).toMatch(/失敗ではありません：学習率 0.000001 は小さすぎて/);
    const [en] = computeFromQuestion('loss stays 2.303 -> 2.302 -> 2.302', 'en');
    expect(en.text).toMatch(/ln\(10\)/);
    // Two values are enough when the asker names the rate.
    const [two] = computeFromQuestion('set Adam(learning_rate=1e-6) to be safe. after 10 epochs loss went 2.3012 -> 2.2871. is something broken?', 'en');
    expect(two.text).toMatch(/^Nothing is broken: learning_rate=0.000001 makes every step tiny, so the loss has only gone from 2.3012 to 2.2871/);
    // One loss value read: the tiny rate still leads.
    const one = computeFromQuestion('set the lr to 0.00001 because smaller = safer right? but after 10 epochs:\nloss: 2.3104 ... loss: 2.2951 ... loss: 2.2876 - accuracy: 0.1489\nno errors in the code. wth', 'en').find((c) => c.kind === 'log')!;
    expect(one.text).toMatch(/^Nothing is broken: learning_rate=0.00001 makes every step tiny, so the loss is still near where training starts\. Go back to Adam's default 0\.001/);
  });

  it('blames a large learning rate for a stall at its rate, not a small one', () => {
    const [ja] = computeFromQuestion('Adam(learning_rate=0.1) にしたら\nEpoch 1/10 - loss: 14.4825 - accuracy: 0.1014\nEpoch 2/10 - loss: 14.5063 - accuracy: 0.0999\nEpoch 3/10 - loss: 14.5063 - accuracy: 0.0999', 'ja');
    expect(ja.text).toContain('学習率 0.1 が大きすぎます');
    expect(ja.text).not.toContain('小さすぎ');
    // At ln(10) with a large rate: guessing, not a loss that has yet to move.
    const [chance] = computeFromQuestion('Adam(learning_rate=0.5)\nEpoch 1/5 - loss: 2.3031\nEpoch 2/5 - loss: 2.3029\nEpoch 3/5 - loss: 2.3030', 'en');
    expect(chance.text).toContain('learning_rate=0.5 is too large');
    expect(chance.text).not.toContain('hardly moved from there yet');
    // At Adam's default the rate is not what is wrong.
    const [dflt] = computeFromQuestion('Adam(learning_rate=0.001)\nEpoch 1/5 - loss: 0.9012\nEpoch 2/5 - loss: 0.9008\nEpoch 3/5 - loss: 0.9010', 'en');
    expect(dflt.text).not.toMatch(/too small|too large/);
  });
});

describe('error messages read with their numbers', () => {
  it('says which side is the labels and which the output layer', () => {
    expect(readError('ValueError: Shapes (None, 1) and (None, 5) are incompatible')).toMatchObject({ kind: 'integer-labels-categorical-loss' });
    expect(readError('ValueError: Shapes (None, 1) and (None, 5) are incompatible')!.text.en).toContain('to_categorical(y_train, 5)');
    expect(readError('Shapes (None, 4) and (None, 2) are incompatible')!.text.ja).toContain('Dense(4, activation=\'softmax\')');
    expect(readError('got logits shape [16,4] and labels shape [64]')).toBeUndefined();
    expect(readError('logits and labels must have the same first dimension, got logits shape [16,4] and labels shape [64]')!.text.en).toContain('16 samples × 4 columns = 64 values');
    // More logits than labels, a whole multiple: the output kept an axis (no Flatten), the labels are fine.
    const axis = readError('logits and labels must have the same first dimension, got logits shape [896,10] and labels shape [32]')!;
    expect(axis.kind).toBe('output-extra-axis');
    expect(axis.text.en).toMatch(/^896 = 32 × 28: there are 32 labels/);
    expect(axis.text.en).toContain('(None, 28, 10)');
  });

  it('reads missing axes and removed methods', () => {
    expect(readError('expected min_ndim=4, found ndim=3. Full shape received: (None, 32, 32)')!.text.en).toContain('reshape(-1, 32, 32, 1)');
    // One image with its channel axis lacks the batch axis, not the channel axis.
    const single = readError('model.predict(image): expected min_ndim=4, found ndim=3. Full shape received: (28, 28, 1)')!;
    expect(single.kind).toBe('missing-batch-axis');
    expect(single.text.en).toContain('(1, 28, 28, 1)');
    expect(single.text.en).not.toContain('reshape(-1, 28, 1, 1)');
    // Keras 2's predict reads the image's rows as samples: (None, 28, 1).
    const rows = readError('model.predict(img): expected min_ndim=4, found ndim=3. Full shape received: (None, 28, 1)')!;
    expect(rows.kind).toBe('missing-batch-axis');
    expect(rows.text.en).toContain('(1, 28, 28, 1)');
    expect(rows.text.ja).toContain('各行を1サンプルとして読んだ');
    expect(readError('expected shape=(None, 4), found shape=(4,)')!.kind).toBe('missing-batch-axis');
    expect(readError('expected shape=(None, 1024), found shape=(None, 32, 32)')!.text.ja).toContain('reshape(-1, 1024)');
    expect(readError("AttributeError: 'Functional' object has no attribute 'predict_classes'")!.kind).toBe('predict-classes-removed');
    // to_categorical given a label as large as num_classes: counted from 1, a subset of classes, or one more class.
    expect(readError('my labels go 1..10. to_categorical(y, 10) throws IndexError: index 10 is out of bounds for axis 1 with size 10')!.text.en).toContain('subtract 1 to make them 0–9');
    expect(readError('5 classes, labels [0, 4, 7, 11, 12]. y = to_categorical(y_small, num_classes=5) IndexError: index 7 is out of bounds for axis 1 with size 5')!.text.en).toContain('np.unique(y, return_inverse=True)');
    const asl24 = readError('IndexError: index 24 is out of bounds for axis 1 with size 24\non the line y_train = to_categorical(y_train, 24)')!;
    expect(asl24.kind).toBe('to-categorical-label-too-large');
    expect(asl24.text.en).toContain('to_categorical(y, 25)');
    // A sparse label outside 0 … units − 1: counted from 1 (shift down), or a larger largest label (more units).
    const shift = readError('InvalidArgumentError: Received a label value of 10 which is outside the valid range of [0, 10). my last layer is Dense(10). labels are 1..10')!;
    expect(shift.kind).toBe('label-out-of-range');
    expect(shift.text.en).toContain('subtract 1 to make them 0–9');
    expect(readError('species is coded 1,2,3 ... Received a label value of 3 which is outside the valid range of [0, 3).')!.text.en).toContain('subtract 1 to make them 0–2');
    const asl = readError('ASL: Received a label value of 24 which is outside the valid range of [0, 24).')!.text;
    expect(asl.en).toContain('Dense(25');
    expect(asl.ja).toContain('Dense(25');
    expect(readError('Received a label value of -1 which is outside the valid range of [0, 3)')!.text.en).toContain('negative label');
    // One (28, 28, 1) image: its first axis is taken for the batch, leaving (28, 1); the asker's own variable is in the fix.
    const one = readError('img.shape  # (28, 28, 1)\nmodel.predict(img)\nValueError: expected shape=(None, 28, 28, 1), found shape=(None, 28, 1)')!;
    expect(one.kind).toBe('missing-batch-axis');
    expect(one.text.en).toContain('np.expand_dims(img, 0)');
    expect(one.text.en).toContain('(1, 28, 28, 1)');
    expect(readError('expected shape=(None, 28, 28), found shape=(None, 28)')!.text.ja).toContain('x_test[0:1]');
  });

  it('reads one unflattened image given to a flat-input model, with its sizes', () => {
    const r = readError('ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 784), found shape=(None, 28)')!;
    expect(r.kind).toBe('unflattened-image');
    expect(r.text.en).toContain('img.reshape(1, 784) / 255');
    expect(r.text.ja).toContain('28 サンプル');
    // Not every pair of sizes is an image's rows: 100 is not 30 × 30.
    expect(readError('expected shape=(None, 100), found shape=(None, 30)')?.kind).not.toBe('unflattened-image');
  });

  it('counts the batches of one evaluation pass, updating nothing', () => {
    const [v] = computeFromQuestion("ASL validation set is 7172 images and I didn't set batch_size. how many batches does evaluation run per epoch?", 'en');
    expect(v.text).toMatch(/^Batches in one evaluation pass = 7,172 \/ 32 \(the default batch_size of 32\) → 225/);
    expect(v.text).toContain('evaluation updates no weights');
    expect(v.text).not.toContain('one more update');
    // Without a validation set it is training.
    const [t] = computeFromQuestion('batch_size=64 training MNIST 60000 training images ( without validation data ) , epochs=5. 1 epoch how many steps ? in total update how many times weights ?', 'en');
    expect(t.text).toMatch(/^Steps per epoch/);
  });

  it('explains a pooled size rounded up by padding=same in a summary table', () => {
    const [m] = computeFromQuestion('summary:\n conv2d_2 (Conv2D)  (None, 7, 7, 25)  11275\n max_pooling2d_2 (MaxPooling2D)  (None, 4, 4, 25)  0\nなんで 7 が 4 になるの？', 'ja');
    expect(m.text).toContain("padding='same' なので高さと幅は 7 ÷ 2 の切り上げ = 4（既定の padding='valid' なら切り捨てで 3）");
  });

  it('says where one column too many comes from: to_categorical without num_classes', () => {
    const r = readError("y_train = keras.utils.to_categorical(y_train)\nValueError: Shapes (None, 25) and (None, 24) are incompatible")!;
    expect(r.kind).toBe('output-units-mismatch');
    expect(r.text.en).toContain('largest label + 1');
    expect(r.text.en).toContain('to_categorical(y, 24)');
    expect(readError('ValueError: Shapes (None, 25) and (None, 24) are incompatible')!.text.en).not.toContain('largest label');
  });

  it('names the cell a NameError points at, by the name', () => {
    expect(readError("NameError: name 'x_train' is not defined")!.text.ja).toContain('データを読み込む');
    expect(readError("NameError: name 'np' is not defined")!.text.en).toContain('comes from an import');
    const own = readError("NameError: name 'history' is not defined")!;
    expect(own).toMatchObject({ kind: 'name-not-defined', topic: 'jupyter-environment' });
    expect(own.text.en).toContain('`history = …`');
  });
});

describe('code that explains a surprise', () => {
  it('notices a hidden layer in a "perceptron", softmax on one unit and an output without softmax', () => {
    const xor = computeFromQuestion("my perceptron learned XOR! Sequential([Dense(8, activation='tanh', input_shape=(2,)), Dense(1, activation='sigmoid')])", 'en');
    expect(xor[0]).toMatchObject({ kind: 'code', topic: 'perceptron-xor' });
    expect(xor[0].text).toMatch(/hidden layer, Dense\(8\)/);
    const one = computeFromQuestion("出力を Dense(1, activation='softmax') にしたら予測が全部1です", 'ja');
    expect(one[0].text).toMatch(/常に 1\.0/);
    const logits = computeFromQuestion('predict gives negative numbers? Sequential([Flatten(input_shape=(28,28)), Dense(64), Dense(10)])', 'en');
    expect(logits.find((c) => c.kind === 'code')!.text).toMatch(/logits/);
  });
});

describe('what beginners paste: summaries, predictions, progress bars, logs', () => {
  const SUMMARY = [
    '```',
    ' conv2d (Conv2D)             (None, 26, 26, 32)        320',
    ' max_pooling2d (MaxPooling2D (None, 13, 13, 32)        0',
    ' conv2d_1 (Conv2D)           (None, 11, 11, 64)        18496',
    ' max_pooling2d_1 (MaxPooling (None, 5, 5, 64)          0',
    ' flatten (Flatten)           (None, 1600)              0',
    ' dense (Dense)               (None, 10)                16010',
    '=================================================================',
    'Total params: 34,826',
    '```',
  ].join('\n');

  it('explains every number of a pasted summary table, in both layouts', () => {
    const en = computeFromQuestion(`Can someone explain the numbers here, esp. flatten 1600 and dense 16010?\n${SUMMARY}`, 'en');
    expect(en).toHaveLength(1);
    expect(en[0].kind).toBe('model');
    expect(en[0].text).toContain('(3×3×1 + 1) × 32 = 320');
    expect(en[0].text).toContain("The input is (26, 26, 1) with padding='same', or (28, 28, 1) without padding (28 − 3 + 1 = 26)");
    expect(en[0].text).toContain('(3×3×32 + 1) × 64 = 18,496');
    expect(en[0].text).toContain('floor(11 / 2) = 5');
    expect(en[0].text).toContain('5×5×64 = 1,600');
    expect(en[0].text).toContain('1,600×10 + 10 = 16,010');
    expect(en[0].text).toContain('= 34,826.');
    const boxed = SUMMARY.replace(/^ (\S+ \(\S+\)?)\s+(\(None[^)]*\))\s+(\d+)$/gm, '│ $1 │ $2 │ $3 │');
    const ja = computeFromQuestion(`このサマリーの数字の意味を教えて\n${boxed}`, 'ja');
    expect(ja[0].text).toContain('1,600×10 + 10 = 16,010');
    expect(ja[0].text).toContain('13 − 3 + 1 = 11');
  });

  it("reads a layer's input back from the count the asker sees", () => {
    const [c] = computeFromQuestion('2層目の Conv2D(64, (3,3)) が Param # 18496 になってます。3×3×64+64 = 640 じゃないんですか？', 'ja');
    expect(c.text).toContain('c = 32');
    expect(c.text).toContain('3×3×32×64 = 18,432');
    expect(c.text).not.toContain('36,928');
    const [d] = computeFromQuestion('Dense(128) shows 100480 params in summary, why so many?', 'en');
    expect(d.text).toContain('784 inputs');
  });

  it('names the class a pasted prediction picks', () => {
    const [c] = computeFromQuestion('predict したらこんなのが出ました。どれが答え？\n```\narray([[1.2e-07, 3.4e-08, 2.1e-05, 9.9e-04, 1.1e-09, 1.3e-06, 2.2e-11, 9.989e-01, 4.0e-06, 8.1e-05]], dtype=float32)\n```', 'ja');
    expect(c.text).toMatch(/^予測はクラス 7（確率 0\.9989/);
    expect(c.text).toContain('np.argmax(pred, axis=1)');
  });

  it('reads the batch size back from a progress bar that is not the default', () => {
    const [c] = computeFromQuestion('the progress bar says 469/469 but MNIST has 60000 images?? is it only using 469 of them', 'en');
    expect(c.text).toContain('60,000 / 128 (batch_size=128, the size that gives 469 steps) → 469');
    expect(c.text).toContain('a last batch of 96');
    expect(c.text).toContain('All 60,000 samples are used every epoch');
  });

  it('reads a single loss at ln(k) as chance level, not as an output', () => {
    const en = computeFromQuestion("XOR notebook, Dense(1, activation='sigmoid') with binary_crossentropy sits at\n```\nloss: 0.6931 - accuracy: 0.5000\n```\nis 0.6931 some special number?", 'en');
    expect(en.map((c) => c.kind)).toEqual(['log']);
    expect(en[0].text).toMatch(/^0\.6931 is about ln\(2\) = 0\.6931/);
    expect(en[0].text).toContain('hidden layer');
    const [ja] = computeFromQuestion('2.30って何か意味ある数字ですか？\n```\n   1/1875 [....] - ETA: 12:03 - loss: 2.3094 - accuracy: 0.0938\n```', 'ja');
    expect(ja.text).toMatch(/^2\.3094 はほぼ ln\(10\) = 2\.3026/);
  });

  it("checks the output layer against the task and the loss", () => {
    const [relu] = computeFromQuestion("標準化した目標値（マイナスもある）を予測させると予測値が全部 0 です\n```\nmodel = Sequential([Dense(1, activation='relu', input_shape=(1,))])\nmodel.compile(loss='mse', optimizer='adam')\n```", 'ja');
    expect(relu.text).toContain("Dense(1, activation='relu')");
    expect(relu.text).toContain('活性化なしの Dense(1)');
    const out = computeFromQuestion("loss='binary_crossentropy', metrics=['accuracy'], softmax with 10 outputs, one-hot labels -> accuracy 0.99 already in epoch 1, but the predictions look bad", 'en');
    expect(out).toHaveLength(1);
    expect(out[0].text).toContain('binary_accuracy');
    expect(out[0].text).toContain('9/10 = 0.90');
    // A classifier's sigmoid output is no mistake.
    expect(computeFromQuestion("binary classification with Dense(1, activation='sigmoid'), is that right?", 'en').filter((c) => c.kind === 'code')).toEqual([]);
  });

  it('says a lone Dense(1) is linear regression when asked, naming its two parameters', () => {
    const [c] = computeFromQuestion("```\nmodel = Sequential([Dense(1, input_shape=(1,))])\n```\nsummary says Total params: 2. Is this really the same as linear regression?", 'en');
    expect(c.kind).toBe('code');
    expect(c.text).toMatch(/^Yes\. A Dense\(1\) with no activation computes y = w·x \+ b/);
    expect(c.text).toContain('the weight w (the slope m) and the bias b');
  });

  it('shows the working of a short softmax: each e^x, the sum, each share', () => {
    const [c] = computeFromQuestion('softmax の計算練習です。ロジットが [2.0, 1.0, 0.1] のとき、それぞれの確率はいくつになりますか？', 'ja');
    expect(c.text).toContain('softmax([2, 1, 0.1]) = [0.659, 0.242, 0.099]');
    expect(c.text).toContain('e^2 = 7.389, e^1 = 2.718, e^0.1 = 1.105、Σ = 11.213');
  });

  it('reads "Param # が 18496" and the steps of a split, an LSTM after an Embedding, and a zero loss at accuracy 1.0', () => {
    const [conv] = computeFromQuestion('2層目の Conv2D(64, (3,3)) の Param # が 18496 になってます。入力は32チャンネル。3*3*64+64=640 になったんですが？', 'ja');
    expect(conv.text).toContain('c = 32');
    const [steps] = computeFromQuestion('validation_split=0.2, batch_size=64 で fit したら 750/750 と出ました。60000/64 = 937.5 だから938になると思ってたんですが、750で合ってる？', 'ja');
    expect(steps.text).toContain('60,000 × 0.8 = 48,000');
    expect(steps.text).toContain('→ 750 ステップ');
    const [lstm] = computeFromQuestion('LSTM(32) after Embedding(10000, 16) shows 6272 params in summary. how??', 'en');
    expect(lstm.text).toContain('4 × (32×(16+32) + 32) = 6,272');
    const [zero] = computeFromQuestion('Epoch 30/30\n1875/1875 [====] - 5s 3ms/step - loss: 0.0000e+00 - accuracy: 1.0000 - val_loss: 0.3512 - val_accuracy: 0.9790\nloss is literally zero, so the model is perfect now right?', 'en');
    expect(zero.text).toMatch(/^No, it is not a perfect model/);
    expect(zero.text).toContain('val_loss is 0.3512');
    expect(zero.text).not.toContain("Dense(1, activation='softmax')");
  });

  it('confirms a one-hot row counted from 0, and says the other classes do not enter the loss', () => {
    const [c] = computeFromQuestion('to_categorical(3, num_classes=10) って [0,0,0,1,0,0,0,0,0,0] で合ってます？ 左から3番目が1だと思ってたので混乱してます', 'ja');
    expect(c.text).toMatch(/^はい、合っています。位置は 0 から数えるので、ラベル 3 は左から 4 番目/);
    const [ce] = computeFromQuestion('If the true class is 3 and the model gives class 3 probability 0.2, what is the cross-entropy for that sample? And if it gave 0.9? Do the other 9 probabilities matter?', 'en');
    expect(ce.text).toContain('−ln(0.2) = 1.609');
    expect(ce.text).toContain("Only the true class's probability enters the loss");
  });

  it('does not read 線形 (linear) as a question about shapes', () => {
    const out = computeFromQuestion("線形回帰の練習です。なにがおかしい？\n```\nmodel = Sequential([Dense(1, input_shape=(1,))])\n```", 'ja');
    expect(out.filter((c) => c.kind === 'model')).toEqual([]);
  });

  it("reads a single epoch's wide train/validation gap as overfitting, and a pasted log's bar is no question about steps", () => {
    const q = "dense model on a small image data set I'm trying (27k train images, 24 classes):\n```\nEpoch 20/20\n858/858 - 3s - loss: 0.0298 - accuracy: 0.9912 - val_loss: 2.1133 - val_accuracy: 0.6021\n```\ntraining looks amazing but val is 60%. which number do I believe";
    const r = computeFromQuestion(q, 'en');
    expect(r.map((x) => x.kind)).toEqual(['log']);
    expect(r[0].text).toContain('Training accuracy 0.9912 against validation accuracy 0.6021: the gap is overfitting');
    expect(r[0].text).toContain('The number to believe is the validation one (0.6021)');
    // A narrow gap in one epoch is not called overfitting.
    expect(computeFromQuestion('Epoch 5/5\n1875/1875 - loss: 0.05 - accuracy: 0.985 - val_loss: 0.07 - val_accuracy: 0.978\nis this good?', 'en').some((x) => /overfitting/.test(x.text))).toBe(false);
    // The bar asked about in prose is still read.
    expect(computeFromQuestion('Epoch 1/5\n1875/1875 - 3s - loss: 0.25 - accuracy: 0.93\nwhat is 1875/1875?', 'en').some((x) => x.kind === 'steps')).toBe(true);
  });

  it('reads a pasted one-hot row back as its label, and an accuracy stuck at 0.5 is no model output', () => {
    const [r] = computeFromQuestion('print(y_train[0]) gives [0. 0. 0. 0. 0. 1. 0. 0. 0. 0.]. how do I get the plain digit back?', 'en');
    expect(r.text).toContain('index 5 (the 6th from the left), the digit (class) 5');
    expect(r.text).toContain('`np.argmax(y_train, axis=1)`');
    // What one-hot means is not a question about the row's label.
    expect(computeFromQuestion('one-hot の [0, 0, 1] って、「正解はクラス2」っていうただの目印ですか？ それとも確率として意味がある？', 'ja').some((x) => /one-hot 表現で/.test(x.text))).toBe(false);
    // A row of probabilities is not one-hot.
    expect(computeFromQuestion('pred[0] is [0.1 0.7 0.2], which digit is it?', 'en').some((x) => /one-hot/.test(x.text))).toBe(false);
    const out = computeFromQuestion("自分で2クラス分類試してて、最後の層を Dense(1, activation='softmax') にして loss='binary_crossentropy' で学習したら accuracy がずっと 0.5000 のままです", 'ja');
    expect(out.some((x) => x.text.includes('出力 0.5'))).toBe(false);
  });

  it('reads a Conv2D count straight from input_shape when the question gives it', () => {
    const [r] = computeFromQuestion('Conv2D(32, (3,3), input_shape=(28,28,1)) の Param # が 320 なんですが、どう計算したら 320 になるんですか？', 'ja');
    expect(r.text).toMatch(/^320 = \(3×3×1 \+ 1\) × 32 です。/);
    expect(r.text).not.toContain('前の層の出力');
  });

  it('reads a training loss that keeps going back up as a learning rate that is too high, and leaves a smooth fall alone', () => {
    const q = 'my loss is all over the place:\n```\nEpoch 1/8 loss: 0.4127\nEpoch 2/8 loss: 0.3511\nEpoch 3/8 loss: 0.4402\nEpoch 4/8 loss: 0.2957\nEpoch 5/8 loss: 0.5218\nEpoch 6/8 loss: 0.3834\n```\nusing SGD(learning_rate=0.5). normal?';
    const r = computeFromQuestion(q, 'en').find((x) => x.kind === 'log')!;
    expect(r.topic).toBe('learning-rate');
    expect(r.text).toContain('(0.4127 → 0.3511 → 0.4402 → 0.2957 → 0.5218 → 0.3834; it rose 2 times)');
    expect(r.text).toContain('the learning rate (0.5) is too high');
    const smooth = 'Epoch 1/4 loss: 0.50\nEpoch 2/4 loss: 0.31\nEpoch 3/4 loss: 0.32\nEpoch 4/4 loss: 0.25\nis this ok?';
    expect(computeFromQuestion(smooth, 'en').some((x) => /goes down and up/.test(x.text))).toBe(false);
  });

  it('reads steps_per_epoch given in fit as the size of an epoch, and a layer written without parentheses', () => {
    const q = '```\ntrain_gen = datagen.flow(x_train, y_train, batch_size=32)   # x_train is 60000 images\nmodel.fit(train_gen, steps_per_epoch=100, epochs=10)\n```\nfinished suspiciously fast. how many images did the model actually see in total?';
    const r = computeFromQuestion(q, 'en').find((x) => x.kind === 'steps')!;
    expect(r.text).toContain('an epoch is not a pass over the data but 100 batches = 100 × 32 = 3,200 images');
    expect(r.text).toContain('1,000 × 32 = 32,000 images: about 53% of one pass over the 60,000');
    expect(r.text).toContain('= 1,875 (or leave it out)');
    const bare = computeFromQuestion('model = Sequential([Conv2D(10, (3,3), input_shape=(28,28,1)), Flatten, Dense(10)]) で fit したらエラーになります。なぜ？', 'ja');
    expect(bare[0].text).toMatch(/^`Flatten` にかっこがありません。`Flatten\(\)` と書いてください/);
    expect(bare.find((x) => x.kind === 'model')?.text).toContain('Flatten()：出力 (6760,)');
    // An import line names classes, not layers.
    expect(computeFromQuestion('from keras.layers import Conv2D, Flatten, Dense\nwhy is Flatten needed?', 'en').some((x) => /no parentheses/.test(x.text))).toBe(false);
  });

  it('rounds steps down for a tf.data batch with drop_remainder=True', () => {
    const q = 'tf.data にしてみました\n```\nds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(60000).batch(64, drop_remainder=True)\n```\n1エポックのステップ数は何ステップになりますか？ x_train は 60000 枚です';
    const r = computeFromQuestion(q, 'ja').find((x) => x.kind === 'steps')!;
    expect(r.text).toContain('→ 937 ステップ（drop_remainder=True なので切り捨て：64 件のバッチが 937 個で、端数の 32 件は毎エポック使われません）');
  });

  it('batch-14 misses: one image without its batch axis, steps read from MNIST or the train split, a count from "summary shows", softmax on one unit for 3 classes, a prediction to read as a digit', () => {
    const axis = readError('ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 28, 28), found shape=(None, 28)')!;
    expect(axis.kind).toBe('missing-batch-axis');
    expect(axis.text.en).toContain('`model.predict(x_test[0:1])`');
    const steps = (q: string, lang: 'ja' | 'en' = 'en') => computeFromQuestion(q, lang).find((x) => x.kind === 'steps')?.text ?? '';
    expect(steps('model.fit(x_train, y_train, epochs=10, batch_size=64, validation_split=0.2) だと1エポックは何ステップになりますか？ 938 になると思ってたら違う数字が出ました', 'ja')).toContain('48,000（MNIST の学習データ 60,000 件として） ÷ 64（batch_size=64）→ 750 ステップ');
    expect(steps('Iris: I split 150 samples into 120 train / 30 test and call fit without batch_size. The log shows 4/4. Why 4?')).toMatch(/^Steps per epoch = 120 \/ 32/);
    expect(steps('my log shows 469/469 every epoch. I set batch_size=128 but never wrote 469 anywhere. where does it come from?')).toContain('60,000 (taking MNIST’s 60,000 training images) / 128 (batch_size=128) → 469 (468 full batches of 128 and a last batch of 96');
    const [conv] = computeFromQuestion('Conv2D(64, (3,3)) のパラメータ数を手計算したら 3*3*64+64 = 640 になったんですが、summaryだと 18496 って出てます。前の層は Conv2D(32, (3,3)) です。どこが間違ってますか？', 'ja');
    expect(conv.text).toContain('c = 32');
    const iris = computeFromQuestion("Irisで出力層を Dense(1, activation='softmax') にしてたんですが、accuracy がずっと 0.3333 のまま全く変わりません", 'ja');
    expect(iris[0].text).toContain("Dense(3, activation='softmax')");
    expect(iris[0].text).toContain('1/3 = 0.3333');
    const pred = computeFromQuestion('model.predict(x_test[:3]) の結果が\n[[1.2e-05 3.4e-07 2.1e-04 5.5e-04 1.0e-07 2.3e-06 8.8e-09 9.9e-01 1.1e-05 3.0e-04]\n [...]]\nみたいな数字の羅列で出てきます。これどう読めばいいんでしょうか？「7」みたいに数字で欲しいです', 'ja');
    expect(pred.some((x) => x.text.startsWith('予測はクラス 7'))).toBe(true);
  });

  it('names another notebook\'s kernel holding the GPU for an OOM or a cuDNN start-up error, but not for every OOM', () => {
    const ja = readError('ノートブック2を開いたままノートブック3のCNNを実行したら\nResourceExhaustedError: OOM when allocating tensor with shape[128,32,26,26] and type float\nって出ました')!;
    expect(ja.kind).toBe('gpu-held-by-other-kernel');
    expect(ja.text.ja).toContain('Kernel > Shut Down Kernel');
    const cudnn = readError('UnknownError: Failed to get convolution algorithm. This is probably because cuDNN failed to initialize')!;
    expect(cudnn.text.en).toMatch(/^This error \(cuDNN cannot initialize\) is usually GPU memory running out\./);
    // An OOM with nothing about another notebook is the batch size's business.
    expect(readError('ResourceExhaustedError: OOM when allocating tensor with shape[4096,512]')?.kind).not.toBe('gpu-held-by-other-kernel');
  });

  it('sends a rate far above any usual one back to the defaults, and reads no size out of the asker\'s own sum', () => {
    const [lr] = computeFromQuestion('optimizer を SGD(learning_rate=10) にしてみたら\nEpoch 1/10\n1875/1875 - loss: 2.3047e+12 - accuracy: 0.0987\nEpoch 2/10\n1875/1875 - loss: nan - accuracy: 0.0987', 'ja');
    expect(lr.text).toContain('SGD なら既定の 0.01、Adam なら既定の 0.001');
    expect(lr.text).not.toContain('1 や 0.1');
    const conv = computeFromQuestion('カラー画像 (224, 224, 3) に Conv2D(16, (3, 3)) をかけるとパラメータ数いくつですか？カーネル3×3だから 9×16+16=160？', 'ja');
    expect(conv.map((c) => c.kind)).toEqual(['model']);
    expect(conv[0].text).toContain('16 × (3×3×3 + 1) = 16 × 28 = 448');
  });

  it('reads one-unit predictions outside 0-1 as logits, and a failing predict(x_test[0]) by the array\'s shape', () => {
    const [lg] = computeFromQuestion('predictions from the dog classifier come out like [[-3.72]] and [[5.1]]. negative numbers?? how is that a probability', 'en');
    expect(lg.text).toContain('σ(−3.72) = 0.024, σ(5.1) = 0.994');
    expect(computeFromQuestion('model.get_weights()\n[array([[1.9812]], dtype=float32), array([0.9713], dtype=float32)]\nwhich one is m and which one is b? is it a probability?', 'en').some((c) => c.text.includes('logit'))).toBe(false);
    const one = readError('1枚だけ予測したくて model.predict(x_test[0]) ってやったらエラーになりました。x_test は reshape して (10000, 784) です')!;
    expect(one.kind).toBe('missing-batch-axis');
    expect(one.text.ja).toContain('`x_test[0]` は 1 枚分の (784,)');
    expect(one.text.ja).toContain('model.predict(x_test[0:1])');
  });

  it('reads a tiny rate with a loss said to barely fall as tiny steps, against the optimizer\'s default', () => {
    const [ja] = computeFromQuestion('学習率を 0.00001 にしてみたら、10エポックたっても loss がほとんど下がりません', 'ja');
    expect(ja.text).toContain('Adam の既定値 0.001 の 1/100');
    const [sgd] = computeFromQuestion('SGD(learning_rate=0.00001) and after 10 epochs the loss barely moves. broken?', 'en');
    expect(sgd.text).toContain("1/1,000 of SGD's default 0.01");
    expect(computeFromQuestion('学習率を 0.001 にしたら loss がほとんど下がりません', 'ja')).toEqual([]);
  });

  it('sizes the tensor an OOM names, and puts it on the batch only when the batch explains it', () => {
    const q = 'fine-tuning VGG16, set batch_size=512 to go faster and got\nResourceExhaustedError: OOM when allocating tensor with shape[512,64,224,224] and type float\nwith 32 it was fine';
    const [big] = computeFromQuestion(q, 'en');
    expect(big.text).toContain('1,644,167,168 float32 numbers × 4 bytes ≈ 6.1 GiB');
    expect(big.text).toContain('At batch_size=32 this tensor is 16 times smaller, ≈ 392 MiB');
    const [all] = computeFromQuestion('features = model(x_train)\nResourceExhaustedError: OOM when allocating tensor with shape[60000,26,26,32] and type float', 'en');
    expect(all.text).toContain('model.predict(x, batch_size=32)');
    // A small tensor in an OOM points elsewhere: no batch advice from its size.
    expect(computeFromQuestion('ResourceExhaustedError: OOM when allocating tensor with shape[32,75,28,28] and type float', 'en').filter((c) => c.kind === 'math')).toEqual([]);
  });
});


describe('calculator fixes found on blind batch 15', () => {
  it('says a near-uniform softmax row means the model has not learned, with the loss it implies', () => {
    const [c] = computeFromQuestion('どの花を入れても predict が [0.33, 0.34, 0.33] くらいで全部同じです。なぜ？', 'ja');
    expect(c.text).toMatch(/^学習できていません/);
    expect(c.text).toContain('ln(3) ≈ 1.10');
    const [e] = computeFromQuestion('every digit gives [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] from predict, is that normal?', 'en');
    expect(e.text).toMatch(/has not learned/);
    expect(e.text).toContain('ln(10)');
    const [confident] = computeFromQuestion('predict gives [0.05, 0.90, 0.05], what does it mean?', 'en');
    expect(confident.text).not.toMatch(/has not learned/);
  });

  it('names the Iris species of a 3-way prediction and reads e-notation', () => {
    const [c] = computeFromQuestion('softmax gave [0.03, 0.05, 0.92] for my flower, which species is that?', 'en');
    expect(c.text).toContain('class 2 = virginica');
    expect(c.text).toContain('sum to 1');
    expect(c.text).not.toMatch(/MNIST/);
    const [j] = computeFromQuestion('出力が [[3.1e-05 2.0e-04 9.9e-01 1.0e-03 1.1e-06 2.3e-05 4.0e-08 6.0e-03 6.5e-05 3.2e-04]] でした。どう読む？', 'ja');
    expect(j.text).toMatch(/^予測はクラス 2/);
    expect(j.text).toContain('3.1 × 10^-5');
  });

  it('explains the pasted model forwards, and what 4 and 3 are for Iris', () => {
    const [c] = computeFromQuestion("model = Sequential([Dense(16, activation='relu', input_shape=(4,)), Dense(3, activation='softmax')])\niris notebook: summary shows 80 and 51, where do they come from? and why 4?", 'en');
    expect(c.text).toContain('4×16 + 16 = 80');
    expect(c.text).toContain('16×3 + 3 = 51');
    expect(c.text).toMatch(/four features/);
    expect(c.text).not.toMatch(/reads back|works backwards/i);
  });

  it('notes what None is and that batch_size leaves the counts alone when the asker asks', () => {
    const table = '```\ndense (Dense)       (None, 64)    50240\ndense_1 (Dense)     (None, 10)    650\nTotal params: 50,890\n```';
    const [c] = computeFromQuestion(`${table}\nwhat is None here, and does batch_size=256 change the total?`, 'en');
    expect(c.text).toContain('784×64 + 64 = 50,240');
    expect(c.text).toMatch(/None .*batch axis/);
    expect(c.text).toMatch(/batch_size does not change any parameter count/i);
    const [plain] = computeFromQuestion(`${table}\nhow are these computed?`, 'en');
    expect(plain.text).not.toMatch(/batch axis/);
  });

  it('reads an exploding log that ends at chance accuracy, and a stalled one at ln(k)', () => {
    const [d] = computeFromQuestion('MNIST with SGD(learning_rate=2.0) now:\n```\nEpoch 1/3 - loss: 9.1 - accuracy: 0.1050\nEpoch 2/3 - loss: 15.2 - accuracy: 0.0990\nEpoch 3/3 - loss: nan - accuracy: 0.0980\n```\nwhy?', 'en');
    expect(d.text).toMatch(/diverged/);
    expect(d.text).toMatch(/chance level for 10 classes/);
    // With data of unknown classes the accuracy is not read as a guess among 10.
    const [csv] = computeFromQuestion('my own sensor csv:\n```\nEpoch 1/3 - loss: nan - accuracy: 0.1035\n```\nwhy nan?', 'en');
    expect(csv.text).toMatch(/diverged/);
    expect(csv.text).not.toMatch(/chance level/);
    const [s] = computeFromQuestion('learning_rate=0.00001 にしたら loss が 2.3025 → 2.3010 → 2.2990 でほぼ動きません', 'ja');
    expect(s.text).toContain('ln(10) ≈ 2.30');
  });

  it('reads "expected (None, 4), found (None, 1)" on predict(x[i]) as one sample read as four', () => {
    const [c] = computeFromQuestion('model.predict(X[5]) →\nValueError: Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 4), found shape=(None, 1)', 'en');
    expect(c.kind).toBe('error');
    expect(c.text).toContain('(4,)');
    expect(c.text).toMatch(/X\[5:6\]|reshape\(1, 4\)/);
  });

  it('counts feature maps and parameters of a Conv2D on a colour image, asked in words', () => {
    const [c] = computeFromQuestion('Conv2D(16, (5,5)) on RGB images: do I get 16 feature maps or 48?', 'en');
    expect(c.text).toMatch(/^16 feature maps/);
    expect(c.text).toContain('(5×5×3 + 1) × 16 = 1,216');
    expect(computeFromQuestion('Conv2D(16, (5,5)) how many feature maps?', 'en').some((x) => /feature maps/.test(x.text))).toBe(false);
  });

  it("splits BatchNormalization's count into trained and non-trained", () => {
    const [c] = computeFromQuestion('Dense(100) の後に BatchNormalization を入れたら Non-trainable params: 200 が出ました。何が学習されない？', 'ja');
    expect(c.text).toContain('4 × 100 = 400');
    expect(c.text).toContain('Non-trainable params: 200 はこの moving_mean と moving_variance');
    expect(computeFromQuestion('what does BatchNormalization do?', 'en').some((x) => x.topic === 'normalization')).toBe(false);
  });

  it('counts a frozen VGG16 with a new head, and confirms only counts the asker asks about', () => {
    const [c] = computeFromQuestion("VGG16(include_top=False) frozen with trainable=False, then GlobalAveragePooling2D and Dense(3). summary says Trainable params: 1,539, is that right?", 'en');
    expect(c.text).toMatch(/^Yes, that is right/);
    expect(c.text).toContain('512×3 + 3 = 1,539');
    expect(c.text).toContain('14,714,688 + 1,539 = 14,716,227');
    const [f] = computeFromQuestion('VGG16(include_top=False, input_shape=(160,160,3)) then Flatten and Dense(2): how many params in the head?', 'en');
    expect(f.text).toContain('5×5×512 = 12,800');
    expect(f.text).toContain('12,800×2 + 2 = 25,602');
    expect(f.text).not.toMatch(/^Yes/);
    // The base's count quoted beside a Dense head is not read back as the Dense layer's own; "I froze it" is frozen.
    const base = computeFromQuestion('VGG16 without top = 14,714,688 params. I froze it and put GlobalAveragePooling2D + Dense(1) on top. how many trainable params should I see?', 'en');
    expect(base.map((x) => x.kind)).toEqual(['math']);
    expect(base[0].text).toContain('Trainable params 513');
  });

  it('says how few updates a batch as large as the data leaves', () => {
    const [c] = computeFromQuestion('MNIST で batch_size=30000 にしたら速いけど 10 エポックでも精度が低いです', 'ja');
    expect(c.text).toContain('ceil(60,000 / 30,000) = 2 回');
    expect(c.text).toContain('20 回');
    expect(c.text).toContain('1,875 回');
  });

  it('reads max pooling on an HxWxC map described in words', () => {
    const [c] = computeFromQuestion('what does max pooling do to a 24x24x16 map with pool_size 2?', 'en');
    expect(c.text).toMatch(/^12×12×16/);
    expect(c.text).toMatch(/largest value/);
    expect(c.text).not.toMatch(/With padding='same' it would be 12×12/);
  });

  it('leads a hand-worked update with the new weight and says which way it moved', () => {
    const [c] = computeFromQuestion('w = 1.0、∂L/∂w = -2.0、学習率 0.05 で 1 回更新すると w は？', 'ja');
    expect(c.text).toMatch(/^更新後の w は 1\.1 です/);
    expect(c.text).toContain('大きくなる方向');
    const [x] = computeFromQuestion('cross-entropy by hand: the true class gets 0.8, what is the loss?', 'en');
    expect(x.text).toContain('−ln(0.8) = 0.223');
    expect(x.text).toContain('−ln(0.1) = 2.303');
  });

  it('names the pre-activation in a chain rule written around σ(wx + b)', () => {
    const [c] = computeFromQuestion('a = sigmoid(w*x + b), L = (a - y)^2. what is dL/dw by the chain rule, step by step please', 'en');
    expect(c.text).toContain('∂L/∂a × ∂a/∂z × ∂z/∂w');
    expect(c.text).toContain('∂z/∂w = x');
  });

  it("shows the one-hot row of a printed label array and the new shape", () => {
    const [c] = computeFromQuestion('y_train[:3] は [7 2 1] です。to_categorical したら y_train[0] はどうなる？', 'ja');
    expect(c.text).toContain('[0, 0, 0, 0, 0, 0, 0, 1, 0, 0]');
    expect(c.text).toContain('(60000,) から (60000, 10)');
    expect(computeFromQuestion('is the one-hot [0, 1, 0] a probability?', 'en').some((x) => x.topic === 'one-hot-encoding' && /first label/.test(x.text))).toBe(false);
  });

  it('reads a loss printed as 0.00 with two decimals as below 0.005', () => {
    const [c] = computeFromQuestion("print(f\"{history.history['loss'][-1]:.2f}\") shows loss: 0.00, is my model perfect?", 'en');
    expect(c.text).toContain('rounded to 2 decimals');
    expect(c.text).toContain('below 0.005');
  });

  it('says a cross-entropy loss above 1 is possible and reads it back as a probability', () => {
    const [c] = computeFromQuestion('交差エントロピーで loss: 2.8 と出ました。loss って 1 を超えることあるんですか？', 'ja');
    expect(c.text).toMatch(/^はい、1 を超えます/);
    expect(c.text).toContain('e^−2.8 ≈ 0.061');
    const [p] = computeFromQuestion('is loss: 1.6 a percentage like accuracy?', 'en');
    expect(p.text).toMatch(/^The loss is not a percentage/);
    expect(computeFromQuestion('my MSE loss is 4.2 for house prices, can it be bigger than 1?', 'en').some((x) => /Cross-entropy is/.test(x.text))).toBe(false);
  });

  it('reads a NaN loss from the first epoch with labels of -1 as out-of-range labels, not a learning rate', () => {
    const q = 'ラベルが分からないデータは -1 にしてます。sparse_categorical_crossentropy です。\n```\nEpoch 1/20\n10/10 [====] - loss: nan - accuracy: 0.1000\n```';
    const log = computeFromQuestion(q, 'ja').find((c) => c.kind === 'log');
    expect(log?.text).toMatch(/^nan の原因はラベルの -1 です/);
    const plain = computeFromQuestion('```\nEpoch 1/20\n10/10 [====] - loss: nan - accuracy: 0.1000\n```\nwhy nan? lr=10', 'en').find((c) => c.kind === 'log');
    expect(plain?.text).toContain('training diverged');
  });
});

describe('calculator fixes found on blind batch 16', () => {
  it('works out Conv1D, MaxPooling1D and DepthwiseConv2D rows, and stops at a layer it cannot read instead of skipping it', () => {
    const [m] = computeFromQuestion("model = Sequential([Embedding(5000, 16, input_length=50), Conv1D(32, 3, activation='relu'), MaxPooling1D(2), Flatten(), Dense(1)]) params?", 'en');
    expect(m.text).toContain('Conv1D(32, 3): output (48, 32)');
    expect(m.text).toContain('32 × (3×16 + 1) = 32 × 49 = 1,568');
    expect(m.text).toContain('MaxPooling1D(2): output (24, 32)');
    expect(m.text).toContain('Total: 82,337 parameters');
    const [d] = computeFromQuestion('DepthwiseConv2D((3,3)) on a (None, 16, 16, 8) output: Param # is 80, why so few?', 'en');
    expect(d.text).toContain('3×3×8 + 8 = 80');
    expect(d.text).toContain('(3×3×8 + 1) × 8 = 584');
    const [u] = computeFromQuestion('model = Sequential([Dense(64, input_shape=(10,)), LayerNormalization(), Dense(1)]) how many params?', 'en');
    expect(u.text).toContain('It stops here: LayerNormalization is not a layer I can work out');
    expect(u.text).not.toContain('Dense(1)');
  });

  it('turns a list of logits into softmax probabilities, and computes relu6', () => {
    const [c] = computeFromQuestion('the logits are [0, 0, 0.693] for one image — softmax probabilities please?', 'en');
    expect(c.text).toContain('softmax([0, 0, 0.693]) = [0.25, 0.25, 0.5]');
    const [r] = computeFromQuestion('relu6(7.5) と relu6(-1) は？', 'ja');
    expect(r.text).toContain('relu6(7.5) = min(max(0, 7.5), 6) = 6');
    expect(r.text).toContain('relu6(−1) = min(max(0, −1), 6) = 0');
  });

  it('works batch normalization by hand in training mode, with ε when it is not ignored', () => {
    const [b] = computeFromQuestion('batch norm by hand: batch [1, 2, 3], gamma = 2, beta = 1, ignore epsilon', 'en');
    expect(b.text).toContain('mean = 2, variance = 0.6667');
    expect(b.text).toContain('[−1.449, 1, 3.449]');
    const [e] = computeFromQuestion('BatchNormalization でバッチ [0, 2] のときの出力は？', 'ja');
    expect(e.text).toContain('ε = 0.001');
  });

  it('reads a line fitted on standardized x back in x units, and leaves a sample for predict unstandardized', () => {
    const [w] = computeFromQuestion('x を (x - 20) / 5 で標準化して学習、model.get_weights() は [array([[3.0]], dtype=float32), array([10.0], dtype=float32)] でした。傾きと切片は？', 'ja');
    expect(w.text).toContain('傾き 0.6、切片 −2');
    expect(computeFromQuestion('trained with StandardScaler; predict on the raw sample [6.0, 2.9, 4.5, 1.5] gives nonsense, why?', 'en').some((c) => /Mean [\d.]+, standard deviation/.test(c.text))).toBe(false);
  });

  it('reads a learning-rate sweep as a sweep, not as one run that diverged', () => {
    const q = 'Adam sweep, 5 epochs each:\n```\nlr=0.5    loss: nan\nlr=0.05   val_accuracy: 0.9421\nlr=0.005  val_accuracy: 0.9733\nlr=0.0005 val_accuracy: 0.9610\n```\nwhich one?';
    const out = computeFromQuestion(q, 'en');
    expect(out[0].text).toMatch(/^Use lr = 0\.005: its val_accuracy of 0\.9733/);
    expect(out.some((c) => c.kind === 'log')).toBe(false);
  });

  it("reads predict's progress bar with the default batch size, and tf.data's .batch() with an endless .repeat()", () => {
    const [p] = computeFromQuestion('model.evaluate(x_test, y_test) の進捗バーが 313/313 でした。batch_size は書いていません', 'ja');
    expect(p.text).toContain('predict / evaluate が処理したバッチの数');
    expect(p.text).toContain('予測結果は変わりません');
    const [d] = computeFromQuestion('ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(100).repeat()\nmodel.fit(ds, epochs=3) with 20,000 samples: the first epoch never ends and the progress bar has no total', 'en');
    expect(d.text).toContain('20,000 / 100');
    expect(d.text).toContain('steps_per_epoch=200');
  });

  it('reads fit(x, y, 10) as a batch size of 10 with one epoch, and never takes the epoch counter for the progress bar', () => {
    const [j] = computeFromQuestion('model.fit(x_train, y_train, 10) って書いて実行したら、Epoch 1/1 しか出なくて、6000/6000 とステップ数がやたら多いです。10エポックのつもりでした', 'ja');
    expect(j.text).toMatch(/^`fit\(x, y, 10\)` の 3 番目の引数は `epochs` ではなく `batch_size` です/);
    expect(j.text).toContain('60,000（MNIST の学習データ 60,000 件として） ÷ 10');
    expect(j.text).not.toContain('既定値 32');
    expect(j.topic).toBe('epochs');
    const [e] = computeFromQuestion('Epoch 1/1\n1875/1875 [====] - loss: 0.2500\nI have 60000 images and set no batch_size, why 1875 steps?', 'en');
    expect(e.text).toContain('1,875');
    expect(e.text).not.toMatch(/^1 is/);
  });

  it('works out the size of a pasted model asked "how big"', () => {
    const [m] = computeFromQuestion("got OOM with this:\n```\nmodel = Sequential([\n    Flatten(input_shape=(224, 224, 3)),\n    Dense(4096, activation='relu'),\n    Dense(2, activation='softmax')\n])\n```\nhow big is that dense layer actually?", 'en');
    expect(m.kind).toBe('model');
    expect(m.text).toContain('150,528×4,096 + 4,096 = 616,566,784');
  });

  it('reads a feature map reaching the labels, an RGB photo in a grayscale model, a CSV label column and an axis added twice', () => {
    expect(readError('ValueError: Shapes (None, 24) and (None, 26, 26, 24) are incompatible')).toMatchObject({ kind: 'output-feature-map', alone: true });
    expect(readError('ValueError: Shapes (None, 24) and (None, 26, 26, 24) are incompatible')!.text.en).toContain('Flatten()');
    expect(readError('expected axis -1 of input shape to have value 1, but received input with shape (None, 28, 28, 3)')!.kind).toBe('rgb-into-grayscale-model');
    expect(readError('expected axis -1 of input shape to have value 3, but received input with shape (None, 224, 224, 1)')!.kind).toBe('grayscale-into-rgb-model');
    expect(readError('expected axis -1 of input shape to have value 784, but received input with shape (None, 785)')!.text.ja).toContain('785 = 784 + 1');
    expect(readError('expected shape=(None, 28, 28, 1), found shape=(None, 28, 28, 1, 1)')!.kind).toBe('axis-added-twice');
    // Still read as before: integer labels with a categorical loss, and a missing batch axis.
    expect(readError('Shapes (None, 1) and (None, 10) are incompatible')!.kind).toBe('integer-labels-categorical-loss');
    expect(readError('expected shape=(None, 28, 28, 1), found shape=(None, 28, 1)')!.kind).toBe('missing-batch-axis');
  });
});

describe('rates and steps told in words', () => {
  it('names a large Adam rate behind a nan loss, but not a plain SGD rate of 0.1', () => {
    const [r] = computeFromQuestion('RMSprop(learning_rate=0.5) and after one epoch the loss is nan, why?', 'en').filter((c) => c.kind === 'log');
    expect(r.text).toContain("500 times RMSprop's default 0.001");
    expect(r.text).toContain('re-run the cell that builds the model');
    expect(computeFromQuestion('SGD(learning_rate=0.1) and the loss went nan', 'en').some((c) => c.kind === 'log' && /too large/.test(c.text))).toBe(false);
  });

  it('counts validation steps and the last batch from the validation size', () => {
    const [r] = computeFromQuestion('3,000 validation images with batch size 64: how many validation steps?', 'en').filter((c) => c.kind === 'steps');
    expect(r.text).toContain('3,000 / 64');
    expect(r.text).toContain('→ 47');
    expect(r.text).toContain('a last batch of 56');
  });
});

describe('training logs read by what they show', () => {
  it('calls a run with val_loss falling at every epoch not overfitting when asked, and does not date overfitting from an excerpt that starts long after it', () => {
    const healthy = 'overfitting or ok? Epoch 1/4 - loss: 0.9000 - accuracy: 0.7000 - val_loss: 0.7000 - val_accuracy: 0.7800\nEpoch 2/4 - loss: 0.5000 - accuracy: 0.8500 - val_loss: 0.4500 - val_accuracy: 0.8600\nEpoch 4/4 - loss: 0.3000 - accuracy: 0.9000 - val_loss: 0.3100 - val_accuracy: 0.8950';
    const [h] = computeFromQuestion(healthy, 'en').filter((c) => c.kind === 'log');
    expect(h.text).toMatch(/^This is not overfitting\. val_loss falls at every epoch shown \(0\.7000 → 0\.4500 → 0\.3100\)/);
    // Not named when nobody asked whether it is fine.
    expect(computeFromQuestion(healthy.replace('overfitting or ok? ', 'how many epochs is this? '), 'en').some((c) => /not overfitting/.test(c.text))).toBe(false);
    const late = 'why does val bounce? Epoch 28/30 - loss: 0.0050 - accuracy: 0.9995 - val_loss: 1.9000 - val_accuracy: 0.5600\nEpoch 29/30 - loss: 0.0090 - accuracy: 0.9980 - val_loss: 1.3000 - val_accuracy: 0.7000\nEpoch 30/30 - loss: 0.0060 - accuracy: 0.9990 - val_loss: 1.7000 - val_accuracy: 0.6100';
    const texts = computeFromQuestion(late, 'en').map((c) => c.text).join('\n');
    expect(texts).not.toContain('overfitting starts around epoch 29');
    expect(texts).toContain('Training accuracy 0.9990 against validation accuracy 0.6100: the gap is overfitting.');
    expect(texts).toContain('The swings of val_accuracy from epoch to epoch (0.5600 → 0.7000 → 0.6100)');
  });

  it('reads a tiny learning rate behind slow progress told in words, and a conv count read back from filters told in words', () => {
    const [r] = computeFromQuestion('learning_rate=0.000001 because smaller is more precise? accuracy is crawling', 'en').filter((c) => c.kind === 'log');
    expect(r.text).toContain("1/1,000 of Adam's default 0.001");
    const [c] = computeFromQuestion('the summary gives 896 params for 32 3x3 filters, I expected 320. why?', 'en').filter((x) => x.kind === 'model');
    expect(c.text).toContain('gives c = 3');
    expect(c.text).toContain('the red, green and blue of a colour image');
  });
});

describe('second halves and misreadings found in batch 24', () => {
  it('counts all updates asked as "how many times do the weights get updated", and takes as many steps as the question names', () => {
    const [u] = computeFromQuestion('30000 images, batch size 100, epochs=4. how many times are the weights updated in total?', 'en').filter((c) => c.kind === 'steps');
    expect(u.text).toContain('4 × 300 = 1,200 times in total');
    const [g] = computeFromQuestion('L(w) = (w - 5)^2, w starts at 1, learning rate 0.25. w after 1 step and after 3 steps?', 'en').filter((c) => c.kind === 'math');
    expect(g.text).toMatch(/^After 3 steps:/);
  });

  it('one-hot encodes a short list of labels whole, and reads no labels in an error message\'s shapes', () => {
    const [r] = computeFromQuestion('labels [1, 0, 2, 1] through to_categorical(y, 3): what is the result and its shape?', 'en').filter((c) => c.topic === 'one-hot-encoding');
    expect(r.text).toBe('It returns [[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]], shape (4, 3): one row of 3 per label, with a 1 at the label\'s index (counting from 0). It prints as floats (0. and 1.).');
    const err = computeFromQuestion('InvalidArgumentError: logits and labels must have the same first dimension, got logits shape [64,10] and labels shape [640]\nI used to_categorical and sparse loss', 'en');
    expect(err.map((c) => c.text).join('\n')).not.toMatch(/becomes \[|65\)/);
  });

  it('does not take the derivative written on the left of an equation for a definition', () => {
    const r = computeFromQuestion('E = (t − o)² を o で微分すると −2(t − o) になるのはなぜ？ ∂E/∂o = 2(t − o)·(−1) ですか', 'ja').filter((c) => c.kind === 'math');
    expect(r.map((c) => c.text).join('\n')).toContain('∂E/∂o = −2(t − o)');
  });
});

describe('found in batch 25', () => {
  it('reads labels of shape (N, k, k) as to_categorical run twice, not an image shape', () => {
    const [r] = computeFromQuestion('y_test.shape is now (10000, 3, 3)?? it was (10000, 3) a minute ago', 'en').filter((c) => c.topic === 'one-hot-encoding');
    expect(r.text).toMatch(/^\(10000, 3, 3\) is what to_categorical gives when it runs twice/);
    expect(computeFromQuestion('x_train.shape is (60000, 28, 28), do I need to_categorical on it?', 'en').some((c) => /runs twice/.test(c.text))).toBe(false);
  });

  it('computes the squared error of one data point for a given line', () => {
    const [r] = computeFromQuestion('m=3, b=-1 で、データ点 (2, 8) の二乗誤差はいくつ？', 'ja').filter((c) => c.kind === 'math');
    expect(r.text).toContain('ŷ = 3x − 1 の予測は [5]');
    expect(r.text).toMatch(/^MSE は 9 です/);
  });
});


describe('found in batch 28', () => {
  const math = (q: string, lang: 'ja' | 'en') => computeFromQuestion(q, lang).map((c) => c.text).join('\n');

  it('gives the error and squared error against a true value named in words', () => {
    expect(math('m=2, b=1 に落ち着いたとして、x=3 の予測って7でok? 実測が8だったら誤差いくつ', 'ja')).toContain('誤差は 8 − 7 = 1、二乗誤差は 1² = 1');
    expect(math('my fit ended with m=0.5 and b=-2. what does it predict at x=10? true y there is 4, so whats the squared error', 'en')).toContain('the squared error 1² = 1');
  });

  it('reads a prediction row asked as "so the prediction is", and whether a row cut short sums to 1', () => {
    expect(math('model.predict(img) gives [[0.02, 0.01, 0.90, 0.07]]. so the prediction is...?', 'en')).toMatch(/^The prediction is class 2 \(probability 0\.9/);
    expect(math('model.predict したら [0.01, 0.97, 0.0, ...] みたいなのが出てきた。これ全部足すと1？', 'ja')).toMatch(/^はい、softmax の出力は全部足すと 1.*見えている 3 個だけで 0\.98.*クラス 1 が予測/);
    // Sigmoid outputs over 1 in total are not a softmax row.
    expect(math("my predict output looks like [0.99, 0.97, 0.02, 0.88, ...] and it doesn't add up to 1. last layer is Dense(10, activation='sigmoid')", 'en')).not.toMatch(/add up to 1\. Each value/);
  });

  it("checks the asker's one-hot row for a label", () => {
    expect(math('label 3 in one-hot with 5 classes is [0,0,1,0,0] right?', 'en')).toMatch(/^No: label 3 is \[0, 0, 0, 1, 0\].*\[0, 0, 1, 0, 0\] has its 1 at index 2, so it is label 2/);
    expect(math('5クラスでラベル3のone-hotは [0,0,0,1,0] で合ってる？', 'ja')).toMatch(/^はい、合っています/);
  });

  it('checks a summary row quoted in prose against the layer before it', () => {
    expect(math('summaryで conv2d_1 (Conv2D)  (None, 14, 14, 50)  33800 ってなってる。1個前が (None, 14, 14, 75) なんだけどこの数字あってる？', 'ja')).toMatch(/^33,800 で合っています。.*3×3×75×50 = 33,750.*\(3×3×75 \+ 1\) × 50/);
    expect(math('dense (Dense) (None, 10) 1300 and before it (None, 128)?', 'en')).toMatch(/\(128 \+ 1\) × 10 = 1,290, not 1,300/);
  });

  it('reads the 784 error as images to flatten, also when only the data shape is named', () => {
    const ja = computeFromQuestion("Dense(units=512, activation='relu', input_shape=(784,)) で作ったモデルに x_train (60000, 28, 28) のままfitしたら expected axis -1 of input shape to have value 784 って怒られた", 'ja');
    expect(ja.map((c) => c.kind)).toEqual(['error']);
    expect(ja[0].text).toMatch(/28×28 = 784.*reshape\(-1, 784\).*Flatten\(input_shape=\(28, 28\)\)/);
  });

  it('sends a diverged rate of 1 with no optimizer named back to the defaults, not to a tenth', () => {
    const t = math('learning_rate=1.0 にしてみたら\nEpoch 1/5\n1875/1875 [==============================] - 6s 3ms/step - loss: nan - accuracy: 0.0987\nってなった。バグ？', 'ja');
    expect(t).toContain('SGD なら既定の 0.01、Adam なら既定の 0.001');
    expect(t).toContain('Adam では 1 の 1/10 の 0.1 でもまだ大きすぎます');
    expect(t).not.toContain('0.1 や 0.01');
  });

  it("reads 'the gradient wrt b is -2' as b's gradient, not as b", () => {
    expect(math("if the gradient of the loss wrt b is -2, lr = 0.5 and b = 1, what's b after one step?", 'en')).toMatch(/^After one update b is 2\.[\s\S]*1 − 0\.5×\(−2\) = 2/);
  });

  it('reads a comma list of loss values like an arrow sequence, and names the NaN it ends in', () => {
    expect(math('loss goes 2.3, 5.8, 41.2, 3.1e8, nan ... what did I break', 'en')).toMatch(/^Your log shows the loss at nan: training diverged/);
    expect(math('SGD with lr=0.5, loss per epoch goes 0.9, 2.4, 0.7, 5.1, 1.3 ... bouncing all over. whats wrong', 'en')).toContain('learning rate (0.5) is too high');
    expect(math('loss: 0.3, accuracy: 0.9 after 5 epochs, is that good?', 'en')).toBe('');
  });

  it('gives no total for a chain that stops part-way', () => {
    const t = math("Conv2D(75, 3x3, padding='same') on 28x28x1 then MaxPool2D((2,2), strides=2, padding='same'), then Conv2D(50, same)+pool, then Conv2D(25, same)+pool. what shape after each pool?", 'en');
    expect(t).toContain('It stops here');
    expect(t).not.toMatch(/Total: 750 parameters/);
  });

  it('counts evaluation batches from a data size named with the data set', () => {
    expect(math('model.evaluate(x_valid, y_valid) on the 7172 ASL validation images shows 225/225. why 225?', 'en')).toMatch(/7,172 \/ 32.*→ 225 \(224 full batches of 32 and a last batch of 4/);
  });

  it('differentiates a composition in function notation and shows the inner substitution', () => {
    expect(math('f(x) = 3*g(x), g(x) = x^2. df/dx at x=2 using the chain rule? want to check i get it', 'en')).toMatch(/^∂f\/∂x = 12\.[\s\S]*∂f\/∂g × ∂g\/∂x = 3 × 4 = 12/);
    expect(math('連鎖律の練習: y = (2x+1)^2 をxで微分して x=1 のときの値は？', 'ja')).toContain('u = 2x + 1 と置くと y = u^2、dy/du = 2u = 6、du/dx = 2、掛けて 6 × 2 = 12');
    // One L(w) and a plain (w − 3)^2: the step calculator's answer, no substitution.
    expect(math('trying to get gradient descent by hand: L(w) = (w-3)^2, start at w=0, learning rate 0.1. what is w after 1 step and after 2 steps?', 'en')).toMatch(/^After 2 steps: w = 1\.08/);
  });
});
