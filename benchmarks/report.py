"""`make bench`: run every benchmark, then write the report and the learning curve.

Runs each script in `benchmarks/` (each prints one JSON line with its figure and the peer
measured in the same run), keeps the lines in `results.jsonl`, and writes `results.md` (a
table of figure, peer, ratio, with the machine: CPU model, cores, date) and
`learning_curve.png` (MLM and NSP accuracy and loss against steps, from `quality.py`'s
pre-training run). `--quick` runs each benchmark on tiny settings: a smoke test of the whole
report, not figures to quote.

Example:
    $ python benchmarks/report.py                  # what `make bench` runs
    $ python benchmarks/report.py --quick --only tokenize quality --output-dir /tmp/bench
    $ python benchmarks/inference.py --finetuned RUN > line.jsonl
    $ python benchmarks/report.py --merge line.jsonl   # into results.jsonl and results.md
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# benchmarks/tokenize.py would shadow the standard library's `tokenize` (matplotlib needs it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
TINY = '{"num_layers": 2, "hidden_size": 64, "num_heads": 2, "intermediate_size": 128}'
# Script -> (arguments of the real run, arguments of --quick). The order is the table's.
RUNS = {
    "tokenize": ([], ["--mb", "0.3", "--batch-size", "256"]),
    "vocab": ([], ["--mb", "1", "--vocab-size", "2000"]),
    "pretraining_data": ([], ["--mb", "0.3", "--dupe-factor", "1"]),
    "features": ([], ["--questions", "200", "--repeats", "1"]),
    "train_step": ([], ["--preset", "bert_tiny", "--batch", "8", "--seq-length", "32"]),
    "serving": ([], ["--seconds", "1"]),
    "inference": ([], ["--quick"]),
    "quality": (
        [],
        ["--steps", "20", "--seeds", "2", "--corpus-mb", "0.3", "--vocab-size", "2000"]
        + ["--seq-length", "32", "--preset", "bert_tiny", "--preset-overrides", TINY]
        + ["--epochs", "1", "--train-per-class", "20", "--eval-per-class", "10"]
        + ["--curve-points", "4"],
    ),
}


def machine() -> dict:
    """CPU model, cores and date of this run (what the report says produced it)."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
    }


def run_benchmark(name: str, args: list[str], timeout: float) -> dict:
    """Runs one script; its last stdout line is its JSON result (an error line if it failed)."""
    command = [sys.executable, str(HERE / f"{name}.py"), *args]
    print(f"[bench] {name}: {' '.join(command[1:])}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"benchmark": name, "error": f"timed out after {timeout:.0f} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"benchmark": name, "error": f"exit {done.returncode}: {' | '.join(tail)}"}
    result = json.loads(lines[-1])
    result.setdefault("benchmark", name)
    result["wall_s"] = round(time.perf_counter() - start, 1)
    return result


def _ratio(value: object) -> str:
    return f"{value}x" if isinstance(value, (int, float)) else "-"


def summarize(result: dict) -> list[tuple[str, str, str, str]]:
    """Table rows (benchmark, bert_tf figure, peer figure, ratio) for one result line."""
    name, get = result["benchmark"], result.get
    if "error" in result:
        return [(name, f"failed: {result['error']}", "-", "-")]
    if name == "tokenize":
        return [
            (
                f"tokenize ({get('text_mb')} MB, seq {get('seq_length')})",
                f"{get('bert_tf_mtok_s')} M tokens/s",
                f"{get('peer')}: {get('hf_tokenizers_mtok_s')} M tokens/s",
                _ratio(get("ratio")),
            )
        ]
    if name == "train_step":
        return [
            (
                f"train_step {get('backend')}, {get('preset')}, batch {get('batch')}, "
                f"seq {get('seq_length')}, {get('precision')}",
                f"{get('bert_tf_seq_per_s')} seq/s",
                f"{get('peer')} {get('peer_version', '')}: {get('peer_seq_per_s', '-')} seq/s",
                _ratio(get("speedup")),
            )
        ]
    if name == "pretraining_data":
        return [
            (
                "pretraining_data (1x / 10x corpus)",
                f"{get('instances_per_s_1x')} / {get('instances_per_s_10x')} instances/s, "
                f"peak RSS {get('peak_rss_mb_1x')} / {get('peak_rss_mb_10x')} MB",
                str(get("peer")),
                "-",
            )
        ]
    if name == "features":
        return [
            (
                f"features: SQuAD-format windows, {get('questions')} questions (seq 384 / 64)",
                f"{get('features_per_s')} / {get('features_per_s_windowed')} features/s",
                f"NumPy builder it replaced: {get('before_features_per_s')} / "
                f"{get('before_features_per_s_windowed')} features/s",
                _ratio(get("ratio")),
            )
        ]
    if name == "vocab":
        ours, peer = get("bert_tf"), get("hf_tokenizers")
        return [
            (
                f"vocab ({get('train_mb')} MB, {ours['vocab_size']} tokens): seconds, "
                "peak RSS (PSS)",
                f"{ours['seconds']} s, {ours['peak_rss_mb']} ({ours.get('peak_pss_mb', '-')}) MB",
                f"tokenizers: {peer['seconds']} s, {peer['peak_rss_mb']} "
                f"({peer.get('peak_pss_mb', '-')}) MB",
                _ratio(get("time_ratio")),
            ),
            (
                "vocab: held-out tokens per word, [UNK] rate",
                f"{ours['heldout_tokens_per_word']}, {ours['heldout_unk_rate']}",
                f"tokenizers: {peer['heldout_tokens_per_word']}, {peer['heldout_unk_rate']}",
                _ratio(get("tokens_per_word_ratio")),
            ),
            (
                "vocab: word-count peak RSS, corpus 1x / 5x",
                f"{get('count_1x')['peak_rss_mb']} / {get('count_5x')['peak_rss_mb']} MB",
                "flat: ratio within 1 ± 0.1",
                _ratio(get("count_rss_ratio_5x")),
            ),
        ]
    if name == "serving":
        served, local = get("served_grpc"), get("in_process")
        return [
            (
                f"serving gRPC, {get('model')}: p50 / p99 at 1 client",
                f"{served['concurrency_1']['p50_ms']} / {served['concurrency_1']['p99_ms']} ms",
                f"in-process: {local['concurrency_1']['p50_ms']} / "
                f"{local['concurrency_1']['p99_ms']} ms (target p50 <= {get('target_p50_c1_ms')})",
                _ratio(
                    round(served["concurrency_1"]["p50_ms"] / local["concurrency_1"]["p50_ms"], 2)
                ),
            ),
            (
                "serving gRPC: requests/s at 16 clients (dynamic batching)",
                f"{served['concurrency_16']['requests_per_s']} req/s",
                f"in-process: {local['concurrency_16']['requests_per_s']} req/s",
                _ratio(get("throughput_16_over_1")) + " of 1 client",
            ),
        ]
    if name == "inference":
        rows = {(r["runtime"], r["precision"], r["batch"]): r for r in result["rows"]}
        small, large = min(b for _, _, b in rows), max(b for _, _, b in rows)
        metric = get("metric", "accuracy")

        def figures(runtime: str, precision: str) -> str:
            one, many = rows[(runtime, precision, small)], rows[(runtime, precision, large)]
            return (f"{runtime} {precision}: {one['p50_ms']} ms, {many['best_round_seq_per_s']} "
                    f"seq/s, {one[metric]:.3f}")  # fmt: skip

        table = []
        for runtime, precision in dict.fromkeys((r, p) for r, p, _ in rows):
            if (runtime, precision) == ("bert_tf", "fp32"):
                continue
            ours = rows[("bert_tf", "fp32", large)]["best_round_seq_per_s"]
            theirs = rows[(runtime, precision, large)]["best_round_seq_per_s"]
            table.append(
                (
                    f"inference, {get('model')}, seq {get('seq_length')}, {get('threads')} "
                    f"threads: p50 at batch {small}, best seq/s at batch {large}, {metric}",
                    figures("bert_tf", "fp32"),
                    figures(runtime, precision),
                    _ratio(round(ours / theirs, 2)),
                )
            )
        return table
    if name == "quality":
        peer = result["rows"][-1]
        rows = []
        for row in result["rows"]:
            rows.append(
                (
                    f"quality: {row['row']}",
                    f"dev {row['dev_accuracy_mean']:.3f} ± {row['dev_accuracy_std']:.3f}, "
                    f"test {row['test_accuracy_of_dev_choice']:.3f}, {row['seconds']:.0f} s",
                    f"{peer['row']}: dev {peer['dev_accuracy_mean']:.3f}",
                    _ratio(round(row["dev_accuracy_mean"] / peer["dev_accuracy_mean"], 3)),
                )
            )
        return rows
    figures = {k: v for k, v in result.items() if k not in ("benchmark", "peer", "wall_s")}
    return [(name, json.dumps(figures)[:300], str(get("peer", "-")), _ratio(get("ratio")))]


def _machine_line(results: list[dict], info: dict) -> str:
    """One machine, or each machine with the benchmarks measured on it (after `--only`)."""

    def describe(m: dict) -> str:
        return f"{m['cpu']}, {m['cores']} cores, Python {m['python']}, {m['date']}"

    groups: dict[str, list[str]] = {}
    for result in results:
        groups.setdefault(describe(result.get("machine", info)), []).append(result["benchmark"])
    if len(groups) <= 1:
        return f"Machine: {describe(info) if not groups else next(iter(groups))}."
    return (
        "Machines: " + "; ".join(f"{m} ({', '.join(names)})" for m, names in groups.items()) + "."
    )


def write_markdown(results: list[dict], info: dict, quick: bool, path: Path) -> None:
    lines = [
        "# Benchmark results",
        "",
        _machine_line(results, info)
        + (" Quick settings (a smoke run, not figures)." if quick else ""),
        "Each figure and its peer were measured in the same run "
        "(`python benchmarks/report.py`; raw lines in `results.jsonl`).",
        "",
        "| benchmark | bert_tf | peer | ratio |",
        "|---|---|---|---|",
    ]
    for result in results:
        for row in summarize(result):
            lines.append("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
    if any(r["benchmark"] == "quality" and "error" not in r for r in results):
        lines += ["", "![learning curve](learning_curve.png)"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def plot_learning_curve(history: dict, path: Path) -> None:
    """MLM and NSP accuracy (left) and loss (right) against pre-training steps."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (accuracy, loss) = plt.subplots(1, 2, figsize=(10, 4))
    for key, label in (("mlm_accuracy", "masked LM"), ("nsp_accuracy", "next sentence")):
        accuracy.plot(history["step"], history[key], marker="o", label=label)
    for key, label in (("mlm_loss", "masked LM"), ("nsp_loss", "next sentence")):
        loss.plot(history["step"], history[key], marker="o", label=label)
    accuracy.set(title="pre-training accuracy", xlabel="step", ylabel="accuracy")
    loss.set(title="pre-training loss", xlabel="step", ylabel="loss")
    for axes in (accuracy, loss):
        axes.grid(alpha=0.3)
        axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def merge_results(path: Path, fresh: list[dict]) -> list[dict]:
    """The lines of `path` with those of `fresh` replacing the same benchmarks' (of the same
    task, for a script that runs per task: inference.py), in RUNS order."""
    latest = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                latest[row["benchmark"], row.get("task")] = row
    latest.update({(row["benchmark"], row.get("task")): row for row in fresh})
    order = list(RUNS)
    return sorted(
        latest.values(),
        key=lambda r: order.index(r["benchmark"]) if r["benchmark"] in order else len(order),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\nExample:")[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings (a smoke run)")
    parser.add_argument("--only", nargs="+", choices=sorted(RUNS), help="run only these")
    parser.add_argument("--output-dir", default=str(HERE), help="where the report goes")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per benchmark")
    parser.add_argument(
        "--merge",
        metavar="JSONL",
        help="add the lines of a script run by hand (e.g. inference.py --finetuned RUN) "
        "instead of running any; measured on this machine",
    )
    args = parser.parse_args(argv)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    history_file = out / "pretraining_history.json"
    results = []
    if args.merge:
        lines = Path(args.merge).read_text(encoding="utf-8").splitlines()
        results = [json.loads(line) for line in lines if line.startswith("{")]
        args.only = [result["benchmark"] for result in results]  # keep the others' lines
    for name, (full, quick) in RUNS.items():
        if args.merge or (args.only and name not in args.only):
            continue
        extra = ["--history-out", str(history_file)] if name == "quality" else []
        results.append(run_benchmark(name, (quick if args.quick else full) + extra, args.timeout))
        print(json.dumps(results[-1]), flush=True)
    info = machine()
    rows = [{**result, "machine": info} for result in results]
    if args.only:  # a partial rerun keeps the other benchmarks' latest lines
        rows = merge_results(out / "results.jsonl", rows)
    with open(out / "results.jsonl", "w", encoding="utf-8") as sink:
        for row in rows:
            sink.write(json.dumps(row) + "\n")
    write_markdown(rows, info, args.quick, out / "results.md")
    if history_file.is_file():
        plot_learning_curve(json.loads(history_file.read_text()), out / "learning_curve.png")
    print(f"[bench] wrote {out / 'results.md'}", file=sys.stderr)
    return 1 if any("error" in result for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
