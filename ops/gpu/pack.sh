#!/usr/bin/env bash
# Here (where make models, flite and Festival are): everything a bare GPU box without network
# needs to run `make bench --quick`, as one tar cut into pieces that fit one device call each
# beside the repository (64 MiB a call, the tracked files included). See docs/gpu.md.
# Usage: ops/gpu/pack.sh [OUT_DIR]   (default: .gpupack)
set -euo pipefail
out=${1:-.gpupack}
py=.venv/bin/python
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/wheels"
# Wheels for what the box's image lacks (its Python is 3.12; it has numpy, onnxruntime,
# tokenizers, huggingface_hub, tqdm, click, jinja2, prometheus_client, ...).
$py -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 -d "$stage/wheels" \
  ctranslate2==4.8.5 faster-whisper==1.2.1 soxr piper-tts==1.8.0 pathvalidate sqlite-utils \
  click-default-group sqlite-fts4 text2num jellyfish rapidfuzz aiosipua aiortp
$py -m pip wheel -q --no-deps -w "$stage/wheels" names==0.3.0
# The caller lines, recorded: the box has neither flite nor Festival. A quick bench run here
# with RECEPTIONIST_VOICE_DIR keeps every line it speaks (VOICES_FROM: a folder already made).
if [ -n "${VOICES_FROM:-}" ]; then
  cp -r "$VOICES_FROM" "$stage/voices"
else
  RECEPTIONIST_VOICE_DIR="$stage/voices" $py -m receptionist.harness.bench --quick \
    --out "$stage/bench-here.json" --work "$stage/work"
  rm -rf "$stage/work"
fi
sed -e 's/^device = "cpu".*/device = "cuda"/' -e 's/^llm_enabled = true.*/llm_enabled = false/' \
  receptionist/examples/salon.toml > "$stage/gpu-salon.toml"
cp ops/gpu/run.sh "$stage/gpu-bench.sh"
tar czf "$stage.tar" -C "$stage" wheels voices gpu-salon.toml gpu-bench.sh \
  -C "$PWD" models/whisper-tiny.en models/piper models/silero_vad.onnx models/smart-turn-v3.2-cpu.onnx
rm -rf "$out" && mkdir -p "$out"
tracked=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
piece=$(( 64 * 1024 * 1024 - tracked - 1000000 ))   # a megabyte spare for untracked files
split -b "$piece" -d -a 1 "$stage.tar" "$out/part"
rm -f "$stage.tar"
ls -la "$out"
echo "device calls: carry $out/partN in call N, each running: mkdir -p /tmp/parts && cp $out/part* /tmp/parts/;"
echo "the last call: cat /tmp/parts/part* | tar xz && bash gpu-bench.sh"
