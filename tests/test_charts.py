"""dashboard/charts.py: what the loss chart, its log axis, the softmax bars and the curves' CSV show, checked on
the figures' own data (what Plotly draws), against TensorBoard's conventions and the raw values."""

import io
from types import SimpleNamespace

import pandas as pd
import pytest

from dashboard import charts

LABELS = {"batch": "training loss (every N batches)", "train": "training loss (epoch)", "test": "test MSE",
          "smoothed": "smoothed", "loss": "loss", "epoch": "Epoch", "step": "Step", "time": "Wall time (s)"}


def a_run(label="run 1"):
    """Three epochs of four reports each: a noisy training loss every N batches, and per-epoch records."""
    reports = [{"epoch": e, "batch": b, "step": (e - 1) * 8 + b, "loss": 1.0 / (e + b) + (0.3 if b % 4 == 2 else 0),
                "seconds": 0.5 * ((e - 1) * 8 + b)} for e in (1, 2, 3) for b in (2, 4, 6, 8)]
    history = [{"epoch": e, "step": 8 * e, "seconds": 4.0 * e, "train_loss": 1.2 / e,
                "test_mse": [0.88, 0.62, 0.7][e - 1], "test_mae": 0.5 / e} for e in (1, 2, 3)]
    return SimpleNamespace(label=label, reports=reports, history=history, info={"batches_per_epoch": 8})


def traces(figure) -> dict:
    return {t.name: t for t in figure.data}


def test_smoothing_changes_only_the_every_n_batches_curve_and_keeps_its_raw_values_faint_behind():
    run = a_run()
    figure = charts.loss_figure([run], LABELS, log=False, smoothing=0.95, batches=True, title="Loss")
    by_name = traces(figure)
    assert list(by_name["test MSE"].y) == [0.88, 0.62, 0.7]  # epoch 2 reads 0.62 whatever the smoothing
    assert list(by_name["training loss (epoch)"].y) == [h["train_loss"] for h in run.history]
    raw, smoothed = by_name["training loss (every N batches)"], by_name["training loss (every N batches) · smoothed"]
    assert list(raw.y) == [r["loss"] for r in run.reports] and raw.opacity < smoothed.opacity
    assert list(smoothed.y) == pytest.approx(charts.smooth([r["loss"] for r in run.reports], 0.95))
    assert list(smoothed.y) != list(raw.y)


def test_no_smoothing_draws_the_raw_curve_alone():
    figure = charts.loss_figure([a_run()], LABELS, log=False, smoothing=0.0, batches=True, title="Loss")
    assert [t.name for t in figure.data] == ["training loss (every N batches)", "training loss (epoch)", "test MSE"]


@pytest.mark.parametrize("axis, report_x, epoch_x, title", [("epoch", 0.25, [1, 2, 3], "Epoch"),
                                                            ("step", 2, [8, 16, 24], "Step"),
                                                            ("time", 1.0, [4.0, 8.0, 12.0], "Wall time (s)")])
def test_the_x_axis_counts_epochs_steps_or_seconds(axis, report_x, epoch_x, title):
    figure = charts.loss_figure([a_run()], LABELS, log=False, smoothing=0.5, batches=True, title="Loss", axis=axis)
    by_name = traces(figure)
    assert by_name["training loss (every N batches)"].x[0] == report_x
    assert list(by_name["test MSE"].x) == epoch_x and figure.layout.xaxis.title.text == title


@pytest.mark.parametrize("values, expected", [
    ([0.25, 0.9], ["0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"]),  # not Plotly's minor "3 4 5 …"
    ([0.42, 0.6], ["0.42", "0.5", "0.6"]),  # a narrow range still has a tick at its bottom
    ([0.004, 3.0], ["0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2"]),
    ([2e-5, 3e8], ["0.0001", "0.001", "0.01", "0.1", "1", "10", "100", "1,000", "10,000", "100,000", "1e+06",
                   "1e+07", "1e+08"]),
])
def test_log_axis_ticks_read_as_their_own_values(values, expected):
    ticks, text = charts.log_ticks(values)
    assert text == expected
    assert all(float(t.replace(",", "")) == pytest.approx(v) for t, v in zip(text, ticks))


def test_the_log_chart_uses_those_ticks():
    run = a_run()
    figure = charts.loss_figure([run], LABELS, log=True, smoothing=0.6, batches=True, title="Loss")
    values = [r["loss"] for r in run.reports] + [h[k] for h in run.history for k in ("train_loss", "test_mse")]
    assert figure.layout.yaxis.type == "log"
    assert list(figure.layout.yaxis.ticktext) == charts.log_ticks(values)[1]


def test_equal_logits_are_separate_bars_labelled_with_their_logits():
    figure = charts.softmax_bars([1.0, 1.0, 2.0], [0.21, 0.21, 0.58], "probability", "logit")
    bars = figure.data[0]
    assert list(bars.x) == [0, 1, 2] and list(bars.y) == [0.21, 0.21, 0.58]
    assert list(figure.layout.xaxis.ticktext) == ["1", "1", "2"]


def test_the_curves_csv_holds_every_raw_value_in_step_order():
    run = a_run()
    table = pd.read_csv(io.BytesIO(charts.curves_csv(run)))
    assert list(table.columns) == list(charts.CURVE_COLUMNS)
    assert (table["kind"] == "report").sum() == 12 and (table["kind"] == "epoch").sum() == 3
    assert table["step"].is_monotonic_increasing
    epochs = table[table["kind"] == "epoch"]
    assert epochs["test_mse"].tolist() == [0.88, 0.62, 0.7] and epochs["seconds"].tolist() == [4.0, 8.0, 12.0]
    assert table[table["kind"] == "report"]["loss"].tolist() == pytest.approx([r["loss"] for r in run.reports])


@pytest.mark.parametrize("value, shown", [(35312.1234, "35,312"), (2.579e9, "2,579,000,000"), (0.45671, "0.4567"),
                                          (3.53124, "3.531"), (0.0, "0"), (-1234.5, "-1,234"), (2e-05, "2e-05"),
                                          (float("nan"), "nan")])
def test_figures_read_without_exponents_and_with_thousands_separators(value, shown):
    from dashboard.i18n import readable

    assert readable(value) == shown


def test_the_range_tests_chart_labels_its_rates_as_numbers_and_marks_the_suggestion():
    lrs = [1e-7 * 1.2 ** i for i in range(90)]
    figure = charts.lr_finder_figure(lrs, [1.0] * 90, 1e-3, {"title": "t", "lr": "lr", "loss": "loss",
                                                               "suggested": "suggested"})
    assert list(figure.layout.xaxis.ticktext) == ["1e-07", "1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1", "1"]
    assert figure.layout.shapes[0].x0 == 1e-3 and figure.layout.annotations[0].text == "suggested"


class _Recorder:
    """The reports and records a run sends the page (what a RunState holds), from a real trainer."""

    def __init__(self):
        self.reports = []

    def __getattr__(self, name):
        return lambda trainer, **kw: self.reports.append(kw) if name == "on_report" else None


def a_real_sweep():
    """Diabetes, 3 epochs, the page's 8 learning rates side by side (1 diverges and is stopped)."""
    from core import data
    from core.training.model import ModelConfig
    from core.training.trainer import TrainConfig, Trainer

    rates = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 1.0)
    prepared = data.prepare(data.load_builtin("diabetes"), data.DataConfig(seed=0))
    recorder = _Recorder()
    result = Trainer(ModelConfig(n_features=prepared.n_features, hidden=(16, 16), ensemble=8),
                     TrainConfig(epochs=3, report_every=2, sweep="lr", sweep_values=rates), [recorder]).fit(prepared)
    return SimpleNamespace(label="sweep", reports=recorder.reports, history=result.history, settings={"sweep": "lr"},
                           info={"batches_per_epoch": result.history[0]["step"]})


def test_a_sweeps_diverging_member_does_not_flatten_the_others_on_the_linear_axis():
    run = a_real_sweep()
    calm = charts.loss_figure([run], LABELS, log=False, smoothing=0.0, batches=True, title="Loss")
    assert calm.layout.yaxis.range is None  # on diabetes nothing stands out (lr=1 stopped at its first report)
    spiked = run.history[1]["members"][4]  # lr=0.01's test MSE at epoch 2 jumps 40-fold, as on California at seed 0
    spiked["test_mse"] *= 40
    figure = charts.loss_figure([run], LABELS, log=False, smoothing=0.0, batches=True, title="Loss")
    drawn = [v for t in figure.data for v in t.y if v is not None and v == v]
    low, high = figure.layout.yaxis.range
    assert max(drawn) > high  # the outliers lie above the axis ...
    assert low <= min(drawn) and sum(low <= v <= high for v in drawn) >= 0.9 * len(drawn)  # ... not the best, nor most
    assert high < (max(drawn) - min(drawn)) / 2  # and the rest fill more than twice the height they would
    log = charts.loss_figure([run], LABELS, log=True, smoothing=0.0, batches=True, title="Loss")
    assert log.layout.yaxis.range is None  # the log axis shows every point
    one = charts.loss_figure([a_run()], LABELS, log=False, smoothing=0.0, batches=True, title="Loss")
    assert one.layout.yaxis.range is None  # a single run's drop from its first loss is the lesson: never cut


@pytest.mark.parametrize("values", [[0.5, 0.4, 0.45, 0.42, 0.41, 0.4, 0.39, 0.4, 0.38, 0.37, 0.9, 3.5],  # slow, not odd
                                    [1.0] * 12, [0.0] * 11 + [5.0], [2.0]])
def test_nothing_is_cut_where_nothing_stands_out(values):
    assert charts.outlier_free_range(values) is None
