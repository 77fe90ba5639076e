"""`VocabularyGen`: learn a WordPiece vocabulary from the corpus (`bert_tf.text`).

The pipeline leaves this component out when the config names a vocabulary file (imported as
a `Vocabulary` artifact instead) or fine-tunes an imported checkpoint (which has its own).

Example:
    >>> vocab = VocabularyGen(corpus=corpus.outputs["corpus"], vocab_size=8000)  # doctest: +SKIP
"""

# No `from __future__ import annotations`: TFX reads these signatures' annotations as types.
import os

from tfx.dsl.component.experimental.annotations import InputArtifact, OutputArtifact, Parameter
from tfx.dsl.component.experimental.decorators import component

from bert_tf.pipeline.artifacts import Corpus, Vocabulary, vocab_path


def corpus_files(corpus: Corpus) -> list[str]:
    """The text files of a `Corpus` artifact, in order."""
    return sorted(os.path.join(corpus.uri, name) for name in os.listdir(corpus.uri))


@component
def VocabularyGen(  # noqa: N802 (a TFX component is named like a class)
    corpus: InputArtifact[Corpus],
    vocabulary: OutputArtifact[Vocabulary],
    vocab_size: Parameter[int] = 8000,
    lower_case: Parameter[bool] = True,
) -> None:
    """Learns `vocab.txt` (reserved tokens first) of at most `vocab_size` tokens."""
    from bert_tf.text import learn_vocabulary

    os.makedirs(vocabulary.uri, exist_ok=True)
    tokens = learn_vocabulary(
        corpus_files(corpus),
        vocab_size,
        lower_case=lower_case,
        output=vocab_path(vocabulary.uri),
        progress=False,
    )
    vocabulary.set_int_custom_property("vocab_size", len(tokens))
    vocabulary.set_int_custom_property("lower_case", int(lower_case))
