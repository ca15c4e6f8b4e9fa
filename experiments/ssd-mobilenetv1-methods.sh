#!/usr/bin/env bash
# Reproduces patches/ssd-mobilenetv1-<method>.png and reports/ssd-mobilenetv1/ (README, "Attacks"):
# the four methods of the paper against face-api's SSD MobileNetV1 on the shared WIDER FACE
# subset, with a schedule reduced to fit a 2-core machine (see SCHEDULE below), then every patch
# and the paper's controls (clean, unoptimised noise, real face) evaluated on val.
# Usage: bash experiments/ssd-mobilenetv1-methods.sh [backend]   (runs resume if interrupted)
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND="${1:-auto}"
DETECTOR=ssd-mobilenetv1
SCHEDULE=(--split train --max-images 300 --epochs 3 --batch 1 --optimizer adam --lr 0.01 --max-side 640 --seed 0)
RUNS=runs/$DETECTOR
mkdir -p patches reports/$DETECTOR
for METHOD in iou score score-focal combination; do
  OUT=$RUNS/$METHOD
  RESUME=(); [ -f "$OUT/checkpoint.json" ] && RESUME=(--resume)
  node bin/facepatch.js attack --detector $DETECTOR --backend "$BACKEND" --method $METHOD "${SCHEDULE[@]}" --out "$OUT" "${RESUME[@]}"
  cp "$OUT/patch.png" patches/$DETECTOR-$METHOD.png
  cp "$OUT/patch.json" patches/$DETECTOR-$METHOD.json
done
for DELTA in 0.99 0.5; do
  node bin/facepatch.js compare --detector $DETECTOR --backend "$BACKEND" --delta $DELTA --out reports/$DETECTOR/delta-$DELTA \
    --patch none --patch noise --patch face \
    --patch Patch-IoU=patches/$DETECTOR-iou.png --patch Patch-Score=patches/$DETECTOR-score.png \
    --patch Patch-Score-Focal=patches/$DETECTOR-score-focal.png --patch Patch-Combination=patches/$DETECTOR-combination.png
done
