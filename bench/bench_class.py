"""Benchmark: one server, a class of students training at once, and how the pages answer meanwhile.

Each student is a ``streamlit_client.Session``: a tab's own websocket conversation with the server, without a
browser (twenty Chromium tabs on this 2-core machine use more CPU drawing than the server uses serving them, so
bench_browser.py's classroom part mostly measures the browsers). Every student opens the Train page, picks the
bundled diabetes data and their own seed, and presses Start at the same instant; their pages then rerun the live
chart on the timer the server asks for (once a second), exactly as a browser does.

Measured, side by side in one run:
- the class: time until every run finished, each run's slowdown against the same run alone, the aggregate
  throughput against one run alone, how many waited in the queue, live-chart refreshes per page;
- page reruns from one more student while the class trains, before and after: the Tensors page's rerun (send the
  change -> the server's "script finished"), as the server serves it; with --browser, also in a real Chromium tab
  (the change -> the new shape drawn), as that student feels it;
- the server: CPU, memory of its process tree (peak), and how fast /_stcore/health answers.
Every run's test MAE is checked against the same run in-process (same seed, same settings).

    python bench/bench_class.py                 # 20 students, 200 epochs each
    python bench/bench_class.py --browser       # also the rerun felt in a browser tab
    python bench/bench_class.py --quick         # 4 students, a smoke run
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_browser import (  # noqa: E402
    CpuProbe,
    MemorySampler,
    load_average,
    med,
    pct,
    queued_text,
    reference_maes,
    s,
    server_pid,
)
from streamlit_client import FINISHED_FRAGMENT, Session  # noqa: E402

from tests.browser.harness import app_server  # noqa: E402

CHAINS = ("view(4, 1)", "view(2, 2)")  # the Tensors page's default tensor has 4 elements


# --- one student --------------------------------------------------------------------------------------------------

async def student(url: str, seed: int, epochs: int) -> Session:
    """A session on the Train page with the diabetes data and its own seed, ready to press Start."""
    tab = await Session.open(url, "train")
    await tab.rerun({s("Seed"): float(seed), s("Data set"): s("Diabetes (bundled, offline)")})
    tab.values[s("Epochs")] = float(epochs)
    return tab


async def train(tab: Session, at: float, epochs: int, timeout: float) -> dict:
    """Press Start at ``at`` (time.perf_counter()), then wait for the results; what the page showed, and when."""
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    tab.clear_texts()
    fragments0 = tab.fragment_runs
    click = time.perf_counter()
    await tab.rerun(press=s("Start training"))
    finished_text = s("Finished: {epochs} epochs.", epochs=epochs)
    try:
        await tab.wait_for_text(s("4. Results"), "heading", timeout)
    except TimeoutError:
        pass
    finished, results = tab.first(finished_text, "alert"), tab.first(s("4. Results"), "heading")
    running = tab.first("", "progress")
    maes = [text.split(": ", 1)[1] for _, kind, text in tab.texts if kind == "metric"
            and text.startswith(s("Test MAE") + ":")]
    end = finished or time.perf_counter()
    updates = [click] + [t for t, status in tab.finishes if status == FINISHED_FRAGMENT and click < t <= end]
    return {"click": click, "gaps": [b - a for a, b in zip(updates, updates[1:])],
            "queued": tab.first(queued_text(), "alert") is not None,
            "wait_s": running - click if running else None,
            "run_s": finished - click if finished else None,
            "results_s": results - click if results else None,
            "refreshes": tab.fragment_runs - fragments0,
            "mae_shown": maes[-1] if maes else None,
            "errors": [text for _, kind, text in tab.texts if kind == "alert" and "rror" in text]}


# --- the student who watches: page reruns -------------------------------------------------------------------------

async def reruns(tab: Session, n: int | None = None, until=None, pause: float = 0.25) -> list[dict]:
    """Change the Tensors page's operations back and forth; seconds from sending each change to its run's end."""
    out = []
    while (n is None or len(out) < n) and not (until and until()):
        chain = CHAINS[0] if tab.values.get(s("Operations on `a` (edit freely)")) != CHAINS[0] else CHAINS[1]
        out.append({"t": time.perf_counter(), "s": await tab.rerun({s("Operations on `a` (edit freely)"): chain})})
        await asyncio.sleep(pause)
    return out


def browser_reruns(url: str, stop: threading.Event, out: dict):
    """A real Chromium tab on the Tensors page, rerunning like bench_browser.py's part 1 until ``stop``: the phase
    ("before", "during", "after") comes from out["phase"]."""
    from bench_browser import new_page, tensor_reruns, wait_idle

    from tests.browser.harness import chromium

    with chromium() as browser:
        context, page = new_page(browser)
        page.goto(f"{url}/?lang=en")
        wait_idle(page)
        out["ready"] = True
        while not stop.is_set():
            phase = out["phase"]
            for r in tensor_reruns(page, 1, pause_ms=250, tag=f"{phase}{len(out[phase])}-"):
                out.setdefault(phase, []).append(r["shown_s"])
        context.close()


# --- the whole class ----------------------------------------------------------------------------------------------

async def lesson(url: str, args, root: int, felt: dict | None) -> dict:
    n, epochs = args.sessions, args.epochs
    out = {"sessions": n, "epochs": epochs}
    warm = await student(url, 12345, 1)  # the pool's workers and the first baseline fit, kept out of the figures
    await train(warm, 0, 1, 600)
    await warm.close()
    solo_tab = await student(url, 0, epochs)
    solo = await train(solo_tab, 0, epochs, 600)
    await solo_tab.close()
    out["solo"] = solo
    print(f"  solo run (seed 0, alone): Start -> Finished {solo['run_s']:.2f} s, -> results {solo['results_s']:.2f} s, "
          f"{solo['refreshes']} live-chart refreshes, MAE {solo['mae_shown']}", flush=True)

    watcher = await Session.open(url, "")
    out["reruns_before"] = await reruns(watcher, args.reruns)
    if felt is not None:
        await asyncio.sleep(3)  # the browser tab's reruns before the load
        felt["phase"] = "during"
    class_ = [await student(url, seed, epochs) for seed in range(n)]
    print(f"  {n} students on the Train page; load average {load_average()}", flush=True)
    sampler = MemorySampler(root, url).start()
    probe = CpuProbe(root)
    cpu0 = probe()
    at = time.perf_counter() + 0.5
    runs = [asyncio.create_task(train(tab, at, epochs, args.timeout)) for tab in class_]
    out["reruns_during"] = await reruns(watcher, until=lambda: all(r.done() for r in runs))
    results = [await r for r in runs]
    end = time.perf_counter()
    cpu = CpuProbe.spent(cpu0, probe())
    if felt is not None:
        felt["phase"] = "after"
    out["reruns_after"] = await reruns(watcher, args.reruns)
    sampler.stop()
    for tab in class_ + [watcher]:
        await tab.close()
    out.update({"results": results, "total_s": end - at, "cpu_s": cpu, "samples": sampler.samples,
                "memory_peak_rss_mib": sampler.peak("rss_mib"), "memory_peak_pss_mib": sampler.peak("pss_mib"),
                "health_s": [x["health_s"] for x in sampler.samples], "server_cpu_share":
                    [x["server_cpu_share"] for x in sampler.samples]})
    return out


def report(out: dict, args, reference: dict, felt: dict | None) -> list:
    solo, results = out["solo"], out["results"]
    finished = [r for r in results if r["run_s"] is not None]
    n = len(results)
    total = max((r["results_s"] or r["run_s"] or float("nan") for r in results), default=float("nan"))
    last_finished = max((r["run_s"] for r in finished), default=float("nan"))
    print(f"\n(1) the class: {n} students x {args.epochs} epochs on diabetes, {out['workers']} training workers "
          f"(nice {out['nice']})")
    alone = med(out["reference_s"])
    print(f"    one run alone: {alone:.2f} s in this process (the trainer, no page, median of {n}); on a page, alone "
          f"on the server: Start -> Finished shown {solo['run_s']:.2f} s (the page looks once a second)")
    print(f"    all {n}: Start -> last Finished {last_finished:.2f} s, -> last results drawn {total:.2f} s")
    throughput = n * alone / last_finished
    print(f"    aggregate throughput: {throughput:.2f}x one run alone ({n} runs x {alone:.2f} s / "
          f"{last_finished:.2f} s, page and queue included)")
    slow = [r["run_s"] / solo["run_s"] for r in finished]  # against the same page measure alone
    print(f"    per run, Start -> Finished: median {med([r['run_s'] for r in finished]):.2f} s, max "
          f"{last_finished:.2f} s; slowdown vs solo median {med(slow):.2f}x, "
          f"max {max(slow, default=float('nan')):.2f}x")
    print(f"    Finished -> results drawn: median {med([r['results_s'] - r['run_s'] for r in finished]):.2f} s")
    print(f"    queue: {sum(r['queued'] for r in results)} of {n} showed \"Waiting for a free slot\"")
    gaps = [g for r in finished for g in r["gaps"]]
    print(f"    live chart: seconds between a page's updates while its run went (from Start; the page asks every "
          f"1 s): median {med(gaps):.2f} s, p95 {pct(gaps, 95):.2f} s, max {max(gaps, default=float('nan')):.2f} s "
          f"({len(gaps)} updates)")
    cpu = out["cpu_s"]
    wall = cpu["wall"]
    print(f"    CPU over the load ({wall:.0f} s x {os.cpu_count()} cores = {wall * os.cpu_count():.0f} core-s): server "
          f"tree {cpu['server']:.1f} core-s (the streamlit process {cpu['server_main']:.1f}, i.e. "
          f"{cpu['server_main'] / wall:.2f} of a core), these {n + 1} clients {cpu['driver']:.1f}")
    health = [h for h in out["health_s"] if h == h]
    print(f"    server: peak memory {out['memory_peak_rss_mib']:,.0f} MiB RSS / {out['memory_peak_pss_mib']:,.0f} MiB "
          f"PSS (streamlit + workers); /_stcore/health median {med(health) * 1000:.0f} ms, max "
          f"{max(health, default=float('nan')) * 1000:.0f} ms")
    for r, seed in zip(results, range(n)):
        r["reference"] = reference.get(seed)
        r["matches"] = r["mae_shown"] is not None and r["reference"] is not None and \
            f"{r['reference']:.4g}" == r["mae_shown"]
    own = all(r["matches"] for r in results)
    print(f"    every page shows the test MAE of its own seed's run (in-process reference, 4 digits): {own}")
    errors = [e for r in results for e in r["errors"]]
    if errors:
        print(f"    errors shown: {errors[:3]}")

    print("\n(2) page reruns (Tensors: change the operations -> the server's run finished)")
    for phase in ("before", "during", "after"):
        xs = [r["s"] for r in out[f"reruns_{phase}"]]
        print(f"    {phase:<7} the load ({len(xs):3d}): median {med(xs) * 1000:6.0f} ms   "
              f"p95 {pct(xs, 95) * 1000:6.0f} ms   max {max(xs, default=float('nan')) * 1000:6.0f} ms")
    if felt is not None:
        print("    in a Chromium tab (the change -> the new shape drawn):")
        for phase in ("before", "during", "after"):
            xs = felt.get(phase, [])
            print(f"    {phase:<7} the load ({len(xs):3d}): median {med(xs) * 1000:6.0f} ms   p95 "
                  f"{pct(xs, 95) * 1000:6.0f} ms")
    during = [r["s"] for r in out["reruns_during"]]
    targets = [
        (f"all {n} finished with their own results", f"{len(finished)}/{n}, own: {own}", len(finished) == n and own),
        ("aggregate throughput >= 1.5x one run", f"{throughput:.2f}x", throughput >= 1.5),
        (f"page rerun < 300 ms while {n} train (p95)", f"{pct(during, 95) * 1000:.0f} ms (median "
                                                        f"{med(during) * 1000:.0f} ms)", pct(during, 95) < 0.3),
        ("live chart updated every second (median gap)", f"{med(gaps):.2f} s (p95 {pct(gaps, 95):.2f} s)",
         med(gaps) <= 1.1),
    ]
    return targets


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=20, help="students training at once (default 20)")
    p.add_argument("--epochs", type=int, default=200, help="epochs per run (default 200)")
    p.add_argument("--workers", type=int, default=0, help="TORCH_PLAYGROUND_WORKERS (default: CPUs)")
    p.add_argument("--nice", type=int, default=None, help="TORCH_PLAYGROUND_WORKER_NICE (default: the app's)")
    p.add_argument("--reruns", type=int, default=20, help="page reruns before and after the load (default 20)")
    p.add_argument("--timeout", type=float, default=900, help="seconds to wait for the class (default 900)")
    p.add_argument("--browser", action="store_true", help="also time reruns in a real Chromium tab")
    p.add_argument("--quick", action="store_true", help="smoke run: 4 students, 5 reruns")
    p.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.sessions, args.reruns = 4, 5
    from core.pool import DEFAULT_NICE

    workers = args.workers or os.cpu_count() or 1
    nice = DEFAULT_NICE if args.nice is None else args.nice
    env = {"TORCH_PLAYGROUND_CHECKPOINTS": tempfile.mkdtemp(prefix="bench-class-"),
           "TORCH_PLAYGROUND_WORKERS": str(workers), "TORCH_PLAYGROUND_WORKER_NICE": str(nice)}
    print(f"{args.sessions} students, {args.epochs} epochs each; {workers} workers at nice {nice}; "
          f"{os.cpu_count()} CPUs; load average at the start {load_average()} (a shared machine)", flush=True)
    felt = {"phase": "before", "before": [], "during": [], "after": []} if args.browser else None
    with app_server(env=env) as url:
        root = server_pid(url)
        stop = threading.Event()
        browser = None
        if felt is not None:
            browser = threading.Thread(target=browser_reruns, args=(url, stop, felt), daemon=True)
            browser.start()
            while not felt.get("ready") and browser.is_alive():
                time.sleep(0.2)
        try:
            out = asyncio.run(lesson(url, args, root, felt))
        finally:
            stop.set()
            if browser is not None:
                browser.join(60)
    out.update({"workers": workers, "nice": nice})
    reference, seconds = {}, []
    for seed in range(args.sessions):  # the same runs in this process, one after another: MAEs, and one run's time
        start = time.perf_counter()
        reference.update(reference_maes([seed], args.epochs))
        seconds.append(time.perf_counter() - start)
    out["reference_s"] = seconds
    targets = report(out, args, reference, felt)
    print(f"\nload average at the end: {load_average()}")
    print("\ntargets")
    for name, figure, ok in targets:
        print(f"  {'PASS' if ok else 'MISS'}  {name:<46} {figure}")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "out": out, "felt": felt, "targets": targets},
                                              indent=2, default=str))
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
