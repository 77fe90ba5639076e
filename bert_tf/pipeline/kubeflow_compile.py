"""Compile the pipeline into a Kubeflow Pipelines v2 / Vertex AI PipelineJob spec (JSON).

Every component runs in `config.kubeflow.image` (built from `pipelines/Dockerfile`: the TFX
1.16 image with bert_tf installed), and every Beam step gets `config.beam.args`. The pipeline
root, data and serving paths should then be on storage the cluster reads (gs://...).
Compiling needs `kfp-pipeline-spec` (the `tfx` extra pins 0.2.2, which keeps protobuf < 4);
without it `tfx.v1.orchestration.experimental` silently has no KubeflowV2DagRunner, so it is
imported from its own module here and a missing package is an error that says so.

Example:
    >>> compile_kubeflow(PipelineConfig(), "pipeline.json")  # doctest: +SKIP
    PosixPath('pipeline.json')
"""

from __future__ import annotations

import os
from pathlib import Path

from bert_tf.pipeline.pipeline_config import PipelineConfig


def kubeflow_runner_class():
    """TFX's KubeflowV2DagRunner and its config class (ImportError names the package)."""
    try:
        from tfx.orchestration.kubeflow.v2 import kubeflow_v2_dag_runner as runner
    except ImportError as error:
        raise ImportError(
            f"compiling for Kubeflow needs kfp-pipeline-spec==0.2.2 ({error}); "
            "pip install -c constraints.txt 'bert_tf[tfx]'"
        ) from error
    return runner.KubeflowV2DagRunner, runner.KubeflowV2DagRunnerConfig


def compile_kubeflow(config: PipelineConfig, output: str | os.PathLike) -> Path:
    """Write the PipelineJob JSON of `config` to `output`; returns its path."""
    from bert_tf.pipeline.create_pipeline import create_pipeline

    if config.canary.use_infra_validator:
        raise ValueError(
            "canary.use_infra_validator: TFX's Kubeflow V2 runner cannot compile InfraValidator;"
            " use the serving canary there"
        )
    runner_class, config_class = kubeflow_runner_class()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    pipeline = create_pipeline(config, for_kubeflow=True)
    pipeline.metadata_connection_config = None  # Vertex/KFP keep their own ML Metadata
    runner = runner_class(
        config=config_class(default_image=config.kubeflow.image),
        output_dir=str(output.parent),
        output_filename=output.name,
    )
    runner.run(pipeline, write_out=True)
    return output
