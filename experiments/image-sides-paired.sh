#!/usr/bin/env bash
# Patch-Combination trained on images drawn at several scales (--image-sides) beside the
# single 640 px scale of the reference, paired by seed on the reduced schedule of
# patch-overlap-paired.sh (the first IMAGES train images, EPOCHS epochs, per-face weighting; its
# iou-seed<N> reports are the 640 px side of the pair). The final patch is evaluated on val at the
# original scale, delta 0.99. Resumable: a killed attack continues, a written report is kept.
#   SIDES=640,832,1024 SEEDS="0 1" bash experiments/image-sides-paired.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND="${BACKEND:-torch}"
SEEDS="${SEEDS:-0 1}"
SIDES="${SIDES:-640,832,1024}"
IMAGES="${IMAGES:-300}"
EPOCHS="${EPOCHS:-5}"
DETECTOR=retinaface-mobilenet0.25
REPORT=reports/$DETECTOR/image-sides-paired
mkdir -p "$REPORT"
for SEED in $SEEDS; do
  NAME=sides-${SIDES//,/-}-seed$SEED
  OUT=runs/image-sides-$IMAGES-$EPOCHS-$NAME
  [ -f "$REPORT/$NAME.json" ] && continue
  RESUME=(); [ -f "$OUT/checkpoint.json" ] && RESUME=(--resume)
  node bin/facepatch.js attack --detector $DETECTOR --backend "$BACKEND" --method combination --split train \
    --max-images "$IMAGES" --epochs "$EPOCHS" --lr 0.01 --image-sides "$SIDES" --seed "$SEED" --sample-weighting face \
    --snapshots "$EPOCHS" --out "$OUT" "${RESUME[@]}"
  cp "$OUT/history.csv" "$REPORT/history-$NAME.csv"
  node bin/facepatch.js evaluate --detector $DETECTOR --backend "$BACKEND" --patch "$OUT/patch.json" --json > "$REPORT/$NAME.json.tmp"
  mv "$REPORT/$NAME.json.tmp" "$REPORT/$NAME.json"
done
