"""WarmupLinearDecay: warm-up, peak, linear decay to the end rate, serialization."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from bert_tf.training.schedules import WarmupLinearDecay


def rates(schedule, steps):
    return np.array([float(schedule(step)) for step in steps])


def test_warmup_peak_and_decay_to_zero():
    schedule = WarmupLinearDecay(1e-3, num_train_steps=110, num_warmup_steps=10)
    np.testing.assert_allclose(rates(schedule, [0, 1, 5, 9]), [0, 1e-4, 5e-4, 9e-4], atol=1e-9)
    # google-research: the decay runs from step 0 over all 110 steps, so the end of warm-up
    # is at 1 - 10/110 of the peak, not the peak (the HF/Model Garden variant).
    assert float(schedule(10)) == pytest.approx(1e-3 * 100 / 110)
    np.testing.assert_allclose(
        rates(schedule, [55, 99, 110]), [5e-4, 1e-3 * 11 / 110, 0.0], rtol=1e-6, atol=1e-9
    )
    assert float(schedule(500)) == 0.0  # stays at the end rate after the run
    values = rates(schedule, range(0, 111))
    assert values.argmax() == 10
    assert np.all(np.diff(values[:11]) > 0) and np.all(np.diff(values[10:]) < 0)


def test_matches_google_research_polynomial_decay_with_warmup():
    """The formula of google-research/bert optimization.py, written out step by step."""
    peak, total, warmup = 5e-5, 37, 4
    schedule = WarmupLinearDecay(peak, num_train_steps=total, num_warmup_steps=warmup)
    for step in range(0, total + 3):
        decayed = peak * (1.0 - min(step, total) / total) ** 1.0  # polynomial_decay, power 1
        expected = peak * step / warmup if step < warmup else decayed
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-5, abs=1e-12)


def test_no_warmup_and_end_rate():
    schedule = WarmupLinearDecay(2.0, num_train_steps=4, num_warmup_steps=0, end_learning_rate=1.0)
    np.testing.assert_allclose(rates(schedule, [0, 2, 4, 8]), [2.0, 1.5, 1.0, 1.0])


def test_batches_per_step_counts_optimizer_updates():
    schedule = WarmupLinearDecay(1.0, num_train_steps=4, num_warmup_steps=2, batches_per_step=3)
    # Keras passes the batch counter; batches 0-2 are update 0, 3-5 update 1, ...
    # update 2 ends warm-up at 1 - 2/4 of the peak; update 3 is 1 - 3/4
    np.testing.assert_allclose(
        rates(schedule, [0, 2, 3, 5, 6, 9, 12]), [0, 0, 0.5, 0.5, 0.5, 0.25, 0]
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(peak_learning_rate=1e-4, num_train_steps=0),
        dict(peak_learning_rate=1e-4, num_train_steps=10, num_warmup_steps=11),
        dict(peak_learning_rate=0.0, num_train_steps=10),
        dict(peak_learning_rate=1e-4, num_train_steps=10, batches_per_step=0),
    ],
)
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        WarmupLinearDecay(**kwargs)


def test_config_round_trip_through_optimizer():
    schedule = WarmupLinearDecay(3e-4, num_train_steps=50, num_warmup_steps=5)
    clone = WarmupLinearDecay.from_config(schedule.get_config())
    assert clone.get_config() == schedule.get_config()
    optimizer = keras.optimizers.Adam(learning_rate=schedule)
    restored = keras.optimizers.Adam.from_config(optimizer.get_config())
    assert isinstance(restored._learning_rate, WarmupLinearDecay)
    serialized = keras.saving.serialize_keras_object(schedule)
    again = keras.saving.deserialize_keras_object(serialized)
    assert isinstance(again, WarmupLinearDecay)
    np.testing.assert_allclose(rates(again, [3, 20]), rates(schedule, [3, 20]))
