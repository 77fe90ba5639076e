"""One chunk of tokenized documents -> serialized, shuffled training Examples (both drivers).

The chunk's generator is seeded by (seed, file_index, chunk_index), so a chunk gives
the same records in any process, in any order, under any runner.

Example:
    >>> from bert_tf.data.pretraining.documents import Chunk
    >>> from bert_tf.data.pretraining.tokenization import load_tokenizer, tokenize_chunk
    >>> documents = [["The cat sat on the mat.", "It purred.", "Then it slept."],
    ...              ["Dogs bark.", "They run in the park.", "Birds sing."]]
    >>> chunk = tokenize_chunk(load_tokenizer("vocab.txt"), Chunk(0, 0, documents, num_bytes=96))
    >>> config = PretrainingDataConfig(max_seq_length=32, dupe_factor=2, num_shards=2)
    >>> result = process_chunk(chunk, VocabInfo.from_file("vocab.txt"), config)
    >>> {k: result.counts[k] for k in ("documents", "sentences", "instances", "random_next")}
    {'documents': 2, 'sentences': 6, 'instances': 8, 'random_next': 6}
    >>> result.counts["instances"] == len(result.lengths) == len(result.records())
    True
    >>> sorted(result.framed_by_shard())
    [0, 1]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.example_writer import frame_records, serialize_examples
from bert_tf.data.pretraining.instances import assemble, create_instance_spans
from bert_tf.data.pretraining.masking_rules import mask_batch
from bert_tf.data.pretraining.tokenization import TokenizedChunk, VocabInfo


@dataclass
class ChunkResult:
    """Records back to back (`data`, `lengths`), the shard of each, and the chunk's counts."""

    key: tuple[int, int]
    data: bytes
    lengths: np.ndarray  # [N] int64
    shards: np.ndarray  # [N] int64
    counts: dict[str, int]

    def records(self) -> list[bytes]:
        ends = np.cumsum(self.lengths).tolist()
        return [self.data[s:e] for s, e in zip([0, *ends[:-1]], ends)]

    def framed_by_shard(self) -> dict[int, bytes]:
        """TFRecord-framed bytes per shard, records in chunk order."""
        return {
            int(shard): frame_records(self.data, self.lengths, np.flatnonzero(self.shards == shard))
            for shard in np.unique(self.shards)
        }


def chunk_rng(seed: int, key: tuple[int, int]) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *key])))


def process_chunk(
    chunk: TokenizedChunk, vocab: VocabInfo, config: PretrainingDataConfig
) -> ChunkResult:
    """Instances (NSP pairs), masking and serialization for every document of `chunk`."""
    rng = chunk_rng(config.seed, chunk.key)
    sizes = np.diff(chunk.sentence_splits)
    kept = sizes > 0  # google-research drops lines without tokens, then empty documents
    offsets = np.append(chunk.sentence_splits[:-1][kept], chunk.sentence_splits[-1])
    kept_before = np.concatenate([[0], np.cumsum(kept)])
    doc_starts = kept_before[chunk.doc_splits]  # [D + 1] in kept sentences
    non_empty = np.flatnonzero(np.diff(doc_starts) > 0)  # google-research drops empty ones
    doc_bounds = np.append(doc_starts[non_empty], doc_starts[-1])
    doc_ids = chunk.doc_ids[non_empty]
    own = int((non_empty < chunk.num_documents).sum())
    own_ids = doc_ids[:own]
    first_continues = chunk.continues and own > 0 and non_empty[0] == 0
    own_text = chunk.sentence_splits[chunk.doc_splits[chunk.num_documents]]
    counts = {
        "chunks": 1,
        "documents": len(np.unique(own_ids)) - int(first_continues),
        "document_pieces": own,
        "sentences": int(kept[: chunk.doc_splits[chunk.num_documents]].sum()),
        "empty_sentences": int((~kept[: chunk.doc_splits[chunk.num_documents]]).sum()),
        "input_bytes": chunk.num_bytes,
        "corpus_tokens": int(own_text),
        "unk_tokens": int((chunk.ids[:own_text] == vocab.unk_id).sum()),
        "donors": len(doc_ids) - own,
    }
    empty = ChunkResult(chunk.key, b"", np.zeros(0, np.int64), np.zeros(0, np.int64), counts)
    if own < 1:
        return empty
    spans = create_instance_spans(
        offsets.tolist(), doc_bounds.tolist(), config, rng, doc_ids.tolist(), own
    )
    if len(spans) == 0:
        return empty
    spans = spans.take(rng.permutation(len(spans)))  # shuffle within the chunk
    input_ids, segment_ids, input_mask = assemble(chunk.ids, spans, vocab, config.max_seq_length)
    masked = mask_batch(input_ids, input_mask, vocab, config, rng)
    features = {
        "input_ids": masked.input_ids,
        "input_mask": input_mask,
        "segment_ids": segment_ids,
        "masked_lm_positions": masked.masked_lm_positions,
        "masked_lm_ids": masked.masked_lm_ids,
        "masked_lm_weights": masked.masked_lm_weights,
        "next_sentence_labels": spans.is_random_next.astype(np.int64)[:, None],
    }
    data, lengths = serialize_examples(features, float_features=("masked_lm_weights",))
    n = len(spans)
    counts.update(
        instances=n,
        instance_tokens=int(input_mask.sum()),
        truncated=int(spans.truncated.sum()),
        random_next=int(spans.is_random_next.sum()),
        same_document_negatives=int(spans.same_document.sum()),
        forced_random_next=int(spans.forced_random.sum()),
        masked=int(masked.masked_lm_weights.sum()),
        mask_token=masked.num_mask_token,
        random_token=masked.num_random_token,
        unchanged=masked.num_unchanged,
    )
    shards = (sum(chunk.key) + np.arange(n)) % config.num_shards
    return ChunkResult(chunk.key, data, lengths, shards, counts)
