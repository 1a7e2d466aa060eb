"""Keras twin of bench/paper_stage.ts: stage 0 of the paper's CIFAR-10 k=3 model. Prints one JSON line."""
import json, sys
import tensorflow as tf
from keras_timing import images_per_second

steps, warmup, batch = (int(a) for a in sys.argv[1:4])
bn = lambda: tf.keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)
conv = lambda: [tf.keras.layers.Conv2D(128, 3, padding='same', use_bias=False), bn(), tf.keras.layers.ReLU()]
model = tf.keras.Sequential([
    tf.keras.Input((32, 32, 3)), *conv(), *conv(), *conv(),
    tf.keras.layers.AveragePooling2D(16), bn(), tf.keras.layers.Flatten(), tf.keras.layers.Dense(10),
])
x = tf.random.normal([batch, 32, 32, 3])
y = tf.random.uniform([batch], 0, 10, tf.int32)
ips = images_per_second(model, tf.keras.optimizers.SGD(0.1, momentum=0.9, weight_decay=5e-4),
                        tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), x, y, steps, warmup)
print(json.dumps({"images_per_second": ips, "tensorflow": tf.__version__}))
