"""What a user writes today: the article's network built by hand in Keras, then model.summary()."""

import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(32, 32, 3))])
for filters in (32, 32, 32, 48, 48, "pool", 80, 80, 80, 80, 80, "pool", 128, 128, 128, 128, 128):
    if filters == "pool":
        model.add(layers.MaxPooling2D(pool_size=(2, 2)))
        model.add(layers.Dropout(0.25))
        continue
    model.add(layers.Conv2D(filters, (3, 3), padding="same"))
    model.add(layers.Activation("relu"))
model.add(layers.GlobalMaxPooling2D())
model.add(layers.Dropout(0.25))
model.add(layers.Dense(500))
model.add(layers.Activation("relu"))
model.add(layers.Dropout(0.25))
model.add(layers.Dense(10))
model.add(layers.Activation("softmax"))
model.summary()
assert model.count_params() == 1_071_542
