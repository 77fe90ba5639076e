"""Where models come from: a preset, a `.keras` file, an HF checkpoint directory, or a
fine-tuning output directory (`bert-tf finetune --output-dir`), each with its tokenizer.

A fine-tuning output directory holds `model.keras` (the best checkpoint), `vocab.txt`,
`tokenizer_config.json` (casing), `labels.json` and `task_config.json`.

Example:
    >>> backbone, tokenizer, vocab = load_backbone("bert_tiny", "vocab.txt")  # random weights
    >>> backbone.config.num_layers, tokenizer.vocab_size, vocab.name
    (2, 30522, 'vocab.txt')
    >>> model, tokenizer, task = load_finetuned("runs/mrpc")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

MODEL_FILE = "model.keras"
VOCAB_FILE = "vocab.txt"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"
LABELS_FILE = "labels.json"
TASK_CONFIG_FILE = "task_config.json"


def make_tokenizer(
    vocab_file: str | Path, lower_case: bool = True, max_chars_per_word: int | None = None
) -> Any:
    """The `BertTokenizer` of a vocabulary (tensorflow-text loads on first use)."""
    from bert_tf.text import BertTokenizer

    limit = {} if max_chars_per_word is None else {"max_chars_per_word": max_chars_per_word}
    return BertTokenizer(vocab_file, lower_case=lower_case, **limit)


def _backbone_of(model: Any, source: str) -> Any:
    from bert_tf.models import BertBackbone

    if isinstance(model, BertBackbone):
        return model
    backbone = getattr(model, "backbone", None)
    if isinstance(backbone, BertBackbone):
        return backbone
    raise ValueError(f"{source}: holds a {type(model).__name__}, which has no BertBackbone")


def load_backbone(
    init: str,
    vocab_file: str | Path | None = None,
    lower_case: bool = True,
    **config_overrides: Any,
) -> tuple[Any, Any, Path]:
    """(backbone, tokenizer, vocab file) to start fine-tuning or feature extraction from.

    Args:
        init: a preset name ("bert_base": random weights), a `.keras` file (a backbone,
            pre-trainer or task model; its backbone is used), an imported checkpoint (an HF
            directory with safetensors or pytorch_model.bin, a keras-hub preset, a
            google-research TF1 checkpoint), or a run directory with `model.keras`
            (fine-tuning) or `backbone.keras` (`bert-tf pretrain`) beside `vocab.txt`.
        vocab_file: WordPiece vocabulary; required for a preset or a bare `.keras` file.
        lower_case: tokenizer casing where the source does not record it.
        config_overrides: BertConfig fields for a preset (e.g. num_layers=2 for tests).
    """
    import keras

    path = Path(init)
    if _imported_format(path):  # an HF, keras-hub or google-research checkpoint
        from bert_tf.checkpoints.any_checkpoint import checkpoint_format, load_checkpoint

        loaded = load_checkpoint(path, with_heads=False)
        vocab = Path(vocab_file) if vocab_file else loaded.vocab_file
        if vocab is None:
            raise FileNotFoundError(f"{path} has no vocab.txt; pass --vocab")
        limit = None  # the tokenizer's default, except google-research's own limit (200)
        if checkpoint_format(path) == "google":
            from bert_tf.text.bert_tokenizer import GOOGLE_MAX_CHARS_PER_WORD

            limit = GOOGLE_MAX_CHARS_PER_WORD
        return loaded.backbone, make_tokenizer(vocab, loaded.lower_case, limit), Path(vocab)
    saved = [path / name for name in (MODEL_FILE, "backbone.keras") if (path / name).is_file()]
    max_chars = None  # a run directory records it; otherwise the tokenizer's default
    if path.is_dir() and saved:  # a fine-tuning or pre-training (backbone.keras) output
        lower_case = _saved_lower_case(path, lower_case)
        max_chars = _saved_tokenizer_setting(path, "max_chars_per_word")
        vocab_file = vocab_file or path / VOCAB_FILE
        path = saved[0]
    if path.suffix == ".keras":
        if not path.is_file():
            raise FileNotFoundError(f"model file not found: {path}")
        if vocab_file is None:
            raise ValueError(f"{path}: a .keras model needs --vocab for its tokenizer")
        import bert_tf.models  # noqa: F401 (registers the model classes for loading)

        backbone = _backbone_of(keras.saving.load_model(path, compile=False), str(path))
        backbone.trainable = True
        tokenizer = make_tokenizer(vocab_file, lower_case, max_chars)
        return backbone, tokenizer, Path(vocab_file)
    if path.exists():
        raise ValueError(f"{path}: not an HF checkpoint directory, .keras file or run directory")
    from bert_tf.config import PRESETS
    from bert_tf.models import BertBackbone

    if init not in PRESETS:
        raise FileNotFoundError(
            f"--init {init!r} is neither an existing path nor a preset ({', '.join(PRESETS)})"
        )
    if vocab_file is None:
        raise ValueError(f"preset {init!r} needs --vocab (its weights start random)")
    tokenizer = make_tokenizer(vocab_file, lower_case)
    overrides = {"vocab_size": tokenizer.vocab_size, **config_overrides}
    return BertBackbone.from_preset(init, **overrides), tokenizer, Path(vocab_file)


def _imported_format(path: Path) -> bool:
    """Whether `path` is a checkpoint of another system (not a bert-tf run or .keras file)."""
    if not path.exists() and not Path(f"{path}.index").exists():
        return False
    from bert_tf.checkpoints.any_checkpoint import checkpoint_format

    try:
        return checkpoint_format(path) in ("hf", "keras-hub", "google")
    except ValueError:
        return False


def _saved_lower_case(model_dir: Path, default: bool) -> bool:
    path = model_dir / TOKENIZER_CONFIG_FILE
    if not path.is_file():
        return default
    return bool(json.loads(path.read_text(encoding="utf-8")).get("lower_case", default))


def _saved_tokenizer_setting(model_dir: Path, key: str) -> Any:
    """A value of the run's tokenizer_config.json, or None (the tokenizer's default)."""
    path = model_dir / TOKENIZER_CONFIG_FILE
    return json.loads(path.read_text(encoding="utf-8")).get(key) if path.is_file() else None


def save_run_files(
    out_dir: str | Path,
    vocab_file: str | Path,
    lower_case: bool,
    task: Any,
    extra: dict,
    max_chars_per_word: int | None = None,
) -> None:
    """Writes the tokenizer, label list and task config next to `model.keras`."""
    out = Path(out_dir)
    if Path(vocab_file).resolve() != (out / VOCAB_FILE).resolve():
        shutil.copyfile(vocab_file, out / VOCAB_FILE)
    tokenizer = {"vocab_file": VOCAB_FILE, "lower_case": lower_case}
    if max_chars_per_word is not None:  # absent: BertTokenizer's default (100)
        tokenizer["max_chars_per_word"] = int(max_chars_per_word)
    (out / TOKENIZER_CONFIG_FILE).write_text(json.dumps(tokenizer, indent=2) + "\n")
    (out / LABELS_FILE).write_text(json.dumps(task.labels, indent=2) + "\n")
    config = {"task": task.get_config(), **extra}
    (out / TASK_CONFIG_FILE).write_text(json.dumps(config, indent=2, default=str) + "\n")


def load_finetuned(model_dir: str | Path) -> tuple[Any, Any, Any]:
    """(model, tokenizer, task) of a `bert-tf finetune` output directory."""
    import keras

    import bert_tf.models  # noqa: F401 (registers the task models for loading)
    from bert_tf.models.feature_based_model import FeatureBasedModel  # noqa: F401 (registers)
    from bert_tf.tasks import make_task

    model_dir = Path(model_dir)
    for name in (MODEL_FILE, VOCAB_FILE, TASK_CONFIG_FILE):
        if not (model_dir / name).is_file():
            raise FileNotFoundError(f"{model_dir} is not a fine-tuning output: no {name}")
    task_config = json.loads((model_dir / TASK_CONFIG_FILE).read_text(encoding="utf-8"))["task"]
    task = make_task(task_config.pop("name"), **task_config)
    tokenizer = make_tokenizer(
        model_dir / VOCAB_FILE,
        _saved_lower_case(model_dir, True),
        _saved_tokenizer_setting(model_dir, "max_chars_per_word"),
    )
    model = keras.saving.load_model(model_dir / MODEL_FILE, compile=False)
    return model, tokenizer, task
