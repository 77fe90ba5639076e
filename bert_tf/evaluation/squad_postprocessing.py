"""SQuAD answers from span logits: n-best spans per example across its windows, the text cut
from the original context by character offsets, and the v2.0 null-answer decision.

A long context is split into windows (the feature builder's job); each window reports its
start/end logits plus, per token, the character span it covers in the original context and
whether it is a context token. Spans must start and end on context tokens of one window, with
start <= end and at most `max_answer_length` tokens. The null score is the [CLS] start+end
logit (the minimum over the example's windows, as google-research/bert does).

Example:
    >>> window = SquadWindow("q1", start_logits=[0, 5, 1], end_logits=[0, 1, 6],
    ...                      offsets=[[0, 0], [0, 5], [6, 11]], is_context=[0, 1, 1])
    >>> predictions = postprocess_squad({"q1": "hello world"}, [window])
    >>> predictions["q1"].text
    'hello world'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


@dataclass
class SquadWindow:
    """The model's outputs for one window (feature) of one SQuAD example.

    Args:
        example_id: the qas id of the example the window belongs to.
        start_logits: `[T]` start logits over the window's tokens.
        end_logits: `[T]` end logits.
        offsets: `[T, 2]` character `(start, end)` of each token in the original context
            (end exclusive); anything for non-context tokens.
        is_context: `[T]` true for tokens of the context (not question, specials or padding).
        is_max_context: optional `[T]`; where given, a span may only start on a token whose
            context is widest in this window (so overlapping windows do not compete).
        cls_index: position of [CLS], whose start+end logit is the null (no-answer) score.
    """

    example_id: str
    start_logits: np.ndarray
    end_logits: np.ndarray
    offsets: np.ndarray
    is_context: np.ndarray
    is_max_context: np.ndarray | None = None
    cls_index: int = 0

    def __post_init__(self) -> None:
        self.start_logits = np.asarray(self.start_logits, dtype=np.float64)  # [T]
        self.end_logits = np.asarray(self.end_logits, dtype=np.float64)  # [T]
        self.offsets = np.asarray(self.offsets, dtype=np.int64).reshape(-1, 2)  # [T, 2]
        self.is_context = np.asarray(self.is_context, dtype=bool)  # [T]
        length = self.start_logits.shape[0]
        arrays = [self.end_logits, self.offsets, self.is_context]
        if self.is_max_context is not None:
            self.is_max_context = np.asarray(self.is_max_context, dtype=bool)  # [T]
            arrays.append(self.is_max_context)
        if self.start_logits.ndim != 1 or any(array.shape[0] != length for array in arrays):
            raise ValueError(
                f"window of {self.example_id!r}: start_logits, end_logits, offsets, is_context "
                f"(and is_max_context) need one entry per token; got shapes "
                f"{[self.start_logits.shape] + [array.shape for array in arrays]}"
            )
        if not 0 <= self.cls_index < length:
            raise ValueError(
                f"window of {self.example_id!r}: cls_index {self.cls_index} outside the window"
            )


@dataclass(frozen=True)
class NbestEntry:
    """One candidate answer: its text, character span and scores."""

    text: str
    char_start: int  # -1 for the null answer
    char_end: int
    start_logit: float
    end_logit: float
    probability: float  # softmax over the n-best list's start+end logits


@dataclass(frozen=True)
class SquadPrediction:
    """The answer for one example.

    Args:
        text: the answer ("" for no answer in v2.0, or when no valid span exists).
        nbest: candidates, best first (v2.0 includes the null answer "").
        null_score_diff: v2.0 null score minus best non-null score (the `na_probs` value the
            official script thresholds); None for v1.1.
    """

    text: str
    nbest: list[NbestEntry] = field(default_factory=list)
    null_score_diff: float | None = None


def _window_candidates(window: SquadWindow, n_best_size: int, max_answer_length: int):
    """Valid (score, start token, end token) spans of one window from the top start/end logits."""
    starts = np.argsort(-window.start_logits, kind="stable")[:n_best_size]
    ends = np.argsort(-window.end_logits, kind="stable")[:n_best_size]
    allowed_start = window.is_context.copy()
    if window.is_max_context is not None:
        allowed_start &= window.is_max_context
    for start in starts:
        if not allowed_start[start]:
            continue
        for end in ends:
            if end < start or end - start + 1 > max_answer_length or not window.is_context[end]:
                continue
            yield window.start_logits[start] + window.end_logits[end], int(start), int(end)


def postprocess_squad(
    contexts: Mapping[str, str],
    windows: Iterable[SquadWindow],
    *,
    n_best_size: int = 20,
    max_answer_length: int = 30,
    version_2_with_negative: bool = False,
    null_score_diff_threshold: float = 0.0,
) -> dict[str, SquadPrediction]:
    """Picks each example's answer from the logits of all its windows.

    Args:
        contexts: qas id -> the original context string the offsets index into.
        windows: every window of every example, in any order.
        n_best_size: candidates kept per example (and start/end positions tried per window).
        max_answer_length: longest answer in tokens.
        version_2_with_negative: SQuAD v2.0: answer "" when the null score beats the best
            span by more than `null_score_diff_threshold`.
        null_score_diff_threshold: the v2.0 decision threshold.

    Returns:
        qas id -> `SquadPrediction`, for every id that has windows.
    """
    by_example: dict[str, list[SquadWindow]] = defaultdict(list)
    for window in windows:
        if window.example_id not in contexts:
            raise ValueError(f"window for unknown example {window.example_id!r}")
        by_example[window.example_id].append(window)
    return {
        example_id: _predict(
            contexts[example_id],
            example_windows,
            n_best_size,
            max_answer_length,
            version_2_with_negative,
            null_score_diff_threshold,
        )
        for example_id, example_windows in by_example.items()
    }


class _Span(NamedTuple):
    text: str
    char_start: int
    char_end: int
    start_logit: float
    end_logit: float

    @property
    def score(self) -> float:
        return self.start_logit + self.end_logit


def _predict(context, windows, n_best_size, max_answer_length, version_2, threshold):
    candidates = []  # (score, window index, start token, end token)
    for index, window in enumerate(windows):
        for score, start, end in _window_candidates(window, n_best_size, max_answer_length):
            candidates.append((score, index, start, end))
    candidates.sort(key=lambda candidate: -candidate[0])
    spans: list[_Span] = []  # best first, one per distinct answer text
    for _, index, start, end in candidates:
        if len(spans) >= n_best_size:
            break
        window = windows[index]
        char_start, char_end = int(window.offsets[start, 0]), int(window.offsets[end, 1])
        text = context[char_start:char_end]  # cut from the original context, never detokenized
        if text not in {span.text for span in spans}:
            start_logit, end_logit = window.start_logits[start], window.end_logits[end]
            spans.append(_Span(text, char_start, char_end, start_logit, end_logit))
    answer = spans[0].text if spans else ""
    null_diff = None
    if version_2:
        null = min(windows, key=lambda w: w.start_logits[w.cls_index] + w.end_logits[w.cls_index])
        null_span = _Span("", -1, -1, null.start_logits[null.cls_index],
                          null.end_logits[null.cls_index])  # fmt: skip
        null_diff = null_span.score - spans[0].score if spans else float("inf")
        answer = "" if null_diff > threshold else answer
        spans = sorted([*spans, null_span], key=lambda span: -span.score)  # n-best keeps null
    scores = np.array([span.score for span in spans], dtype=np.float64)  # [N]
    probabilities = np.exp(scores - scores.max()) if spans else scores
    probabilities = probabilities / probabilities.sum() if spans else probabilities
    nbest = [
        NbestEntry(span.text, span.char_start, span.char_end, float(span.start_logit),
                   float(span.end_logit), float(probability))
        for span, probability in zip(spans, probabilities)
    ]  # fmt: skip
    return SquadPrediction(answer, nbest, None if null_diff is None else float(null_diff))
