"""Helpers of the serving tests: tiny real classifier exports and version pushes."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LABELS = ["negative", "positive"]
ECHO_MAX_ROWS = 4  # --max-request-rows of the echo_server fixture


def export_classifier(tokenizer, directory: Path, seed: int, pair: bool = False) -> Path:
    """A tiny BERT classifier (2 layers, hidden 64, seq 32, MiniLM vocab), exported for serving."""
    import keras

    from bert_tf.export import export_for_serving
    from bert_tf.models import BertBackbone, BertClassifier
    from bert_tf.text import BertPreprocessor

    keras.utils.set_random_seed(seed)
    tiny = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)
    backbone = BertBackbone.from_preset("bert_tiny", vocab_size=tokenizer.vocab_size, **tiny)
    model = BertClassifier(backbone, num_classes=2)
    preprocessor = BertPreprocessor(tokenizer, seq_length=32)
    return export_for_serving(model, preprocessor, directory, "classification", LABELS, pair=pair)


def copy_model(source: Path, base: Path, version: int = 1) -> Path:
    """Pushes a version as operators do: copied elsewhere, renamed into BASE/<version>."""
    import shutil

    base.mkdir(parents=True, exist_ok=True)
    staging = base.parent / f".staging-{base.name}-{version}"
    shutil.copytree(source, staging)
    os.rename(staging, base / str(version))
    return base / str(version)


def save_echo_model(directory: Path, contract_takes_input: bool = True) -> Path:
    """A tiny SavedModel (no BERT) with bert_tf's signatures: `serving_default` classifies a
    text by its length, `contract` answers the contract JSON; with `contract_takes_input` the
    contract signature takes a `request` string, as TF Serving's REST API needs."""
    import json

    import tensorflow as tf

    contract = json.dumps(
        {"task": "classification", "inputs": ["text"], "label_names": LABELS, "list_inputs": []}
    )

    class Echo(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="text")])
        def serving_default(self, text):
            length = tf.cast(tf.strings.length(text), tf.float32)
            positive = tf.sigmoid(length - 3.0)
            probabilities = tf.stack([1.0 - positive, positive], axis=-1)
            label_id = tf.cast(positive > 0.5, tf.int32)
            label = tf.gather(tf.constant(LABELS), label_id)
            return {"probabilities": probabilities, "label": label, "label_id": label_id}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="request")])
        def contract_with_input(self, request):
            return {"contract": tf.fill(tf.shape(request), contract)}

        @tf.function(input_signature=[])
        def contract_without_input(self):
            return {"contract": tf.constant(contract)}

    module = Echo()
    contract_fn = (
        module.contract_with_input if contract_takes_input else module.contract_without_input
    )
    signatures = {
        "serving_default": module.serving_default.get_concrete_function(),
        "contract": contract_fn.get_concrete_function(),
    }
    tf.saved_model.save(module, str(directory), signatures=signatures)
    return directory
