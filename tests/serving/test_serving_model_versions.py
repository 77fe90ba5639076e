"""ModelVersions: TF Serving's version policies, availability-first swaps, broken pushes."""

from __future__ import annotations

import time

import pytest
from tensorflow_serving.config import file_system_storage_path_source_pb2 as fs_pb2

from bert_tf.serving.model_versions import ModelVersions
from bert_tf.serving.serving_error import ServingError

Policy = fs_pb2.FileSystemStoragePathSourceConfig.ServableVersionPolicy


class FakeServable:
    def __init__(self, name, version, path):
        if (path / "broken").exists():
            raise ValueError(f"cannot read {path}")
        self.version = version

    def warm_up(self):
        return 0


def make(base, *versions, broken=()):
    for version in versions:
        (base / str(version)).mkdir(parents=True, exist_ok=True)
        (base / str(version) / "saved_model.pb").write_bytes(b"pb")
        if version in broken:
            (base / str(version) / "broken").touch()


def test_latest_policy_serves_the_newest_and_unloads_the_old(tmp_path):
    make(tmp_path, 1, 2)
    (tmp_path / "tmp-upload").mkdir()  # not a number: ignored
    versions = ModelVersions("m", tmp_path, load=FakeServable)
    versions.poll()
    assert versions.available() == [2] and versions.get().version == 2
    assert versions.states[2].state == "AVAILABLE"
    make(tmp_path, 3)
    versions.poll()
    assert versions.available() == [3] and versions.states[2].state == "END"


def test_broken_push_keeps_the_last_good_version_until_it_is_fixed(tmp_path):
    make(tmp_path, 1)
    versions = ModelVersions("m", tmp_path, load=FakeServable, max_num_load_retries=0)
    versions.poll()
    make(tmp_path, 2, broken=[2])
    versions.poll()
    versions.poll()  # not retried while unchanged
    assert versions.available() == [1]
    state = versions.states[2]
    assert (state.state, state.error_code) == ("END", "INTERNAL")
    assert "failed to load version 2" in state.error_message
    with pytest.raises(ServingError, match=r"version 2 is not available \(END: failed"):
        versions.get(2)
    (tmp_path / "2" / "broken").unlink()
    (tmp_path / "2" / "saved_model.pb").write_bytes(b"fixed pb")  # a re-push: new fingerprint
    versions.poll()
    assert versions.available() == [2]


def test_num_versions_all_and_specific_policies(tmp_path):
    make(tmp_path, 1, 2, 3)
    latest_two = Policy(latest=Policy.Latest(num_versions=2))
    everything = Policy(all=Policy.All())
    pinned = Policy(specific=Policy.Specific(versions=[1, 3]))
    for policy, expected in ((latest_two, [2, 3]), (everything, [1, 2, 3]), (pinned, [1, 3])):
        versions = ModelVersions("m", tmp_path, policy, load=FakeServable)
        versions.poll()
        assert versions.available() == expected


def test_labels_and_not_found_messages(tmp_path):
    make(tmp_path, 1, 2)
    policy = Policy(all=Policy.All())
    versions = ModelVersions("m", tmp_path, policy, {"stable": 1}, load=FakeServable)
    assert pytest.raises(ServingError, versions.get).value.code == "UNAVAILABLE"
    versions.poll()
    assert versions.get(label="stable").version == 1
    with pytest.raises(ServingError, match="no version label 'canary'"):
        versions.get(label="canary")
    with pytest.raises(ServingError, match=r"version 9 is not available; available versions"):
        versions.get(9)


def test_a_failed_load_is_retried_with_the_interval_between(tmp_path):
    """TF Serving's --max_num_load_retries / --load_retry_interval_micros."""
    make(tmp_path, 1, broken=[1])
    attempts = []

    class FixedOnThirdTry(FakeServable):
        def __init__(self, name, version, path):
            attempts.append(time.monotonic())
            if len(attempts) == 3:
                (path / "broken").unlink()
            super().__init__(name, version, path)

    versions = ModelVersions(
        "m", tmp_path, load=FixedOnThirdTry, max_num_load_retries=5, load_retry_interval=0.05
    )
    versions.poll()
    assert versions.available() == [1] and len(attempts) == 3
    assert min(b - a for a, b in zip(attempts, attempts[1:])) >= 0.05

    make(tmp_path, 2, broken=[2])
    attempts.clear()
    versions.max_num_load_retries = 1
    versions.poll()
    assert len(attempts) == 2 and versions.states[2].state == "END"
    assert versions.available() == [1]
