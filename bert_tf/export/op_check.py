"""Which ops an exported model needs, and which of them the TF Serving image lacks.

`serving_ops.txt` (beside this file) lists the ops the official `tensorflow/serving:2.16.1`
model server registers for bert_tf models: the core TensorFlow ops of our graphs plus
tensorflow-text 2.12.1's ops (the version that image links); its header says where it came
from. `check_serving_ops` walks the SavedModel's graph and every function in its library
(nested functions included) and returns the ops outside that list.

Example:
    >>> check_serving_ops("models/sst2/1")  # doctest: +SKIP
    []
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from pathlib import Path

SERVING_OPS_FILE = Path(__file__).with_name("serving_ops.txt")


@functools.lru_cache(maxsize=1)
def allowed_serving_ops() -> frozenset[str]:
    """The op names of `serving_ops.txt` (comments and blank lines skipped)."""
    lines = SERVING_OPS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split("#")[0].strip() for line in lines if line.split("#")[0].strip())


def serving_ops_used(saved_model_dir: str | os.PathLike) -> dict[str, set[str]]:
    """op name -> the graphs using it ("<graph>" or a library function's name).

    A node that calls a library function by its name is not an op and is left out.
    """
    from tensorflow.core.protobuf import saved_model_pb2

    from bert_tf import storage

    path = storage.join(saved_model_dir, "saved_model.pb")
    if not storage.isfile(path):
        raise FileNotFoundError(f"{saved_model_dir} holds no saved_model.pb")
    saved = saved_model_pb2.SavedModel()
    saved.ParseFromString(storage.read_bytes(path))
    used: dict[str, set[str]] = defaultdict(set)
    functions: set[str] = set()
    for meta_graph in saved.meta_graphs:
        graph = meta_graph.graph_def
        functions.update(function.signature.name for function in graph.library.function)
        for node in graph.node:
            used[node.op].add("<graph>")
        for function in graph.library.function:
            for node in function.node_def:
                used[node.op].add(function.signature.name)
    return {op: graphs for op, graphs in used.items() if op not in functions}


def check_serving_ops(saved_model_dir: str | os.PathLike) -> list[str]:
    """The ops of the SavedModel that `serving_ops.txt` does not list (sorted; [] = servable).

    Every function of the graph's library is walked, so ops inside nested functions (the
    bodies that `StatefulPartitionedCall`, `While` or `If` nodes run) count too.
    """
    allowed = allowed_serving_ops()
    return sorted(op for op in serving_ops_used(saved_model_dir) if op not in allowed)
