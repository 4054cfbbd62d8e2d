"""`netspec train` and its companions, one concern per module.

settings (from netspec.compiler.train_schema's table) -> devices and precision (which hardware, which
numbers) -> data (arrays from a name or a path; npz, cifar and images read a stranger's files
within bounds, regular files only: netspec.safe_read) -> augment (random transforms in tf.data)
-> optim (optimizer, schedule) -> rundir (where a run lives) -> callbacks and rng (checkpoints,
history, random-generator states, signals) -> loop (fit, resume) -> evaluate / predict / curves
(what a finished run gives back) -> runs / compare (run folders read back).
"""
