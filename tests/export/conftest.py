"""Tiny real models (2 layers, hidden 64, the MiniLM WordPiece vocab) exported once per session,
and the in-process Python path (task features -> Keras model -> project post-processing) that
every served answer is compared with."""

from __future__ import annotations

import pytest
from export_helpers import SEQ, SPAN_SETTINGS, TAGS, TINY


@pytest.fixture(scope="session")
def preprocessor(tokenizer):
    from bert_tf.text import BertPreprocessor

    return BertPreprocessor(tokenizer, seq_length=SEQ)


def _backbone(tokenizer, seed):
    import keras

    from bert_tf.models import BertBackbone

    keras.utils.set_random_seed(seed)
    return BertBackbone.from_preset("bert_tiny", vocab_size=tokenizer.vocab_size, **TINY)


@pytest.fixture(scope="session")
def classifier(tokenizer):
    from bert_tf.models import BertClassifier

    return BertClassifier(_backbone(tokenizer, 1), num_classes=3)


@pytest.fixture(scope="session")
def regressor(tokenizer):
    from bert_tf.models import BertClassifier

    return BertClassifier(_backbone(tokenizer, 2), num_classes=1)


@pytest.fixture(scope="session")
def span_model(tokenizer):
    from bert_tf.models import BertSpanLabeler

    return BertSpanLabeler(_backbone(tokenizer, 3))


@pytest.fixture(scope="session")
def tagger(tokenizer):
    from bert_tf.models import BertTokenClassifier

    return BertTokenClassifier(_backbone(tokenizer, 4), num_classes=len(TAGS))


@pytest.fixture(scope="session")
def embedder(tokenizer):
    return _backbone(tokenizer, 5)


@pytest.fixture(scope="session")
def chooser(tokenizer):
    from bert_tf.models.bert_multiple_choice import BertMultipleChoice

    return BertMultipleChoice(_backbone(tokenizer, 6))


@pytest.fixture(scope="session")
def masked_lm(tokenizer):
    from bert_tf.models import BertPretrainer

    return BertPretrainer(_backbone(tokenizer, 7))


@pytest.fixture(scope="session")
def exports(
    tmp_path_factory,
    preprocessor,
    classifier,
    regressor,
    span_model,
    tagger,
    embedder,
    chooser,
    masked_lm,
):
    """name -> export directory: one per task shape (built lazily, once)."""
    from bert_tf.export import export_for_serving

    base = tmp_path_factory.mktemp("exports")
    recipes = {
        "classification": (classifier, "classification", dict(
            label_names=["neg", "neutral", "pos"], pair=True, stride=6)),
        "regression": (regressor, "regression", {}),
        "span": (span_model, "span", SPAN_SETTINGS),
        "tagging": (tagger, "tagging", dict(label_names=TAGS, stride=5)),
        "embedding": (embedder, "embedding", {}),
        "multiple_choice": (chooser, "multiple_choice", {}),
        "fill_mask": (masked_lm, "fill_mask", dict(top_k=3)),
    }  # fmt: skip

    class Exports(dict):
        def __missing__(self, name):
            model, task, options = recipes[name]
            self[name] = export_for_serving(model, preprocessor, base / name / "1", task, **options)
            return self[name]

    return Exports()


@pytest.fixture(scope="session")
def loaded(exports):
    """name -> `ExportedModel`."""
    from bert_tf.export import load_exported

    class Loaded(dict):
        def __missing__(self, name):
            self[name] = load_exported(exports[name])
            return self[name]

    return Loaded()
