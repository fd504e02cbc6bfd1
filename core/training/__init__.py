"""The training pipeline: the model, its optimizers, the trainer and its callbacks, one run in a worker."""
