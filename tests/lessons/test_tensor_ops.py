"""core/lessons/tensors/ops.py: the fixed set of operations, a chain's text form, and the checks on arguments.

User text is shown never to run: only names in the fixed set are accepted, and the text is parsed, never evaluated.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import TensorOpError
from core.lessons import tensors
from core.lessons.tensors import MAX_OPS, OPS, Op, ops_to_text, parse_ops, run_chain, validate_ops
from core.lessons.tensors.ops import _ARITY
from tests.lessons.tensor_helpers import LECTURE_A

# ---------------------------------------------------------------------------------------------------------------
# Only the fixed set of operations, with checked arguments


@pytest.mark.parametrize("name", ["numpy", "__class__", "fill_", "exec", "cuda", "eval", "T", "to", "data_ptr",
                                  "__getattribute__", "View", ""])
def test_names_outside_the_set_are_refused(name, monkeypatch):
    monkeypatch.setattr("core.lessons.tensors.chain.make_tensor", lambda spec: pytest.fail("nothing may run"))
    with pytest.raises(TensorOpError) as err:
        run_chain(LECTURE_A, [Op(name, ())])
    assert err.value.code == "unknown_op"
    if name:
        with pytest.raises(TensorOpError) as err:
            parse_ops(f"a.{name}()")
        assert err.value.code == "unknown_op" and "view" in err.value.params["allowed"]


@pytest.mark.parametrize("op", [
    Op("view", ()), Op("transpose", (0,)), Op("t", (0,)), Op("squeeze", (0,) * 7), Op("flatten", (0, 1, 2)),
    Op("view", (1, 1, 1, 1, 1, 1, 1)), Op("view", (2.0, 3)), Op("view", (True,)), Op("view", ("2",)),
    Op("view", (10**20,)), Op("expand", (-10**6,)), Op("view", "6"), Op("size", (None,)),
])
def test_wrong_argument_counts_and_types_are_refused(op):
    with pytest.raises(TensorOpError) as err:
        validate_ops([op])
    assert err.value.code == "bad_args" and err.value.params["usage"] == tensors.OP_USAGE[op.name]


def test_size_is_terminal():
    with pytest.raises(TensorOpError) as err:
        run_chain(LECTURE_A, parse_ops("size(0)") + parse_ops("view(1)"))
    assert err.value.code == "after_size"
    with pytest.raises(TensorOpError) as err:
        parse_ops("a.size(0).view(1)")
    assert err.value.code == "after_size"


def test_chain_length_is_capped():
    with pytest.raises(TensorOpError) as err:
        validate_ops([Op("contiguous")] * (MAX_OPS + 1))
    assert err.value.code == "too_many_ops" and err.value.params == {"count": MAX_OPS + 1, "limit": MAX_OPS}
    assert len(run_chain(LECTURE_A, [Op("contiguous")] * MAX_OPS).steps) == MAX_OPS


def test_lists_of_arguments_become_tuples():
    assert Op("view", [2, -1]) == Op("view", (2, -1)) and str(Op("view", [2, -1])) == "view(2, -1)"


# ---------------------------------------------------------------------------------------------------------------
# The text form of a chain


def test_ops_to_text_is_compact():
    assert ops_to_text([Op("view", (2, -1)), Op("flatten", ())]) == "view(2,-1).flatten()"
    assert ops_to_text([]) == ""


@pytest.mark.parametrize("text", [
    "view(2,-1).flatten()", "a.view(2, -1).flatten()", "  a . view ( 2 ,-1 ) .\n flatten( )  ", ".view(2,-1).flatten()",
    "view(+2, -1).flatten()", "view(2, -1,).flatten()",
])
def test_parse_ops_tolerates_prefix_and_whitespace(text):
    assert parse_ops(text) == [Op("view", (2, -1)), Op("flatten", ())]


@pytest.mark.parametrize("text", ["", "   ", "a", " a "])
def test_empty_text_is_an_empty_chain(text):
    assert parse_ops(text) == []


@pytest.mark.parametrize("text", [
    "view(2,", "view(2.5)", "view(2)flatten()", "view(2)..flatten()", "view", "view(x)", "view((2, 3))",
    "a.view(2).", "b.view(2)", "view(2, , 3)", "view(2)[0]", "1view(2)", "a.a.view(2)", "view(2); import os",
    "__import__('os').system('x')",
])
def test_bad_ops_text_is_refused(text):
    with pytest.raises(TensorOpError) as err:
        parse_ops(text)
    assert err.value.code in ("ops_syntax", "unknown_op")
    if err.value.code == "ops_syntax":
        assert err.value.params["position"] >= 1 and "view(2, -1).flatten()" in str(err.value)


def test_ops_text_length_is_capped():
    with pytest.raises(TensorOpError) as err:
        parse_ops("t()." * 1000)
    assert err.value.code == "ops_too_long"


def test_every_op_round_trips_through_text():
    ops = [Op("view", (2, -1)), Op("reshape", (1, 4)), Op("unsqueeze", (0,)), Op("squeeze", ()),
           Op("squeeze", (-1,)), Op("flatten", (1,)), Op("flatten", (0, 1)), Op("permute", (1, 0)),
           Op("transpose", (0, 1)), Op("t", ()), Op("contiguous", ()), Op("expand", (3, -1)), Op("size", (0,))]
    assert parse_ops(ops_to_text(ops)) == ops
    assert {op.name for op in ops} == set(OPS)


def _op_strategy(names):
    def build(name):
        low, high = _ARITY[name]
        return st.lists(st.integers(-tensors.MAX_ARG, tensors.MAX_ARG), min_size=low, max_size=high).map(
            lambda args: Op(name, tuple(args)))

    return st.sampled_from(names).flatmap(build)


_chains = st.tuples(st.lists(_op_strategy([n for n in OPS if n != "size"]), max_size=MAX_OPS - 1),
                    st.lists(_op_strategy(["size"]), max_size=1)).map(lambda parts: parts[0] + parts[1])


@settings(max_examples=150, deadline=None)
@given(_chains)
def test_text_round_trip_property(ops):
    text = ops_to_text(ops)
    assert parse_ops(text) == ops
    spaced = " a . " + text.replace(",", " , ").replace(".", " . ") if ops else " a "
    assert parse_ops(spaced) == ops
