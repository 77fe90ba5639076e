"""`DonorReservoir`: other documents' sentences for NSP random-next segments, across chunks.

google-research/bert draws a random-next segment B from a random other document of the
whole corpus. Chunks are built independently, so a chunk alone cannot do that when it holds
one document (any book) or few. The reader keeps a bounded, seeded reservoir of sentence
runs ("donors") from the documents it has read and attaches a sample of donors from other
documents to every chunk. It runs where chunks are read, in corpus order, before any
parallel work, so the donors of a chunk depend only on the corpus, the seed and the
settings: the same for any number of workers and in the local and Beam drivers.

The reservoir is primed by reading ahead until it holds `prime_documents` documents (or
the corpus ends), so the first chunks get donors too; a corpus of one document is refused
(NSP needs two) and an empty one too. A document holds at most `per_document` slots, so a
huge document cannot crowd the others out.

Example:
    >>> from bert_tf.data.pretraining.config import PretrainingDataConfig
    >>> for chunk in iter_chunks_with_donors(["corpus.txt"], PretrainingDataConfig()):
    ...     print(chunk.key, len(chunk.donors))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.documents import Chunk, iter_chunks


def iter_all_chunks(files: Sequence[str], config: PretrainingDataConfig) -> Iterator[Chunk]:
    for index, path in enumerate(files):
        yield from iter_chunks(path, index, config.chunk_bytes, config.plain_text)


class DonorReservoir:
    """A seeded reservoir sample of sentence runs, at most `per_document` per document.

    Args:
        seed: the job's seed (each chunk's draws are seeded by it and the chunk's key).
        capacity: donors kept.
        per_chunk: donors attached to each chunk.
        per_document: most slots one document may hold.
        donor_chars: a donor is a run of sentences from a random start until this many
            characters (about twice the tokens a segment B can take) or the document ends.

    Example:
        >>> reservoir = DonorReservoir(seed=1, capacity=4, per_chunk=2)
        >>> reservoir.offer(Chunk(0, 0, [["a b.", "c d."], ["e f."]], 12, [0, 1]))
        >>> sorted(reservoir.sample(Chunk(0, 1, [["g."]], 3, [2]))[1])
        [0, 1]
    """

    def __init__(
        self,
        seed: int,
        capacity: int = 512,
        per_chunk: int = 16,
        per_document: int = 4,
        donor_chars: int = 1000,
    ) -> None:
        self.seed = int(seed)
        self.capacity = capacity
        self.per_chunk = per_chunk
        self.per_document = per_document
        self.donor_chars = donor_chars
        self.donors: list[list[str]] = []
        self.ids: list[int] = []
        self.slots: dict[int, list[int]] = {}  # document id -> its slots
        self.offered = 0

    def _rng(self, chunk: Chunk, stream: int) -> np.random.Generator:
        sequence = np.random.SeedSequence([self.seed, *chunk.key, stream])
        return np.random.Generator(np.random.PCG64(sequence))

    @property
    def num_documents(self) -> int:
        return len(self.slots)

    def _put(self, slot: int, donor: list[str], doc_id: int) -> None:
        if slot == len(self.donors):
            self.donors.append(donor)
            self.ids.append(doc_id)
        else:
            old = self.slots[self.ids[slot]]
            old.remove(slot)
            if not old:
                del self.slots[self.ids[slot]]
            self.donors[slot], self.ids[slot] = donor, doc_id
        self.slots.setdefault(doc_id, []).append(slot)

    def offer(self, chunk: Chunk) -> None:
        """One donor from each document (piece) of `chunk` competes for a slot."""
        rng = self._rng(chunk, 1)
        for sentences, doc_id in zip(chunk.documents, chunk.doc_ids):
            start = int(rng.integers(len(sentences)))
            end, chars = start, 0
            while end < len(sentences) and chars < self.donor_chars:
                chars += len(sentences[end])
                end += 1
            donor = sentences[start:end]
            self.offered += 1
            own = self.slots.get(doc_id, [])
            if len(own) >= self.per_document:
                slot = own[int(rng.integers(len(own)))]
            elif len(self.donors) < self.capacity:
                slot = len(self.donors)
            else:  # Algorithm R: keep each offered donor with probability capacity / offered
                slot = int(rng.integers(self.offered))
                if slot >= self.capacity:
                    continue
            self._put(slot, donor, doc_id)

    def sample(self, chunk: Chunk) -> tuple[list[list[str]], list[int]]:
        """Up to `per_chunk` donors of documents that are not in `chunk`."""
        inside = set(chunk.doc_ids)
        eligible = [slot for slot, doc_id in enumerate(self.ids) if doc_id not in inside]
        if len(eligible) > self.per_chunk:
            picked = self._rng(chunk, 2).choice(len(eligible), self.per_chunk, replace=False)
            eligible = [eligible[i] for i in sorted(picked.tolist())]
        return [self.donors[s] for s in eligible], [self.ids[s] for s in eligible]


def prime_reservoir(
    files: Sequence[str], config: PretrainingDataConfig, prime_documents: int = 32
) -> tuple[DonorReservoir, set[tuple[int, int]]]:
    """The reservoir after reading ahead to `prime_documents` documents, and the chunks read.

    Raises:
        ValueError: the corpus has no text, or only one document (NSP needs two).
    """
    reservoir = DonorReservoir(config.seed, donor_chars=8 * config.max_num_tokens)
    primed: set[tuple[int, int]] = set()
    seen_ids: set[int] = set()
    for chunk in iter_all_chunks(files, config):
        reservoir.offer(chunk)
        primed.add(chunk.key)
        seen_ids.update(chunk.doc_ids)
        if len(seen_ids) >= prime_documents:
            break
    if not seen_ids:
        raise ValueError(f"the corpus is empty: no text in {', '.join(files)}")
    if len(seen_ids) < 2:
        raise ValueError(
            f"the corpus holds one document ({', '.join(files)}); next sentence prediction "
            "needs >= 2 documents for its random-next segments (separate documents with a "
            "blank line)"
        )
    return reservoir, primed


def iter_chunks_with_donors(
    files: Sequence[str], config: PretrainingDataConfig, prime_documents: int = 32
) -> Iterator[Chunk]:
    """Every chunk of `files` in order, each with donors of other documents attached.

    Raises:
        ValueError: the corpus has no text, or only one document (NSP needs two).
    """
    reservoir, primed = prime_reservoir(files, config, prime_documents)
    for chunk in iter_all_chunks(files, config):
        chunk.donors, chunk.donor_ids = reservoir.sample(chunk)
        yield chunk
        if chunk.key not in primed:
            reservoir.offer(chunk)
