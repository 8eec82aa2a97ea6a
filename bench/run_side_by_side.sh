#!/usr/bin/env bash
# Likeness beside PyTorch-eager diffusers on the same CPU and model, alternating A/B with the same thread count.
# The Likeness side runs only our own commands (`likeness bench unet|generate|train`, and `likeness generate` for the
# whole process); the PyTorch side is ../shared/tools/cpu-ref/ref_bench.py, set up by its setup.sh (outside this
# repo). One JSON line per measurement into $OUT; bench/summarize_side_by_side.py makes the table.
#   ROUNDS=3 THREADS="1 2" CASES="unet16 unet8 generate process ti dreambooth" bench/run_side_by_side.sh
set -uo pipefail
LK="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REFTOOL="${REFTOOL:-$LK/../shared/tools/cpu-ref}"
MODEL="${MODEL:-$LK/../shared/golden/sd1-tiny/model}"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-1 2}"
OUT="${OUT:-$LK/target/side-by-side.jsonl}"
CASES="${CASES:-unet16 unet8 generate process ti dreambooth}"
PYENV=(env "PYTHONPATH=${REF_SITE:-${REF:-${TMPDIR:-/tmp}/likeness-ref}/site}"
       "LD_LIBRARY_PATH=${REF_BLAS:-/usr/lib/x86_64-linux-gnu/openblas-openmp}")
PY=("${PYENV[@]}" /usr/bin/python3 "$REFTOOL/ref_bench.py")
LIKENESS=("$LK/bridge-server/likeness")
export DJL_OFFLINE=true
mkdir -p "$(dirname "$OUT")"
TMPOUT=$(mktemp -d)
trap 'rm -rf "$TMPOUT"' EXIT

rec() { # side threads round case -- command...   (records the command's last JSON line and its wall time)
  local side=$1 th=$2 r=$3 c=$4; shift 5
  local line t0 t1
  t0=$(date +%s%N)
  line=$(OMP_NUM_THREADS=$th MKL_NUM_THREADS=$th "$@" 2>/dev/null | grep '^{' | tail -1)
  t1=$(date +%s%N)
  [ -z "$line" ] && line='{}'
  printf '{"side": "%s", "threads": %s, "round": %s, "bench": "%s", "load1": "%s", "wallMs": %s, "out": %s}\n' \
    "$side" "$th" "$r" "$c" "$(cut -d' ' -f1 /proc/loadavg)" $(( (t1 - t0) / 1000000 )) "$line" | tee -a "$OUT"
}

for th in $THREADS; do
  for r in $(seq 1 "$ROUNDS"); do
    for c in $CASES; do
      case $c in
        unet16) a=("${LIKENESS[@]}" bench unet --model "$MODEL" --size 64 --batch 2 --runs 30 --warmup 5)
                b=("${PY[@]}" unet --threads "$th" --runs 30 --warmup 5 --batch 2 --latent 16) ;;
        unet8)  a=("${LIKENESS[@]}" bench unet --model "$MODEL" --size 32 --batch 2 --runs 30 --warmup 5)
                b=("${PY[@]}" unet --threads "$th" --runs 30 --warmup 5 --batch 2 --latent 8) ;;
        generate) a=("${LIKENESS[@]}" bench generate --model "$MODEL" --runs 5 --warmup 2 --steps 20 --size 64)
                  b=("${PY[@]}" generate --threads "$th" --runs 5 --warmup 2 --steps 20 --size 64) ;;
        process) a=("${LIKENESS[@]}" generate --model "$MODEL" --prompt "a photo of a cat" --steps 20 --width 64
                    --height 64 --seed 1 --sampler ddim --out "$TMPOUT/lk.png")
                 b=("${PY[@]}" generate-once --threads "$th" --steps 20 --size 64 --out "$TMPOUT/py.png") ;;
        ti|dreambooth) a=("${LIKENESS[@]}" bench train --method "$c" --model "$MODEL" --steps 30 --warmup 5)
                       b=("${PY[@]}" train --threads "$th" --method "$c" --steps 30 --warmup 5) ;;
        *) echo "unknown case $c" >&2; exit 2 ;;
      esac
      if [ $((r % 2)) -eq 1 ]; then  # alternate which side goes first
        rec likeness "$th" "$r" "$c" -- "${a[@]}"; rec pytorch "$th" "$r" "$c" -- "${b[@]}"
      else
        rec pytorch "$th" "$r" "$c" -- "${b[@]}"; rec likeness "$th" "$r" "$c" -- "${a[@]}"
      fi
    done
  done
done
