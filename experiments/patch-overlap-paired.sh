#!/usr/bin/env bash
# Patch-Combination with the paper's lambda2 test, IoU(anchor, patch) > 0.3, beside
# --patch-overlap anchor-inside (more than 0.3 of the anchor lies on the patch), paired by seed
# on a reduced schedule: the first IMAGES train images, EPOCHS epochs, per-face weighting, then
# the final patch evaluated on val at delta 0.99 (recall, precision, detections within patches).
# Resumable: a killed attack continues from its checkpoint, a written report is kept.
#   SEEDS="0 1" bash experiments/patch-overlap-paired.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND="${BACKEND:-torch}"
SEEDS="${SEEDS:-0 1}"
IMAGES="${IMAGES:-300}"
EPOCHS="${EPOCHS:-5}"
DETECTOR=retinaface-mobilenet0.25
REPORT=reports/$DETECTOR/patch-overlap-paired
mkdir -p "$REPORT"
for SEED in $SEEDS; do
  for OVERLAP in iou anchor-inside; do
    NAME=$OVERLAP-seed$SEED
    OUT=runs/overlap-$IMAGES-$EPOCHS-$NAME
    [ -f "$REPORT/$NAME.json" ] && continue
    RESUME=(); [ -f "$OUT/checkpoint.json" ] && RESUME=(--resume)
    node bin/facepatch.js attack --detector $DETECTOR --backend "$BACKEND" --method combination --split train \
      --max-images "$IMAGES" --epochs "$EPOCHS" --lr 0.01 --max-side 640 --seed "$SEED" --sample-weighting face \
      --patch-overlap "$OVERLAP" --snapshots "$EPOCHS" --out "$OUT" "${RESUME[@]}"
    cp "$OUT/history.csv" "$REPORT/history-$NAME.csv"
    node bin/facepatch.js evaluate --detector $DETECTOR --backend "$BACKEND" --patch "$OUT/patch.json" --json > "$REPORT/$NAME.json.tmp"
    mv "$REPORT/$NAME.json.tmp" "$REPORT/$NAME.json"
  done
done
