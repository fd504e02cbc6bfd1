"""What the command line prints: the training run's summary (JSON and text) and the prediction's report."""


def train_summary(table, prepared, result, saved, baselines: list[dict] | None) -> dict:
    """What the app's Train page shows, as one JSON object: figures, baselines, rows and every column's role."""
    m, report = result.metrics, prepared.report
    if prepared.task == "classify":
        from core.training.classify import class_report

        figures = {"test_accuracy": m["test_accuracy"], "test_log_loss": m["test_log_loss"],
                   "classes": prepared.classes, "class_counts": prepared.info["class_counts"],
                   "val_log_loss": m.get("val_log_loss"),
                   **class_report(prepared.y_test, result.predictions, prepared.classes)}
        kept = ("name", "label", "test_accuracy", "test_log_loss")
    else:
        figures = {k: m[k] for k in ("test_mae", "test_rmse", "test_r2", "test_mse")} | {"val_rmse": m.get("val_rmse")}
        kept = ("name", "label", "test_mae", "test_rmse", "test_r2")
    return {"dataset": table.name, "target": table.target, "task": prepared.task, "epochs": len(result.history),
            "steps": result.steps, "seconds": round(result.seconds, 3), "device": result.device, **figures,
            "train_loss": m.get("train_loss"), "n_train": prepared.info["n_train"],
            "n_test": prepared.info["n_test"], "n_val": prepared.info["n_val"], "best_epoch": m.get("best_epoch"),
            "rows": report["rows"], "rows_used": report["rows_used"],
            "rows_dropped_no_target": report["rows_dropped_no_target"], "features": prepared.features,
            "dropped": [d["column"] for d in report["dropped"]],
            "columns": [{k: r[k] for k in ("column", "role", "code", "reason")} for r in report["roles"]],
            "dates": report["dates"], "excluded": prepared.info["excluded"], "kept": prepared.info["kept"],
            "imputed": report["imputed_train"] + report["imputed_test"] + report["imputed_val"],
            "warnings": [w["message"] for w in report["warnings"]],
            "baselines": [{k: b[k] for k in kept} for b in baselines] if baselines is not None else None,
            "checkpoint": str(saved)} | ({"sweep": result.sweep, "best_value": m["best_value"]} if result.sweep else {})


def train_text(s: dict) -> str:
    val = f" / {s['n_val']} validation" if s["n_val"] else ""
    lines = [f"Trained on {s['dataset']} ({s['n_train']} train{val} / {s['n_test']} test rows, {len(s['features'])} "
             f"features) for {s['epochs']} epochs in {s['seconds']:.1f} s on {s['device']}.",
             _figures(s) + f"  ({s['target']})"]
    if s["best_epoch"]:
        kind, value = ("log loss", s["val_log_loss"]) if s["task"] == "classify" else ("RMSE", s["val_rmse"])
        lines.append(f"validation {kind} {value:.4f}: kept epoch {s['best_epoch']}, the best on validation")
    for b in s["baselines"] or []:
        lines.append(f"  {b['label'] + ':':<24} {_figures(b)}  (same split)")
    if s["task"] == "classify":
        lines += _class_lines(s)
    if s["rows_dropped_no_target"]:
        lines.append(f"Rows without a target value, dropped: {s['rows_dropped_no_target']:,} of {s['rows']:,}.")
    for column in s["columns"]:
        if column["role"] == "date":
            lines.append(f"Date {column['column']!r}: {column['reason']}.")
        elif column["role"] not in ("numeric", "categorical", "target"):
            lines.append(f"Left out {column['column']!r}: {column['reason']}.")
    for member in s.get("sweep", []):
        figures = "diverged: frozen" if member["diverged"] else f"test MAE {member['test_mae']:.4f}" + (
            f"  validation RMSE {member['val_rmse']:.4f}" if member.get("val_rmse") is not None else "")
        lines.append(f"  member {member['value']:g} (last epoch): {figures}")
    if "sweep" in s:
        how = "validation RMSE" if s["n_val"] else "test MSE (flattering: add --val-size for an honest pick)"
        lines.append(f"Kept the member {s['best_value']:g}, the best by {how}.")
    lines.append(f"Saved checkpoint: {s['checkpoint']}")
    lines += [f"Wrote the {kind}: {s[kind]}" for kind in ("script", "notebook", "onnx") if kind in s]
    return "\n".join(lines)


def predict_text(report, target: str) -> str:
    """What was done to the rows, for stderr: rows not predicted, cells filled, columns ignored, the error."""
    lines = []
    if report.n_bad_rows:
        lines.append(f"warning: {report.n_bad_rows} row(s) could not be predicted:")
        lines += [f"  line {p['line']}: {p['message']}" for p in report.problems[:20]]
    if report.n_out_of_range_rows:
        lines.append(f"warning: {report.n_out_of_range_rows} row(s) have values outside the training range "
                     "(see the note column)")
    for column, fill in report.filled.items():
        value = f"{fill['value']:.6g}" if isinstance(fill["value"], float) else repr(fill["value"])
        lines.append(f"filled {fill['count']} empty cell(s) of {column} with {value}, as in training")
    if report.ignored:
        lines.append(f"ignored column(s) the model does not use: {', '.join(report.ignored)}")
    if report.against_target:
        t = report.against_target
        figures = f"accuracy {t['accuracy']:.4f}" if "accuracy" in t else \
            f"MAE {t['mae']:.4g}  RMSE {t['rmse']:.4g}  R² {t['r2']:.4f}"  # a classifier's, a regressor's
        lines.append(f"against the file's {target} column ({t['n']} rows): {figures}")
    return "".join(line + "\n" for line in lines)


def _figures(s: dict) -> str:
    """A model's test figures on one line: a classifier's accuracy and log loss, a regressor's MAE, RMSE and R²."""
    if "test_accuracy" in s:
        return f"test accuracy {s['test_accuracy']:.4f}  log loss {s['test_log_loss']:.4f}"
    return f"test MAE {s['test_mae']:.4f}  RMSE {s['test_rmse']:.4f}  R² {s['test_r2']:.4f}"


def _class_lines(s: dict) -> list[str]:
    """Each class's training rows, precision and recall, then the confusion matrix (rows: true, columns: predicted)."""
    lines = [f"  class {c['class']!r}: {s['class_counts'][c['class']]} training rows, precision {c['precision']:.3f}, "
             f"recall {c['recall']:.3f} ({c['support']} test rows)" for c in s["per_class"]]
    width = max(len(str(n)) for row in s["confusion"] for n in row) + 1
    lines.append("confusion matrix (rows: true class, columns: predicted): " + ", ".join(s["classes"]))
    lines += ["  " + "".join(f"{n:>{width}}" for n in row) for row in s["confusion"]]
    return lines
