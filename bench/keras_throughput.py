"""Keras twin of bench/throughput.ts: same model, batch and step count. Prints one JSON line."""
import json, sys
import tensorflow as tf
from keras_timing import images_per_second

steps, warmup = int(sys.argv[1]), int(sys.argv[2])
batch, size, width, classes = 128, 32, 128, 10
model = tf.keras.Sequential([
    tf.keras.Input((size, size, 3)),
    tf.keras.layers.Conv2D(width, 3, padding='same', use_bias=False),
    tf.keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5),
    tf.keras.layers.ReLU(),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(classes),
])
x = tf.random.normal([batch, size, size, 3])
y = tf.one_hot(tf.random.uniform([batch], 0, classes, tf.int32), classes)
ips = images_per_second(model, tf.keras.optimizers.SGD(0.01, momentum=0.9), tf.keras.losses.CategoricalCrossentropy(from_logits=True), x, y, steps, warmup)
print(json.dumps({"images_per_second": ips, "tensorflow": tf.__version__}))
