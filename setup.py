"""bert_tf: BERT pre-training, fine-tuning and serving on TensorFlow/Keras 3.

Install the tested set reproducibly with the pinned constraints:
    pip install -c constraints.txt -e ".[tfx,test]"
"""

from pathlib import Path

from setuptools import find_packages, setup

CORE = [
    "tensorflow==2.16.2",
    "tensorflow-text==2.16.1",
    "keras>=3.6,<3.13",
    "numpy>=1.26,<2",
    "safetensors>=0.4",
    "scikit-learn>=1.3",
    "scipy>=1.10",
    "seqeval>=1.2",
    "tqdm>=4.60",
]
EXTRAS = {
    # TFX pipeline, Beam data jobs and TF Serving protos.
    "tfx": [
        "tfx==1.16.0",
        "apache-beam[gcp]>=2.53",
        "ml-metadata==1.16.0",
        "tensorflow-serving-api==2.16.1",
        "tf-keras==2.16.0",
        "dill",  # imported by tfx-bsl, which does not declare it
        "kfp-pipeline-spec==0.2.2",  # KubeflowV2DagRunner's only kfp import; keeps protobuf < 4
        # Beam's fast TFRecord CRC (without it Beam warns on every run); 0.7 dropped the crc32c
        "python-snappy<0.7",
    ],
    # `bert-tf serve` / `bert-tf predict` and bert_tf.serving: TF Serving's protos and stubs.
    "serving": ["tensorflow-serving-api==2.16.1", "grpcio>=1.59"],
    # Test-only: HF tokenizers for parity, JAX for the backend-agnostic check, ruff.
    "test": [
        "pytest>=8",
        "ruff>=0.6",
        "tokenizers>=0.15",
        "jax[cpu]==0.4.30",
        # Executes notebooks/finetune.ipynb in the suite.
        "nbclient>=0.10",
        "nbformat>=5.9",
        "ipykernel>=6.29",
    ],
    # Benchmark peers measured in the same run (benchmarks/train_step.py on CPU), and the
    # report's plots (benchmarks/report.py).
    "bench": [
        "keras-hub==0.25.1",
        "matplotlib>=3.8",
    ],
}

setup(
    name="bert_tf",
    version="0.1.0",
    description="BERT pre-training, fine-tuning and serving on TensorFlow/Keras 3",
    long_description=Path("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    python_requires=">=3.10,<3.11",
    # One package: the operator files in serving/ and the runners in pipelines/ are not code
    # to import, so no generic top-level `serving` or `pipelines` lands in site-packages.
    packages=find_packages(include=["bert_tf", "bert_tf.*"]),
    package_data={"bert_tf.export": ["serving_ops.txt"]},  # the TF Serving op list
    install_requires=CORE,
    extras_require=EXTRAS,
    entry_points={"console_scripts": ["bert-tf=bert_tf.cli:main"]},
)
