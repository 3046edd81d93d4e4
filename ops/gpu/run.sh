# On the GPU box, after the pieces from ops/gpu/pack.sh are joined and untarred in the repo root.
set -x
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site wheels/*.whl || exit 1
mkdir -p /tmp/cu12
lib13=$(ls /usr/local/cuda-13.0/targets/x86_64-linux/lib/libcublas.so.13 2>/dev/null || find / -name libcublas.so.13 -not -path '/proc/*' 2>/dev/null | head -1)
ln -sf "$lib13" /tmp/cu12/libcublas.so.12   # CTranslate2's wheel is built for CUDA 12's cuBLAS
export LD_LIBRARY_PATH=/tmp/cu12:$(dirname "$lib13") PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
export RECEPTIONIST_CONFIG=$PWD/gpu-salon.toml RECEPTIONIST_VOICE_DIR=$PWD/voices
nproc; nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
timeout ${BENCH_LIMIT:-520} python3 -c "
import sys, types, runpy
sys.modules['av'] = types.ModuleType('av')  # faster-whisper opens files with it; the bench gives it arrays
sys.argv = ['bench', '--quick', '--out', sys.argv[1], '--work', '/tmp/benchwork', *sys.argv[2:]]
runpy.run_module('receptionist.harness.bench', run_name='__main__')
" $OUT/bench-gpu.json ${BENCH_ARGS:-} 2>&1 | grep -v -i "warn\|provider" | tee $OUT/bench-gpu.log
