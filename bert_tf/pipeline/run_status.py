"""What ML Metadata knows about the pipeline's runs: each run's components, their states
(COMPLETE, CACHED, FAILED, RUNNING for one that was killed), wall times and output artifacts.

Example:
    >>> runs = list_runs("pipeline_output/root/metadata.sqlite")  # doctest: +SKIP
    >>> [(c.component, c.state) for c in runs[-1].components][:2]  # doctest: +SKIP
    [('TaskExampleGen', 'CACHED'), ('StatisticsGen', 'CACHED')]
"""

from __future__ import annotations

import dataclasses
import os


@dataclasses.dataclass
class ComponentRun:
    """One execution of one component in one pipeline run."""

    component: str
    state: str  # MLMD execution state name
    seconds: float  # last update - creation, as MLMD recorded them
    outputs: dict[str, list[str]]  # output key -> artifact URIs
    properties: dict[str, str]  # the output artifacts' custom properties (blessed, pushed, ...)


@dataclasses.dataclass
class PipelineRun:
    """One pipeline run (an MLMD `pipeline_run` context)."""

    run_id: str
    started: float  # epoch seconds
    components: list[ComponentRun]

    def state_of(self, component: str) -> str | None:
        states = [c.state for c in self.components if c.component == component]
        return states[-1] if states else None


def _store(metadata_file: str):
    from ml_metadata import metadata_store
    from ml_metadata.proto import metadata_store_pb2

    if not os.path.isfile(metadata_file):
        raise FileNotFoundError(f"no ML Metadata store at {metadata_file}")
    config = metadata_store_pb2.ConnectionConfig()
    config.sqlite.filename_uri = metadata_file
    config.sqlite.connection_mode = metadata_store_pb2.SqliteMetadataSourceConfig.READONLY
    return metadata_store.MetadataStore(config)


# Output-artifact custom properties a run summary shows (the vocabulary's figures, the
# evaluator's and pusher's verdicts).
PROPERTIES = ("vocab_size", "unk_rate", "tokens_per_word", "metric", "value", "blessed", "pushed",
              "pushed_version", "pushed_destination", "compression", "teacher_value",
              "student_value", "teacher_parameters", "student_parameters",
              "teacher_weight_bytes", "student_weight_bytes")  # fmt: skip


def _value(value) -> str:
    kind = value.WhichOneof("value")
    return (
        str(getattr(value, kind)) if kind in ("int_value", "string_value", "double_value") else ""
    )


def list_runs(metadata_file: str) -> list[PipelineRun]:
    """Every run recorded in `metadata_file`, oldest first."""
    from ml_metadata.proto import metadata_store_pb2

    store = _store(metadata_file)
    state_name = metadata_store_pb2.Execution.State.Name
    output_kinds = (metadata_store_pb2.Event.OUTPUT, metadata_store_pb2.Event.DECLARED_OUTPUT)
    runs = []
    for context in store.get_contexts_by_type("pipeline_run"):
        components = []
        executions = sorted(store.get_executions_by_context(context.id), key=lambda e: e.id)
        for execution in executions:
            nodes = [
                c.name.rsplit(".", 1)[-1]
                for c in store.get_contexts_by_execution(execution.id)
                if store.get_context_types_by_id([c.type_id])[0].name == "node"
            ]
            events = store.get_events_by_execution_ids([execution.id])
            outputs: dict[str, list[str]] = {}
            properties: dict[str, str] = {}
            wanted = [e for e in events if e.type in output_kinds]
            found = store.get_artifacts_by_id([e.artifact_id for e in wanted])
            artifacts = {artifact.id: artifact for artifact in found}
            for event in wanted:
                artifact = artifacts[event.artifact_id]
                key = event.path.steps[0].key if event.path.steps else "output"
                outputs.setdefault(key, []).append(artifact.uri)
                for name in PROPERTIES:
                    text = (
                        _value(artifact.custom_properties[name])
                        if name in artifact.custom_properties
                        else ""
                    )
                    if text:  # ExampleValidator's per-split struct `blessed` is left out
                        properties[name] = text
            seconds = execution.last_update_time_since_epoch - execution.create_time_since_epoch
            components.append(
                ComponentRun(
                    component=nodes[0] if nodes else execution.name,
                    state=state_name(execution.last_known_state),
                    seconds=seconds / 1000.0,
                    outputs=outputs,
                    properties=properties,
                )
            )
        runs.append(PipelineRun(context.name, context.create_time_since_epoch / 1000.0, components))
    return sorted(runs, key=lambda run: run.started)


def format_runs(runs: list[PipelineRun]) -> str:
    """A plain-text table: one block per run, one line per component."""
    lines = []
    for run in runs:
        lines.append(f"run {run.run_id}")
        for c in run.components:
            extra = " ".join(f"{k}={v}" for k, v in sorted(c.properties.items()))
            lines.append(f"  {c.component:28s} {c.state:9s} {c.seconds:8.1f}s  {extra}".rstrip())
            for key, uris in sorted(c.outputs.items()):
                lines += [f"      {key}: {uri}" for uri in uris]
    return "\n".join(lines)
