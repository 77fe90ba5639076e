"""`FillMaskExport`: the pre-trained model as a fill-mask servable, scored and canaried.

The pre-training Trainer's output (backbone and MLM head) is exported with served task
`fill_mask` (`bert_tf.export.export_fill_mask`: raw text with "[MASK]" in, the `top_k`
tokens and probabilities of every mask out). The export is then scored as served: one word
of each of `eval_sentences` corpus sentences is hidden and `serving_default` must name it
(`bert_tf.evaluation.masked_word_recall`: top-1 accuracy and recall at k, percent). The
sentences come from the pre-training corpus, so the score measures what the model learned
of it, not generalisation: it catches a broken or untrained model, which is what a gate
before pushing needs. Finally the masked sentences are replayed in a fresh process as the
serving canary (`ServingCanary`'s check).

Outputs: `model` (the SavedModel under `Format-Serving`, what the Pusher copies),
`blessing` (`ModelBlessing`: `blessed` when `metric` >= `lower_bound`; `evaluation.json`
beside it) and `infra_blessing` (`InfraBlessing` of the canary). A Pusher given both pushes
only a model that passed both.

Example:
    >>> fill_mask = FillMaskExport(pretrained=trainer.outputs["model"],
    ...                            corpus=corpus.outputs["corpus"], top_k=5)  # doctest: +SKIP
"""

# No `from __future__ import annotations`: TFX reads these signatures' annotations as types.
import itertools
import json

from tfx.dsl.component.experimental.annotations import InputArtifact, OutputArtifact, Parameter
from tfx.dsl.component.experimental.decorators import component
from tfx.types import standard_artifacts

from bert_tf import storage
from bert_tf.pipeline.artifacts import Corpus
from bert_tf.pipeline.components.serving_canary import bless_infra, check_in_fresh_process
from bert_tf.pipeline.components.task_evaluator import EVALUATION_FILE, judge
from bert_tf.pipeline.components.vocabulary_gen import corpus_files

BATCH = 32  # texts per serving_default call while scoring


def corpus_sentences(corpus: Corpus):
    """The corpus artifact's lines, stripped, in file order (blank lines left out)."""
    for path in corpus_files(corpus):
        for line in storage.read_text(path).splitlines():
            if line.strip():
                yield line.strip()


def served_candidates(model_dir: str, texts: list) -> list:
    """The top-k tokens of each text's first [MASK], from the export's `serving_default`."""
    import tensorflow as tf
    import tensorflow_text  # noqa: F401 (registers the tokenizer ops of the graph)

    serve = tf.saved_model.load(model_dir).signatures["serving_default"]
    answers = []
    for start in range(0, len(texts), BATCH):
        tokens = serve(text=tf.constant(texts[start : start + BATCH]))["tokens"]  # [B, M, k]
        answers += [[t.decode("utf-8") for t in row[0]] for row in tokens.numpy()]
    return answers


@component
def FillMaskExport(  # noqa: N802 (a TFX component is named like a class)
    pretrained: InputArtifact[standard_artifacts.Model],
    corpus: InputArtifact[Corpus],
    model: OutputArtifact[standard_artifacts.Model],
    blessing: OutputArtifact[standard_artifacts.ModelBlessing],
    infra_blessing: OutputArtifact[standard_artifacts.InfraBlessing],
    top_k: Parameter[int] = 5,
    seq_length: Parameter[int] = 128,
    eval_sentences: Parameter[int] = 200,
    metric: Parameter[str] = "recall_at_k",
    lower_bound: Parameter[float] = 0.0,
    golden_requests: Parameter[int] = 8,
    timeout_seconds: Parameter[int] = 300,
    seed: Parameter[int] = 0,
) -> None:
    """Exports, scores and canaries the fill-mask servable of the pre-trained model."""
    from tfx.utils import path_utils

    from bert_tf.evaluation.masked_word_recall import masked_word_examples, masked_word_scores
    from bert_tf.export.pretrained_export import export_fill_mask
    from bert_tf.text.tokenizer_settings import TokenizerSettings

    source = path_utils.serving_model_path(pretrained.uri)
    model_dir = path_utils.serving_model_path(model.uri)
    export_fill_mask(source, model_dir, seq_length=seq_length, top_k=top_k)
    vocab = set(storage.read_text(storage.join(source, "vocab.txt")).splitlines())
    lower_case = TokenizerSettings.read(source).lower_case
    # A sentence must fit the sequence length with room to spare for its word pieces.
    sentences = (s for s in corpus_sentences(corpus) if len(s.split()) <= seq_length // 3)
    examples = masked_word_examples(sentences, vocab, lower_case, eval_sentences, seed)
    texts = [example.text for example in examples]
    scores = masked_word_scores(served_candidates(model_dir, texts), [e.word for e in examples])
    report = {"task": "fill_mask", "top_k": top_k, "examples": scores["examples"]}
    report.update(judge(metric, scores, None, lower_bound, 0.0))
    report["sample"] = [vars(example) for example in itertools.islice(examples, 5)]
    storage.makedirs(blessing.uri)
    storage.write_text(storage.join(blessing.uri, EVALUATION_FILE), json.dumps(report, indent=2))
    marker = "BLESSED" if report["blessed"] else "NOT_BLESSED"
    storage.write_text(storage.join(blessing.uri, marker), "; ".join(report["reasons"]))
    blessing.set_int_custom_property("blessed", int(report["blessed"]))
    blessing.set_int_custom_property("current_model_id", model.id)
    blessing.set_string_custom_property("current_model", model.uri)
    blessing.set_string_custom_property("metric", metric)
    blessing.set_float_custom_property("value", float(report["value"]))
    storage.makedirs(infra_blessing.uri)
    rows = [{"text": text} for text in texts[:golden_requests]]
    failure = check_in_fresh_process(model_dir, rows, infra_blessing.uri, timeout_seconds)
    bless_infra(infra_blessing, failure)
