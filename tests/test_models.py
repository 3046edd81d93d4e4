"""A missing or corrupt model is a clear error at start-up, naming the file and the fix."""

from pathlib import Path

import pytest

from receptionist.app.config import load_settings
from receptionist.app.runtime import models_from_settings
from receptionist.media.models import ModelError


def test_missing_model_names_the_file_and_make_models(tmp_path: Path) -> None:
    s = load_settings()
    s.models.tts = str(tmp_path / "voices" / "nobody.onnx")
    with pytest.raises(ModelError) as err:
        models_from_settings(s, with_llm=False)
    assert "nobody.onnx" in str(err.value)
    assert "make models" in str(err.value)
    assert "text-to-speech" in str(err.value)


def test_corrupt_model_names_the_model(tmp_path: Path) -> None:
    s = load_settings()
    broken = tmp_path / "silero.onnx"
    broken.write_bytes(b"this is not an onnx file")
    s.models.vad = str(broken)
    with pytest.raises(ModelError, match="vad model failed to load"):
        models_from_settings(s, with_llm=False)


def test_cli_reports_a_missing_model_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from receptionist.app.cli import main

    config = tmp_path / "site.toml"
    from receptionist.app.config import example_config_text

    config.write_text(
        example_config_text().replace(
            'stt = "models/whisper-tiny.en"', f'stt = "{tmp_path}/whisper"'
        )
    )
    assert main(["--config", str(config), "call", "--say", "hello", "--fast"]) == 2
    err = capsys.readouterr().err
    assert "speech-to-text (Whisper) model not found" in err and "make models" in err
