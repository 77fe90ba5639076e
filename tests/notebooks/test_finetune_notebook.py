"""`notebooks/finetune.ipynb` runs top to bottom (tiny settings), so it never rots.

It fine-tunes the real MiniLM checkpoint with `model.fit`, exports it, queries the export
in-process and through `bert-tf serve` + the client, and asserts the answers agree.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "finetune.ipynb"


@pytest.mark.slow
def test_notebook_executes_end_to_end(tmp_path, minilm_dir, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("BERT_TF_NOTEBOOK_QUICK", "1")
    monkeypatch.setenv("BERT_TF_NOTEBOOK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    assert "dev accuracy" in printed
    assert (tmp_path / "work" / "models" / "docstring" / "1" / "saved_model.pb").is_file()
    assert os.environ["BERT_TF_NOTEBOOK_QUICK"] == "1"
