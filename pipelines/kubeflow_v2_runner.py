"""Compile the bert_tf TFX pipeline for Kubeflow Pipelines v2 / Vertex AI Pipelines.

Build and push the image first (`pipelines/Dockerfile`), name it in the config's
`kubeflow.image`, put the pipeline root, data and serving paths on gs://, then

    python pipelines/kubeflow_v2_runner.py --config pipelines/configs/vertex.yaml \\
        --output pipeline.json

and submit pipeline.json (e.g. `aiplatform.PipelineJob(template_path="pipeline.json")`).
The same as `bert-tf pipeline compile --config ... --output ...`.
"""

import argparse

from bert_tf.pipeline import PipelineConfig, compile_kubeflow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="pipeline config (YAML or JSON)")
    parser.add_argument("--output", default="pipeline.json", help="PipelineJob JSON to write")
    args = parser.parse_args()
    print(compile_kubeflow(PipelineConfig.load(args.config), args.output))


if __name__ == "__main__":
    main()
