"""`bert-tf serve` / `bert-tf predict` refuse bad command lines with a message, exit status 2."""

from __future__ import annotations

import re

import pytest

from bert_tf.cli import main


@pytest.mark.parametrize(
    "argv, message",
    [
        (["serve"], "give either --model-base-path (with --model-name) or --model-config-file"),
        (
            ["serve", "--model-base-path", "m", "--model-config-file", "c"],
            "give either --model-base-path",
        ),
        (
            ["serve", "--model-base-path", "m", "--batching-parameters-file", "b"],
            "--batching-parameters-file needs --enable-batching",
        ),
        (
            ["serve", "--model-base-path", "m", "--max-request-rows", "-1"],
            "--max-request-rows must be >= 0",
        ),
        (["predict", "--target", "h:1", "--model", "m"], "give TEXT [TEXT_PAIR] or --input FILE"),
    ],
)
def test_bad_command_lines(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_serve_names_a_missing_base_path_and_a_bad_config(tmp_path, capsys):
    assert main(["serve", "--model-base-path", str(tmp_path / "nope"), "--port", "0"]) == 2
    assert "base path" in capsys.readouterr().err
    config = tmp_path / "models.config"
    config.write_text('model_config_list { config { name: "bert" base_pth: "/m" } }')
    assert main(["serve", "--model-config-file", str(config)]) == 2
    assert "base_pth" in capsys.readouterr().err


@pytest.mark.parametrize(
    "contract, rows, message",
    [
        ({"inputs": ["text"]}, [["a", "b", "c"]], "takes 1 column(s) ['text']; row 1 has 3"),
        ({"inputs": ["text", "text_pair"]}, [["a", "b"], ["c"]], "row 2 has 1"),
        (
            {"inputs": ["context", "choices"], "list_inputs": ["choices"]},
            [["a context"]],
            "takes 1 + choices column(s)",
        ),
    ],
)
def test_predict_rows_must_fit_the_model_inputs(contract, rows, message):
    """Rows are checked against the served contract before anything is sent."""
    from bert_tf.serving.bert_serving_client import BertServingClient

    client = BertServingClient("127.0.0.1:1", "m")
    client._contract = contract  # what contract() fetched from the server
    with pytest.raises(ValueError, match=re.escape(message)):
        client.predict_rows(rows)
    client.close()
