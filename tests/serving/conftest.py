"""Serving fixtures: real exports of tiny BERT classifiers and a `bert-tf serve` subprocess.

`real_exports` runs `bert_tf.export.export_for_serving` once per session (single-text and
pair classifiers, plus a retrained-looking second version with other weights on request);
`ServerProcess` starts `python -m bert_tf.cli serve ...` the way a user starts it, on free
ports. `echo_server` serves two tiny non-BERT models (fast to load) for the protocol tests:
"echo", whose `contract` signature takes an input, and "old", whose does not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from serving_helpers import ECHO_MAX_ROWS, copy_model, export_classifier, save_echo_model

from bert_tf.serving.server_process import ServerProcess


@pytest.fixture(scope="session")
def real_exports(tmp_path_factory, tokenizer) -> dict[str, Path]:
    """Version directories of `export_for_serving`: "clf" (text) and "pair" (text, text_pair)."""
    root = tmp_path_factory.mktemp("exports")
    return {
        "clf": export_classifier(tokenizer, root / "clf" / "1", seed=3),
        "pair": export_classifier(tokenizer, root / "pair" / "1", seed=4, pair=True),
    }


@pytest.fixture(scope="session")
def retrained_export(tmp_path_factory, tokenizer) -> Path:
    """The "clf" classifier with other weights, as a retrained version would have."""
    return export_classifier(tokenizer, tmp_path_factory.mktemp("retrained") / "1", seed=11)


@pytest.fixture(scope="module")
def model_base(tmp_path_factory, real_exports) -> Path:
    """BASE/NAME holding version 1 of the real tiny classifier export."""
    base = tmp_path_factory.mktemp("models") / "clf"
    copy_model(real_exports["clf"], base)
    return base


@pytest.fixture(scope="session")
def echo_models(tmp_path_factory) -> Path:
    """BASE holding echo/1 (contract takes an input) and old/1 (contract takes none)."""
    base = tmp_path_factory.mktemp("echo")
    save_echo_model(base / "echo" / "1")
    save_echo_model(base / "old" / "1", contract_takes_input=False)
    return base


@pytest.fixture(scope="session")
def echo_server(echo_models):
    """`bert-tf serve` over the echo models (label stable -> 1), at most 4 rows a request."""
    config = echo_models / "models.config"
    config.write_text(
        f'model_config_list {{ config {{ name: "echo" base_path: "{echo_models / "echo"}" '
        'version_labels { key: "stable" value: 1 } } '
        f'config {{ name: "old" base_path: "{echo_models / "old"}" }} }}'
    )
    args = ["--model-config-file", str(config), "--max-request-rows", str(ECHO_MAX_ROWS)]
    args += ["--max-request-bytes", str(256 << 10)]
    with ServerProcess(args, echo_models / "server.log", wait_for=["echo", "old"]) as server:
        yield server
