/**
 * Course words of the other languages tasuke recognises but does not answer
 * in (Chinese, Korean), read as their English terms. A Chinese or Korean
 * question is answered in English from English entries; without this its only
 * words the index knows are the code and numbers it quotes, so "훈련 정확도는
 * 99%인데 검증 정확도는 70%" finds nothing, and the calculators, which look for
 * "input", "images", "batch_size" in English or Japanese, miss "50000 张图片".
 *
 * The glossed text feeds retrieval and the calculators only: the question the
 * asker wrote is what the answer contract keeps.
 */
import type { OtherLang } from '../core/lang.ts';

/** [terms, English]: longer terms are tried first, so "训练集" wins over "训练". */
type Terms = [string[], string][];

// Simplified and traditional forms side by side.
const CHINESE: Terms = [
  [['训练集', '訓練集', '训练数据', '訓練數據'], 'training data'],
  [['验证集', '驗證集', '验证数据', '驗證數據'], 'validation data'],
  [['测试集', '測試集', '测试数据', '測試數據'], 'test data'],
  [['训练准确率', '訓練準確率', '训练精度'], 'training accuracy'],
  [['验证准确率', '驗證準確率', '验证精度'], 'validation accuracy'],
  [['训练', '訓練'], 'training'],
  [['验证', '驗證'], 'validation'],
  [['测试', '測試'], 'test'],
  [['准确率', '準確率', '正确率', '正確率', '精度', '准确度'], 'accuracy'],
  [['损失函数', '損失函數'], 'loss function'],
  [['损失', '損失'], 'loss'],
  [['彩色图片', '彩色圖片', '彩色图像'], 'colour images'],
  [['图片', '圖片', '图像', '圖像'], 'images'],
  [['样本', '樣本'], 'samples'],
  [['标签', '標籤', '标记'], 'labels'],
  [['参数数量', '參數數量', '参数个数', '參數個數', '参数量'], 'number of parameters'],
  [['参数', '參數'], 'parameters'],
  [['输出形状', '輸出形狀'], 'output shape'],
  [['输入', '輸入'], 'input'],
  [['输出', '輸出'], 'output'],
  [['形状', '形狀'], 'shape'],
  [['学习率', '學習率'], 'learning rate'],
  [['梯度下降'], 'gradient descent'],
  [['梯度'], 'gradient'],
  [['权重', '權重'], 'weights'],
  [['偏置'], 'bias'],
  [['更新'], 'update'],
  [['过拟合', '過擬合', '过度拟合'], 'overfitting'],
  [['欠拟合', '欠擬合'], 'underfitting'],
  [['数据增强', '數據增強', '数据扩增'], 'data augmentation'],
  [['数据集', '數據集', '資料集'], 'dataset'],
  [['数据', '數據', '資料'], 'data'],
  [['卷积层', '卷積層'], 'convolution layer'],
  [['卷积', '卷積'], 'convolution'],
  [['池化层', '池化層'], 'pooling layer'],
  [['池化'], 'pooling'],
  [['隐藏层', '隱藏層'], 'hidden layer'],
  [['输出层', '輸出層'], 'output layer'],
  [['层', '層'], 'layer'],
  [['激活函数', '激活函數', '激勵函數'], 'activation function'],
  [['神经网络', '神經網絡', '神經網路'], 'neural network'],
  [['神经元', '神經元'], 'neuron'],
  [['迁移学习', '遷移學習'], 'transfer learning'],
  [['微调', '微調'], 'fine-tuning'],
  [['冻结', '凍結'], 'freeze'],
  [['归一化', '歸一化', '标准化', '標準化', '正规化', '正規化'], 'normalization'],
  [['像素'], 'pixel'],
  [['预测', '預測'], 'predict'],
  [['分类', '分類'], 'classification'],
  [['类别', '類別'], 'classes'],
  [['概率', '機率'], 'probability'],
  [['链式法则', '鏈式法則'], 'chain rule'],
  [['偏导数', '偏導數', '偏微分'], 'partial derivative'],
  [['导数', '導數', '求导', '求導'], 'derivative'],
  [['反向传播', '反向傳播'], 'backpropagation'],
  [['感知机', '感知機', '感知器'], 'perceptron'],
  [['线性回归', '線性迴歸', '線性回歸'], 'linear regression'],
  [['显存', '顯存'], 'GPU memory'],
  [['内存', '記憶體'], 'memory'],
  [['词向量', '詞向量', '嵌入'], 'embedding'],
  [['单词', '單詞', '词', '詞'], 'word'],
  [['句子'], 'sentence'],
  [['批大小', '批次大小', '批量大小'], 'batch size'],
  [['批次', '批量'], 'batch'],
  [['多少个 step', '几个 step', '幾個 step', '多少个step', '几个step', '多少步', '几步', '幾步'], 'how many steps'],
  [['步数', '步數'], 'steps'],
  [['随机种子', '隨機種子', '种子', '種子'], 'seed'],
  [['随机', '隨機'], 'random'],
  [['结果', '結果'], 'result'],
  [['不一样', '不一樣'], 'different'],
  [['一样', '一樣'], 'same'],
  [['上升'], 'rises'],
  [['下降'], 'falls'],
  [['为什么', '為什麼'], 'why'],
  [['怎么办', '怎麼辦', '应该怎么做', '應該怎麼做'], 'what should I do'],
  [['什么意思', '什麼意思'], 'what does it mean'],
  [['是什么', '是什麼'], 'what is'],
  [['多少次', '几次', '幾次'], 'how many times'],
  [['多少', '几个', '幾個'], 'how many'],
  [['每个', '每個'], 'each'],
  [['一共', '总共', '總共'], 'in total'],
  [['重新', '再次'], 'again'],
  [['不用', '不使用', '没有', '沒有'], 'without'],
  [['继续', '繼續', '接着', '接著'], 'continue'],
  [['从头', '從頭'], 'from scratch'],
  [['开始', '開始'], 'start'],
  [['从', '從'], 'from'],
  [['运行', '運行', '执行', '執行'], 'run'],
  [['保存'], 'save'],
  [['模型'], 'model'],
  [['前一层', '前一層', '上一层', '上一層'], 'the previous layer'],
  [['不是吗', '不是嗎'], "isn't it"],
  [['除以'], 'divided by'],
  [['除完', '除以后', '除以後', '除了以后'], 'after dividing'],
  [['像素值'], 'pixel value'],
  [['报错', '報錯', '错误', '錯誤'], 'error'],
  [['正常吗', '正常嗎'], 'is this normal'],
  [['区别', '區別', '差别', '差別'], 'difference'],
];

const KOREAN: Terms = [
  [['훈련 데이터', '학습 데이터', '훈련데이터', '학습데이터'], 'training data'],
  [['검증 데이터', '검증데이터'], 'validation data'],
  [['테스트 데이터'], 'test data'],
  [['훈련 정확도', '학습 정확도'], 'training accuracy'],
  [['검증 정확도'], 'validation accuracy'],
  [['정확도'], 'accuracy'],
  [['손실 함수'], 'loss function'],
  [['손실'], 'loss'],
  [['훈련', '학습'], 'training'],
  [['검증'], 'validation'],
  [['테스트'], 'test'],
  [['입력'], 'input'],
  [['출력층'], 'output layer'],
  [['출력'], 'output'],
  [['파라미터 수', '매개변수 수', '파라미터수'], 'number of parameters'],
  [['파라미터', '매개변수'], 'parameters'],
  [['컬러 이미지'], 'colour images'],
  [['이미지', '사진'], 'images'],
  [['샘플'], 'samples'],
  [['레이블', '라벨', '정답'], 'labels'],
  [['과적합', '과대적합', '오버피팅'], 'overfitting'],
  [['데이터 증강'], 'data augmentation'],
  [['데이터셋'], 'dataset'],
  [['데이터'], 'data'],
  [['가중치'], 'weights'],
  [['편향'], 'bias'],
  [['학습률'], 'learning rate'],
  [['경사 하강법', '경사하강법'], 'gradient descent'],
  [['기울기'], 'gradient'],
  [['역전파'], 'backpropagation'],
  [['연쇄 법칙', '연쇄법칙'], 'chain rule'],
  [['편미분'], 'partial derivative'],
  [['미분'], 'derivative'],
  [['은닉층'], 'hidden layer'],
  [['층', '레이어'], 'layer'],
  [['합성곱'], 'convolution'],
  [['풀링'], 'pooling'],
  [['활성화 함수'], 'activation function'],
  [['신경망'], 'neural network'],
  [['뉴런'], 'neuron'],
  [['전이 학습', '전이학습'], 'transfer learning'],
  [['미세 조정', '파인튜닝'], 'fine-tuning'],
  [['동결', '고정'], 'freeze'],
  [['정규화'], 'normalization'],
  [['픽셀'], 'pixel'],
  [['예측'], 'predict'],
  [['분류'], 'classification'],
  [['클래스'], 'classes'],
  [['확률'], 'probability'],
  [['에포크', '에폭'], 'epoch'],
  [['배치 크기', '배치 사이즈'], 'batch size'],
  [['배치'], 'batch'],
  [['스텝이 몇 개', '스텝은 몇 개', '스텝 수', '몇 스텝', '스텝이 몇', '스텝은 몇'], 'how many steps'],
  [['스텝'], 'steps'],
  [['업데이트'], 'update'],
  [['퍼셉트론'], 'perceptron'],
  [['선형 회귀', '선형회귀'], 'linear regression'],
  [['임베딩'], 'embedding'],
  [['단어'], 'word'],
  [['문장'], 'sentence'],
  [['드롭아웃'], 'dropout'],
  [['특징'], 'features'],
  [['형태', '모양'], 'shape'],
  [['기본값'], 'default'],
  [['커널'], 'kernel'],
  [['노트북'], 'notebook'],
  [['메모리'], 'memory'],
  [['재시작'], 'restart'],
  [['시드'], 'seed'],
  [['왜'], 'why'],
  [['무슨 의미', '무슨 뜻'], 'what does it mean'],
  [['어떻게 해야'], 'what should I do'],
  [['어떻게'], 'how'],
  [['몇 번'], 'how many times'],
  [['몇 개', '몇개', '몇'], 'how many'],
  [['다시'], 'again'],
  [['이어서', '계속'], 'continue'],
  [['처음부터'], 'from scratch'],
  [['실행'], 'run'],
  [['저장'], 'save'],
  [['모델'], 'model'],
  [['바로 앞 층', '앞 층', '이전 층', '바로 앞 레이어', '이전 레이어'], 'the previous layer'],
  [['아닌가요', '아닌가'], "isn't it"],
  [['로 나누', '으로 나누'], ' divided by'],
  [['픽셀 값', '픽셀값'], 'pixel value'],
  [['에러', '오류'], 'error'],
  [['정상인가요', '정상'], 'is this normal'],
  [['차이'], 'difference'],
];

function compile(terms: Terms): [RegExp, string][] {
  const pairs = terms.flatMap(([forms, en]) => forms.map((f) => [f, en] as const));
  pairs.sort((a, b) => b[0].length - a[0].length);
  return pairs.map(([f, en]) => [new RegExp(f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu'), en]);
}

const LEXICON: Partial<Record<OtherLang, [RegExp, string][]>> = { zh: compile(CHINESE), ko: compile(KOREAN) };

// What is left of the other script once its course words are read: particles and grammar.
const LEFTOVER: Partial<Record<OtherLang, RegExp>> = {
  zh: /[\u3400-\u4dbf\u4e00-\u9fff]+/gu,
  ko: /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+/gu,
};

/** Counts, changes and start values the calculators read, written in the other language's own way. */
function readNumbers(text: string): string {
  return (
    text
      // A count of pictures: 50000 张图片, 1000장의 이미지.
      .replace(/(\d[\d,]*)\s*(?:张|張|장의?|个|個|개의?)\s*(?:图片|圖片|图像|圖像|照片|样本|樣本|이미지|사진|샘플)/gu, '$1 images ')
      .replace(/(\d[\d,]*)\s*(?:张|張|장)(?=[\s，,。]|$)/gu, '$1 images ')
      // A bare count in the hundreds or more is a data size: 60000개, 1000 个.
      .replace(/(\d{3,}|\d{1,3}(?:,\d{3})+)\s*(?:개|个|個)/gu, '$1 samples ')
      // A change of value: 32에서 256으로, 从 32 改成 256.
      .replace(/(\d[\d.]*)\s*에서\s*(\d[\d.]*)\s*(?:으로|로)/gu, ' from $1 to $2 ')
      .replace(/(?:从|從)\s*(\d[\d.]*)\s*(?:改成|改为|改為|换成|換成|变成|變成|到)\s*(\d[\d.]*)/gu, ' from $1 to $2 ')
      // A start value: w 从 0 开始, w 는 0 에서 시작.
      .replace(/(?:从|從)\s*([-−]?\d+(?:\.\d+)?)\s*(?:开始|開始)/gu, ' starts at $1 ')
      .replace(/([-−]?\d+(?:\.\d+)?)\s*(?:에서|부터)\s*시작/gu, ' starts at $1 ')
      // Small counts written as words: 两步 (two steps), 두 번 (twice); not 每一步 (each step).
      .replace(/(?<![每第])([一二两兩三四五六七八九十])\s*(步|次|个|個)/gu, (_, n: string, unit: string) => `${'一二三四五六七八九十'.indexOf(n === '两' || n === '兩' ? '二' : n) + 1} ${unit === '步' ? 'steps' : unit === '次' ? 'times' : ''} `)
      .replace(/(한|두|세|네|다섯)\s*(번|스텝)/gu, (_, n: string, unit: string) => `${['한', '두', '세', '네', '다섯'].indexOf(n) + 1} ${unit === '번' ? 'times' : 'steps'} `)
  );
}

/**
 * The question with its course words read as English terms and the rest of
 * its script dropped. Code, numbers and English words stay as written. A
 * question in a language without a lexicon comes back unchanged.
 */
export function glossOtherLanguage(text: string, lang: OtherLang | undefined): string {
  const lexicon = lang && LEXICON[lang];
  if (!lexicon) return text;
  let out = readNumbers(text);
  // Each term read is marked first, so that a shorter term cannot match inside a longer one's English.
  const marks: string[] = [];
  for (const [re, en] of lexicon) {
    out = out.replace(re, () => {
      marks.push(en);
      return `\u0000${marks.length - 1}\u0000`;
    });
  }
  // The rest of the script goes; full-width punctuation becomes ASCII, so the calculators see their separators.
  out = out.replace(LEFTOVER[lang]!, ' ').replace(/[\uff01-\uff5e]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0) + ' ').replace(/[、。]/gu, '. ');
  out = out.replace(/\u0000(\d+)\u0000/g, (_, i: string) => ` ${marks[Number(i)]} `);
  return out.replace(/[ \t]+/g, ' ').replace(/ ?\n ?/g, '\n').trim();
}
