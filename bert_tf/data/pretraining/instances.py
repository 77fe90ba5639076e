"""Documents -> NSP segment pairs, with google-research/bert's rules, as token spans.

Per document (and per `dupe_factor` pass): the target length is `max_seq_length - 3`,
or with `short_seq_prob` a random length in [2, target]; sentences are gathered until
the target is reached (or the document ends); A takes a random number of them and B
is either the rest (label 0) or, half of the time or when only one sentence was
gathered, a run of sentences from a random other document (label 1, and the unused
sentences are put back). The other document is one of the chunk's own or one of its
donors (`DonorReservoir`), never one with the same document id. The longer segment is
then trimmed one token at a time, from the front or the back at random, until the pair fits.

Only lengths are handled in Python: A and B are contiguous spans of the chunk's token
array (before and after trimming), so `assemble` builds all instances with numpy.

Example:
    >>> offsets = [0, 3, 5, 8, 10, 12, 15]  # 6 sentences, 15 tokens
    >>> doc_bounds = [0, 3, 6]  # two documents of 3 sentences each
    >>> config = PretrainingDataConfig(
    ...     max_seq_length=12, max_predictions_per_seq=2, short_seq_prob=0.0
    ... )
    >>> spans = create_instance_spans(offsets, doc_bounds, config, np.random.default_rng(0))
    >>> spans.a_start.tolist(), spans.b_start.tolist(), spans.is_random_next.tolist()
    ([0, 3, 8], [12, 5, 12], [True, False, False])
    >>> vocab = VocabInfo.from_tokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    >>> ids = np.arange(100, 115)  # the chunk's token ids
    >>> input_ids, segment_ids, input_mask = assemble(ids, spans, vocab, 12)  # [N, S] each
    >>> input_ids[0].tolist()  # [CLS]=2, A, [SEP]=3, B (a random next), [SEP], [PAD]=0
    [2, 100, 101, 102, 3, 112, 113, 114, 3, 0, 0, 0]
    >>> segment_ids[0].tolist()
    [0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.tokenization import VocabInfo


@dataclass
class InstanceSpans:
    """Segment A is ids[a_start:a_start + a_len], B likewise; one entry per instance."""

    a_start: np.ndarray  # [N] int64
    a_len: np.ndarray  # [N] int64
    b_start: np.ndarray  # [N] int64
    b_len: np.ndarray  # [N] int64
    is_random_next: np.ndarray  # [N] bool
    truncated: np.ndarray  # [N] bool
    same_document: np.ndarray  # [N] bool: a random-next B from A's own document
    forced_random: np.ndarray  # [N] bool: random next because only one sentence was gathered

    def __len__(self) -> int:
        return len(self.a_start)

    def take(self, order: np.ndarray) -> InstanceSpans:
        return InstanceSpans(*(getattr(self, f)[order] for f in self.__dataclass_fields__))


def _uniforms(rng: np.random.Generator, block: int = 8192) -> Iterator[float]:
    while True:
        yield from rng.random(block).tolist()


def _trim(a_len: int, b_len: int, max_tokens: int) -> tuple[int, int]:
    """Tokens trimmed from A and B by 'drop one from the longer (B on a tie)' until they fit."""
    excess = a_len + b_len - max_tokens
    if excess <= 0:
        return 0, 0
    diff = a_len - b_len
    first = min(excess, abs(diff))
    trim_a, trim_b = (first, 0) if diff > 0 else (0, first)
    rest = excess - first  # now equal lengths: B, A, B, A, ...
    return trim_a + rest // 2, trim_b + (rest + 1) // 2


def create_instance_spans(
    offsets: list[int],
    doc_bounds: list[int],
    config: PretrainingDataConfig,
    rng: np.random.Generator,
    doc_ids: list[int] | None = None,
    num_own: int | None = None,
) -> InstanceSpans:
    """Pairs for every own document of a chunk, `config.dupe_factor` times.

    Args:
        offsets: sentence i is tokens offsets[i]:offsets[i + 1] (no empty sentences).
        doc_bounds: document d is sentences doc_bounds[d]:doc_bounds[d + 1] (none empty).
        config: max_seq_length, short_seq_prob and dupe_factor are used.
        rng: the chunk's generator.
        doc_ids: each document's corpus-wide id (default: all different).
        num_own: the first `num_own` documents get instances; all (own and donors) are
            random-next candidates, except those with the current document's id.
    """
    max_tokens = config.max_num_tokens
    num_docs = len(doc_bounds) - 1
    ids = list(range(num_docs)) if doc_ids is None else list(doc_ids)
    num_own = num_docs if num_own is None else num_own
    uniform = _uniforms(rng).__next__
    rows: list[tuple[int, int, int, int, bool, int, int, bool, bool]] = []
    for _ in range(config.dupe_factor):
        for doc in range(num_own):
            lo, hi = doc_bounds[doc], doc_bounds[doc + 1]
            target = max_tokens
            if uniform() < config.short_seq_prob:
                target = 2 + int(uniform() * (max_tokens - 1))  # randint(2, max_tokens)
            first = i = lo
            gathered = 0
            while i < hi:
                gathered += offsets[i + 1] - offsets[i]
                if i == hi - 1 or gathered >= target:
                    n = i - first + 1
                    a_end = first + (1 if n == 1 else 1 + int(uniform() * (n - 1)))
                    a_start, a_len = offsets[first], offsets[a_end] - offsets[first]
                    random_next = n == 1 or uniform() < 0.5
                    same = False
                    if random_next:
                        other = doc
                        for _ in range(10):
                            other = int(uniform() * num_docs)
                            if ids[other] != ids[doc]:
                                break
                        if ids[other] == ids[doc]:  # rare: scan on for the next other one
                            found = [c for c in range(num_docs) if ids[c] != ids[doc]]
                            other = found[bisect_left(found, other) % len(found)] if found else doc
                        same = ids[other] == ids[doc]
                        r_lo, r_hi = doc_bounds[other], doc_bounds[other + 1]
                        start = r_lo + int(uniform() * (r_hi - r_lo))
                        goal = offsets[start] + target - a_len
                        end = bisect_left(offsets, goal, start + 1, r_hi)
                        b_start, b_len = offsets[start], offsets[end] - offsets[start]
                        i = a_end - 1  # put the unused sentences back
                    else:
                        b_start, b_len = offsets[a_end], offsets[i + 1] - offsets[a_end]
                    trim_a, trim_b = _trim(a_len, b_len, max_tokens)
                    row = (a_start, a_len, b_start, b_len, random_next, trim_a, trim_b)
                    rows.append((*row, same, n == 1))
                    first = i + 1
                    gathered = 0
                i += 1
    table = np.array(rows, dtype=np.int64).reshape(-1, 9)
    trim_a, trim_b = table[:, 5], table[:, 6]
    front_a = rng.binomial(trim_a, 0.5)  # each trimmed token: front or back at random
    front_b = rng.binomial(trim_b, 0.5)
    return InstanceSpans(
        a_start=table[:, 0] + front_a,
        a_len=table[:, 1] - trim_a,
        b_start=table[:, 2] + front_b,
        b_len=table[:, 3] - trim_b,
        is_random_next=table[:, 4].astype(bool),
        truncated=(trim_a + trim_b) > 0,
        same_document=table[:, 7].astype(bool),
        forced_random=table[:, 8].astype(bool),
    )


def assemble(
    ids: np.ndarray, spans: InstanceSpans, vocab: VocabInfo, max_seq_length: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[CLS] A [SEP] B [SEP] [PAD]... for every instance at once.

    Returns:
        input_ids [N, S] int32, segment_ids [N, S] int32, input_mask [N, S] int32.
    """
    pos = np.arange(max_seq_length)[None, :]  # [1, S]
    a_len = spans.a_len[:, None]  # [N, 1]
    b_len = spans.b_len[:, None]
    in_a = (pos >= 1) & (pos <= a_len)  # [N, S]
    b_first = a_len + 2
    in_b = (pos >= b_first) & (pos < b_first + b_len)
    source = np.where(in_a, spans.a_start[:, None] + pos - 1, 0)
    source = np.where(in_b, spans.b_start[:, None] + pos - b_first, source)
    input_ids = np.where(in_a | in_b, ids[source], vocab.pad_id).astype(np.int32)
    input_ids[:, 0] = vocab.cls_id
    input_ids[(pos == a_len + 1) | (pos == b_first + b_len)] = vocab.sep_id
    input_mask = pos < b_first + b_len + 1  # [N, S]
    segment_ids = (pos >= b_first) & input_mask
    return input_ids, segment_ids.astype(np.int32), input_mask.astype(np.int32)
