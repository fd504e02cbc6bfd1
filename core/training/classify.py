"""A classifier's figures beyond accuracy: the confusion matrix and each class's precision and recall
(scikit-learn's), and its yardsticks on the same split: the majority class, logistic regression and
gradient-boosted trees."""

import time

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss, precision_recall_fscore_support
from threadpoolctl import threadpool_limits  # installed with scikit-learn

MODELS = (
    ("majority", "Majority class", lambda: DummyClassifier(strategy="prior")),
    ("logistic", "Logistic regression", lambda: LogisticRegression(max_iter=2000)),
    ("hgb", "Gradient-boosted trees", lambda: HistGradientBoostingClassifier(random_state=0)),
)


def class_report(y_true, y_pred, classes: list[str]) -> dict:
    """The confusion matrix (rows: the true class, columns: the predicted one) and, per class, precision, recall
    and F1 (0 where a class is never predicted) and its number of test rows."""
    labels = list(range(len(classes)))
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                                     zero_division=0)
    return {"confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
            "per_class": [{"class": c, "precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                          for c, p, r, f, s in zip(classes, precision, recall, f1, support)]}


def classifier_baselines(prepared) -> list[dict]:
    """Each yardstick fitted on the training split: its test accuracy and log loss, and the seconds it took."""
    labels = list(range(len(prepared.classes)))
    rows = []
    for name, label, make in MODELS:
        start = time.perf_counter()
        with threadpool_limits(1):  # as the regressors' baselines (core/training/baselines.py)
            model = make().fit(prepared.X_train, prepared.y_train.astype(int))
            probabilities = np.zeros((len(prepared.X_test), len(labels)))
            probabilities[:, model.classes_] = model.predict_proba(prepared.X_test)  # a class absent in training: 0
        y = prepared.y_test.astype(int)
        probabilities = np.clip(probabilities, 1e-15, 1)
        probabilities /= probabilities.sum(1, keepdims=True)
        rows.append({"name": name, "label": label,
                     "test_accuracy": float(accuracy_score(y, probabilities.argmax(1))),
                     "test_log_loss": float(log_loss(y, probabilities, labels=labels)),
                     "seconds": time.perf_counter() - start})
    return rows
