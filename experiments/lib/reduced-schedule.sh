# Sourced by the paired experiments: one Patch-Combination arm on retinaface-mobilenet0.25 over the
# reduced schedule (the first IMAGES train images, EPOCHS epochs, lr 0.01, per-face weighting), then
# its final patch evaluated on val at the original scale, delta 0.99.
# Resumable: a killed attack continues from its checkpoint, a written report is kept.
# BACKEND, SEEDS, IMAGES and EPOCHS come from the environment, with these defaults.
# Usage: reduced_schedule_arm <report-dir> <name> <run-dir> <attack flags...> (SEED set by the caller's loop)
BACKEND="${BACKEND:-torch}"
SEEDS="${SEEDS:-0 1}"
IMAGES="${IMAGES:-300}"
EPOCHS="${EPOCHS:-5}"
reduced_schedule_arm() {
  local report=$1 name=$2 out=$3; shift 3
  [ -f "$report/$name.json" ] && return 0
  local resume=(); [ -f "$out/checkpoint.json" ] && resume=(--resume)
  mkdir -p "$report"
  node bin/facepatch.js attack --detector retinaface-mobilenet0.25 --backend "$BACKEND" --method combination --split train \
    --max-images "$IMAGES" --epochs "$EPOCHS" --lr 0.01 --seed "$SEED" --sample-weighting face \
    --snapshots "$EPOCHS" --out "$out" "$@" "${resume[@]}"
  cp "$out/history.csv" "$report/history-$name.csv"
  node bin/facepatch.js evaluate --detector retinaface-mobilenet0.25 --backend "$BACKEND" --patch "$out/patch.json" --json > "$report/$name.json.tmp"
  mv "$report/$name.json.tmp" "$report/$name.json"
}
