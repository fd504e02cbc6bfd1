"""Specs the tensor playground's tests share: the lecture's ``a``, and ``arange(*shape)``."""

from core.lessons.tensors import TensorSpec

LECTURE_A = TensorSpec(source="values", values_text="[[2, 3, 4, 5]]", dtype="float32")


def arange(*shape, dtype="float32") -> TensorSpec:
    return TensorSpec(source="arange", shape=shape, dtype=dtype)
