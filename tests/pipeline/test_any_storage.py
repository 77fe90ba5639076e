"""The pipeline's training and push path on a non-local filesystem (`ram://`, TensorFlow's
in-process filesystem, which goes through `tf.io.gfile` exactly as `gs://` does).

The two Trainers' `run_fn`s run as TFX calls them (a `FnArgs` of artifact URIs) with every
input and output on `ram://`: pre-training records, work directory, step checkpoints (a rerun
resumes from them), the pre-trained model, task records, the fine-tuning run directory and its
serving export. The export is scored and served from `ram://`, and TFX's own Pusher pushes
to a `ram://` serving directory. What cannot run on `ram://` is what starts another
process (Beam's workers, the serving canary): `ram://` is private to one process.
"""

from __future__ import annotations

import json

import pytest

from bert_tf import storage

ROOT = "ram://any-storage"
PRETRAIN = dict(batch_size=8, num_train_steps=4, num_warmup_steps=1, checkpoint_every=2)
QA_OPTIONS = {"doc_stride": 16, "max_query_length": 12}


def _fn_args(**values):
    from tfx.components.trainer.fn_args_utils import FnArgs

    return FnArgs(**values)


@pytest.fixture(scope="module")
def pretrained(real_corpus, minilm_vocab):
    """The pre-training Trainer's output on ram://, from records built on ram://."""
    from bert_tf.data.pretraining.create import create_pretraining_data
    from bert_tf.pipeline import pretrain_trainer
    from bert_tf.pipeline.config_sections import PretrainSection
    from bert_tf.pipeline.typed_config import to_mapping

    text = real_corpus.read_text(encoding="utf-8")[:40_000]
    storage.write_text(f"{ROOT}/corpus/corpus.txt", text)
    examples = f"{ROOT}/PretrainingDataGen/examples"
    create_pretraining_data([f"{ROOT}/corpus/corpus.txt"], str(minilm_vocab),
                            f"{examples}/Split-train", max_seq_length=32,
                            max_predictions_per_seq=5, num_shards=1, num_workers=0,
                            progress=False)  # fmt: skip
    storage.copy_file(minilm_vocab, f"{examples}/vocab.txt")
    settings = {**to_mapping(PretrainSection(**PRETRAIN, verbose=0)), "lower_case": True,
                "max_seq_length": 32, "max_predictions_per_seq": 5}  # fmt: skip
    args = dict(
        train_files=storage.glob(f"{examples}/Split-train/*.tfrecord*"),
        train_steps=PRETRAIN["num_train_steps"],
        custom_config={"pretraining": settings, "work_dir": f"{ROOT}/work/PretrainTrainer"},
    )
    model = f"{ROOT}/PretrainTrainer/model/1/Format-Serving"
    pretrain_trainer.run_fn(_fn_args(**args, serving_model_dir=model))
    rerun = f"{ROOT}/PretrainTrainer/model/2/Format-Serving"  # a new execution, same inputs
    pretrain_trainer.run_fn(_fn_args(**args, serving_model_dir=rerun))
    return model, rerun


def test_pretraining_trainer_writes_and_resumes_on_a_url_filesystem(pretrained):
    model, rerun = pretrained
    assert {"backbone.keras", "vocab.txt", "tokenizer_config.json"} <= set(storage.listdir(model))
    first = json.loads(storage.read_text(f"{model}/pretraining_summary.json"))
    second = json.loads(storage.read_text(f"{rerun}/pretraining_summary.json"))
    assert first["work_dir"].startswith(f"{ROOT}/work/PretrainTrainer/")
    assert (first["initial_step"], first["final_step"]) == (0, 4)
    assert (second["initial_step"], second["final_step"]) == (4, 4)  # resumed from checkpoint
    checkpoints = storage.listdir(f"{first['work_dir']}/checkpoints")
    assert "checkpoint.json" in checkpoints and "ckpt-00000004.weights.h5" in checkpoints


@pytest.fixture(scope="module")
def finetuned(pretrained, tmp_path_factory):
    """The fine-tuning Trainer's run and export on ram://, from task records on ram://."""
    from task_files import _squad_json

    from bert_tf.pipeline import finetune_trainer
    from bert_tf.pipeline.config_sections import FinetuneSection
    from bert_tf.pipeline.typed_config import to_mapping
    from bert_tf.tasks import make_task
    from bert_tf.tasks.task_records import write_records

    task = make_task("squad-v2.0", **QA_OPTIONS)
    examples = task.read(_squad_json(tmp_path_factory.mktemp("qa") / "train.json"))
    uri = f"{ROOT}/TaskExampleGen/examples"
    for split in ("train", "eval"):
        write_records(
            f"{uri}/Split-{split}/data.tfrecord.gz", [task.to_record(e) for e in examples]
        )
    section = FinetuneSection(max_seq_length=48, epochs=1, batch_size=4, task_options=QA_OPTIONS,
                              verbose=0)  # fmt: skip
    settings = {**to_mapping(section), "task": "squad-v2.0", "lower_case": True}
    del settings["init"]
    run = f"{ROOT}/FinetuneTrainer/model_run/3"
    model = f"{ROOT}/FinetuneTrainer/model/3"
    finetune_trainer.run_fn(_fn_args(
        train_files=[f"{uri}/Split-train/*"], eval_files=[f"{uri}/Split-eval/*"],
        base_model=pretrained[0], model_run_dir=run, serving_model_dir=f"{model}/Format-Serving",
        custom_config={"finetune": settings},
    ))  # fmt: skip
    return task, examples, run, model


def test_finetuning_trainer_trains_and_exports_on_a_url_filesystem(finetuned):
    from bert_tf.export import load_exported
    from bert_tf.export.served_evaluation import evaluate_export

    task, examples, run, model = finetuned
    summary = json.loads(storage.read_text(f"{run}/finetune_metrics.json"))
    written = set(storage.listdir(f"{run}/finetune"))
    assert {"model.keras", "metrics.json", "vocab.txt", "task_config.json"} <= written
    assert {"predictions.json", "nbest_predictions.json", "feature_cache", "logs"} <= written
    export = f"{model}/Format-Serving"
    assert {"saved_model.pb", "variables", "assets", "assets.extra"} <= set(storage.listdir(export))
    served = load_exported(export)(question=["Who was the Norse leader?"],
                                   context=[examples[0].context])  # fmt: skip
    assert set(served) == {"text", "score", "start_char", "end_char"}
    scores = evaluate_export(export, task, examples)
    assert scores["f1"] == pytest.approx(summary["metrics"]["f1"], abs=1e-6)  # one model


def test_tfx_pusher_pushes_to_a_url_serving_directory(finetuned, tmp_path):
    from tfx.components.pusher import executor as pusher_executor
    from tfx.proto import pusher_pb2
    from tfx.types import standard_artifacts
    from tfx.utils import proto_utils

    from bert_tf.export import load_exported

    # The Pusher reads a local copy: TFX's copy walks the tree, and ram:// (not gs://) walks
    # `assets/` into `assets.extra/` as `assets/.extra`, its directories being name prefixes.
    storage.copy_tree(f"{finetuned[3]}/Format-Serving", str(tmp_path / "model" / "Format-Serving"))
    model = standard_artifacts.Model()
    model.uri = str(tmp_path / "model")
    blessing = standard_artifacts.ModelBlessing()
    blessing.uri = f"{ROOT}/TaskEvaluator/blessing/4"
    blessing.set_int_custom_property("blessed", 1)
    pushed = standard_artifacts.PushedModel()
    pushed.uri = f"{ROOT}/Pusher/pushed_model/5"
    destination = pusher_pb2.PushDestination(
        filesystem=pusher_pb2.PushDestination.Filesystem(base_directory=f"{ROOT}/serving/qa")
    )
    pusher_executor.Executor().Do(
        {"model": [model], "model_blessing": [blessing]},
        {"pushed_model": [pushed]},
        {"push_destination": proto_utils.proto_to_json(destination)},
    )
    assert pushed.get_int_custom_property("pushed") == 1
    (version,) = storage.listdir(f"{ROOT}/serving/qa")
    assert load_exported(f"{ROOT}/serving/qa/{version}").task == "span"
