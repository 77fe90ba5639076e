"""`CheckpointWarning`: a checkpoint loaded, but not every weight came from it or went in."""

from __future__ import annotations


class CheckpointWarning(UserWarning):
    """Weights left freshly initialised (e.g. the pooler of a `BertForMaskedLM` file) or heads
    in the file that the returned model does not use. The message names every weight.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     warnings.warn("pooler.dense.weight freshly initialised", CheckpointWarning)
        >>> caught[0].category.__name__
        'CheckpointWarning'
    """
