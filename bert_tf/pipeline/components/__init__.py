"""The pipeline's own TFX components; each executor only calls into bert_tf.

Example:
    >>> from bert_tf.pipeline.components.vocabulary_gen import VocabularyGen  # doctest: +SKIP
"""
