"""`FreeTextSchema`: SchemaGen's schema with the task's free-text fields as natural language.

SchemaGen gives a string feature with few distinct values (under 100 by TFDV's default) a
closed vocabulary, so on a small task every question, context or sentence of the eval split
would be an "unexpected string value". The task shape names its free-text record fields
(`TaskShape.free_text_fields`: ids, texts, questions, contexts, answers, tokens, choices);
this step marks them `natural_language_domain` and keeps every other inference, so a label
or tag the training split never had is still an anomaly.

Example:
    >>> schema = FreeTextSchema(schema=schema_gen.outputs["schema"],
    ...                         task="squad-v1.1")  # doctest: +SKIP
"""

# No `from __future__ import annotations`: TFX reads these signatures' annotations as types.
import json
import os

from tfx.dsl.component.experimental.annotations import InputArtifact, OutputArtifact, Parameter
from tfx.dsl.component.experimental.decorators import component
from tfx.types import standard_artifacts

SCHEMA_FILE = "schema.pbtxt"


def mark_free_text(schema, fields) -> list:
    """Marks `fields` of a `Schema` proto as natural language (in place); returns the names
    marked. String domains only they referred to are dropped."""
    marked, names = [], set(fields)
    for feature in schema.feature:
        if feature.name in names:
            feature.natural_language_domain.SetInParent()  # replaces any other domain
            marked.append(feature.name)
    used = {feature.domain for feature in schema.feature if feature.HasField("domain")}
    kept = [domain for domain in schema.string_domain if domain.name in used]
    del schema.string_domain[:]
    schema.string_domain.extend(kept)
    return marked


@component
def FreeTextSchema(  # noqa: N802 (a TFX component is named like a class)
    schema: InputArtifact[standard_artifacts.Schema],
    curated: OutputArtifact[standard_artifacts.Schema],
    task: Parameter[str] = "csv",
    task_options: Parameter[str] = "{}",
) -> None:
    """Writes the curated `schema.pbtxt`."""
    from tensorflow_data_validation import load_schema_text, write_schema_text
    from tfx.utils import io_utils

    from bert_tf.tasks import make_task

    source = io_utils.get_only_uri_in_dir(schema.uri)
    loaded = load_schema_text(source)
    shape = make_task(task, **json.loads(task_options))
    marked = mark_free_text(loaded, shape.free_text_fields)
    write_schema_text(loaded, os.path.join(curated.uri, SCHEMA_FILE))
    curated.set_string_custom_property("free_text_fields", ",".join(marked))
