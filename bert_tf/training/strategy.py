"""`create_strategy`: a `tf.distribute` strategy from a name in the run config.

Example:
    >>> strategy = create_strategy("default")
    >>> strategy.num_replicas_in_sync
    1
"""

from __future__ import annotations

from collections.abc import Sequence

import tensorflow as tf

from bert_tf.training.pretraining_config import STRATEGIES


def _mirrored_devices(devices: Sequence[str] | None) -> list[str] | None:
    """The devices to mirror over: the given ones, else every GPU, else every logical CPU."""
    if devices:
        return list(devices)
    if tf.config.list_logical_devices("GPU"):
        return None  # MirroredStrategy's own default: all GPUs
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def create_strategy(
    name: str = "default",
    devices: Sequence[str] | None = None,
    tpu_address: str | None = None,
) -> tf.distribute.Strategy:
    """A distribution strategy; build and compile the model under its `scope()`.

    Args:
        name: "default" (the current strategy, normally one device), "one_device" (the first
            GPU, else the CPU), "mirrored" (synchronous data parallelism over `devices`; by
            default every GPU, or every logical CPU when there is no GPU),
            "multi_worker_mirrored" (several hosts; the cluster comes from `TF_CONFIG`) or
            "tpu" (a TPU at `tpu_address`, "" or None for a local/Colab/TPU-VM one).
        devices: device names for "mirrored" / "one_device", e.g. ["/gpu:0", "/gpu:1"].
        tpu_address: the TPU name or grpc address for "tpu".

    Example:
        >>> create_strategy("one_device").num_replicas_in_sync
        1
    """
    key = name.lower().replace("-", "_")
    if key not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}")
    if key == "default":
        return tf.distribute.get_strategy()
    if key == "one_device":
        if devices:
            device = devices[0]
        else:
            device = "/gpu:0" if tf.config.list_logical_devices("GPU") else "/cpu:0"
        return tf.distribute.OneDeviceStrategy(device)
    if key == "mirrored":
        return tf.distribute.MirroredStrategy(devices=_mirrored_devices(devices))
    if key == "multi_worker_mirrored":
        return tf.distribute.MultiWorkerMirroredStrategy()
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu_address or "")
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process writes checkpoints, logs and outputs: true except on the
    non-chief workers of a multi-worker strategy (the chief is task "chief", or worker 0
    when the cluster has no "chief" task)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not strategy.extended._in_multi_worker_mode():
        return True
    if resolver.task_type in (None, "chief"):
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief
