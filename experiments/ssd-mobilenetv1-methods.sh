#!/usr/bin/env bash
# Reproduces patches/ssd-mobilenetv1-<method>.{png,json} and reports/ssd-mobilenetv1/ (README,
# "Attacks"): the paper's four methods against face-api's SSD MobileNetV1 on the shared WIDER FACE
# train subset, with a schedule reduced to fit a 2-core machine (SCHEDULE), then every patch and
# the paper's controls (clean, unoptimised noise, real face) evaluated on the shared val subset.
# The epoch-4 patches (patches/ssd-mobilenetv1-<method>-epoch4.*, session 2's schedule, used for the
# README's Table 4/5 rows) are kept beside the 10-epoch ones; a run that stopped at 4 epochs
# resumes to 10 bit for bit (constant learning rate).
#   bash experiments/ssd-mobilenetv1-methods.sh                 # everything, sequentially
#   METHODS="iou score" STEPS=attack bash experiments/...       # a part (runs resume if interrupted)
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND="${BACKEND:-auto}"
METHODS="${METHODS:-iou score score-focal combination}"
STEPS="${STEPS:-attack compare}"
DETECTOR=ssd-mobilenetv1
SCHEDULE=(--split train --max-images 500 --epochs 10 --batch 1 --optimizer adam --lr 0.01 --max-side 640 --seed 0)
RUNS=runs/$DETECTOR
mkdir -p patches reports/$DETECTOR
if [[ " $STEPS " == *" attack "* ]]; then
  for METHOD in $METHODS; do
    OUT=$RUNS/$METHOD
    RESUME=(); [ -f "$OUT/checkpoint.json" ] && RESUME=(--resume)
    node bin/facepatch.js attack --detector $DETECTOR --backend "$BACKEND" --method "$METHOD" "${SCHEDULE[@]}" --snapshots 4,8,10 --out "$OUT" "${RESUME[@]}"
    cp "$OUT/patch.png" "patches/$DETECTOR-$METHOD.png"
    cp "$OUT/patch.json" "patches/$DETECTOR-$METHOD.json"
    if [ -f "$OUT/snapshots/epoch-004.png" ]; then
      cp "$OUT/snapshots/epoch-004.png" "patches/$DETECTOR-$METHOD-epoch4.png"
      cp "$OUT/snapshots/epoch-004.json" "patches/$DETECTOR-$METHOD-epoch4.json"
    fi
  done
fi
if [[ " $STEPS " == *" compare "* ]]; then
  for DELTA in 0.99 0.5; do
    node bin/facepatch.js compare --detector $DETECTOR --backend "$BACKEND" --delta $DELTA --out "reports/$DETECTOR/delta-$DELTA" \
      --patch none --patch noise --patch face \
      --patch Patch-IoU=patches/$DETECTOR-iou.png --patch Patch-Score=patches/$DETECTOR-score.png \
      --patch Patch-Score-Focal=patches/$DETECTOR-score-focal.png --patch Patch-Combination=patches/$DETECTOR-combination.png
  done
fi
