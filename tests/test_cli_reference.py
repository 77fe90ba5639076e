"""`docs/cli.md` is the CLI's own `--help`, regenerated: a changed flag without it fails here."""

from pathlib import Path

from bert_tf.cli_reference import render

REFERENCE = Path(__file__).parents[1] / "docs" / "cli.md"


def test_cli_reference_is_current():
    assert REFERENCE.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `python -m bert_tf.cli_reference > docs/cli.md`"
    )
