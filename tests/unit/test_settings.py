"""Settings precedence: defaults < heard.toml < HEARD_* environment < command-line flags."""

from __future__ import annotations

import pytest

from heard.errors import InputError
from heard.settings import Settings, load_settings


def _toml(tmp_path, body: str):
    path = tmp_path / "heard.toml"
    path.write_text("[heard]\n" + body, encoding="utf-8")
    return path


def test_each_layer_overrides_the_one_below(tmp_path, monkeypatch):
    monkeypatch.delenv("HEARD_BATCH_SIZE", raising=False)
    monkeypatch.delenv("HEARD_WATCH_BATCH_SIZE", raising=False)
    config = _toml(tmp_path, "batch_size = 100\nwatch_batch_size = 7\n")
    assert load_settings(config).batch_size == 100
    monkeypatch.setenv("HEARD_BATCH_SIZE", "200")
    got = load_settings(config)
    assert (
        got.batch_size == 200 and got.watch_batch_size == 7
    )  # env beats the file, file still counts
    assert load_settings(config, batch_size=300).batch_size == 300  # a flag beats both
    assert (
        load_settings(config, batch_size=None).batch_size == 200
    )  # a flag not given is not a value


def test_defaults_apply_without_file_or_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no heard.toml here
    for name in ("HEARD_BATCH_SIZE", "HEARD_WATCH_BATCH_SIZE"):
        monkeypatch.delenv(name, raising=False)
    got = load_settings()
    assert got.batch_size == Settings.model_fields["batch_size"].default == 512
    assert got.watch_batch_size == 64


def test_a_bad_value_names_the_setting_and_where_to_fix_it(tmp_path):
    config = _toml(tmp_path, "batch_size = 0\n")
    with pytest.raises(InputError, match="batch_size") as err:
        load_settings(config)
    assert "HEARD_BATCH_SIZE" in str(err.value)


def test_a_missing_config_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_an_unknown_key_is_named_without_a_made_up_flag(tmp_path):
    config = _toml(tmp_path, "batchsize = 3\n")
    with pytest.raises(InputError, match="'batchsize' is not a Heard setting") as err:
        load_settings(config)
    assert "--batchsize" not in str(err.value) and "heard config show" in str(err.value)


def test_an_unknown_time_zone_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no heard.toml here
    monkeypatch.delenv("HEARD_TIMEZONE", raising=False)
    with pytest.raises(InputError, match="Mars/Base"):
        load_settings(None, timezone="Mars/Base")
    assert load_settings(None, timezone="Europe/London").timezone == "Europe/London"
