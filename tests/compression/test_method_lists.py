"""The compression methods and layer maps are listed where each reader needs them (the CLI's
--help must not import TensorFlow); these tests keep the copies equal to the library's."""

from __future__ import annotations

import argparse

import pytest

from bert_tf.commands import compress as compress_command
from bert_tf.compression.compress_run import METHODS
from bert_tf.compression.distillation import LAYER_MAPS
from bert_tf.pipeline.config_sections import CompressionSection


def _choices(flag: str) -> tuple:
    parser = argparse.ArgumentParser()
    compress_command.configure(parser)
    action = next(a for a in parser._actions if flag in a.option_strings)
    return tuple(action.choices)


def test_the_command_offers_exactly_the_library_methods_and_layer_maps():
    assert _choices("--method") == METHODS
    assert _choices("--layer-map") == LAYER_MAPS


@pytest.mark.parametrize("method", METHODS)
def test_the_pipeline_section_takes_every_library_method(method):
    assert CompressionSection(method=method).method == method


def test_the_pipeline_section_refuses_a_method_the_library_lacks():
    with pytest.raises(ValueError, match="distill, int8 or distill\\+int8"):
        CompressionSection(method="prune")
