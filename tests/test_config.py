"""Settings: the embedded example loads; a wrong key or value names the key and the file."""

from pathlib import Path

import pytest

from receptionist.app.config import (
    ConfigError,
    bridge_settings,
    example_config_text,
    load_settings,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text)
    return path


def test_the_embedded_example_is_the_salon() -> None:
    s = load_settings()
    p = s.profile
    assert [(x.name, x.minutes, x.price) for x in p.services] == [
        ("haircut", 30, 35),
        ("beard trim", 15, 15),
        ("colour", 90, 90),
        ("kids cut", 20, 20),
    ]
    assert p.hours.describe() == (
        "Tuesday to Friday 9 AM to 6 PM, Saturday 9 AM to 2 PM; closed Monday and Sunday"
    )
    assert [(m.name, m.extension) for m in p.staff] == [("Sarah", "201"), ("Marco", "202")]
    assert p.front_desk == "200"
    assert s.booking.backend == "builtin" and s.store.path == "var/receptionist.db"


def test_an_unknown_key_is_named_with_the_file_and_the_allowed_keys(tmp_path: Path) -> None:
    path = write(tmp_path, example_config_text().replace("deadline_s = 2.5", "dedline_s = 2.5"))
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    message = str(err.value)
    assert str(path) in message
    assert "'booking.dedline_s'" in message
    assert "deadline_s" in message  # what is allowed


def test_a_wrong_value_type_and_a_bad_choice(tmp_path: Path) -> None:
    path = write(tmp_path, example_config_text().replace('device = "cpu"', 'device = "tpu"'))
    with pytest.raises(ConfigError, match=r"'models.device' = 'tpu'; allowed: cpu, cuda, auto"):
        load_settings(path)
    path = write(tmp_path, example_config_text().replace("minutes = 30", 'minutes = "half hour"'))
    with pytest.raises(ConfigError, match=r"'services\[0\].minutes' = 'half hour' must be int"):
        load_settings(path)


def test_bad_hours_and_unknown_escalation_target(tmp_path: Path) -> None:
    path = write(tmp_path, example_config_text().replace('tue = "09:00-18:00"', 'tue = "9 to 6"'))
    with pytest.raises(ConfigError, match=r"'hours.tue' = '9 to 6'; allowed"):
        load_settings(path)
    path = write(tmp_path, example_config_text().replace('target = "Sarah"', 'target = "Bob"', 1))
    with pytest.raises(ConfigError, match=r"'escalation\[1\].target' = 'Bob'.*Sarah, Marco"):
        load_settings(path)


def test_corrupt_toml_and_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[business\nname = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "nope.toml")


def test_environment_overrides_secrets_and_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECEPTIONIST_AMI_SECRET", "s3cret")
    monkeypatch.setenv("RECEPTIONIST_ESL_PORT", "9021")
    monkeypatch.setenv("RECEPTIONIST_DB", "/tmp/x.db")
    s = load_settings()
    assert s.asterisk["ami_secret"] == "s3cret"
    assert s.freeswitch["esl_port"] == 9021
    assert s.store.path == "/tmp/x.db"
    monkeypatch.setenv("RECEPTIONIST_AGI_PORT", "forty")
    with pytest.raises(ConfigError, match="RECEPTIONIST_AGI_PORT='forty' must be a port"):
        load_settings()


def test_a_file_that_is_not_utf8_is_named_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(example_config_text().encode("utf-8").replace(b"Bella", b"B\xe9lla"))
    with pytest.raises(ConfigError, match=r"site\.toml: not UTF-8 text \(byte 0xe9 at offset"):
        load_settings(path)


def test_a_bridge_enabled_with_a_string_is_refused_not_switched_on(tmp_path: Path) -> None:
    text = example_config_text().replace(
        "[freeswitch]\nenabled = false", '[freeswitch]\nenabled = "no"'
    )
    with pytest.raises(ConfigError, match=r"'freeswitch.enabled' = 'no' must be true or false"):
        load_settings(write(tmp_path, text))


def test_a_port_out_of_range_is_refused_at_load(tmp_path: Path) -> None:
    text = example_config_text().replace(
        "[asterisk]\nenabled = false\n", "[asterisk]\nenabled = true\nagi_port = 70000\n"
    )
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    assert "'asterisk.agi_port' = 70000; allowed: 0 to 65535" in str(err.value)


def test_a_bridge_key_of_the_wrong_type_is_refused_at_load(tmp_path: Path) -> None:
    text = example_config_text().replace(
        "[freeswitch]\nenabled = false\n", '[freeswitch]\nenabled = true\nesl_port = "8021"\n'
    )
    with pytest.raises(ConfigError, match=r"'freeswitch.esl_port' = '8021' must be int"):
        load_settings(write(tmp_path, text))


def test_one_ring_time_reaches_both_bridges(tmp_path: Path) -> None:
    text = (
        example_config_text()
        .replace("ring_seconds = 20", "ring_seconds = 12")
        .replace("[freeswitch]\nenabled = false\n", "[freeswitch]\nenabled = true\n")
        .replace("[asterisk]\nenabled = false\n", "[asterisk]\nenabled = true\n")
    )
    settings = load_settings(write(tmp_path, text))
    freeswitch = bridge_settings(settings, "freeswitch")
    asterisk = bridge_settings(settings, "asterisk")
    assert freeswitch.ring_seconds == asterisk.ring_seconds == settings.transfer.ring_seconds == 12


def test_the_old_ring_key_still_works_and_says_it_is_deprecated(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = example_config_text().replace(
        "[asterisk]\nenabled = false\n", "[asterisk]\nenabled = true\ntransfer_ring_s = 15\n"
    )
    settings = load_settings(write(tmp_path, text))
    assert bridge_settings(settings, "asterisk").ring_seconds == 15
    assert "'asterisk.transfer_ring_s' is deprecated: set [transfer] ring_seconds" in caplog.text


def test_a_second_ring_time_in_a_bridge_table_is_refused(tmp_path: Path) -> None:
    text = example_config_text().replace(
        "[freeswitch]\nenabled = false\n", "[freeswitch]\nenabled = true\nring_seconds = 5\n"
    )
    with pytest.raises(ConfigError, match=r"set once, as \[transfer\] ring_seconds"):
        load_settings(write(tmp_path, text))


@pytest.mark.parametrize(
    ("table", "line", "message"),
    [
        ("freeswitch", 'accept_digit = "12"', "accept_digit = '12' is not one DTMF digit"),
        ("freeswitch", 'transfer_dial_string = "user/"', "transfer_dial_string = 'user/' has no"),
        ("freeswitch", "media_port_max = 41500", "overlap on the same host"),
        ("asterisk", "max_calls = 0", "max_calls = 0 must be at least 1"),
    ],
)
def test_bridge_settings_are_checked_when_the_file_loads(
    tmp_path: Path, table: str, line: str, message: str
) -> None:
    text = example_config_text().replace(
        f"[{table}]\nenabled = false\n", f"[{table}]\nenabled = true\n{line}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    assert f"[{table}] " in str(err.value)
    assert message in str(err.value)
