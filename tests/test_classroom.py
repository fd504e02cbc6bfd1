"""A class across replicas (issue 16): runs recorded by each replica's pool in one database, a leaderboard per
preset that only students who joined appear on, the instructor's counts and spread, and where a browser's runs are."""

import time

import pytest

from core import classroom
from core.errors import ConfigError
from core.pool import TrainingPool
from core.pool.pool import RunState
from core.store import RUNS, Store
from core.training.model import ModelConfig
from core.training.run import Job
from core.training.trainer import TrainConfig, Trainer


def replica(name: str, url: str) -> TrainingPool:
    """One replica's pool, recording into the database at ``url``, as the app's pool does."""
    pool = TrainingPool(workers=1)
    pool.on_change = classroom.Recorder(name, Store.shared(url))
    return pool


def job(prepared, seed: int, epochs: int = 4) -> Job:
    return Job(prepared, ModelConfig(n_features=prepared.shape["n_features"], hidden=(8,)),
               TrainConfig(epochs=epochs, lr=0.01, seed=seed, device="cpu"))


def wait_ended(pool, ids, owner_of, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = [pool.get(i, owner_of[i]) for i in ids]
        if all(not r.active for r in runs):
            return runs
        time.sleep(0.1)
    raise AssertionError("the runs never ended")


def recorded(store, n, timeout=10):
    """Wait for the recorder's thread to have written ``n`` ended runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.engine.connect() as db:
            if len(db.execute(RUNS.select().where(RUNS.c.metric.is_not(None))).all()) >= n:
                return
        time.sleep(0.05)
    raise AssertionError("the runs were never recorded")


def test_two_replicas_one_board_only_joined_students_and_the_instructor_sees_counts(db_url, diabetes_prepared):
    url = db_url
    one, two = replica("a:8501", url), replica("b:8501", url)
    try:
        owners = {}
        for pool, who, seed, preset in ((one, "ada", 1, "week5"), (two, "bob", 2, "week5"), (two, "cy", 3, "week5"),
                                        (one, "ada", 4, "week5"), (one, "dee", 5, "other")):
            run_id = pool.submit(job(diabetes_prepared, seed), who, f"#{seed}", tags={"preset": preset, "db": url})
            owners[(pool, run_id)] = who
        ended = {}
        for pool in (one, two):
            ids = [i for (p, i) in owners if p is pool]
            for run in wait_ended(pool, ids, {i: owners[(pool, i)] for i in ids}):
                ended.setdefault(run.owner, []).append(run.result.metrics["test_mae"])
    finally:
        one.shutdown(), two.shutdown()
    store, other = Store.shared(url), Store(url)  # the second as another server process would open it
    recorded(store, 5)
    classroom.join(store, "week5", "ada", "Ada")
    classroom.join(other, "week5", "cy", "  Cy   the  third ")
    board = classroom.board(store, "week5", "ada")
    assert board == classroom.board(other, "week5", "ada")  # the same board from either replica
    assert board.metric == "test_mae"
    assert [(e.nickname, e.runs, e.mine) for e in sorted(board.entries, key=lambda e: e.nickname)] == [
        ("Ada", 2, True), ("Cy the third", 1, False)]  # bob never joined: not on it
    best = {e.nickname: e.value for e in board.entries}
    assert best["Ada"] == pytest.approx(min(ended["ada"]), rel=1e-6)  # her better run of the two, as it reported
    assert [e.rank for e in board.entries] == [1, 2] and board.entries[0].value <= board.entries[1].value
    view = classroom.class_view(other, "week5")
    assert view.states == {"finished": 4} and view.students == 3  # bob counts, without a name
    assert view.quantiles[0] == pytest.approx(min(min(v) for w, v in ended.items() if w != "dee"), rel=1e-6)
    assert classroom.board(store, "other").entries == []  # per preset: dee's run is on its own preset's only


def test_a_nickname_is_one_students_per_preset_and_leaving_takes_them_off(db_url):
    store = Store(db_url)
    assert classroom.join(store, "lab", "ada", "Ada") == "Ada"
    with pytest.raises(ConfigError) as err:
        classroom.join(Store(store.url), "lab", "bob", "ADA")  # case apart, from another replica
    assert err.value.code == "nickname_taken"
    assert classroom.join(store, "other-lab", "bob", "Ada") == "Ada"  # another preset's board is another class
    assert classroom.join(store, "lab", "ada", "Ada L.") == "Ada L."  # renaming oneself
    assert classroom.joined_as(store, "lab", "ada") == "Ada L."
    classroom.leave(store, "lab", "ada")
    assert classroom.joined_as(store, "lab", "ada") is None
    assert classroom.join(store, "lab", "bob", "Ada L.") == "Ada L."  # free again
    for bad in ("", " \n ", "x" * 25):
        with pytest.raises(ConfigError):
            classroom.join(store, "lab", "cy", bad)
    assert classroom.nickname("a\x00b\u202ec") == "abc"  # control and bidi-override characters dropped


def fake_run(run_id, owner, state, metrics=None, preset="lab", label=None):
    class Result:
        pass

    result = Result()
    result.metrics = metrics
    return RunState(run_id, owner, label or f"#{run_id}", {}, state=state, result=result if metrics else None,
                    tags={"preset": preset})


def test_validation_ranks_where_there_is_one_and_a_classifiers_accuracy_ranks_high_first(db_url, monkeypatch):
    monkeypatch.setenv("TORCH_PLAYGROUND_DB", db_url)
    record, store = classroom.Recorder("a"), Store.shared()
    record(fake_run("1", "ada", "finished", {"test_mae": 40.0, "val_rmse": 55.0}))
    record(fake_run("2", "bob", "finished", {"test_mae": 30.0, "val_rmse": 50.0}))
    record(fake_run("3", "cy", "stopped", {"test_mae": 20.0}))  # no validation split: on another figure
    for who in ("ada", "bob", "cy"):
        classroom.join(store, "lab", who, who)
    board = classroom.board(store, "lab")
    assert board.metric == "val_rmse" and [e.nickname for e in board.entries] == ["bob", "ada"] and board.others == 1
    record(fake_run("4", "ada", "finished", {"test_accuracy": 0.9, "test_log_loss": 0.3}, preset="moons"))
    record(fake_run("5", "bob", "finished", {"test_accuracy": 0.7, "test_log_loss": 0.2}, preset="moons"))
    record(fake_run("6", "bob", "error", None, preset="moons"))
    for who in ("ada", "bob"):
        classroom.join(store, "moons", who, who)
    board = classroom.board(store, "moons")
    assert board.metric == "test_accuracy" and [(e.nickname, e.value) for e in board.entries] == [
        ("ada", 0.9), ("bob", 0.7)]
    view = classroom.class_view(store, "moons")
    assert view.quantiles[0] == 0.9 and view.quantiles[-1] == 0.7 and view.states == {"finished": 2, "error": 1}
    record(fake_run("7", "dee", "finished", {"test_mae": float("nan")}))  # a diverged figure never ranks
    classroom.join(store, "lab", "dee", "dee")
    assert [e.nickname for e in classroom.board(store, "lab").entries] == ["bob", "ada"]
    assert classroom.class_view(store, "lab").students == 2  # on the board's figure: cy's is another


def test_where_a_browsers_runs_ran_and_a_restarted_replica_marks_its_old_runs_lost(db_url, monkeypatch):
    monkeypatch.setenv("TORCH_PLAYGROUND_DB", db_url)
    store, a = Store.shared(), classroom.Recorder("a:8501")
    a(fake_run("1", "ada", "finished", {"test_mae": 1.0}, label="#1 diabetes"))
    a(fake_run("2", "ada", "running", label="#2 diabetes"))
    ran = [("#1 diabetes", "finished"), ("#2 diabetes", "running")]
    assert classroom.last_runs(store, "ada") == ("a:8501", ran)
    assert classroom.last_runs(store, "bob") is None  # no runs anywhere
    classroom.Recorder("b:8501")(fake_run("1", "ada", "queued", label="#3"))
    assert classroom.last_runs(store, "ada") == ("b:8501", [("#3", "queued")])  # she started again on b
    classroom.Recorder("a:8501")  # a restarts: what it had queued or running died with it
    assert classroom.class_view(store, "lab").states == {"finished": 1, "lost": 1, "queued": 1}
    a(fake_run("3", "bob", "running", label="#1 moons"))
    classroom.Recorder("a:8501")
    assert classroom.last_runs(store, "bob") == ("a:8501", [("#1 moons", "lost")])


def test_a_failing_database_never_stops_the_pool(diabetes_prepared, capfd):
    pool = TrainingPool(workers=1)

    def broken(_run):
        raise OSError("the database server is gone")

    pool.on_change = broken
    try:
        run_id = pool.submit(job(diabetes_prepared, 1, epochs=2), "ada")
        (run,) = wait_ended(pool, [run_id], {run_id: "ada"})
    finally:
        pool.shutdown()
    assert run.state == "finished"
    assert "recording run" in capfd.readouterr().out


def test_the_recorded_figure_is_the_runs_own(diabetes_prepared, tmp_path):
    """What the board shows for a run is what the run alone, in-process, with its seed, reports."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    pool = replica("a", url)
    try:
        run_id = pool.submit(job(diabetes_prepared, 7), "ada", tags={"preset": "lab", "db": url})
        wait_ended(pool, [run_id], {run_id: "ada"})
    finally:
        pool.shutdown()
    recorded(Store.shared(url), 1)
    classroom.join(Store.shared(url), "lab", "ada", "Ada")
    alone = Trainer(job(diabetes_prepared, 7).model_config, job(diabetes_prepared, 7).train_config).fit(
        diabetes_prepared)
    assert classroom.board(Store.shared(url), "lab").entries[0].value == pytest.approx(
        alone.metrics["test_mae"], rel=1e-6)
