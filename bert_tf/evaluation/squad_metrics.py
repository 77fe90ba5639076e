"""SQuAD exact match and F1, computed as the official v1.1 and v2.0 evaluation scripts do.

Answers are normalised (lowercase, punctuation removed, articles a/an/the removed, whitespace
collapsed); each question scores the max over its gold answers; totals are percentages. v1.1
returns `{"exact_match", "f1"}`; v2.0 returns `exact`, `f1`, `total`, the `HasAns_*` and
`NoAns_*` splits and, given no-answer probabilities, `best_exact(_thresh)` / `best_f1(_thresh)`.

Example:
    >>> squad_v1_metrics({"q1": ["the Eiffel Tower"]}, {"q1": "Eiffel tower."})
    {'exact_match': 100.0, 'f1': 100.0}
"""

from __future__ import annotations

import logging
import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from bert_tf.data.readers.records import SquadExample

logger = logging.getLogger(__name__)
_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lowercase, drop punctuation, drop the articles a/an/the, collapse whitespace."""
    text = "".join(char for char in text.lower() if char not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, gold: str) -> bool:
    """Normalised strings are equal (the same in v1.1 and v2.0)."""
    return normalize_answer(prediction) == normalize_answer(gold)


def squad_v1_f1(prediction: str, gold: str) -> float:
    """Token F1 as v1.1 defines it: 0 whenever nothing overlaps, even two empty answers."""
    predicted, expected = normalize_answer(prediction).split(), normalize_answer(gold).split()
    same = sum((Counter(predicted) & Counter(expected)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(expected)
    return 2 * precision * recall / (precision + recall)


def squad_v2_f1(prediction: str, gold: str) -> float:
    """Token F1 as v2.0 defines it: if either side is empty, 1 when both are, else 0."""
    predicted, expected = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not predicted or not expected:
        return float(predicted == expected)
    same = sum((Counter(predicted) & Counter(expected)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(expected)
    return 2 * precision * recall / (precision + recall)


def squad_gold_answers(examples: Iterable[SquadExample]) -> dict[str, list[str]]:
    """qas id -> gold answer texts in dataset order (empty for unanswerable questions)."""
    return {example.qas_id: [answer.text for answer in example.answers] for example in examples}


def squad_v1_metrics(
    gold: Mapping[str, Sequence[str]], predictions: Mapping[str, str]
) -> dict[str, float]:
    """The official v1.1 score: a question without a prediction scores 0 (and is logged).

    Args:
        gold: qas id -> gold answer texts (see `squad_gold_answers`).
        predictions: qas id -> predicted answer text.

    Returns:
        `{"exact_match": ..., "f1": ...}` in percent.
    """
    if not gold:
        raise ValueError("no gold questions to score")
    exact = f1 = 0.0
    for qas_id, answers in gold.items():
        if qas_id not in predictions:
            logger.warning("Unanswered question %s will receive score 0.", qas_id)
            continue
        exact += max(float(exact_match(predictions[qas_id], answer)) for answer in answers)
        f1 += max(squad_v1_f1(predictions[qas_id], answer) for answer in answers)
    return {"exact_match": 100.0 * exact / len(gold), "f1": 100.0 * f1 / len(gold)}


def squad_v2_metrics(
    gold: Mapping[str, Sequence[str]],
    predictions: Mapping[str, str],
    na_probs: Mapping[str, float] | None = None,
    na_prob_thresh: float = 1.0,
) -> dict[str, float]:
    """The official v2.0 score ("" predicts no answer).

    Args:
        gold: qas id -> gold answer texts, empty for unanswerable questions.
        predictions: qas id -> predicted text; every gold question needs one (the official
            script fails on a missing one too).
        na_probs: qas id -> no-answer probability (or null-score difference); with it, a
            question whose value exceeds `na_prob_thresh` counts as answered "no answer", and
            the best-threshold keys are added.
        na_prob_thresh: the threshold above (default 1.0, as the official script).

    Returns:
        `exact`, `f1`, `total`, `HasAns_exact`, `HasAns_f1`, `HasAns_total`, `NoAns_*` (each
        split only when present) and, with `na_probs`, `best_exact`, `best_exact_thresh`,
        `best_f1`, `best_f1_thresh`; scores in percent.
    """
    missing = [qas_id for qas_id in gold if qas_id not in predictions]
    if missing:
        raise ValueError(f"{len(missing)} questions have no prediction, e.g. {missing[:3]}")
    if not gold:
        raise ValueError("no gold questions to score")
    has_answer = {qas_id: bool(answers) for qas_id, answers in gold.items()}
    exact_raw, f1_raw = {}, {}
    for qas_id, answers in gold.items():
        answers = [answer for answer in answers if normalize_answer(answer)] or [""]
        exact_raw[qas_id] = max(float(exact_match(predictions[qas_id], a)) for a in answers)
        f1_raw[qas_id] = max(squad_v2_f1(predictions[qas_id], a) for a in answers)
    probs = dict(na_probs) if na_probs is not None else dict.fromkeys(predictions, 0.0)
    if na_probs is not None:
        lacking = [qas_id for qas_id in gold if qas_id not in probs]
        if lacking:
            raise ValueError(f"{len(lacking)} questions have no na_prob, e.g. {lacking[:3]}")
    exact = _apply_threshold(exact_raw, probs, has_answer, na_prob_thresh)
    f1 = _apply_threshold(f1_raw, probs, has_answer, na_prob_thresh)
    result = _summary(exact, f1, list(gold))
    for prefix, wanted in (("HasAns", True), ("NoAns", False)):
        qids = [qas_id for qas_id, has in has_answer.items() if has == wanted]
        if qids:
            result.update(
                {f"{prefix}_{key}": value for key, value in _summary(exact, f1, qids).items()}
            )
    if na_probs is not None:
        for name, raw in (("exact", exact_raw), ("f1", f1_raw)):
            best, threshold = _best_threshold(predictions, raw, probs, has_answer)
            result[f"best_{name}"] = best
            result[f"best_{name}_thresh"] = threshold
    return result


def _apply_threshold(scores, na_probs, has_answer, threshold) -> dict[str, float]:
    return {
        qas_id: float(not has_answer[qas_id]) if na_probs[qas_id] > threshold else score
        for qas_id, score in scores.items()
    }


def _summary(exact, f1, qids) -> dict[str, float]:
    total = len(qids)
    return {
        "exact": 100.0 * sum(exact[q] for q in qids) / total,
        "f1": 100.0 * sum(f1[q] for q in qids) / total,
        "total": total,
    }


def _best_threshold(predictions, scores, na_probs, has_answer) -> tuple[float, float]:
    """Sweeps thresholds over the sorted na_probs as the official script's find_best_thresh."""
    current = best = sum(1 for has in has_answer.values() if not has)
    threshold = 0.0
    for qas_id in sorted(na_probs, key=lambda key: na_probs[key]):
        if qas_id not in scores:
            continue
        if has_answer[qas_id]:
            current += scores[qas_id]
        else:
            current += -1 if predictions[qas_id] else 0
        if current > best:
            best, threshold = current, na_probs[qas_id]
    return 100.0 * best / len(scores), threshold
