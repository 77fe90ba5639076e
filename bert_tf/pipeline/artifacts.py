"""The pipeline's own artifact types (the rest are TFX's standard artifacts).

`Corpus`: a directory of UTF-8 text files (one sentence per line, blank lines between
documents). `Vocabulary`: a directory holding `vocab.txt`. Pre-training data is a standard
`Examples` artifact (its records are tf.Examples) with one split, `train`, and the vocabulary
whose ids it holds beside it as `vocab.txt`.

Example:
    >>> Corpus.TYPE_NAME, Vocabulary.TYPE_NAME
    ('bert_tf.Corpus', 'bert_tf.Vocabulary')
"""

from __future__ import annotations

from tfx.types import artifact

from bert_tf import storage

VOCAB_FILE = "vocab.txt"


class Corpus(artifact.Artifact):
    """Raw text files for vocabulary learning and pre-training."""

    TYPE_NAME = "bert_tf.Corpus"


class Vocabulary(artifact.Artifact):
    """A WordPiece vocabulary: `<uri>/vocab.txt`."""

    TYPE_NAME = "bert_tf.Vocabulary"


def vocab_path(uri: str) -> str:
    """The vocab.txt of a Vocabulary artifact (or of the pre-training Examples beside it); an
    imported vocabulary's URI is the file itself."""
    return uri if storage.isfile(uri) else storage.join(uri, VOCAB_FILE)
