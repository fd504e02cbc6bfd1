"""The lesson engines behind the Tensors, Activations and Device pages, and the training-step microscope."""
