import cifar10 from './cifar10.js';
import fashionMnist from './fashion_mnist.js';
import imageFolder from './image_folder.js';
import mnist from './mnist.js';
import synthetic from './synthetic.js';

/** Every dataset, in the order `layerwise list` shows them. */
export const DATASETS = [fashionMnist, mnist, cifar10, imageFolder, synthetic];
