"""`FillMaskTask`: a pre-trained masked LM served as fill-mask (no fine-tuning).

The shape of `export_for_serving(pretrainer, preprocessor, path, "fill_mask", top_k=5)`:
raw text with one or more "[MASK]" in, for each mask the `top_k` most probable vocabulary
tokens with their probabilities out (HF `pipeline("fill-mask")`). The model is a
`BertPretrainer`: pre-trained here, or an HF `BertForMaskedLM` / `BertForPreTraining`
checkpoint loaded with its heads (`load_hf_checkpoint(path).task_model()`).

Example:
    >>> task = FillMaskTask.from_options("fill_mask", top_k=3)
    >>> task.served_task, task.serving_settings()
    ('fill_mask', {'top_k': 3})
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bert_tf.config import option
from bert_tf.tasks.shape_registry import register_shape
from bert_tf.tasks.task_shape import TaskConfig, TaskShape


@dataclasses.dataclass(frozen=True)
class FillMaskConfig(TaskConfig):
    """Fill-mask settings."""

    top_k: int = option(5, "candidates answered per [MASK]", cli=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.top_k, int) or self.top_k < 1:
            raise ValueError(f"top_k must be a positive integer, got {self.top_k!r}")


@register_shape
class FillMaskTask(TaskShape):
    """Fill-mask answers from a pre-trained masked LM; see the module docstring."""

    shape = "fill_mask"
    fine_tunes = False
    task_names = ("fill_mask",)
    served_as = ("fill_mask",)
    config_class = FillMaskConfig
    model_class = "bert_tf.models.bert_pretrainer:BertPretrainer"
    serving_module = "bert_tf.tasks.fill_mask_module:FillMaskModule"
    results = {"fill_mask": "bert_tf.tasks.fill_mask_result:FillMaskResult"}
    sample_inputs = {
        "text": ["Paris is the [MASK] of France.", "The [MASK] sat on the [MASK]."],
    }

    def read(self, path: Any) -> list:
        raise ValueError(
            "the fill_mask shape reads no task files: it serves a pre-trained masked LM"
        )

    def build_model(self, backbone: Any, dropout: float = 0.1) -> Any:
        from bert_tf.models import BertPretrainer

        return BertPretrainer(backbone)

    def serving_settings(self) -> dict[str, Any]:
        return {"top_k": self.config.top_k}
