"""`LatestBlessedOtherModelStrategy`: the Evaluator's baseline is the newest blessed model
other than the candidate itself.

TFX's `LatestBlessedModelStrategy` hands a rerun's Evaluator the candidate as its own baseline
(it was blessed last time), so an unchanged rerun re-evaluates it against itself, blesses it
again and pushes the same model a second time. Leaving the candidate out keeps the
Evaluator's inputs of an unchanged rerun identical, so it (and the Pusher) hit the cache,
while a new candidate is still compared with the last blessed model. Kubeflow's V2 builder
compiles only TFX's own strategy, so compiled pipelines use that one.

Example:
    >>> resolver = Resolver(strategy_class=LatestBlessedOtherModelStrategy, model=...,
    ...     model_blessing=..., candidate=trainer.outputs["model"])  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from tfx.dsl.components.common import resolver

CANDIDATE_KEY = "candidate"


class LatestBlessedOtherModelStrategy(resolver.ResolverStrategy):
    """Inputs `model`, `model_blessing` (all of them) and `candidate` (this run's model)."""

    def resolve_artifacts(self, store: Any, input_dict: dict[str, list]) -> dict[str, list]:
        candidates = {artifact.id for artifact in input_dict.get(CANDIDATE_KEY, [])}
        blessed = {
            blessing.get_int_custom_property("current_model_id"): blessing
            for blessing in input_dict.get("model_blessing", [])
            if blessing.get_int_custom_property("blessed") == 1
        }
        result: dict[str, list] = {"model": [], "model_blessing": []}
        for model in sorted(input_dict.get("model", []), key=lambda a: a.id, reverse=True):
            if model.id in blessed and model.id not in candidates:
                result = {"model": [model], "model_blessing": [blessed[model.id]]}
                break
        result[CANDIDATE_KEY] = list(input_dict.get(CANDIDATE_KEY, []))
        return result
