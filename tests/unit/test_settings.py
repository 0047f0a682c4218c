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


# Three valid values per setting: heard.toml's, HEARD_*'s (as the environment spells it) and a
# flag's. Every setting must be here, so a new one is checked too.
LAYERS: dict[str, tuple[object, str, object]] = {
    "db": ("file.duckdb", "env.duckdb", "flag.duckdb"),
    "timezone": ("Europe/Berlin", "UTC", "Asia/Tokyo"),
    "author_salt": ("salt-file", "salt-env", "salt-flag"),
    "batch_size": (10, "20", 30),
    "watch_batch_size": (11, "21", 31),
    "embedder": ("use", "use-int8-row", "use-int8"),
    "user_dict": ("file.txt", "env.txt", "flag.txt"),
    "threads": (3, "4", 5),
    "alert_log": ("file.jsonl", "env.jsonl", "flag.jsonl"),
    "webhooks": (["https://f.example"], '["https://e.example"]', ["https://g.example"]),
    "alert_alpha": (1e-5, "1e-6", 1e-4),
    "min_group_size": (6, "7", 8),
    "public_accounts": (["F"], '["E"]', ["G"]),
    "trusted_proxies": (["10.0.0.1"], '["10.0.0.2"]', ["10.0.0.3"]),
    "answer_cases": (True, "false", True),
    "case_sources": (["board"], '["form"]', ["weibo"]),
    "router_model": ("file-router", "env-router", "flag-router"),
    "department_preset": ("file", "env", "flag"),
    "departments": ([{"code": "f"}], '[{"code": "e"}]', [{"code": "g"}]),
    "issues": (False, "true", False),
    "issues_posts": (200, "300", 400),
    "protect": (False, "true", False),
    "protect_auto_threshold": (0.6, "0.7", 0.8),
    "protect_auto_action": ("label", "remove", "limit_visibility"),
    "notify_deadline_hours": (2, "3", 4),
    "notify_interval_s": (5.0, "6", 7.0),
    "notify_max_attempts": (2, "3", 4),
    "public_base_url": ("https://f.example", "https://e.example", "https://g.example"),
    "smtp_host": ("f.example", "e.example", "g.example"),
    "smtp_port": (2525, "2526", 2527),
    "smtp_from": ("f@x.example", "e@x.example", "g@x.example"),
    "smtp_starttls": (True, "false", True),
    "smtp_user": ("f", "e", "g"),
    "smtp_password_env": ("F_PW", "E_PW", "G_PW"),
}


def _toml_value(value: object) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        raise AssertionError("tables are written by the caller")
    return json.dumps(value)


def test_every_setting_takes_file_then_env_then_flag(tmp_path, monkeypatch):
    assert set(LAYERS) == set(Settings.model_fields), "add the new setting to LAYERS"
    for name in Settings.model_fields:
        monkeypatch.delenv(f"HEARD_{name.upper()}", raising=False)
    lines = ["[heard]"]
    for name, (file_value, _, _) in LAYERS.items():
        if name != "departments":
            lines.append(f"{name} = {_toml_value(file_value)}")
    lines += ["[[departments]]", 'code = "f"']
    config = tmp_path / "heard.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def value(got: Settings, name: str) -> object:
        return got.model_dump(mode="json")[name]

    from_file = load_settings(config)
    for name, (file_value, _, _) in LAYERS.items():
        assert value(from_file, name) == file_value, name
    for name, (_, env_value, _) in LAYERS.items():
        monkeypatch.setenv(f"HEARD_{name.upper()}", env_value)
    from_env = load_settings(config)
    flags = {name: flag for name, (_, _, flag) in LAYERS.items()}
    from_flags = load_settings(config, **flags)
    env_only = Settings()  # the environment alone, as pydantic-settings reads it
    for name, (_, _, flag_value) in LAYERS.items():
        assert value(from_env, name) == value(env_only, name) != value(from_file, name), name
        assert value(from_flags, name) == flag_value, name


def test_a_list_setting_in_the_environment_that_is_not_json_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_WEBHOOKS", "https://hooks.example/a")
    with pytest.raises(InputError, match="HEARD_WEBHOOKS") as err:
        load_settings()
    assert err.value.fix and '["https://' in err.value.fix


def test_a_bad_value_says_which_layer_gave_it(tmp_path, monkeypatch):
    config = _toml(tmp_path, "batch_size = 5\nthreads = 2\n")
    monkeypatch.setenv("HEARD_BATCH_SIZE", "lots")
    with pytest.raises(InputError, match="from HEARD_BATCH_SIZE"):
        load_settings(config)
    monkeypatch.delenv("HEARD_BATCH_SIZE")
    with pytest.raises(InputError, match="from the --threads flag"):
        load_settings(config, threads=0)
    config = _toml(tmp_path, 'threads = "two"\n')
    with pytest.raises(InputError, match=f"from \\[heard\\] threads in {config}"):
        load_settings(config)


def test_a_key_outside_the_heard_table_is_named_with_the_file(tmp_path):
    config = tmp_path / "heard.toml"
    config.write_text('db = "city.duckdb"\n[heard]\nthreads = 2\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"'db' .*outside the \[heard\] table") as err:
        load_settings(config)
    assert str(config) in str(err.value) and "[heard]" in (err.value.fix or "")
    config.write_text("[heard]\nthreads = 2\n[heard_extra]\nx = 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="'heard_extra'"):
        load_settings(config)
