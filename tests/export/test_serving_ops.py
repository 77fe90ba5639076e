"""Every exported task model uses only ops the tensorflow/serving:2.16.1 image registers
(`serving_ops.txt`), found by walking every function of its graph library; the list's core part
is made of real core TensorFlow ops; and the walker does flag an op outside the list."""

from __future__ import annotations

import subprocess
import sys

import pytest
import tensorflow as tf

from bert_tf.export import check_serving_ops, serving_ops_used
from bert_tf.export.op_check import SERVING_OPS_FILE, allowed_serving_ops

TASKS = (
    "classification",
    "regression",
    "span",
    "tagging",
    "embedding",
    "multiple_choice",
    "fill_mask",
)
# RegexSplitWithOffsets: special tokens written in the text kept whole (fill_mask's [MASK]).
TF_TEXT_OPS_WE_USE = {
    "FastBertNormalize",
    "FastWordpieceTokenizeWithOffsets",
    "RegexSplitWithOffsets",
}


@pytest.mark.parametrize("task", TASKS)
def test_exports_use_only_serving_ops(task, exports):
    assert check_serving_ops(exports[task]) == []
    used = serving_ops_used(exports[task])
    nested = {graph for graphs in used.values() for graph in graphs if graph != "<graph>"}
    assert len(nested) > 5  # ops of nested library functions were walked
    text_ops = {op for op in used if op in TF_TEXT_OPS_WE_USE or ">" in op}
    assert text_ops <= TF_TEXT_OPS_WE_USE
    assert "TFText>RoundRobinTrim" not in used


def _core_section() -> list[str]:
    lines = SERVING_OPS_FILE.read_text().split("# [tensorflow-text 2.12.1]")[0].splitlines()
    names = [line.split("#")[0].strip() for line in lines]
    return [name for name in names if name]


def test_core_ops_are_registered_by_tensorflow_alone():
    script = (
        "import sys, tensorflow\n"
        "from tensorflow.core.framework import op_def_pb2\n"
        "from tensorflow.python.client import pywrap_tf_session as c\n"
        "ops = op_def_pb2.OpList()\n"
        "ops.ParseFromString(bytes(c.TF_GetBuffer(c.TF_GetAllOpList())))\n"
        "assert 'tensorflow_text' not in sys.modules\n"
        "print('\\n'.join(op.name for op in ops.op))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    registered = set(result.stdout.split())
    core = _core_section()
    assert len(core) > 50
    assert [op for op in core if op not in registered] == []
    assert not {"PyFunc", "PyFuncStateless", "EagerPyFunc"} & allowed_serving_ops()
    assert {"TFText>RoundRobinTrim", "TFText>RoundRobinGenerateMasks"}.isdisjoint(
        allowed_serving_ops()
    )


def test_an_op_outside_the_list_is_reported(tmp_path):
    import tensorflow_text as tf_text

    class Trims(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def trim(self, text):
            pieces = tf.strings.split(text)  # [B, (W)]
            trimmed = tf_text.RoundRobinTrimmer(max_seq_length=3).trim([pieces, pieces])
            return {"pieces": trimmed[0].to_tensor()}

    module = Trims()
    tf.saved_model.save(module, str(tmp_path), signatures={"serving_default": module.trim})
    assert "TFText>RoundRobinTrim" in check_serving_ops(tmp_path)
