"""Hostile input, generated: every CSV, typed tensor text, operation chain and prediction value ends in a result or in
the project's own clear error (a ``PlaygroundError`` with a ``code`` and a sentence), never in another exception.

Each property draws from several strategies (arbitrary bytes and text, and structured inputs built to get far into
the code), and each bug these properties found is pinned below its property as a plain regression test.
"""

import copy
import csv
import io
import math
import string

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from core import checkpoint, data
from core.errors import DataError, PlaygroundError, PredictionError, TensorOpError
from core.lessons import tensors
from core.lessons.tensors import DTYPES, MAX_ELEMENTS, MAX_OPS, MAX_RANK, OPS, SOURCES, Op, TensorSpec
from core.lessons.tensors.ops import _ARITY
from core.predict import MAX_LISTED, Predictor
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer, config_dict

# The autouse checkpoint folder fixture (conftest.py) is function-scoped; nothing here writes checkpoints.
_HOSTILE = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                          HealthCheck.data_too_large, HealthCheck.filter_too_much])


def hostile(max_examples: int) -> settings:
    return settings(_HOSTILE, max_examples=max_examples)


def assert_clear(err: PlaygroundError, kind=PlaygroundError) -> None:
    """The project's own error: the right type, a code, and a non-empty sentence on one line."""
    assert isinstance(err, kind), f"{type(err).__name__}: {err}"
    message = str(err)
    assert message.strip(), f"empty message for code {err.code}"
    assert len(message.splitlines()) == 1, f"message on several lines: {message!r}"
    assert isinstance(err.code, str) and err.code


# ---------------------------------------------------------------------------------------------------------------
# 1. CSV ingestion: read_csv, a target, prepare

ENCODINGS = ("utf-8", "utf-8-sig", "cp949", "utf-16", "utf-16-le", "utf-16-be")


def encode(text: str, encoding: str) -> bytes:
    """``text`` in ``encoding``, or in UTF-8 where that encoding cannot hold it (CP949 has no emoji)."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="surrogatepass")


TEXT = st.text(st.characters(exclude_characters="\x00"), max_size=8)  # NUL: a binary file (arbitrary bytes test it)
HEADERS = st.one_of(
    st.sampled_from(["", " ", "  a  ", "a", "a ", "A", "1", "2.5", "-3", "1e5", "nan", "NaN", "None", "True", "target",
                     "y", "price", "가격", "도시 이름", "Unnamed: 0", "a,b", "a;b", "a|b", 'a"b', "a\nb", "a\r\nb",
                     "\t", "x" * 300, "ｘ", "١٢", "\u2028", "\x85", "\x1c", "é"]),
    TEXT,
)
NUMBERS = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(-1e4, 1e4, allow_nan=False).map(lambda x: f"{x:.3f}"),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**30, 10**30).map(str),
)
WEIRD_CELLS = st.sampled_from([
    "", " ", "nan", "NaN", "NA", "N/A", "null", "None", "-", "inf", "-inf", "Infinity", "-Infinity", "1e308",
    "-1e308", "1.7976931348623157e308", "1e309", "1e39", "-3.5e38", "3.5e38", "1e200", "1e-320", "5e-324", "1e-45",
    "99999999999999999999", "-9223372036854775809", "18446744073709551616", "True", "False", "true", "FALSE",
    "서울", "부산", "대구", '"', '""', "'", "a,b", "a;b", "a|b", "a\tb", "line\nbreak", "cr\rbreak", "1,5", "1.234,5",
    " 3 ", "3 ", "٣", "١٢", "١,٥", "１２", "①", "\u00a01", "1" + "0" * 400, "-" + "9" * 400, "0x1F", "1_000", "+5",
    ".5", "5.", "1.5.3", "\ufeff1", "\u00a0", "\u2028",
])
ODD_NUMBERS = st.sampled_from([  # cells that are almost numbers, or numbers at the edges of float32 and float64
    "٣", "١,٥", "\u00a01", "1" + "0" * 400, "-" + "9" * 400, "1e39", "3.5e38", "-1e308", "1e309", "-inf", "nan", "",
    "99999999999999999999", "18446744073709551616", "-9223372036854775809", "1e-320", "3", "-7,5", "True", "x",
])
LABELS = st.sampled_from(["Seoul", "Busan", "Daegu", "서울", "부산", "yes", "no", "1", "2", "True", "False", ""])
EXPONENTS = st.one_of(st.just(0), st.sampled_from([-320, -300, -100, -60, -45, -30, 30, 38, 39, 154, 155, 300, 308]))


def clean_cells(exponent: int):
    """Numbers of one magnitude, as a column of a real data set has (1e300 throughout: a hostile one)."""
    mantissas = st.one_of(st.integers(-100, 100).map(str), st.floats(-100, 100).map(lambda x: f"{x:.2f}"))
    return mantissas.map(lambda m: f"{m}e{exponent}" if exponent else m)


CELLS = {
    "numeric": lambda exponent: st.one_of(NUMBERS, NUMBERS, NUMBERS, WEIRD_CELLS),
    "clean": clean_cells,
    "labels": lambda exponent: st.one_of(LABELS, LABELS, LABELS, WEIRD_CELLS),
    "chaos": lambda exponent: st.one_of(WEIRD_CELLS, NUMBERS, TEXT),
}


@st.composite
def structured_csvs(draw) -> bytes:
    """A CSV built from random headers, cells, separators, quoting, line endings, ragged rows, BOMs and encodings."""
    n_cols = draw(st.one_of(st.integers(2, 7), st.integers(1, 7)))
    headers = draw(st.lists(HEADERS, min_size=n_cols, max_size=n_cols))
    kinds = draw(st.lists(st.sampled_from(["clean"] * 4 + ["numeric", "labels", "chaos"]), min_size=n_cols,
                          max_size=n_cols))
    n_rows = draw(st.one_of(st.integers(0, 60), st.sampled_from([20, 21, 25, 30, 60])))
    columns = [draw(st.lists(CELLS[kind](draw(EXPONENTS)), min_size=n_rows, max_size=n_rows)) for kind in kinds]
    sep = draw(st.sampled_from([","] * 4 + [";"] * 3 + ["\t", "|"]))  # tabs and bars: one column, told so
    if sep == ";" and draw(st.booleans()):  # decimal commas, as Excel writes them in many locales
        columns = [[c.replace(".", ",") for c in column] if kind == "clean" else column
                   for column, kind in zip(columns, kinds)]
    for column in columns if n_rows else []:  # a few odd cells in otherwise tidy columns
        odd = st.lists(st.tuples(st.integers(0, n_rows - 1), WEIRD_CELLS), max_size=2)
        for i, cell in draw(st.one_of(st.just([]), st.just([]), odd)):
            column[i] = cell
    rows = [list(row) for row in zip(*columns)] if n_cols else []
    if draw(st.sampled_from([True] + [False] * 5)):  # ragged: a few rows cut short or run long
        for i in draw(st.lists(st.integers(0, max(n_rows - 1, 0)), max_size=3)):
            if rows:
                rows[i] = rows[i][:draw(st.integers(0, n_cols))] + draw(st.lists(NUMBERS, max_size=2))
    if draw(st.booleans()):  # a pandas index column, named or not
        headers = [draw(st.sampled_from(["", "id", "Unnamed: 0"]))] + headers
        rows = [[str(i)] + row for i, row in enumerate(rows)]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if draw(st.booleans()):  # quoted as a spreadsheet writes it
        out = io.StringIO()
        writer = csv.writer(out, delimiter=sep, lineterminator=newline,
                            quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])))
        for row in [headers, *rows]:
            writer.writerow(row)
        text = out.getvalue()
    else:  # written by hand: separators and quotes inside cells are not escaped
        text = newline.join(sep.join(row) for row in [headers, *rows]) + draw(st.sampled_from(["", newline]))
    if draw(st.booleans()):
        text = "\ufeff" + text
    return encode(text, draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "cp949", "cp949", "utf-16"])))


@st.composite
def tidy_csvs_with_an_odd_cell(draw) -> bytes:
    """A tidy numeric table (each column of one magnitude) with one odd cell: where a lone value hides a bug."""
    n_rows, n_cols = draw(st.integers(data.MIN_ROWS, 40)), draw(st.integers(2, 4))
    columns = [draw(st.lists(clean_cells(draw(EXPONENTS)), min_size=n_rows, max_size=n_rows)) for _ in range(n_cols)]
    sep = draw(st.sampled_from([",", ";"]))
    if sep == ";" and draw(st.booleans()):
        columns = [[c.replace(".", ",") for c in column] for column in columns]
    columns[draw(st.integers(0, n_cols - 1))][draw(st.integers(0, n_rows - 1))] = draw(ODD_NUMBERS)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    for row in [[f"c{i}" for i in range(n_cols)], *zip(*columns)]:
        writer.writerow(row)
    return out.getvalue().encode()


def check_prepared(prepared: data.Prepared, table: data.Table) -> None:
    """Finite float32 arrays of consistent shapes, and a report whose counts add up."""
    n_train, n_test = len(prepared.y_train), len(prepared.y_test)
    n_encoded = len(prepared.preprocessing["encoded_names"])
    assert prepared.X_train.shape == (n_train, n_encoded) and prepared.X_test.shape == (n_test, n_encoded)
    for array in (prepared.X_train, prepared.y_train, prepared.X_test, prepared.y_test):
        assert array.dtype == np.float32
        assert np.isfinite(array).all()
    report, info = prepared.report, prepared.info
    assert (info["n_train"], info["n_test"]) == (n_train, n_test)
    assert n_train + n_test == report["rows_used"] >= data.MIN_ROWS and n_test >= 1
    assert report["rows_used"] + report["rows_dropped_no_target"] == report["rows"] == len(table.frame)
    assert report["imputed_train"] >= 0 and report["imputed_test"] >= 0
    used = report["numeric"] + [e["column"] for e in report["encoded"]]
    assert used and len(used) + len(report["dropped"]) + 1 == table.frame.shape[1]
    assert set(used) | {d["column"] for d in report["dropped"]} | {table.target} == set(table.frame.columns)
    numeric = prepared.preprocessing["numeric"]
    assert all(math.isfinite(c[k]) for c in numeric for k in ("median", "mean", "scale")) and all(
        c["scale"] > 0 for c in numeric)
    target = prepared.preprocessing["target"]
    assert all(math.isfinite(target[k]) for k in ("mean", "scale", "min", "max")) and target["scale"] > 0
    # the same preprocessing applied to the raw rows with a target again: imputed and encoded, no NaN or infinity
    if prepared.task == "classify":  # a classifier's target: class indices, its rows those with any value
        assert set(np.unique(np.r_[prepared.y_train, prepared.y_test])) <= set(range(len(prepared.classes)))
        rows = table.frame[table.frame[table.target].notna()]
    else:
        rows = table.frame[data.to_numbers(table.frame[table.target]).notna()]
    matrix, imputed = data.transform(rows[prepared.features], prepared.preprocessing)
    assert matrix.shape == (report["rows_used"], n_encoded) and np.isfinite(matrix).all()
    assert imputed == report["imputed_train"] + report["imputed_test"]


def check_csv(raw: bytes, draw) -> None:
    """read_csv, then a target (a column, a random name or none) and prepare: a Prepared or a clear DataError."""
    try:
        table = data.read_csv(raw)
    except DataError as err:
        event(f"read_csv: {err.code}")
        assert_clear(err, DataError)
        return
    assert table.target is None
    columns = list(table.frame.columns)
    assert all(isinstance(c, str) for c in columns) and len(set(columns)) == len(columns)
    odd_target = st.one_of(st.text(max_size=5), st.none())
    table.target = draw(st.sampled_from(columns) if draw(st.sampled_from([True] * 5 + [False])) else odd_target)
    config = draw(st.one_of(st.just(None), st.just(None), st.builds(
        data.DataConfig, test_size=st.floats(0.04, 0.51), seed=st.integers(0, 2**32 - 1), scale_target=st.booleans())))
    try:
        prepared = data.prepare(table, config)
    except DataError as err:
        event(f"prepare: {err.code}")
        assert_clear(err, DataError)
        return
    event("prepared")
    check_prepared(prepared, table)


@hostile(100)
@given(st.binary(max_size=3000), st.data())
def test_any_bytes_are_read_or_refused_clearly(raw, draw):
    check_csv(raw, draw.draw)


@hostile(100)
@given(st.text(max_size=600), st.sampled_from(ENCODINGS), st.data())
def test_any_text_in_any_encoding_is_read_or_refused_clearly(text, encoding, draw):
    check_csv(encode(text, encoding), draw.draw)


@pytest.mark.slow
@hostile(250)
@given(structured_csvs(), st.data())
def test_structured_csvs_are_prepared_or_refused_clearly(raw, draw):
    check_csv(raw, draw.draw)


@pytest.mark.slow
@hostile(300)
@given(tidy_csvs_with_an_odd_cell(), st.data())
def test_one_odd_cell_in_a_tidy_csv_is_prepared_or_refused_clearly(raw, draw):
    check_csv(raw, draw.draw)


def test_a_column_name_with_a_line_break_is_read_onto_one_line():
    """Found by the structured-CSV property: a quoted name "a\\r\\nb" put a line break into the no_features and
    target_missing messages."""
    table = data.read_csv(b'"a\r\nb",y\n' + b"".join(b"1,%d\n" % i for i in range(25)))
    assert list(table.frame.columns) == ["a b", "y"]
    for target, code in (("y", "no_features"), ("q", "target_missing")):
        table.target = target
        with pytest.raises(DataError) as err:
            data.prepare(table)
        assert err.value.code == code
        assert_clear(err.value, DataError)


@pytest.mark.parametrize("cell", ["٣", "١,٥", "\u00a01"])
def test_decimal_commas_are_read_in_ascii_digits_only(cell):
    """Found by the structured-CSV property: in a ';' file, "٣" (or a no-break space) in a column of decimal commas
    matched the decimal-comma pattern, and pandas' to_numeric raised ValueError."""
    rows = "".join(f"{cell if i == 0 else f'{i},5'};{i}\n" for i in range(25))
    table = data.read_csv(f"x;y\n{rows}".encode())
    assert table.frame["x"].iloc[0] == cell.strip(" ") and table.frame["x"].iloc[1] == "1,5"  # text, as typed


def _xy(x, y) -> bytes:
    return ("x,y\n" + "".join(f"{x(i)},{y(i)}\n" for i in range(25))).encode()


@pytest.mark.parametrize("raw, column", [
    (_xy(lambda i: i, lambda i: f"{i}e300"), "y"),  # y_train was float32 inf
    (_xy(lambda i: i, lambda i: f"{i}e39"), "y"),  # finite in float64, inf in float32
    (_xy(lambda i: f"{(-1) ** i * 1.7}e308", lambda i: i), "x"),  # StandardScaler overflowed: NaN scale
    (_xy(lambda i: i, lambda i: "1" + "0" * 400 if i == 0 else i), "y"),  # a Python int: OverflowError
], ids=["target 1e300", "target 1e39", "feature 1.7e308", "target with 401 digits"])
def test_numbers_beyond_float32_are_refused_as_infinite(raw, column):
    """Found by the structured-CSV property: such numbers gave non-finite float32 arrays, or OverflowError."""
    table = data.read_csv(raw)
    table.target = "y"
    with pytest.raises(DataError) as err:
        data.prepare(table)
    assert err.value.code == "infinite" and err.value.params["column"] == column
    assert_clear(err.value, DataError)


@pytest.mark.parametrize("position", range(25))
def test_a_test_value_infinite_once_scaled_is_refused(position):
    """Found while reading the structured-CSV property's arrays: 1e20 among values near 1e-45 gave X_test an
    infinity whenever the split put it in the test rows (scaled by the training rows' spread, it exceeds float32)."""
    table = data.read_csv(_xy(lambda i: "1e20" if i == position else f"{i}e-45", lambda i: i))
    table.target = "y"
    try:
        prepared = data.prepare(table)
    except DataError as err:
        assert err.code == "infinite" and err.params["column"] == "x" and f"lines {position + 2}," in str(err)
        assert_clear(err, DataError)
    else:
        check_prepared(prepared, table)  # 1e20 in the training rows: a wide spread, and every value finite


def test_numbers_up_to_float32s_limit_are_prepared():
    table = data.read_csv(_xy(lambda i: f"{i}e37", lambda i: f"{-i}e37"))
    table.target = "y"
    check_prepared(data.prepare(table), table)


# ---------------------------------------------------------------------------------------------------------------
# 2. Tensor values, operation chains and running them

MARKER_NAME = "hypothesis-marker"
CODE_LIKE = [
    "__import__('os').system('touch {marker}')",
    "[__import__('os').system('touch {marker}')]",
    "[1, 2][0]", "[1, 2] + [3]", "[x for x in range(3)]", "open('{marker}', 'w').write('x')", "lambda: 0",
    "exec(\"open('{marker}','w')\")", "[1, 2]; import os", "a.view(2).__class__", "{1: 2}", "{1, 2}", "(1, 2)",
    "[1j]", "[-1j]", "['1']", "[b'1']", "[None]", "[...]", "[1_000]", "[0x10]", "[1e999]", "[-1e999]", "[1e-999]",
    "[1" + "0" * 400 + "]", "[-1" + "0" * 30 + "]", "[" + "9" * 5000 + "]", "[١٢]", "[１２]", "[٣.5]", "[True, 2.5]",
    "[[1, 2], [3]]", "[[1], 2]", "[]", "[[]]", "[[[[[[[1]]]]]]]", "[" * 50 + "1" + "]" * 50,
    "[" * 100_000, "[" * 300 + "]" * 300, "(" * 300 + ")" * 300, "[1," * 5000 + "]", "1", "True", "'text'",
    "  [[2, 3, 4, 5]]  ", "[[2, 3, 4, 5]]", "\u2028[1]", "[1,\n2]", "[\x00]",
]


@pytest.fixture(scope="module")
def marker(tmp_path_factory):
    """A file that typed text would create if it ever ran; nothing here may make it."""
    path = tmp_path_factory.mktemp("marker") / MARKER_NAME
    yield path
    assert not path.exists(), "typed text was run as code"


def nested_values(dtype_values):
    """Text of (mostly) nested lists of numbers, sometimes ragged, deep or wrapped oddly."""
    lists = st.recursive(dtype_values, lambda inner: st.lists(inner, max_size=6), max_leaves=60)
    return st.one_of(lists.map(repr), lists.map(str).map(lambda s: s.replace("[", "(").replace("]", ")")))


VALUE_NUMBERS = st.one_of(
    st.integers(-10, 10), st.integers(-2**70, 2**70), st.floats(), st.floats(-10, 10), st.booleans(),
    st.sampled_from([2**31, -2**31 - 1, 2**63, -2**63, 2**63 - 1, 3.4028235e38, -3.5e38, 1e308, 5e-324, 10**400]),
)
DIGITS = string.digits + "٠١٢٣٤٥٦٧٨٩" + "０１２３４５６７８９"  # Python's float() reads all three
VALUE_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="[](),.-+eE0123456789 jTrueFals_", max_size=80),
    nested_values(VALUE_NUMBERS),
    st.sampled_from(CODE_LIKE),
    st.builds(lambda s, n: s * n, st.text(max_size=6), st.integers(0, 5000)),
    st.builds(lambda n: "[" * n + "1" + "]" * n, st.integers(0, 3000)),
    st.builds(lambda d: f"[1e{d}]", st.integers(-10**6, 10**6)),
    st.text(alphabet=DIGITS + ".e_", min_size=1, max_size=12).map(lambda s: f"[{s}]"),
)
DTYPE_NAMES = st.one_of(st.sampled_from(list(DTYPES)), st.sampled_from(["float16", "int8", "", "FLOAT32", "object"]))


def check_values(value, dtype: str) -> None:
    """A parsed value makes a tensor of its dtype within the cap."""
    assert isinstance(value, list)
    t = torch.tensor(value, dtype=DTYPES[dtype])
    assert 0 <= t.numel() <= MAX_ELEMENTS and t.dim() <= MAX_RANK  # [] is an empty tensor, as in torch


@hostile(300)
@example(text="[1" + "0" * 400 + "]", dtype="float32")
@example(text="[1" + "0" * 400 + "]", dtype="bool")
@given(text=VALUE_TEXT, dtype=DTYPE_NAMES)
def test_typed_values_are_a_tensor_or_a_clear_error(text, dtype, marker):
    text = text.replace("{marker}", str(marker))
    if dtype not in DTYPES:
        spec = TensorSpec(source="values", values_text=text, dtype=dtype)
        with pytest.raises(TensorOpError) as err:
            tensors.make_tensor(spec)
        assert_clear(err.value, TensorOpError)
        return
    try:
        value = tensors.parse_values(text, dtype)
    except TensorOpError as err:
        assert_clear(err, TensorOpError)
        return
    check_values(value, dtype)


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_a_whole_number_too_big_for_a_float_is_checked_not_an_overflow(dtype):
    """Found by the property above: math.isfinite(10**400) raised OverflowError for every dtype."""
    text = "[1" + "0" * 400 + "]"
    if dtype == "bool":  # any number but 0 is True
        assert torch.tensor(tensors.parse_values(text, dtype), dtype=torch.bool).tolist() == [True]
        return
    with pytest.raises(TensorOpError) as err:
        tensors.parse_values(text, dtype)
    assert err.value.code == "values_out_of_range"


def test_names_with_line_breaks_stay_on_one_line_in_messages():
    """Found by the chain property: Op("\\r") gave a message starting with a line break."""
    with pytest.raises(TensorOpError) as err:
        tensors.validate_ops([Op("\r")])
    assert_clear(err.value, TensorOpError)
    assert err.value.params["name"] == "'\\r'"
    with pytest.raises(TensorOpError) as err:
        tensors.parse_values("'a\\nb'")
    assert_clear(err.value, TensorOpError)


OP_NAMES = st.one_of(st.sampled_from(OPS), st.sampled_from(OPS), st.sampled_from(
    ["", "View", "__class__", "exec", "numpy", "fill_", "T", "to", "cuda", "__import__", "size ", "é"]),
    st.text(max_size=6))
OP_ARGS = st.one_of(st.integers(-3, 6), st.integers(-3, 6), st.integers(-10**6, 10**6),
                    st.sampled_from([-1, 0, 1, 2, 10_000, 10_001, -10_000, 2**63, -2**63, 10**30]))
OPS_LISTS = st.lists(st.builds(Op, OP_NAMES, st.lists(OP_ARGS, max_size=7).map(tuple)), max_size=MAX_OPS + 2)
SHAPES = st.one_of(
    st.lists(st.integers(1, 6), min_size=1, max_size=MAX_RANK).map(tuple),
    st.lists(st.integers(1, 6), min_size=1, max_size=MAX_RANK),
    st.lists(st.integers(-2, 200), max_size=MAX_RANK + 2).map(tuple),
    st.lists(st.sampled_from([0, 1, 2, 10_000, 10_001, 2**31, 2**64, True, -1]), max_size=8).map(tuple),
    st.sampled_from([(), (2.0, 3), ("2", "3"), (None,), "2, 3", None, (10**100, 0), (100, 101)]),
)
SPECS = st.builds(
    TensorSpec,
    source=st.one_of(st.sampled_from(SOURCES), st.sampled_from(["", "empty", "full", "randn", "VALUES"])),
    values_text=st.one_of(nested_values(st.one_of(st.integers(-5, 5), st.floats(-5, 5))), VALUE_TEXT),
    shape=SHAPES,
    dtype=DTYPE_NAMES,
    seed=st.one_of(st.integers(0, 2**63 - 1), st.sampled_from([-1, 2**63, 2**64, True, 1.5, "0", None])),
)


def check_facts(facts: tensors.TensorFacts) -> None:
    assert facts.numel <= MAX_ELEMENTS and len(facts.shape) <= MAX_RANK
    assert math.prod(facts.shape) == facts.numel


@hostile(300)
@given(SPECS, OPS_LISTS)
def test_any_chain_runs_or_is_refused_clearly_within_the_cap(spec, ops):
    try:
        result = tensors.run_chain(spec, ops)
    except TensorOpError as err:
        assert_clear(err, TensorOpError)
        return
    assert len(result.steps) <= len(ops) <= MAX_OPS
    for facts in (result.start, result.numpy_start):
        check_facts(facts)
    for step in result.steps:
        if step.tensor is not None:
            check_facts(step.tensor)
        if step.numpy is not None and step.numpy.array is not None:
            check_facts(step.numpy.array)
        if step.error is not None:
            assert_clear(step.error, TensorOpError)
    assert (result.error is None) == all(step.ok for step in result.steps)
    if isinstance(result.result, torch.Tensor):
        assert result.result.numel() <= MAX_ELEMENTS
    torch_code, numpy_code = tensors.chain_code(spec, ops)
    assert torch_code.startswith("import torch") and numpy_code.startswith("import numpy")


OPS_TEXT = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="a.()-+, 0123456789viewrshapqzuntflcxd_", max_size=120),
    st.sampled_from(CODE_LIKE),
    st.sampled_from(["a.view(2, -1).flatten()", "view(" + "9" * 5000 + ")", "view(" + "1," * 900 + ")",
                     "t()." * 499 + "t()", "a." * 500, "view(١)", "view(１２)", "view(2)\n.t()", "view(2 3)",
                     "view(--2)", "view(+-2)", "view(2)." + "(" * 100, "size(0).size(0)", "a.a", "a .", "."]),
    OPS_LISTS.map(tensors.ops_to_text),
    st.builds(lambda s, n: s * n, st.text(max_size=6), st.integers(0, 3000)),
)


@hostile(300)
@given(text=OPS_TEXT)
def test_any_ops_text_is_a_valid_chain_or_a_clear_error(text, marker):
    text = text.replace("{marker}", str(marker))
    try:
        ops = tensors.parse_ops(text)
    except TensorOpError as err:
        assert_clear(err, TensorOpError)
        return
    assert tensors.validate_ops(ops) == ops and len(ops) <= MAX_OPS
    assert tensors.parse_ops(tensors.ops_to_text(ops)) == ops


def _valid_op(name: str):
    low, high = _ARITY[name]
    return st.lists(st.integers(-tensors.MAX_ARG, tensors.MAX_ARG), min_size=low, max_size=high).map(
        lambda args: Op(name, tuple(args)))


VALID_OPS = st.tuples(
    st.lists(st.sampled_from([n for n in OPS if n != "size"]).flatmap(_valid_op), max_size=MAX_OPS - 1),
    st.lists(_valid_op("size"), max_size=1),
).map(lambda parts: parts[0] + parts[1])


@hostile(150)
@given(VALID_OPS)
def test_valid_chains_round_trip_through_text(ops):
    assert tensors.parse_ops(tensors.ops_to_text(ops)) == ops


def test_typed_code_never_runs(marker):
    attempts = (tensors.parse_values, tensors.parse_ops,
                lambda text: tensors.run_chain(TensorSpec(values_text=text), []))
    for template in CODE_LIKE:
        text = template.replace("{marker}", str(marker))
        for attempt in attempts:
            try:
                attempt(text)
            except TensorOpError as err:
                assert_clear(err, TensorOpError)
    assert not marker.exists()


# ---------------------------------------------------------------------------------------------------------------
# 3. Prediction form values and frames


def _checkpoint_predictor(prepared: data.Prepared, name: str) -> Predictor:
    mc = ModelConfig(n_features=prepared.n_features, hidden=(8,))
    tc = TrainConfig(max_steps=20, device="cpu")
    result = Trainer(mc, tc).fit(prepared)
    ckpt = checkpoint.build(name=name, model_config=config_dict(mc), train_config=config_dict(tc),
                            prepared=prepared, result=result)
    return Predictor(copy.deepcopy(ckpt))


def _houses_csv() -> bytes:
    rng = np.random.default_rng(0)
    n = 60
    city = rng.choice(["Seoul", "Busan", "서울"], n)
    income = rng.uniform(1, 10, n).round(3)
    rooms = rng.uniform(2, 8, n).round(2)
    price = 0.4 * income + 0.2 * rooms + np.select([city == "Seoul", city == "Busan"], [2.0, 1.0], 0.5)
    frame = pd.DataFrame({"MedInc": income, "rooms": rooms, "city": city, "price": price.round(3)})
    return frame.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def predictors(diabetes_prepared):
    """A diabetes predictor (numeric features only) and a CSV one with a one-hot encoded text column."""
    table = data.read_csv(_houses_csv(), name="houses.csv")
    table.target = "price"
    houses = data.prepare(table)
    assert [c["name"] for c in houses.preprocessing["categorical"]] == ["city"]
    return {"diabetes": _checkpoint_predictor(diabetes_prepared, "diabetes"),
            "houses": _checkpoint_predictor(houses, "houses")}


FORM_VALUES = st.one_of(
    st.floats(), st.floats(-1e3, 1e3), st.integers(-10**40, 10**40), st.integers(-100, 100), st.booleans(), st.none(),
    st.text(max_size=10),
    st.sampled_from([" 1.5 ", "1,5", "1,000", "1 000", "٣", "١٢", "１２", "삼", "이십", "1e999", "-1e999", "1e308",
                     "1e38", "-inf", "inf", "nan", "NaN", "", " ", "None", "True", "Seoul", "Busan", "서울", "seoul",
                     " Seoul", "Seoul\n", "0x10", "1_000", 1e308, -1e308, 3.5e38, 1e38, 1e30, 1e20, 5e-324, 2**63,
                     2**64, -2**63 - 1, 10**400, float("nan"), float("inf"), np.float64(1e300), np.int64(7),
                     np.float32(2.5), np.nan, pd.NA, pd.NaT, b"12", b"\xff", 1 + 2j, Ellipsis]),
    st.lists(st.integers(), max_size=3), st.lists(st.text(max_size=3), max_size=2).map(tuple),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.sets(st.integers(), max_size=2),
)


def form_values(predictor: Predictor):
    """{feature: value} with arbitrary values; sometimes a feature left out or an unknown key added."""
    keys = st.lists(st.one_of(st.sampled_from(predictor.features), st.text(max_size=6)), max_size=3)
    full = st.fixed_dictionaries({f: FORM_VALUES for f in predictor.features})
    return st.tuples(full, st.lists(st.sampled_from(predictor.features), max_size=2), keys, FORM_VALUES).map(
        lambda parts: _edit_form(*parts))


def _edit_form(values: dict, drop: list, extra: list, extra_value) -> dict:
    values = {k: v for k, v in values.items() if k not in drop}
    return {**values, **{k: extra_value for k in extra}}


def check_prediction_error(err: PlaygroundError) -> None:
    assert isinstance(err, PredictionError), f"{type(err).__name__}: {err}"
    assert str(err).strip() and isinstance(err.code, str) and err.code


@pytest.mark.parametrize("name", ["diabetes", "houses"])
@hostile(150)
@given(draw=st.data())
def test_any_form_values_give_a_finite_prediction_or_a_clear_error(predictors, name, draw):
    predictor = predictors[name]
    values = draw.draw(form_values(predictor))
    try:
        value, report = predictor.predict_one(values)
    except PredictionError as err:
        check_prediction_error(err)
        return
    assert isinstance(value, float) and math.isfinite(value)
    assert report.n_bad_rows == 0 and report.problems == []


@st.composite
def frames(draw, features: list) -> pd.DataFrame:
    """A frame with (mostly) the checkpoint's columns, some extra ones, arbitrary cells, odd indexes and dtypes."""
    n = draw(st.integers(0, 8))
    names = draw(st.lists(st.sampled_from(features), min_size=len(features) - 1, max_size=len(features), unique=True))
    names += draw(st.lists(st.one_of(st.text(max_size=4), st.integers(-2, 2), st.sampled_from(features)), max_size=2))
    columns = {}
    for name in names:
        kind = draw(st.sampled_from(["float", "mixed", "text"]))
        if kind == "float":
            cells = np.array(draw(st.lists(st.floats(), min_size=n, max_size=n)), dtype=float)
        else:
            cells = pd.array(draw(st.lists(FORM_VALUES if kind == "mixed" else st.text(max_size=5), min_size=n,
                                           max_size=n)), dtype=object)
        columns[len(columns)] = (name, cells)
    frame = pd.DataFrame({i: cells for i, (_, cells) in columns.items()})
    frame.columns = [name for name, _ in columns.values()]  # may repeat a name: duplicate columns
    if len(frame.columns) == 0:
        frame = pd.DataFrame(index=range(n))
    if draw(st.booleans()):
        frame.index = draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
    return frame


@pytest.mark.parametrize("name", ["diabetes", "houses"])
@hostile(100)
@given(draw=st.data())
def test_any_frame_gives_finite_predictions_or_reported_rows(predictors, name, draw):
    predictor = predictors[name]
    rows = draw.draw(frames(predictor.features))
    try:
        report = predictor.predict_frame(rows)
    except PredictionError as err:
        check_prediction_error(err)
        return
    predictions = report.predictions
    assert predictions.shape == (len(rows),)
    reported = {p["row"] - 1 for p in report.problems}
    if len(report.problems) < MAX_LISTED:
        assert report.n_bad_rows == len(reported)
    for i, value in enumerate(predictions):
        assert math.isnan(value) if i in reported else math.isfinite(value), (i, value, report.problems)
    assert report.imputed >= 0 and report.n_out_of_range_rows <= len(rows)
    scored = report.frame(rows, "predicted")
    assert len(scored) == len(rows)


def test_duplicate_feature_columns_are_refused(predictors):
    """Found by the frame property: a repeated feature column made rows[name] a frame, and pd.to_numeric raised
    TypeError (numeric) or NumPy a broadcast ValueError (categorical)."""
    for predictor in predictors.values():
        rows = pd.DataFrame([predictor.defaults()] * 2)
        name = predictor.features[-1]
        doubled = pd.concat([rows, rows[[name]]], axis=1)
        with pytest.raises(PredictionError) as err:
            predictor.predict_frame(doubled)
        assert err.value.code == "duplicate_columns" and err.value.params["columns"] == [name]
        notes = pd.DataFrame([["a", "b"]] * 2, columns=["note", "note"])  # other columns are ignored, repeated or not
        assert predictor.predict_frame(pd.concat([rows, notes], axis=1)).n_bad_rows == 0


@pytest.mark.parametrize("value, code", [(10**400, "infinite"), (-(10**400), "infinite"), (1e300, "overflow"),
                                         ("1e300", "overflow"), (np.float64(-1e300), "overflow")])
def test_numbers_too_large_to_compute_are_reported(predictors, value, code):
    """Found by the form property: a 401-digit whole number raised OverflowError in pd.to_numeric, and 1e300 gave a
    NaN prediction that no problem explained (float32 overflowed inside the model)."""
    predictor = predictors["diabetes"]
    form = {**predictor.defaults(), "bmi": value}
    with pytest.raises(PredictionError) as err:
        predictor.predict_one(form)
    assert err.value.code == "bad_value"
    report = predictor.predict_frame(pd.DataFrame([form, predictor.defaults()]))
    assert [(p["row"], p["column"], p["code"]) for p in report.problems] == [(1, "bmi", code)]
    assert math.isnan(report.predictions[0]) and math.isfinite(report.predictions[1]) and report.n_bad_rows == 1


def test_bytes_in_a_text_feature_are_an_unseen_category(predictors):
    """Found by the form property: pandas' astype(str) decodes bytes, and b"\\xff" raised UnicodeDecodeError."""
    predictor = predictors["houses"]
    with pytest.raises(PredictionError) as err:
        predictor.predict_one({**predictor.defaults(), "city": b"\xff"})
    assert err.value.code == "bad_value" and "not seen in training" in str(err.value)
