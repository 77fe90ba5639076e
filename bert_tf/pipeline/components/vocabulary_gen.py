"""`VocabularyGen`: learn a WordPiece vocabulary from the corpus, counting words on Beam.

Words are counted by `bert_tf.text.word_count_beam` on the Beam pipeline TFX builds from
the pipeline's Beam args (the DirectRunner locally; Dataflow, Flink or Spark when the config
says so), so a corpus of any size is counted where the other Beam steps run; the pieces are
then learned from the count table in the component. The artifact holds `vocab.txt`,
`tokenizer_config.json` (casing, vocabulary hash) and `word_counts.tsv`, and records the
vocabulary size, casing, [UNK] rate and tokens per word on the corpus as properties.

The pipeline leaves this component out when the config names a vocabulary file (imported as
a `Vocabulary` artifact instead) or fine-tunes an imported checkpoint (which has its own).

Example:
    >>> vocab = VocabularyGen(corpus=corpus.outputs["corpus"], vocab_size=8000)  # doctest: +SKIP
"""

# No `from __future__ import annotations`: TFX reads these signatures' annotations as types.
import logging

import apache_beam as beam
from tfx.dsl.component.experimental.annotations import (
    BeamComponentParameter,
    InputArtifact,
    OutputArtifact,
    Parameter,
)
from tfx.dsl.component.experimental.decorators import component

from bert_tf.pipeline.artifacts import Corpus, Vocabulary
from bert_tf.text.vocab_learning import DEFAULT_MAX_UNIQUE_WORDS

logger = logging.getLogger(__name__)


def corpus_files(corpus: Corpus) -> list[str]:
    """The text files of a `Corpus` artifact, in order."""
    from bert_tf import storage

    return [storage.join(corpus.uri, name) for name in storage.listdir(corpus.uri)]


@component(use_beam=True)
def VocabularyGen(  # noqa: N802 (a TFX component is named like a class)
    corpus: InputArtifact[Corpus],
    vocabulary: OutputArtifact[Vocabulary],
    vocab_size: Parameter[int] = 8000,
    lower_case: Parameter[bool] = True,
    max_unique_words: Parameter[int] = DEFAULT_MAX_UNIQUE_WORDS,
    beam_pipeline: BeamComponentParameter[beam.Pipeline] = None,
) -> None:
    """Learns `vocab.txt` (reserved tokens first) of at most `vocab_size` tokens."""
    from bert_tf.text.word_count_beam import learn_vocabulary_beam

    summary = learn_vocabulary_beam(
        corpus_files(corpus),
        vocab_size,
        vocabulary.uri,
        lower_case=lower_case,
        max_unique_words=max_unique_words,
        pipeline=beam_pipeline,
    )
    logger.info("vocabulary: %s", summary)
    vocabulary.set_int_custom_property("vocab_size", int(summary["vocab_size"]))
    vocabulary.set_int_custom_property("lower_case", int(lower_case))
    vocabulary.set_float_custom_property("unk_rate", float(summary["unk_rate"]))
    vocabulary.set_float_custom_property("tokens_per_word", float(summary["tokens_per_word"]))
