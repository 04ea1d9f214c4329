/**
 * Keras/TensorFlow error messages read with the asker's own numbers: the
 * shapes in "Shapes (None, 1) and (None, 10) are incompatible" say which side
 * is the labels and which the output layer, "expected min_ndim=4, found
 * ndim=3" says an axis is missing. Each reading names the cause of *this*
 * error and the fix, in both languages.
 */
import type { Bilingual } from '../../core/lang.ts';
import type { TopicSlug } from '../topics.ts';

export interface ErrorReading {
  /** Which message was recognised (for tests and logs). */
  kind: string;
  text: Bilingual;
  topic: TopicSlug;
  /** The reading names a cause that the entries retrieved for the message may contradict: it stands alone. */
  alone?: boolean;
}

const dims = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => (/^none$/i.test(x) ? null : Number(x)));

const shape = (d: (number | null)[]) => `(${d.map((x) => (x === null ? 'None' : x)).join(', ')}${d.length === 1 ? ',' : ''})`;

/** The two shapes of Keras's "expected shape=(…), found shape=(…)". */
function expectedFound(t: string): { want: (number | null)[]; got: (number | null)[] } | undefined {
  const m = /expected shape=\(([^)]*)\),\s*found shape=\(([^)]*)\)/i.exec(t);
  return m ? { want: dims(m[1]), got: dims(m[2]) } : undefined;
}

/** The two shapes of "Shapes (None, 24) and (None, 10) are incompatible", in the message's order. */
function incompatibleShapes(t: string): [(number | null)[], (number | null)[]] | undefined {
  const m = /Shapes \(([^)]*)\) and \(([^)]*)\) are incompatible/i.exec(t);
  return m ? [dims(m[1]), dims(m[2])] : undefined;
}

type Reader = (t: string) => ErrorReading | undefined;

/** What predict returns for one sample once it has its batch axis (both batch-axis readings end with it). */
const ONE_SAMPLE_RESULT = {
  ja: '結果は (1, クラス数) になり、np.argmax(結果[0]) が予測したクラスです。',
  en: ' The result then has shape (1, number of classes), and np.argmax(result[0]) is the predicted class.',
};

/** Labels the asker says are counted from 1: "labels are 1..10", "coded 1,2,3", 「ラベルが1〜10」. */
const FROM_ONE = /(?:labels?|ラベル|classes|クラス|coded|numbered|番号)[^\n。]{0,30}?(?:\b1\s*(?:\.\.|…|-|~|〜|～|to|から)\s*\d+|\b1\s*[,、]\s*2\s*[,、]\s*3\b|start(?:s|ing)? (?:at|from) 1|1\s*始まり|1\s*から)/i;

const READERS: Reader[] = [
  // GPU memory taken by another notebook's kernel: TensorFlow reserves nearly all of it per process.
  (t) => {
    const oom = /(ResourceExhaustedError|\bOOM when allocating|out of memory)/i.test(t);
    const cudnn = /(Failed to get convolution algorithm|cuDNN failed to initialize|CUDNN_STATUS_(NOT_INITIALIZED|ALLOC_FAILED|INTERNAL_ERROR))/i.test(t);
    if (!oom && !cudnn) return undefined;
    const other = /(開いたまま|開きっぱなし|別のノート|他のノート|ほかのノート|ノートブック\s*\d.{0,20}(開|実行)|another notebook|other notebook|(still|left) (open|running)|two notebooks|notebook \d .{0,30}(open|running))/i.test(t);
    if (!other && !cudnn) return undefined;
    return {
      kind: 'gpu-held-by-other-kernel',
      topic: 'gpu-usage',
      text: {
        ja: `${cudnn ? 'このエラー（cuDNN を初期化できない）の多くは GPU のメモリ不足が原因です。' : ''}${other ? '前のノートブックのカーネルがまだ動いていて、GPU のメモリをほとんど確保したままになっています。' : '別のノートブックのカーネルが GPU のメモリを確保したままになっていないか確認してください。'}TensorFlow は GPU を使い始めたプロセス（カーネル）ごとに、既定でメモリをほぼ全部確保し、そのカーネルが終わるまで手放しません。前のノートブックで Kernel > Shut Down Kernel（または Running タブで Shut Down）してから、このノートブックのカーネルを再起動して実行し直してください。ターミナルの nvidia-smi で、どのプロセスがメモリを使っているか確認できます。それでも足りないときは batch_size を小さくします。`,
        en: `${cudnn ? 'This error (cuDNN cannot initialize) is usually GPU memory running out. ' : ''}${other ? "The earlier notebook's kernel is still running and holds nearly all of the GPU's memory. " : "Check whether another notebook's kernel still holds the GPU's memory. "}TensorFlow reserves almost all GPU memory for each process (kernel) that uses the GPU, by default, and keeps it until that kernel ends. Shut the other notebook's kernel down (Kernel > Shut Down Kernel, or Shut Down in the Running tab), then restart this notebook's kernel and run it again. nvidia-smi in a terminal shows which processes hold the memory. If it still does not fit, lower batch_size.`,
      },
    };
  },
  // One sample given without its batch axis: predict(x_test[0]) on a model that takes (None, 28, 28).
  (t) => {
    const shapes = expectedFound(t);
    if (!shapes) return undefined;
    const { want, got } = shapes;
    // found = the sample's own axes after its first, which Keras took for the batch: (None, 28, 28, 1) gets (None, 28, 1).
    if (want[0] !== null || got[0] !== null || got.length !== want.length - 1) return undefined;
    const same = (a: (number | null)[], b: (number | null)[]) => a.length === b.length && a.every((d, i) => d === b[i]);
    if (!same(got.slice(1), want.slice(2)) && !same(got.slice(1), want.slice(1, -1))) return undefined;
    const sample = shape(want.slice(1));
    const one = `(1, ${want.slice(1).join(', ')})`;
    // The asker's own variable, when predict names one (predict(img)); else the test set's first image.
    const named = /\bpredict\(\s*([A-Za-z_]\w*)\s*\)/.exec(t)?.[1];
    const fixJa = named ? `\`model.predict(np.expand_dims(${named}, 0))\` か \`model.predict(${named}.reshape${one})\`` : '`model.predict(x_test[0:1])` か `model.predict(np.expand_dims(x_test[0], 0))`';
    const fixEn = named ? `\`model.predict(np.expand_dims(${named}, 0))\` or \`model.predict(${named}.reshape${one})\`` : '`model.predict(x_test[0:1])` or `model.predict(np.expand_dims(x_test[0], 0))`';
    return {
      kind: 'missing-batch-axis',
      topic: 'keras-api-errors',
      text: {
        ja: `モデルは ${shape(want)}、つまり「何枚か × ${sample}」の入力を期待していますが、1 枚だけ（${named ? `\`${named}\`` : '例：x_test[0]'}、形 ${sample}）を渡したので、最初の軸がバッチ（枚数）と見なされて ${shape(got)} になりました。1 枚でもバッチの軸が必要です：${fixJa}（形 ${one}）にしてください。結果も 1 行の配列なので、クラスは \`np.argmax(pred[0])\` です。`,
        en: `The model expects ${shape(want)}, a batch of ${sample} samples, but you passed a single sample (${named ? `\`${named}\`` : 'e.g. x_test[0]'}, shape ${sample}); Keras took its first axis for the batch, hence ${shape(got)}. Even one sample needs the batch axis: ${fixEn} (shape ${one}). The result is a batch of one row, so the class is \`np.argmax(pred[0])\`.`,
      },
    };
  },
  // One image (28, 28) given to a model that takes flat rows (None, 784): its rows were read as 28 samples.
  (t) => {
    const shapes = expectedFound(t);
    if (!shapes) return undefined;
    const { want, got } = shapes;
    if (want.length !== 2 || got.length !== 2 || want[0] !== null || got[0] !== null || !want[1] || !got[1] || got[1] < 2 || want[1] !== got[1] * got[1]) return undefined;
    const side = got[1];
    const flat = want[1];
    return {
      kind: 'unflattened-image',
      topic: 'keras-api-errors',
      text: {
        ja: `モデルは 1 行 ${flat} 個の値（${side}×${side} を平らにしたもの）を期待していますが、${side}×${side} の画像を 1 枚そのまま渡したので、Keras は先頭の軸をバッチと見なし、「${side} 個の値が ${side} サンプル」と読んで (None, ${side}) になりました。学習のときと同じ形にしてから渡してください：\`model.predict(img.reshape(1, ${flat}) / 255)\`（形 (1, ${flat})。学習データを 255 で割ったなら予測の入力も同じく割ります）。x_test の 1 枚なら、学習用に reshape と /255 を済ませた x_test から \`x_test[0:1]\` のように取れば形はそのまま合います。`,
        en: `The model expects rows of ${flat} values (${side}×${side} flattened), but you passed one ${side}×${side} image as it is: Keras took its first axis for the batch and read it as ${side} samples of ${side} values, hence (None, ${side}). Give it the shape it was trained on: \`model.predict(img.reshape(1, ${flat}) / 255)\` (shape (1, ${flat}); divide by 255 if the training data was). For a test image, slice the x_test you already reshaped and scaled for training, \`x_test[0:1]\`, and the shape fits.`,
      },
    };
  },
  // A name used before the cell that creates it ran in this kernel: NameError: name 'x_train' is not defined.
  (t) => {
    const m = /NameError:?\s*name\s*['"]([A-Za-z_]\w*)['"]\s*is not defined|name\s*['"]([A-Za-z_]\w*)['"]\s*is not defined/.exec(t);
    if (!m) return undefined;
    const name = m[1] ?? m[2];
    const imported = /^(np|tf|keras|pd|plt|sns|layers|models|Sequential|Dense|Conv2D|MaxPooling2D|Flatten|Dropout|to_categorical|ImageDataGenerator|VGG16|train_test_split|load_iris|mnist)$/.test(name);
    const data = /^(x|y|X)_?(train|test|valid|val)\w*$/.test(name);
    const what = imported
      ? { ja: `\`${name}\` は import で作られる名前です。import のセル（ノートブックの最初のほう）が、今のカーネルではまだ実行されていません。`, en: `\`${name}\` comes from an import: the import cell (near the top of the notebook) has not run in the current kernel.` }
      : data
        ? { ja: `\`${name}\` はデータを読み込む（分ける）セルで作られる変数です。そのセルが、今のカーネルではまだ実行されていません。`, en: `\`${name}\` is created by the cell that loads (or splits) the data, and that cell has not run in the current kernel.` }
        : { ja: `\`${name}\` を作るセル（\`${name} = …\` と代入しているセル）が、今のカーネルではまだ実行されていないか、途中でエラーになっています。`, en: `The cell that creates \`${name}\` (the one assigning \`${name} = …\`) has not run in the current kernel, or it stopped with an error.` };
    return {
      kind: 'name-not-defined',
      topic: 'jupyter-environment',
      text: {
        ja: `${what.ja}変数はカーネルのメモリにだけあるので、途中のセルから始めたときや、カーネルの再起動（長い休憩のあとの切断を含む）のあとは、上のセルを順に実行し直す必要があります。Run > Run All Above Selected Cell で上のセルをまとめて実行するか、Kernel > Restart Kernel and Run All Cells で最初から実行してください。名前の綴り（大文字と小文字は区別されます）も確かめてください。`,
        en: `${what.en} Variables live only in the kernel's memory, so after starting from a cell in the middle, or after the kernel restarted (a long break can disconnect it too), the cells above must run again in order. Use Run > Run All Above Selected Cell, or Kernel > Restart Kernel and Run All Cells to start clean. Check the spelling as well: names are case-sensitive.`,
      },
    };
  },
  // One flat sample (4,) given to a model that takes (None, 4): Keras reads a 1-D array as k samples of one feature each.
  (t) => {
    const shapes = expectedFound(t);
    if (!shapes) return undefined;
    const { want, got } = shapes;
    if (want.length !== 2 || got.length !== 2 || want[0] !== null || got[0] !== null || got[1] !== 1 || !want[1] || want[1] < 2) return undefined;
    const k = want[1];
    const one = /(predict|evaluate|__call__|model)\s*\(\s*([\w.]+)\s*\[\s*(-?\d+)\s*\]\s*\)/.exec(t);
    if (!one && !new RegExp(`\\(\\s*${k}\\s*,\\s*\\)`).test(t)) return undefined;
    const name = one ? `${one[2]}[${one[3]}]` : 'x[0]';
    const base = one ? one[2] : 'x';
    const idx = one ? Number(one[3]) : 0;
    const slice = idx >= 0 ? `${base}[${idx}:${idx + 1}]` : `${base}[${idx}:]`;
    return {
      kind: 'missing-batch-axis',
      topic: 'keras-api-errors',
      text: {
        ja: `\`${name}\` は形 (${k},) の 1 次元の配列（数が ${k} 個並んだだけ）で、サンプルの軸がありません。Keras は 1 次元の入力を「${k} 個のサンプルが、それぞれ特徴量 1 つ」と読んで (${k}, 1) にするので、found shape=(None, 1) になります。モデルは (None, ${k})、つまり「何サンプルか × 特徴量 ${k} 個」を期待しています。1 サンプルでも 2 次元にしてください：\`model.predict(${slice})\`（スライスなら形 (1, ${k}) のまま）、\`${name}.reshape(1, ${k})\`、\`np.expand_dims(${name}, 0)\` のどれでも構いません。結果は 1 行なので、クラスは \`np.argmax(pred[0])\` です。`,
        en: `\`${name}\` is a 1-D array of shape (${k},), just ${k} numbers with no sample axis. Keras reads a 1-D input as ${k} samples of one feature each, (${k}, 1), hence found shape=(None, 1); the model expects (None, ${k}), any number of samples with ${k} features each. Make even one sample 2-D: \`model.predict(${slice})\` (a slice keeps the shape (1, ${k})), \`${name}.reshape(1, ${k})\` or \`np.expand_dims(${name}, 0)\`. The result is one row, so the class is \`np.argmax(pred[0])\`.`,
      },
    };
  },
  // The output layer still gives a feature map per image: Dense after Conv2D without Flatten.
  (t) => {
    const shapes = incompatibleShapes(t);
    if (!shapes) return undefined;
    const [a, b] = shapes;
    const [labels, output] = a.length < b.length ? [a, b] : [b, a];
    if (labels.length !== 2 || output.length < 3) return undefined;
    const units = output[output.length - 1];
    const grid = output.slice(1, -1).map((x) => (x === null ? '?' : x)).join(' × ');
    return {
      kind: 'output-feature-map',
      alone: true,
      topic: 'keras-api-errors',
      text: {
        ja: `出力層の形が ${shape(output)} で、ラベルの形 ${shape(labels)} と次元の数が合っていません。Conv2D や MaxPooling2D の出力（縦 × 横 × チャンネルの特徴マップ）にそのまま Dense をつないだため、Dense は最後の軸だけに作用し、${grid} の位置ごとに ${units} 個の値を出しています。最後の Dense の前に \`Flatten()\`（または \`GlobalAveragePooling2D()\`）を入れて 1 枚を 1 本のベクトルにすると、出力が (None, ${units}) になりラベルと合います。`,
        en: `The output layer gives ${shape(output)}, which has more axes than the labels ${shape(labels)}. A Dense layer was connected straight to a Conv2D or MaxPooling2D output (a feature map of height × width × channels), and Dense acts on the last axis only, so it outputs ${units} values at each of the ${grid} positions. Put \`Flatten()\` (or \`GlobalAveragePooling2D()\`) before the last Dense so each image becomes one vector: the output is then (None, ${units}) and matches the labels.`,
      },
    };
  },
  // An image with the wrong number of colour channels, or a table with one column too many.
  (t) => {
    const full = /expected axis -1 of input shape to have value (\d+),? but received input with shape \(([^)]*)\)/i.exec(t);
    // The message quoted without its shape, the data's shape named beside it ("x_train (60000, 28, 28) のまま").
    const bare = full ? undefined : /expected axis -1 of input shape to have value (\d+)/i.exec(t);
    const named = bare ? /\((\s*(?:None|\d+)\s*(?:,\s*\d+\s*){2,3})\)/.exec(t.replace(bare[0], '')) : undefined;
    if (!full && !named) return undefined;
    const want = Number((full ?? bare)![1]);
    const got = dims(full ? full[2] : named![1]);
    const last = got[got.length - 1];
    if (typeof last !== 'number') return undefined;
    // Images of h × w given to a Dense layer that takes flat rows of h·w: Flatten or reshape.
    const hw = got.slice(1).filter((d): d is number => typeof d === 'number');
    if (got.length >= 3 && hw.length === got.length - 1 && hw.reduce((a, b) => a * b, 1) === want) {
      const flat = hw.join('×');
      return {
        kind: 'images-into-flat-dense',
        alone: true,
        topic: 'keras-api-errors',
        text: {
          ja: `最初の Dense は長さ ${want} の 1 次元のベクトル（input_shape=(${want},)）を期待していますが、画像を ${shape(got)} の形のまま渡しているので、最後の軸が ${last} になっています。${flat} = ${want} なので、画像を平らにすれば合います：\`x_train = x_train.reshape(-1, ${want})\`（検証・テストデータも同じく）にするか、モデルの先頭に \`Flatten(input_shape=(${hw.join(', ')}))\` を入れて input_shape=(${want},) を外してください。`,
          en: `The first Dense layer expects flat vectors of length ${want} (input_shape=(${want},)), but the images are passed as ${shape(got)}, so the last axis is ${last}. ${flat} = ${want}, so flattening them fits: \`x_train = x_train.reshape(-1, ${want})\` (and the same for the validation and test data), or put \`Flatten(input_shape=(${hw.join(', ')}))\` first in the model instead of input_shape=(${want},).`,
        },
      };
    }
    if (got.length === 4 && want === 1 && last === 3) {
      return {
        kind: 'rgb-into-grayscale-model',
        alone: true,
        topic: 'keras-api-errors',
        text: {
          ja: `モデルは白黒（チャンネル 1 つ）の画像 (…, 1) を期待していますが、渡した画像はカラー（RGB の 3 チャンネル）で形が ${shape(got)} です。自分で撮った写真はふつう RGB なので、学習データと同じ形にそろえてください：白黒に変換して（\`tf.image.rgb_to_grayscale(x)\`、または PIL の \`Image.open(path).convert('L')\`）、学習時と同じ大きさにリサイズし、255 で割る前処理も同じにします。`,
          en: `The model expects grayscale images with one channel (…, 1), but the images you passed are colour (RGB, 3 channels), shape ${shape(got)}. Photos are usually RGB, so bring them to the training data's form: convert to grayscale (\`tf.image.rgb_to_grayscale(x)\`, or PIL's \`Image.open(path).convert('L')\`), resize to the training size and apply the same scaling (/255).`,
        },
      };
    }
    if (got.length === 4 && want === 3 && last === 1) {
      return {
        kind: 'grayscale-into-rgb-model',
        alone: true,
        topic: 'keras-api-errors',
        text: {
          ja: `モデルはカラー（RGB の 3 チャンネル）の画像を期待していますが、渡した画像は白黒（チャンネル 1 つ）で形が ${shape(got)} です。VGG16 などの学習済みモデルは 3 チャンネルの入力で学習されているので、白黒の画像を 3 回くり返して 3 チャンネルにします：\`np.repeat(x, 3, axis=-1)\` または \`tf.image.grayscale_to_rgb(x)\`。`,
          en: `The model expects colour images with 3 channels (RGB), but the images you passed are grayscale with one channel, shape ${shape(got)}. Pretrained models such as VGG16 were trained on 3-channel input, so repeat the grey channel three times: \`np.repeat(x, 3, axis=-1)\` or \`tf.image.grayscale_to_rgb(x)\`.`,
        },
      };
    }
    if (got.length === 2 && last === want + 1) {
      return {
        kind: 'extra-column',
        alone: true,
        topic: 'keras-api-errors',
        text: {
          ja: `入力の列が 1 つ多く、${want} 列のはずが ${last} 列あります（${last} = ${want} + 1）。CSV から読んだデータなら、ほぼ確実に正解ラベルの列（ASL や MNIST の CSV では先頭の \`label\` 列）が特徴量に残っています。ラベルを分けてから渡してください：\`y = df['label'].values\`、\`x = df.drop(columns='label').values\`（列番号なら \`x = df.values[:, 1:]\`）。ラベルが入力に入ったままだと、形が合ったとしても答えを見ながら学習することになります。`,
          en: `The input has one column too many: ${last} instead of ${want} (${last} = ${want} + 1). For data read from a CSV this is almost always the label column (the first column, \`label\`, in the ASL and MNIST CSVs) left among the features. Split it off first: \`y = df['label'].values\` and \`x = df.drop(columns='label').values\` (or \`x = df.values[:, 1:]\`). Left in, the model would also be training with the answer in its input.`,
        },
      };
    }
    return undefined;
  },
  // An axis added twice (a cell with expand_dims or reshape(…, 1) run again): (None, 28, 28, 1, 1).
  (t) => {
    const shapes = expectedFound(t);
    if (!shapes) return undefined;
    const { want, got } = shapes;
    if (got.length !== want.length + 1 || got[got.length - 1] !== 1 || !want.every((d, i) => d === got[i])) return undefined;
    return {
      kind: 'axis-added-twice',
      alone: true,
      topic: 'keras-api-errors',
      text: {
        ja: `データの形が ${shape(got)} で、モデルが期待する ${shape(want)} より最後に 1 の軸が 1 つ多くなっています。今の x にチャンネルの軸を足すセル（\`x = np.expand_dims(x, -1)\` や \`x = x[..., np.newaxis]\`）をもう一度実行したため、軸が 2 回足されました。データを読み込むセルから順に実行し直すか、形を決め打ちする \`x = x.reshape(-1, ${want.slice(1).join(', ')})\` にすると、何回実行しても同じ形になります。`,
        en: `Your data has shape ${shape(got)}: one more axis of size 1 at the end than the model's ${shape(want)}. A cell that adds the channel axis to the current x (\`x = np.expand_dims(x, -1)\` or \`x = x[..., np.newaxis]\`) was run a second time, so the axis was added twice. Re-run from the cell that loads the data, or write the shape out, \`x = x.reshape(-1, ${want.slice(1).join(', ')})\`, which gives the same shape however often it runs.`,
      },
    };
  },
  // Labels vs output layer: categorical_crossentropy and friends compare (None, label width) with (None, units).
  (t) => {
    const shapes = incompatibleShapes(t);
    if (!shapes) return undefined;
    const [a, b] = shapes;
    const la = a[a.length - 1];
    const lb = b[b.length - 1];
    if (typeof la !== 'number' || typeof lb !== 'number') return undefined;
    if (la === 1 && lb > 1) {
      return {
        kind: 'integer-labels-categorical-loss',
        topic: 'keras-api-errors',
        text: {
          ja: `このエラーは「正解ラベルの形 ${shape(a)}」と「出力層の形 ${shape(b)}」が合わないという意味です。ラベルが 0〜${lb - 1} の整数（1列）のままなのに、損失関数 categorical_crossentropy は ${lb} 列の one-hot ラベルを期待しています。直し方は2つ：y_train = to_categorical(y_train, ${lb})（テスト用のラベルも同様）で one-hot にするか、ラベルは整数のままで loss='sparse_categorical_crossentropy' に変えます。`,
          en: `The error says the labels have shape ${shape(a)} but the output layer gives ${shape(b)}. Your labels are still integers 0-${lb - 1} (one column), while categorical_crossentropy expects one-hot labels with ${lb} columns. Two fixes: y_train = to_categorical(y_train, ${lb}) (and the same for the test labels), or keep the integers and use loss='sparse_categorical_crossentropy'.`,
        },
      };
    }
    if (la > 1 && lb !== la) {
      // One column more than the units, with to_categorical: it made (largest label + 1) columns.
      const extra = la === lb + 1 && /to_categorical/.test(t) && !/num_classes/.test(t);
      return {
        kind: 'output-units-mismatch',
        topic: 'keras-api-errors',
        text: extra
          ? {
              ja: `このエラーは、正解ラベルが ${la} 列なのに、出力層のユニットが ${lb} 個だという意味です。num_classes を省いた to_categorical は「いちばん大きいラベル + 1」列を作るので、ラベルに ${la - 1} があると ${la} 列になります（0〜${la - 1} のどこかに使われていない番号があっても列は作られます）。クラスが本当に ${lb} 個なら、ラベルを 0〜${lb - 1} に振り直してから to_categorical(y, ${lb}) にします。ラベルの番号をそのまま使うなら、出力層を Dense(${la}, activation='softmax') にしてください。どちらでも、to_categorical の列数と最後の Dense のユニット数を一致させます。`,
              en: `The error says your labels have ${la} columns but the output layer has ${lb} units. to_categorical without num_classes makes (largest label + 1) columns, so a label ${la - 1} gives ${la} columns (a number between 0 and ${la - 1} that never occurs still gets its column). If there really are ${lb} classes, renumber the labels 0-${lb - 1} and use to_categorical(y, ${lb}); to keep the numbers as they are, make the output layer Dense(${la}, activation='softmax'). Either way, the columns of to_categorical and the units of the last Dense must match.`,
            }
          : {
              ja: `このエラーは、正解ラベルが ${la} 列（${la} クラスの one-hot）なのに、出力層のユニットが ${lb} 個しかないという意味です。出力層を Dense(${la}, activation='softmax') にして、loss='categorical_crossentropy' を使ってください（出力のユニット数 = クラス数）。`,
              en: `The error says your labels have ${la} columns (one-hot for ${la} classes) but the output layer has ${lb} unit${lb === 1 ? '' : 's'}. Make the output layer Dense(${la}, activation='softmax') with loss='categorical_crossentropy': one output unit per class.`,
            },
      };
    }
    return undefined;
  },
  // One-hot labels given to a sparse loss: B×C label values against B rows of logits.
  (t) => {
    const m = /logits and labels must have the same first dimension, got logits shape \[(\d+),\s*(\d+)\] and labels shape \[(\d+)\]/i.exec(t);
    if (!m) return undefined;
    const [b, c, l] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const onehot = l === b * c;
    // More rows of logits than labels, a whole multiple (896 = 32 × 28): the model's output kept an
    // extra axis (Dense on (28, 28) images without Flatten), not a problem with the labels.
    if (!onehot && b > l && b % l === 0) {
      const k = b / l;
      return {
        kind: 'output-extra-axis',
        topic: 'keras-api-errors',
        text: {
          ja: `${b} = ${l} × ${k} です。ラベルは ${l} 個（バッチの ${l} 枚）なのに、モデルの出力が 1 枚につき ${k} 行あります。Flatten なしで Dense を (${k}, …) の画像にかけると、Dense は最後の軸だけに作用するので出力が (None, ${k}, ${c}) になり、損失がそれを ${l} × ${k} = ${b} 行として数えるためです。最初の層に Flatten(input_shape=…)（例：Flatten(input_shape=(28, 28))）を入れるか、画像を 784 の長さに reshape してください。`,
          en: `${b} = ${l} × ${k}: there are ${l} labels (a batch of ${l}), but the model outputs ${k} rows per sample. Dense applied to (${k}, …) inputs without Flatten acts on the last axis only, so the output is (None, ${k}, ${c}) and the loss counts it as ${l} × ${k} = ${b} rows. Put Flatten(input_shape=…) first (for MNIST Flatten(input_shape=(28, 28))), or reshape the images to length 784.`,
        },
      };
    }
    return {
      kind: 'one-hot-labels-sparse-loss',
      topic: 'keras-api-errors',
      text: {
        ja: `sparse_categorical_crossentropy は整数ラベル（1サンプルに1つの数）を期待しますが、${onehot ? `渡されたラベルは one-hot になっています（${b} サンプル × ${c} 列 = ${l} 個の値）` : `ラベルの数 ${l} がバッチの ${b} サンプルと合いません`}。one-hot のラベルを使うなら loss='categorical_crossentropy' に、sparse のままなら to_categorical をやめて整数ラベルに戻してください。`,
        en: `sparse_categorical_crossentropy expects integer labels (one number per sample), but ${onehot ? `your labels are one-hot (${b} samples × ${c} columns = ${l} values)` : `the ${l} label values do not match the batch of ${b} samples`}. Either keep the one-hot labels and use loss='categorical_crossentropy', or drop to_categorical and keep the sparse loss.`,
      },
    };
  },
  // Conv2D without a channel axis.
  (t) => {
    const m = /expected min_ndim=4, found ndim=3(?:\. Full shape received: \(([^)]*)\))?/i.exec(t);
    if (!m) return undefined;
    const got = m[1] ? dims(m[1]) : [null, 28, 28];
    // (28, 28, 1): one image with its channel axis, fed without the batch axis; predict reads its rows as
    // samples and reports (None, 28, 1).
    if (got.length === 3 && (got[2] === 1 || got[2] === 3) && (got[1] ?? 0) > 4) {
      const rows = got[0] === null;
      const batched = rows ? `(1, ${got[1]}, ${got[1]}, ${got[2]})` : shape([1, ...got.map((x) => x ?? 0)]);
      return {
        kind: 'missing-batch-axis',
        topic: 'keras-api-errors',
        text: {
          ja: `${rows ? `${shape(got)} は、画像1枚（高さ, 幅, チャンネル）をバッチの軸なしで渡したため、predict がその各行を1サンプルとして読んだ形です` : `${shape(got)} は画像1枚（高さ, 幅, チャンネル）です`}。チャンネルの軸はあり、足りないのは先頭のバッチの軸です：Conv2D は (サンプル数, 高さ, 幅, チャンネル) の4次元を受け取るので、1枚でも ${batched} のように渡します（x_test[0:1]、image[None]、np.expand_dims(image, 0) のどれでも）。${ONE_SAMPLE_RESULT.ja}`,
          en: `${rows ? `${shape(got)} is what predict makes of one image (height, width, channels) passed without the batch axis: it reads each row as a sample` : `${shape(got)} is one image (height, width, channels)`}. The channel axis is there; what is missing is the leading batch axis: Conv2D takes 4 axes (samples, height, width, channels), so pass even one image as ${batched} (x_test[0:1], image[None] or np.expand_dims(image, 0)).${ONE_SAMPLE_RESULT.en}`,
        },
      };
    }
    const [h, w] = [got[1] ?? 28, got[2] ?? 28];
    return {
      kind: 'missing-channel-axis',
      topic: 'keras-api-errors',
      text: {
        ja: `Conv2D は (サンプル数, 高さ, 幅, チャンネル) の4次元を期待しますが、データは ${shape(got)} の3次元で、チャンネルの軸がありません。x_train = x_train.reshape(-1, ${h}, ${w}, 1)（x_test も同様）か np.expand_dims(x_train, -1) で最後に長さ1のチャンネル軸を足してください。`,
        en: `Conv2D expects 4 axes (samples, height, width, channels), but your data is ${shape(got)}: 3 axes, no channel axis. Add one with x_train = x_train.reshape(-1, ${h}, ${w}, 1) (same for x_test) or np.expand_dims(x_train, -1).`,
      },
    };
  },
  // A flat Dense input fed with images, or one sample without its batch axis.
  (t) => {
    const m = /expected shape=\(([^)]*)\), found shape=\(([^)]*)\)/i.exec(t);
    if (!m) return undefined;
    const want = dims(m[1]);
    const got = dims(m[2]);
    const size = (d: (number | null)[]) => d.filter((x): x is number => typeof x === 'number').reduce((a, b) => a * b, 1);
    if (got[0] !== null && got.length === want.length - 1 && got.every((x, i) => x === want[i + 1])) {
      return {
        kind: 'missing-batch-axis',
        topic: 'keras-api-errors',
        text: {
          ja: `predict などは「サンプルの束（バッチ）」を受け取るので、1枚だけでも先頭にバッチの軸が必要です。形 ${shape(got)} を ${shape([1, ...got.map((x) => x ?? 0)])} にしてください：x_test[0:1]、np.expand_dims(x_test[0], 0)、x_test[0].reshape(1, ${got.join(', ')}) のどれでも構いません。${ONE_SAMPLE_RESULT.ja}`,
          en: `predict expects a batch of samples, so even one sample needs a leading batch axis: turn ${shape(got)} into ${shape([1, ...got.map((x) => x ?? 0)])} with x_test[0:1], np.expand_dims(x_test[0], 0) or x_test[0].reshape(1, ${got.join(', ')}).${ONE_SAMPLE_RESULT.en}`,
        },
      };
    }
    if (want.length === 2 && got.length > 2 && size(got) === size(want)) {
      const n = want[1];
      return {
        kind: 'flatten-needed',
        topic: 'keras-api-errors',
        text: {
          ja: `モデルは長さ ${n} の平らなベクトル ${shape(want)} を期待していますが、データは ${shape(got)} の画像のままです（${got.slice(1).join('×')} = ${n}）。x_train = x_train.reshape(-1, ${n})（x_test も同様）で平らにするか、最初の層を Flatten(input_shape=(${got.slice(1).join(', ')})) にしてください。`,
          en: `The model expects flat vectors of ${n} values ${shape(want)}, but the data is still ${shape(got)} images (${got.slice(1).join('×')} = ${n}). Flatten it with x_train = x_train.reshape(-1, ${n}) (and x_test), or make the first layer Flatten(input_shape=(${got.slice(1).join(', ')})).`,
        },
      };
    }
    return undefined;
  },
  // A sparse loss given a label outside 0 … units − 1: "Received a label value of 10 which is outside the valid range of [0, 10)".
  (t) => {
    const m = /label value of (-?\d+) which is outside the valid range of \[0,\s*(\d+)\)/i.exec(t);
    if (!m) return undefined;
    const v = Number(m[1]);
    const n = Number(m[2]);
    // Labels the asker says are counted from 1: shifted down by one they fit.
    const fromOne = FROM_ONE.test(t);
    const head = {
      ja: `sparse_categorical_crossentropy のラベルは 0 から（出力のユニット数 − 1）までの整数でなければなりません。出力が ${n} ユニットなので使えるのは 0〜${n - 1} で、ラベル ${v} はその外です。`,
      en: `sparse_categorical_crossentropy needs integer labels from 0 to (the number of output units − 1). Your output has ${n} units, so the valid labels are 0–${n - 1}, and the label ${v} is outside them.`,
    };
    const fix =
      v < 0
        ? { ja: '負のラベル（欠損や「不明」を表す -1 など）は、その行を除くか 0 以上のクラス番号に直してください。', en: 'A negative label (often -1 for "unknown" or missing) must be dropped or turned into a class number of 0 or more.' }
        : fromOne && v === n
          ? { ja: `ラベルが 1〜${n} と 1 から数えられているので、1 ずつ引いて 0〜${n - 1} にします（y = y - 1。y_train と y_test の両方）。予測したクラス番号を元の番号に戻すときは 1 を足します。`, en: `Your labels count from 1 (1–${n}), so subtract 1 to make them 0–${n - 1} (y = y - 1, for both y_train and y_test). Add 1 back to a predicted class to get your original label.` }
          : {
              ja: `ラベルの最大値が ${v} なら、出力層に ${v + 1} ユニット（0〜${v}）必要です：Dense(${v + 1}, activation='softmax')。使われない番号があっても構いません（手話 MNIST はラベル 0〜24 で 9 = J が欠番なので Dense(25)）。${v === n ? `ラベルを 1〜${n} と 1 から数えているなら、代わりに 1 ずつ引いて 0〜${n - 1} にします。` : ''}`,
              en: `If your largest label is ${v}, the output layer needs ${v + 1} units (0–${v}): Dense(${v + 1}, activation='softmax'). Unused class numbers do no harm (Sign Language MNIST labels run 0–24 with 9 = J missing, hence Dense(25)).${v === n ? ` If your labels count from 1 (1–${n}), subtract 1 instead to make them 0–${n - 1}.` : ''}`,
            };
    return { kind: 'label-out-of-range', topic: 'keras-api-errors', text: { ja: `${head.ja}${fix.ja}`, en: `${head.en} ${fix.en}` } };
  },
  // to_categorical given a label as large as num_classes: "IndexError: index 24 is out of bounds for axis 1 with size 24".
  (t) => {
    const m = /index (\d+) is out of bounds for axis 1 with size (\d+)/i.exec(t);
    if (!m || !/to_categorical/.test(t)) return undefined;
    const v = Number(m[1]);
    const n = Number(m[2]);
    const head = {
      ja: `to_categorical(y, ${n}) が作れるのは 0〜${n - 1} のラベルだけですが、データにラベル ${v} があります（ラベルの値がそのまま one-hot の列の番号になります）。`,
      en: `to_categorical(y, ${n}) can only encode labels 0–${n - 1}, but your data has the label ${v} (each label's value is its column in the one-hot row).`,
    };
    // As many classes as num_classes, told in words: the labels are not numbered 0 … n − 1, so they are renumbered.
    const classes = new RegExp(String.raw`(?<!\d)${n}\s*(?:classes|クラス|letters|種類|categories)`, 'i').test(t);
    const fix = FROM_ONE.test(t)
      ? { ja: `ラベルが 1 から数えられているので、1 ずつ引いて 0〜${n - 1} にします（y = y - 1）。num_classes を ${v + 1} にすると、使われないクラス 0 ができてしまいます。`, en: `Your labels count from 1, so subtract 1 to make them 0–${n - 1} (y = y - 1). num_classes=${v + 1} would add a class 0 that never occurs.` }
      : classes
        ? { ja: `${n} クラスなら、ラベルを 0〜${n - 1} に番号を振り直します：\`classes, y_idx = np.unique(y, return_inverse=True)\` の y_idx を to_categorical に渡し、classes を取っておけば予測した番号を元のラベルに戻せます（1〜${n} なら y - 1 と同じです）。`, en: `With ${n} classes, renumber the labels 0–${n - 1}: \`classes, y_idx = np.unique(y, return_inverse=True)\` gives y_idx for to_categorical, and classes turns a predicted index back into your label (for labels 1–${n} this is just y - 1).` }
        : {
            ja: `num_classes は「ラベルの最大値 + 1」なので、to_categorical(y, ${v + 1}) にして出力層も Dense(${v + 1}, activation='softmax') にそろえます（使われない番号があっても構いません。手話 MNIST はラベル 0〜24 で 9 = J が欠番なので 25）。ラベルを 1 から数えているなら、代わりに 1 ずつ引いて 0〜${n - 1} にします。`,
            en: `num_classes must be the largest label + 1: use to_categorical(y, ${v + 1}) and match the output layer, Dense(${v + 1}, activation='softmax') (unused class numbers do no harm; Sign Language MNIST labels run 0–24 with 9 = J missing, hence 25). If your labels count from 1, subtract 1 instead to make them 0–${n - 1}.`,
          };
    return { kind: 'to-categorical-label-too-large', topic: 'one-hot-encoding', text: { ja: head.ja + fix.ja, en: `${head.en} ${fix.en}` } };
  },
  // predict_classes was removed.
  (t) => {
    if (!/has no attribute '?predict_classes'?|predict_classes\b.{0,80}(removed|deprecated|error|エラー|使えない|ない)|(removed|renamed).{0,40}predict_classes/i.test(t)) return undefined;
    return {
      kind: 'predict-classes-removed',
      topic: 'keras-api-errors',
      text: {
        ja: 'predict_classes() は TensorFlow 2.6 で削除されました（名前が変わったのではありません）。代わりに、softmax の出力なら np.argmax(model.predict(x), axis=1)、sigmoid 1ユニットの二値分類なら (model.predict(x) > 0.5).astype("int32") でクラスを求めます。',
        en: 'predict_classes() was removed in TensorFlow 2.6 (not renamed). Instead, for a softmax output use np.argmax(model.predict(x), axis=1); for a single sigmoid unit (binary) use (model.predict(x) > 0.5).astype("int32").',
      },
    };
  },
  // predict(x_test[0]) failing, no message shown, with the array's shape in the prose: one sample lacks the batch axis.
  (t) => {
    const call = /\bpredict\(\s*([A-Za-z_]\w*)\s*\[\s*(\d+)\s*\]\s*\)/.exec(t);
    if (!call || !/(error|エラー|fails?|failed|失敗|落ち)/i.test(t) || /expected shape|found shape|Traceback/i.test(t)) return undefined;
    const [, name, idx] = call;
    const shapeM = new RegExp(`\\b${name}\\b[^\\n(]{0,40}\\(\\s*(\\d+(?:\\s*,\\s*\\d+){1,3})\\s*\\)`).exec(t);
    if (!shapeM) return undefined;
    const dims = shapeM[1].split(',').map((d) => Number(d.trim()));
    const sample = dims.slice(1);
    const one = `(1, ${sample.join(', ')})`;
    const sampleText = shape(sample);
    const flat = sample.length === 1;
    return {
      kind: 'missing-batch-axis',
      topic: 'keras-api-errors',
      text: {
        ja: `\`${name}\` の形が ${shape(dims)} なので、\`${name}[${idx}]\` は 1 枚分の ${sampleText} で、先頭の「何枚か」の軸（バッチの軸）がありません。モデルは ${shape([null, ...sample])} の形を期待しているので、${flat ? `Keras は ${sampleText} を「値 1 つのサンプルが ${sample[0]} 個」と読んでしまい、形が合わずにエラーになります` : 'Keras は最初の軸をバッチと見なし、形が合わずにエラーになります'}。1 枚でもバッチの形で渡してください：\`model.predict(${name}[${idx}:${Number(idx) + 1}])\`（スライスなら形 ${one} のまま）か \`np.expand_dims(${name}[${idx}], 0)\`。結果も 1 行なので、クラスは \`np.argmax(pred[0])\` です。`,
        en: `\`${name}\` has shape ${shape(dims)}, so \`${name}[${idx}]\` is one sample of shape ${sampleText}, without the leading axis that counts samples (the batch axis). The model expects ${shape([null, ...sample])}; ${flat ? `Keras reads ${sampleText} as ${sample[0]} samples of one value each, so the shapes do not match` : 'Keras takes the first axis for the batch, so the shapes do not match'}. Pass even one sample as a batch: \`model.predict(${name}[${idx}:${Number(idx) + 1}])\` (a slice keeps the shape ${one}) or \`np.expand_dims(${name}[${idx}], 0)\`. The result is one row, so the class is \`np.argmax(pred[0])\`.`,
      },
    };
  },
];

/** The first error message in the text that can be read with its numbers. */
export function readError(text: string): ErrorReading | undefined {
  const t = text.normalize('NFKC');
  for (const r of READERS) {
    const out = r(t);
    if (out) return out;
  }
  return undefined;
}
