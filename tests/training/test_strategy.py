"""create_strategy: names, errors, and MirroredStrategy over two logical CPUs training BERT."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bert_tf.training.strategy import create_strategy, is_chief


def test_default_and_one_device():
    import tensorflow as tf

    default = create_strategy("default")
    assert default is tf.distribute.get_strategy() and is_chief(default)
    one = create_strategy("one-device")
    assert isinstance(one, tf.distribute.OneDeviceStrategy)
    assert one.num_replicas_in_sync == 1


def test_unknown_strategy():
    with pytest.raises(ValueError, match="unknown strategy 'horovod'"):
        create_strategy("horovod")


MIRRORED_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
    )
    sys.path.insert(0, sys.argv[3])
    from training_helpers import tiny_run_config
    from bert_tf.training.pretraining_run import run_pretraining
    from bert_tf.training.strategy import create_strategy

    records = json.loads(sys.argv[1])
    replicas = create_strategy("mirrored").num_replicas_in_sync
    config = tiny_run_config(
        records, sys.argv[2], strategy="mirrored", num_train_steps=4, checkpoint_every=2
    )
    result = run_pretraining(config)
    variable = result.model.backbone.embeddings.word_embeddings.embeddings
    print("RESULT", json.dumps({
        "replicas": replicas,
        "final_step": result.final_step,
        "history": result.history,
        "trained_weights_finite": bool(tf.reduce_all(tf.math.is_finite(variable)).numpy()),
    }))
    """
)


@pytest.fixture(scope="module")
def mirrored_run(tmp_path_factory, pretraining_records) -> tuple[dict, Path]:
    """Pre-train 4 steps under MirroredStrategy over two logical CPUs, in a subprocess
    (logical devices must be configured before TensorFlow initialises)."""
    records = {k: v for k, v in pretraining_records.items() if k != "stats"}
    output_dir = tmp_path_factory.mktemp("mirrored") / "run"
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="2")
    script_args = [json.dumps(records), str(output_dir), str(Path(__file__).parent)]
    completed = subprocess.run(
        [sys.executable, "-c", MIRRORED_SCRIPT, *script_args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = [row for row in completed.stdout.splitlines() if row.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :]), output_dir


@pytest.mark.slow
def test_mirrored_strategy_over_two_logical_cpus_trains(mirrored_run):
    result, output_dir = mirrored_run
    assert result["replicas"] == 2
    assert result["final_step"] == 4
    assert all(0 < loss < 12 for loss in result["history"]["mlm_loss"])
    assert all(0 < acc <= 1 for acc in result["history"]["nsp_accuracy"])
    assert result["trained_weights_finite"]
    assert (output_dir / "backbone.keras").is_file()
    assert (output_dir / "checkpoints" / "ckpt-00000004.weights.h5").is_file()


@pytest.mark.slow
def test_mirrored_total_loss_is_mlm_plus_nsp(mirrored_run):
    history = mirrored_run[0]["history"]
    expected = history["mlm_loss"][-1] + history["nsp_loss"][-1]
    assert history["loss"][-1] == pytest.approx(expected, rel=1e-3)
