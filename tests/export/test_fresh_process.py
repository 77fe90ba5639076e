"""An export loads and answers in a fresh process that imports only `tensorflow` and
`tensorflow_text` (as TF Serving or any client machine would), with the same answers."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from export_helpers import CONTEXT, TEXTS

SCRIPT = """
import json, sys
import tensorflow as tf
import tensorflow_text  # noqa: F401 (registers the tokenizer ops)
model = tf.saved_model.load(sys.argv[1])
inputs = {k: tf.constant(v) for k, v in json.loads(sys.argv[2]).items()}
outputs = model.signatures["serving_default"](**inputs)
answers = model.signatures["contract"](request=tf.constant([""]))["contract"]  # one per row
contract = json.loads(answers[0].numpy())
assert not [name for name in sys.modules if name.startswith("bert_tf")]
print(json.dumps({"contract_task": contract["task"],
                  **{k: v.numpy().tolist() for k, v in outputs.items()}}, default=bytes.decode))
"""


@pytest.mark.parametrize(
    ("task", "inputs"),
    [
        ("span", {"question": ["Who was the Norse leader?", ""], "context": [CONTEXT, CONTEXT]}),
        ("tagging", {"text": TEXTS}),
    ],
)
def test_loads_without_bert_tf(task, inputs, exports, loaded):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(exports[task]), json.dumps(inputs)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    fresh = json.loads(result.stdout.strip().splitlines()[-1])
    assert fresh.pop("contract_task") == task
    here = loaded[task](**inputs)
    assert sorted(fresh) == sorted(here)
    for key, value in here.items():
        if value.dtype == object:
            assert fresh[key] == [[v.decode() for v in r] if value.ndim > 1 else r.decode()
                                  for r in value], key  # fmt: skip
        else:
            array = np.asarray(fresh[key]).reshape(value.shape)
            np.testing.assert_allclose(array, value, atol=1e-5, err_msg=key)
