"""Torch Playground's engine: data, the MLP, its trainer, checkpoints and predictions. Never imports streamlit."""
