"""The README's Python quickstart runs as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"


@pytest.mark.slow
def test_quickstart_runs(minilm_dir):
    block = re.search(r"## Python quickstart.*?```python\n(.*?)```", README.read_text(), re.S)
    assert block, "README has no Python quickstart block"
    namespace: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)  # noqa: S102
    assert namespace["probabilities"].shape == (2, 2)
