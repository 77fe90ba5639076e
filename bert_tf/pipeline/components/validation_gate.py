"""`ValidationGate`: stop the run when ExampleValidator found anomalies, naming them.

TFX's ExampleValidator only writes its findings (`Split-<name>/SchemaDiff.pb`); this gate
reads them and fails the execution, so nothing downstream of it (pre-training, fine-tuning)
runs on data that breaks the schema.

Example:
    >>> gate = ValidationGate(anomalies=validator.outputs["anomalies"])  # doctest: +SKIP
"""

# No `from __future__ import annotations`: TFX reads these signatures' annotations as types.
import os

from tfx.dsl.component.experimental.annotations import InputArtifact
from tfx.dsl.component.experimental.decorators import component
from tfx.types import artifact_utils, standard_artifacts


class DataAnomaliesError(RuntimeError):
    """The task data does not fit its schema; the message lists every anomaly."""


def describe_anomalies(anomalies_uri: str, split_names: list[str]) -> list[str]:
    """'split: feature: short description (TYPE)' for every anomaly of every split."""
    from tensorflow_metadata.proto.v0 import anomalies_pb2
    from tfx.dsl.io import fileio

    found = []
    for split in split_names:
        path = os.path.join(anomalies_uri, f"Split-{split}", "SchemaDiff.pb")
        if not fileio.exists(path):
            continue
        anomalies = anomalies_pb2.Anomalies()
        with fileio.open(path, "rb") as handle:
            anomalies.ParseFromString(handle.read())
        for feature, info in sorted(anomalies.anomaly_info.items()):
            kinds = ", ".join(
                anomalies_pb2.AnomalyInfo.Type.Name(reason.type) for reason in info.reason
            )
            found.append(f"{split}: {feature}: {info.short_description} ({kinds})")
        if anomalies.HasField("dataset_anomaly_info"):
            info = anomalies.dataset_anomaly_info
            found.append(f"{split}: <dataset>: {info.short_description}")
    return found


@component
def ValidationGate(  # noqa: N802 (a TFX component is named like a class)
    anomalies: InputArtifact[standard_artifacts.ExampleAnomalies],
) -> None:
    """Raises `DataAnomaliesError` listing the anomalies, if there are any."""
    splits = artifact_utils.decode_split_names(anomalies.split_names)
    found = describe_anomalies(anomalies.uri, splits)
    if found:
        raise DataAnomaliesError(
            "the task data does not match its schema:\n  " + "\n  ".join(found)
        )
