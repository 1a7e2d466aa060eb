"""Keras twin of bench/throughput.ts: same model, batch and step count. Prints one JSON line."""
import json, sys, time
import tensorflow as tf

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
optimizer = tf.keras.optimizers.SGD(0.01, momentum=0.9)
loss_fn = tf.keras.losses.CategoricalCrossentropy(from_logits=True)
x = tf.random.normal([batch, size, size, 3])
y = tf.one_hot(tf.random.uniform([batch], 0, classes, tf.int32), classes)

@tf.function
def step():
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
    return loss

for _ in range(warmup):
    step().numpy()
start = time.perf_counter()
for _ in range(steps):
    step().numpy()
seconds = time.perf_counter() - start
print(json.dumps({"images_per_second": steps * batch / seconds, "tensorflow": tf.__version__}))
