"""Keras twin of bench/paper_stage.ts: stage 0 of the paper's CIFAR-10 k=3 model. Prints one JSON line."""
import json, sys, time
import tensorflow as tf

steps, warmup, batch = (int(a) for a in sys.argv[1:4])
bn = lambda: tf.keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)
model = tf.keras.Sequential([
    tf.keras.Input((32, 32, 3)),
    tf.keras.layers.Conv2D(128, 3, padding='same', use_bias=False), bn(), tf.keras.layers.ReLU(),
    tf.keras.layers.Conv2D(128, 3, padding='same', use_bias=False), bn(), tf.keras.layers.ReLU(),
    tf.keras.layers.Conv2D(128, 3, padding='same', use_bias=False), bn(), tf.keras.layers.ReLU(),
    tf.keras.layers.AveragePooling2D(16), bn(), tf.keras.layers.Flatten(), tf.keras.layers.Dense(10),
])
optimizer = tf.keras.optimizers.SGD(0.1, momentum=0.9, weight_decay=5e-4)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
x = tf.random.normal([batch, 32, 32, 3])
y = tf.random.uniform([batch], 0, 10, tf.int32)

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
print(json.dumps({"images_per_second": steps * batch / (time.perf_counter() - start), "tensorflow": tf.__version__}))
