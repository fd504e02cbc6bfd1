"""The network view's figures (issue 15): what is inside the network while it learns, measured with each report.

Per layer (the hidden layers, then the output layer):
- ``weight_norm``: the weight matrix's Frobenius norm; ``grad_norm``: its gradient's, from the last step's backward;
- ``update_ratio``: how far the last step moved the weights, ‖ΔW‖ / ‖W‖ (about 1e-3 is the usual healthy pace;
  far below, the layer hardly learns; far above, it thrashes);
- ``act_mean`` and ``act_std``: its outputs' mean and (population) standard deviation over all units, after the
  activation, on ``PROBE_ROWS`` fixed training rows;
- ``dead``: with ReLU, the share of units that output 0 on every one of those rows (they get no gradient at all);
- ``weight``: the matrix itself, (out, in) as ``nn.Linear`` holds it, where it has at most ``MATRIX_LIMIT`` entries.
For nets of at most ``DIAGRAM_UNITS`` units a layer, ``units`` holds every unit's value on one chosen row (the
diagram colours units by it). An ensemble or a sweep shows its first member. A classifier of two inputs also
gets ``boundary``: the model's class probabilities over a ``GRID`` × ``GRID`` grid spanning the training rows (in
the model's scaled inputs, with a margin): class 1's probability for two classes, else the chosen class.

The probe's forward pass runs under ``no_grad`` on its own rows, without dropout, and changes nothing the training
sees. A report carries a snapshot at each epoch's end and otherwise at most every ``EVERY_SECONDS``;
bench/bench_probe.py measures the cost against the same run without it.
"""

import math
import time

import numpy as np
import torch

PROBE_ROWS = 64  # training rows the activations are measured on (the first ones: the same at every report)
MATRIX_LIMIT = 4096  # a weight matrix of at most this many entries is sent whole (a 64 × 64 layer)
DIAGRAM_UNITS = 16  # every layer this narrow or narrower: the diagram's unit values are sent too
GRID = 40  # the decision boundary's grid: GRID × GRID points over the training rows' range
EVERY_SECONDS = 0.25  # at most this often (and at every epoch's end): a page redraws about once a second, while
# the lecture's model reports some 30 times a second; bench/bench_probe.py measures what a snapshot costs


def _first(t: torch.Tensor, batched: bool) -> torch.Tensor:
    """A parameter (or its gradient) as nn.Linear's (out, in) of the first member (BatchedLinear holds k of them)."""
    if not batched:
        return t
    return t[0]


class Probe:
    def __init__(self, model, X: torch.Tensor, row: int = 0, boundary: bool = False):
        self.model = model
        self.grid = _grid(X) if boundary and X.shape[1] == 2 else None
        self.rows = X[:PROBE_ROWS]
        self.row = min(max(int(row), 0), len(self.rows) - 1)
        self.batched = model.config.ensemble > 1
        self.before = None
        self.last = -math.inf
        self.dead_applies = model.config.activation == "relu"
        # the parameters stay the same tensors while the optimizer updates them in place: their views stay valid
        self.parameters = [layer.weight for layer in (*model.hidden, model.out)]
        self.weights = [_first(w, self.batched) for w in self.parameters]
        self.starts = np.cumsum([0] + [w.shape[0] for w in self.weights[:-1]])
        self.sent = [w.numel() <= MATRIX_LIMIT for w in self.weights]
        self.diagram = all(w.shape[0] <= DIAGRAM_UNITS for w in self.weights) and \
            self.weights[0].shape[1] <= DIAGRAM_UNITS and model.embed is None  # the inputs are the row's own

    def due(self, epoch_end: bool) -> bool:
        """Whether the coming report carries a snapshot: at each epoch's end (and each step of a paused run: the
        caller says so), else at most every EVERY_SECONDS."""
        now = time.perf_counter()
        if epoch_end or now - self.last >= EVERY_SECONDS:
            self.last = now
            return True
        return False

    @torch.no_grad()
    def before_step(self):
        """The weights just before a step whose report will show how far it moved them."""
        if self.before is None:
            self.before = [w.clone() for w in self.weights]
        else:  # into the same buffers: no allocation in the training loop
            torch._foreach_copy_(self.before, self.weights)
        self.moved = False

    @torch.no_grad()
    def outputs(self) -> list[torch.Tensor]:
        """Each layer's output on the probe rows (the first member's), (rows, units): after the activation for the
        hidden layers, the raw output for the last."""
        model, x = self.model, self.rows
        if self.batched:
            x = x.unsqueeze(0).expand(model.config.ensemble, -1, -1)
        if model.embed is not None:
            x = model.embed(x) if self.batched else model.embed(x.unsqueeze(0)).squeeze(0)
        out = []
        for layer in model.hidden:
            x = model.act(layer(x))
            out.append(x[0] if self.batched else x)
        last = model.out(x)
        return out + [last[0] if self.batched else last]

    @torch.no_grad()
    def snapshot(self) -> dict:
        """The figures above as plain lists and numbers (one transfer from the device)."""
        weights, starts = self.weights, self.starts
        grads = [torch.zeros(1, device=p.device) if p.grad is None else _first(p.grad, self.batched)
                 for p in self.parameters]  # no gradient yet (before the first step): norm 0, on the same device
        outs = self.outputs()
        # A few list-wide kernels, then NumPy on a few hundred numbers: a dozen tiny torch ops a layer would cost
        # more in dispatch than the probe's forward pass (bench/bench_probe.py).
        n = len(weights)
        if self.before is not None and not self.moved:
            torch._foreach_sub_(self.before, weights)  # in place: the step's move (its sign does not matter)
            self.moved = True
        norms = torch._foreach_norm(weights + grads + (self.before if self.before is not None else []))
        norms = torch.stack(norms).cpu().numpy()  # weights', gradients', then the last step's moves
        units = torch.cat(outs, dim=1)  # (rows, all units)
        columns = torch.stack([units.sum(0), units.square().sum(0), units.amax(0)]).cpu().numpy().astype(np.float64)
        widths = np.diff(np.append(starts, columns.shape[1]))
        sums, squares, silent = (np.add.reduceat(c, starts) for c in (columns[0], columns[1], columns[2] <= 0))
        counts = widths * len(self.rows)
        means = sums / counts
        stds = np.sqrt(np.maximum(squares / counts - means ** 2, 0))
        dead = silent / widths  # units that output nothing above 0 on any probe row: with ReLU, dead
        moved = norms[2 * n:] / np.maximum(norms[:n], 1e-12) if self.before is not None else [None] * n
        layers = []
        for i, w in enumerate(weights):
            layer = {"inputs": w.shape[1], "units": w.shape[0], "weight_norm": float(norms[i]),
                     "grad_norm": float(norms[n + i]), "update_ratio": None if moved[i] is None else float(moved[i]),
                     "act_mean": float(means[i]), "act_std": float(stds[i]),
                     "dead": float(dead[i]) if self.dead_applies and i < n - 1 else None}
            if self.sent[i]:
                layer["weight"] = w.tolist()
            layers.append(layer)
        out = {"layers": layers}
        if self.grid is not None:
            out["boundary"] = self._boundary()
        if self.diagram:
            out["row"] = self.row
            out["units"] = [self.rows[self.row].tolist()] + [a[self.row].tolist() for a in outs]
        return out

    @torch.no_grad()
    def _boundary(self) -> dict:
        xs, ys, points = self.grid
        self.model.eval()  # dropout off, as in evaluation; no random numbers are drawn
        probabilities = self.model(points).softmax(-1)
        self.model.train()
        if probabilities.shape[1] == 2:
            values = probabilities[:, 1]
        else:
            values = probabilities.argmax(-1).float()
        return {"x": xs, "y": ys, "z": values.view(len(ys), len(xs)).tolist(), "classes": probabilities.shape[1]}


def _grid(X: torch.Tensor) -> tuple[list, list, torch.Tensor]:
    """GRID × GRID points over the two inputs' training range and a tenth more on each side: (xs, ys, points),
    the points row by row (y outer), as a heatmap's z is laid out."""
    lo, hi = X.amin(0), X.amax(0)
    margin = (hi - lo) * 0.1
    axes = [torch.linspace(float(lo[j] - margin[j]), float(hi[j] + margin[j]), GRID, device=X.device)
            for j in range(2)]
    gy, gx = torch.meshgrid(axes[1], axes[0], indexing="ij")
    return axes[0].tolist(), axes[1].tolist(), torch.stack([gx.flatten(), gy.flatten()], 1)


def gradient_ratio(snapshot: dict) -> float:
    """The first layer's gradient norm over the last layer's: far below 1, the first layers learn far more slowly
    than the last (vanishing gradients); near 1, they learn alike."""
    first, last = snapshot["layers"][0]["grad_norm"], snapshot["layers"][-1]["grad_norm"]
    return first / last if last > 0 else float("nan")
