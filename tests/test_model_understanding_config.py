"""The [models] keys of the model understanding: defaults, and a wrong value named at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from receptionist.app.config import ConfigError, example_config_text, load_settings


def site(tmp_path: Path, models: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(example_config_text().replace('understanding = "rules"\n', models))
    return path


def test_rules_by_default_and_the_model_file_defaults_to_the_llm() -> None:
    m = load_settings().models
    assert (m.understanding, m.understanding_deadline_ms) == ("rules", 600)
    assert m.understanding_file == m.llm == "models/smollm2-135m-instruct.gguf"


def test_a_site_model_and_its_deadline(tmp_path: Path) -> None:
    path = site(
        tmp_path,
        'understanding = "model"\nunderstanding_model = "models/qwen2.5-7b.gguf"\n'
        "understanding_deadline_ms = 900\n",
    )
    m = load_settings(path).models
    assert (m.understanding, m.understanding_file, m.understanding_deadline_ms) == (
        "model",
        "models/qwen2.5-7b.gguf",
        900,
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('understanding = "llm"\n', r"'models.understanding' = 'llm'; allowed: rules, model"),
        ("understanding = true\n", r"'models.understanding' = True must be str"),
        (
            "understanding_deadline_ms = 0\n",
            r"'models.understanding_deadline_ms' = 0; allowed: 50 to 5000 \(milliseconds\)",
        ),
        (
            "understanding_deadline_ms = 0.6\n",
            r"'models.understanding_deadline_ms' = 0.6 must be int",
        ),
        (
            "understanding_gpu_layers = -2\n",
            r"'models.understanding_gpu_layers' = -2; allowed: -1 to 1000",
        ),
        (
            "understanding_deadline = 600\n",
            r"unknown key 'models.understanding_deadline';.*"
            r"understanding_deadline_ms",
        ),
    ],
)
def test_a_wrong_value_names_the_key_the_file_and_what_is_allowed(
    tmp_path: Path, line: str, message: str
) -> None:
    path = site(tmp_path, line)
    with pytest.raises(ConfigError, match=message) as err:
        load_settings(path)
    assert str(err.value).startswith(f"{path}: ")
