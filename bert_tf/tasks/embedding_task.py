"""`EmbeddingTask`: a pre-trained encoder served as sentence embeddings (no fine-tuning).

The shape of `export_for_serving(backbone, preprocessor, path, "embedding")` and
`bert-tf extract-features`: raw text (or a pair) in, the pooled [CLS] vector and the mean of
the last layer's real tokens out. It reads no task files and trains no head; fine-tune a
shape with a head for that.

Example:
    >>> task = EmbeddingTask.from_options("embedding", pair=True)
    >>> task.served_task, task.pair
    ('embedding', True)
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bert_tf.config import option
from bert_tf.tasks.shape_registry import register_shape
from bert_tf.tasks.task_shape import TaskConfig, TaskShape


@dataclasses.dataclass(frozen=True)
class EmbeddingConfig(TaskConfig):
    """Embedding settings."""

    pair: bool = option(False, "the signature takes (text, text_pair)", cli=False)


@register_shape
class EmbeddingTask(TaskShape):
    """Sentence embeddings from a backbone; see the module docstring."""

    shape = "embedding"
    fine_tunes = False
    task_names = ("embedding",)
    served_as = ("embedding",)
    config_class = EmbeddingConfig
    model_class = "bert_tf.models.bert_backbone:BertBackbone"
    serving_module = "bert_tf.tasks.embedding_module:EmbeddingModule"
    results = {"embedding": "bert_tf.tasks.embedding_result:EmbeddingResult"}
    sample_inputs = {
        "text": ["BERT reads the whole sentence.", "Peter Blackburn visited Brussels."],
        "text_pair": ["It is bidirectional.", "He went to Belgium."],
    }

    def read(self, path: Any) -> list:
        from bert_tf.tasks.shape_registry import shapes

        others = ", ".join(
            name for shape in shapes() if shape.fine_tunes for name in shape.task_names
        )
        raise ValueError(
            "the embedding shape reads no task files: it serves a pre-trained encoder; "
            f"fine-tune a task with a head ({others}) instead"
        )

    def build_model(self, backbone: Any, dropout: float = 0.1) -> Any:
        return backbone
