"""`netspec train` and its companions, one concern per module.

devices (which hardware, before TensorFlow starts) -> data (arrays from a name or a path;
npz, cifar and images read a stranger's files within bounds, regular files only: regular)
-> augment (random transforms in tf.data) -> optim (optimizer, schedule, precision)
-> rundir (where a run lives) -> callbacks (checkpoints, history, signals) -> loop (fit, resume)
-> evaluate / predict / curves (what a finished run gives back).
"""
