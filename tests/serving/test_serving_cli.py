"""`bert-tf serve` / `bert-tf predict` refuse bad command lines with a message, exit status 2."""

from __future__ import annotations

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
        (["predict", "--target", "h:1", "--model", "m"], "give TEXT [TEXT_PAIR] or --input FILE"),
        (["predict", "--target", "h:1", "--model", "m", "a", "b", "c"], "at most two texts"),
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


def test_predict_rows_need_the_same_columns(tmp_path, capsys):
    rows = tmp_path / "rows.txt"
    rows.write_text("one\ttwo\nthree\n")
    assert main(["predict", "--target", "h:1", "--model", "m", "--input", str(rows)]) == 2
    assert "same number of tab-separated columns" in capsys.readouterr().err
