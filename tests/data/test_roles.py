"""core/data/roles.py: each column's role and reason, on the shapes public data sets have as their packages ship
them: R's write.csv row names, a pandas index after filtering rows, an ID column, a file sorted by its target, a
target made of its parts, a yearly series."""

import io

import numpy as np
import pandas as pd
import pytest

from core import data
from core.errors import DataError
from core.predict import Predictor
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer

RNG = np.random.default_rng(0)


def diamonds(n=200, sort_by_price=True) -> pd.DataFrame:
    """Like ggplot2's diamonds: carat and cut decide the price; the shipped file is sorted by price."""
    carat = RNG.uniform(0.2, 2.5, n).round(2)
    cut = RNG.choice(["Fair", "Good", "Ideal"], n)
    price = (3000 * carat + np.where(cut == "Ideal", 500, 0) + RNG.normal(0, 200, n)).round()
    frame = pd.DataFrame({"carat": carat, "cut": cut, "price": price})
    return frame.sort_values("price", ignore_index=True) if sort_by_price else frame


def r_write_csv(frame: pd.DataFrame) -> bytes:
    """R's write.csv: a quoted, unnamed first column of row names 1..n."""
    out = frame.copy()
    out.insert(0, "", np.arange(1, len(frame) + 1))
    return out.to_csv(index=False, quoting=1).encode()


def roles_of(raw: bytes, target: str, **config) -> dict:
    table = data.read_csv(raw)
    table.target = target
    prepared = data.prepare(table, data.DataConfig(**config))
    return {r["column"]: r for r in prepared.report["roles"]}, prepared


def test_r_row_names_are_an_identifier_and_are_dropped():
    roles, prepared = roles_of(r_write_csv(diamonds()), "price")
    assert roles["Unnamed: 0"]["role"] == "identifier" and roles["Unnamed: 0"]["code"] == "unnamed_index"
    assert "row names" in roles["Unnamed: 0"]["reason"]
    assert "Unnamed: 0" not in prepared.features and "Unnamed: 0" in [d["column"] for d in prepared.report["dropped"]]
    assert {roles["carat"]["role"], roles["cut"]["role"], roles["price"]["role"]} == {"numeric", "categorical",
                                                                                      "target"}


def test_a_pandas_index_with_gaps_after_filtering_is_an_identifier():
    frame = diamonds(sort_by_price=False)
    kept = frame[frame["carat"] > 0.5]  # rows filtered out: the index has gaps
    assert not kept.index.equals(pd.RangeIndex(len(kept)))
    roles, _ = roles_of(kept.to_csv().encode(), "price")  # pandas' to_csv: the index as an unnamed first column
    assert roles["Unnamed: 0"]["role"] == "identifier"


@pytest.mark.parametrize("name", ["ID", "id", "customer_id", "rowNumber", "회원번호", "순번"])
def test_a_column_named_like_an_identifier_whose_values_never_repeat_is_one(name):
    frame = diamonds(sort_by_price=False)
    frame.insert(1, name, [f"C{(i * 37) % 1000:04d}" for i in range(len(frame))])
    roles, prepared = roles_of(frame.to_csv(index=False).encode(), "price")
    assert roles[name]["role"] == "identifier" and roles[name]["code"] == "named_id"
    assert name not in prepared.features


def test_a_column_named_id_that_repeats_is_a_feature():
    frame = diamonds(sort_by_price=False)
    frame.insert(0, "store_id", [i % 4 for i in range(len(frame))])  # four stores: a real grouping, not a row key
    roles, prepared = roles_of(frame.to_csv(index=False).encode(), "price")
    assert roles["store_id"]["role"] == "numeric" and "store_id" in prepared.features


def test_a_sorted_file_numbered_by_rows_does_not_leak_its_target():
    """diamonds as shipped is sorted by price: a row number would give the price away, and new stones have none."""
    frame = diamonds()
    frame.insert(0, "line", np.arange(1, len(frame) + 1))
    roles, prepared = roles_of(frame.to_csv(index=False).encode(), "price")
    assert roles["line"]["role"] == "identifier" and roles["line"]["code"] == "counts_up"
    assert "1, 2" in roles["line"]["reason"]
    assert prepared.features == ["carat", "cut"]


def test_whole_numbers_that_count_up_are_an_identifier_but_years_are_not():
    years = pd.DataFrame({"year": np.arange(1990, 2030), "sales": RNG.normal(100, 10, 40).round(1),
                          "n": np.arange(40), "y": RNG.normal(size=40)})
    roles, _ = roles_of(years.to_csv(index=False).encode(), "y")
    assert roles["n"]["role"] == "identifier" and roles["year"]["role"] == "numeric"


def test_keep_uses_an_identifier_as_a_feature_all_the_same():
    frame = diamonds(sort_by_price=False)
    frame.insert(0, "ID", np.arange(len(frame)))
    roles, prepared = roles_of(frame.to_csv(index=False).encode(), "price", keep=("ID",))
    assert roles["ID"]["role"] == "numeric" and "ID" in prepared.features
    assert prepared.info["kept"] == ["ID"]


def bikes(n=120) -> pd.DataFrame:
    """Like the bike-sharing data: the count is the sum of casual and registered riders."""
    temp = RNG.uniform(0, 35, n).round(1)
    casual = (temp * 3 + RNG.normal(0, 5, n)).clip(0).round()
    registered = (temp * 10 + RNG.normal(0, 20, n)).clip(0).round()
    return pd.DataFrame({"temp": temp, "casual": casual, "registered": registered, "cnt": casual + registered})


def test_exclude_leaves_out_a_targets_own_parts_and_the_checkpoint_records_it():
    roles, prepared = roles_of(bikes().to_csv(index=False).encode(), "cnt", exclude=("casual", "registered"))
    assert roles["casual"]["role"] == roles["registered"]["role"] == "excluded"
    assert roles["casual"]["reason"] == "left out by you"
    assert prepared.features == ["temp"] and prepared.info["excluded"] == ["casual", "registered"]


def test_leaving_out_a_column_that_is_not_there_names_the_nearest_one():
    with pytest.raises(DataError) as err:
        roles_of(bikes().to_csv(index=False).encode(), "cnt", exclude=("Casual",))
    assert err.value.code == "no_such_column" and "Did you mean 'casual'?" in str(err.value)


def test_the_target_cannot_also_be_left_out():
    with pytest.raises(DataError) as err:
        roles_of(bikes().to_csv(index=False).encode(), "cnt", exclude=("cnt",))
    assert err.value.code == "target_excluded"


@pytest.mark.parametrize("asked, meant", [("salary", "Salary"), ("Years ", "Years"), ("hit s", "Hits")])
def test_a_target_that_differs_in_case_or_spacing_gets_did_you_mean(asked, meant):
    frame = pd.DataFrame({"Years": RNG.integers(1, 20, 40), "Hits": RNG.integers(50, 200, 40),
                          "Salary": RNG.normal(500, 100, 40)})
    with pytest.raises(DataError) as err:
        roles_of(frame.to_csv(index=False).encode(), asked)
    assert err.value.code == "target_missing" and f"Did you mean {meant!r}?" in str(err.value)


def test_the_proposed_target_skips_identifiers_and_years():
    frame = pd.DataFrame({"ID": np.arange(30), "carat": RNG.uniform(size=30), "price": RNG.normal(size=30),
                          "year": np.arange(1990, 2020), "code": np.arange(100, 130)})
    assert data.default_target(frame) == "price"
    assert data.default_target(pd.DataFrame({"a": ["x", "y"], "b": ["p", "q"]})) == "b"


def test_a_small_test_split_is_flagged_and_a_large_one_is_not():
    small = data.prepare(data.Table(frame=bikes(60), target="cnt", name="b"))
    assert [w["code"] for w in small.report["warnings"]][0] == "few_test_rows"
    assert f"Only {small.info['n_test']} rows are held out" in small.report["warnings"][0]["message"]
    large = data.prepare(data.Table(frame=bikes(400), target="cnt", name="b"))
    assert "few_test_rows" not in [w["code"] for w in large.report["warnings"]]


def test_new_rows_without_the_identifier_score_and_rows_with_it_score_the_same():
    raw = r_write_csv(diamonds())
    table = data.read_csv(raw)
    table.target = "price"
    prepared = data.prepare(table)
    model_config = ModelConfig(n_features=prepared.n_features, hidden=(8,))
    result = Trainer(model_config, TrainConfig(epochs=1, device="cpu")).fit(prepared)
    from core import checkpoint
    from core.training.trainer import config_dict

    ckpt = checkpoint.build(name="d", model_config=config_dict(model_config), train_config={}, prepared=prepared,
                            result=result)
    predictor = Predictor(checkpoint.load(checkpoint.to_bytes(ckpt)))
    original = pd.read_csv(io.BytesIO(raw))
    new = original.drop(columns=["Unnamed: 0", "price"]) if "Unnamed: 0" in original else original
    with_id = predictor.predict_frame(data.read_csv(raw).frame)
    without = predictor.predict_frame(new)
    assert with_id.n_bad_rows == without.n_bad_rows == 0
    np.testing.assert_allclose(with_id.predictions, without.predictions)
    assert ckpt["data"]["dropped"] == ["Unnamed: 0"]


def test_huge_or_fractional_numbers_are_never_taken_for_row_numbers():
    frame = pd.DataFrame({"big": [1e300 * (i + 1) for i in range(30)], "half": [i + 0.5 for i in range(30)],
                          "y": RNG.normal(size=30)})
    roles = {r["column"]: r["role"] for r in data.plan_columns(frame, "y")["roles"]}
    assert roles == {"big": "numeric", "half": "numeric", "y": "target"}


def test_a_target_made_of_its_parts_is_named_before_training():
    prepared = data.prepare(data.Table(frame=bikes(300), target="cnt", name="bikes"))
    leaks = [w for w in prepared.report["warnings"] if w["code"] == "leak"]
    assert len(leaks) == 1 and set(leaks[0]["columns"]) == {"casual", "registered"}
    assert leaks[0]["r2"] >= 0.999 and "R² 1.0000" in leaks[0]["message"]
    clean = data.prepare(data.Table(frame=bikes(300), target="cnt", name="bikes"),
                         data.DataConfig(exclude=("casual", "registered")))
    assert [w for w in clean.report["warnings"] if w["code"] == "leak"] == []


def test_the_target_in_another_form_is_named_too():
    """ISLR's Wage ships logwage beside wage: not a straight line, but in lockstep."""
    n = 2000
    age, education = RNG.integers(18, 80, n), RNG.integers(1, 6, n)
    wage = np.exp(4 + 0.01 * age + 0.1 * education + RNG.normal(0, 0.3, n))
    frame = pd.DataFrame({"age": age, "education": education, "logwage": np.log(wage), "wage": wage})
    leaks = [w for w in data.prepare(data.Table(frame=frame, target="wage", name="w")).report["warnings"]]
    assert [(w["code"], w["columns"]) for w in leaks] == [("leak", ["logwage"])]
    assert "rank correlation 1.0000" in leaks[0]["message"]


def test_honest_data_sets_raise_no_leak(diabetes_prepared):
    assert diabetes_prepared.report["warnings"] == []


@pytest.mark.california
def test_california_raises_no_leak(california_table):
    assert data.prepare(california_table).report["warnings"] == []
