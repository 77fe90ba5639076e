"""Run the pipeline locally: LocalDagRunner, Beam DirectRunner, ML Metadata in SQLite under
the pipeline root, one progress line per component and a summary from ML Metadata.

Example:
    >>> run = run_local(PipelineConfig())  # doctest: +SKIP
    >>> [(c.component, c.state) for c in run.components][-1]  # doctest: +SKIP
    ('Pusher', 'COMPLETE')
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from bert_tf import storage
from bert_tf.pipeline.default_inputs import prepare_default_inputs
from bert_tf.pipeline.pipeline_config import PipelineConfig
from bert_tf.pipeline.run_status import PipelineRun, list_runs


class _ProgressHandler(logging.Handler):
    """Turns LocalDagRunner's 'Component X is running/finished.' log lines into progress."""

    def __init__(self, report: Callable[[str], None]):
        super().__init__(logging.INFO)
        self.report = report
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "Component %s is running." and record.args:
            self.started[record.args[0]] = time.monotonic()
            self.report(f"[pipeline] {record.args[0]} ...")
        elif record.msg == "Component %s is finished." and record.args:
            seconds = time.monotonic() - self.started.get(record.args[0], time.monotonic())
            self.report(f"[pipeline] {record.args[0]} done ({seconds:.1f} s)")


# Warnings TFX logs on every run that say nothing about this one: the local runner's input
# resolution notes a query feature it does not use (the Resolver's and each channel's).
KNOWN_HARMLESS = (
    "ArtifactQuery.property_predicate is not supported.",
    "ContextQuery.property_predicate is not supported.",
)
# Library loggers whose INFO lines are about the libraries, not the run (Beam's type hints).
QUIET_LOGGERS = ("apache_beam",)


class _KnownHarmless(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in KNOWN_HARMLESS


class _NoBareRootInfo(logging.Filter):
    """Drops INFO lines logged through the bare `logging.info` (Beam's runner and read
    notes); every named logger, bert_tf's included, and every warning pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name != "root" or record.levelno >= logging.WARNING


def _verbose() -> bool:
    """`bert-tf -v` (root logger at DEBUG): every library line shows."""
    return logging.getLogger().getEffectiveLevel() <= logging.DEBUG


def run_local(config: PipelineConfig, report: Callable[[str], None] | None = print) -> PipelineRun:
    """Runs the whole pipeline of `config` once and returns what ML Metadata recorded.

    Raises whatever the failing component raised (e.g. the validation gate's
    `DataAnomaliesError`), after the components before it have finished and been recorded.
    """
    storage.makedirs(config.pipeline_root)
    os.makedirs(os.path.dirname(os.path.abspath(config.metadata_file)), exist_ok=True)
    written = prepare_default_inputs(config)
    if report:
        for name, path in written.items():
            report(f"[pipeline] wrote the default {name} data to {path}")
    absl_logger = logging.getLogger("absl")
    saved = absl_logger.level, absl_logger.propagate
    handlers = [_ProgressHandler(report)] if report else []
    warnings = logging.StreamHandler()  # TFX's own INFO lines stay quiet; warnings show
    warnings.setLevel(logging.WARNING)
    if not _verbose():
        warnings.addFilter(_KnownHarmless())
    handlers.append(warnings)
    absl_logger.setLevel(logging.INFO)
    absl_logger.propagate = False
    for handler in handlers:
        absl_logger.addHandler(handler)
    quiet = {} if _verbose() else {name: logging.getLogger(name) for name in QUIET_LOGGERS}
    root_filter = _NoBareRootInfo()
    root_handlers = [] if _verbose() else list(logging.getLogger().handlers)
    for handler in root_handlers:
        handler.addFilter(root_filter)
    levels = {name: logger.level for name, logger in quiet.items()}
    for logger in quiet.values():
        logger.setLevel(logging.WARNING)
    from tfx import v1 as tfx  # after the handlers: TFX logs its optional imports to absl

    from bert_tf.pipeline.create_pipeline import create_pipeline

    before = {run.run_id for run in _runs(config)}
    done = threading.Event()
    # A library imported by a component (TensorBoard's, in fine-tuning) lowers absl's level,
    # which would silence the runner's progress lines; keep it at INFO during the run.
    keeper = threading.Thread(target=_keep_info, args=(absl_logger, done), daemon=True)
    keeper.start()
    try:
        tfx.orchestration.LocalDagRunner().run(create_pipeline(config))
        new = [run for run in _runs(config) if run.run_id not in before]
    finally:
        done.set()
        keeper.join()
        for handler in handlers:
            absl_logger.removeHandler(handler)
        absl_logger.setLevel(saved[0])
        absl_logger.propagate = saved[1]
        for name, level in levels.items():
            quiet[name].setLevel(level)
        for handler in root_handlers:
            handler.removeFilter(root_filter)
    if not new:
        raise RuntimeError("the pipeline ran but ML Metadata recorded no run")
    return new[-1]


def _keep_info(logger: logging.Logger, done: threading.Event) -> None:
    while not done.wait(0.2):
        if logger.level != logging.INFO:
            logger.setLevel(logging.INFO)


def _runs(config: PipelineConfig) -> list[PipelineRun]:
    return list_runs(config.metadata_file) if os.path.isfile(config.metadata_file) else []
