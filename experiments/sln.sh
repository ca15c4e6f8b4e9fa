#!/usr/bin/env bash
# Reproduces weights/sln-<backbone>.{json,bin} and reports/sln-<backbone>/ (README, "The paper's
# SLN detector"): the SLN trained by facepatch on the shared WIDER FACE train subset with a
# schedule that fits a 2-core machine (TRAIN below, one per shipped backbone), evaluated on the
# shared val subset at one scale and with a test pyramid, then attacked with Patch-Combination
# (ATTACK) beside the paper's controls.
#   BACKBONE=mobilenet0.25 bash experiments/sln.sh     # everything (about 2 h here)
#   BACKBONE=resnet18 bash experiments/sln.sh          # about 1 h 45 min of training, then the rest
#   STEPS="evaluate" BACKBONE=resnet18 bash experiments/sln.sh   # a part; training resumes if interrupted
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND="${BACKEND:-torch}"
STEPS="${STEPS:-train evaluate attack compare}"
BACKBONE="${BACKBONE:-mobilenet0.25}"
DETECTOR=sln-$BACKBONE
# The schedules the shipped weights were trained with (the ResNet has no ImageNet weights offline).
declare -A TRAIN_BY_BACKBONE=(
  [mobilenet0.25]="--backbone-weights imagenet --max-side 480 --accumulate 8 --lr 0.01 --warmup 50 --epochs 9 --seed 0"
  [resnet18]="--backbone-weights none --max-side 480 --accumulate 8 --lr 0.01 --warmup 50 --epochs 12 --seed 0"
)
if [ -z "${TRAIN_BY_BACKBONE[$BACKBONE]:-}" ]; then
  echo "no training schedule for BACKBONE=$BACKBONE; known: ${!TRAIN_BY_BACKBONE[*]}" >&2
  exit 2
fi
read -r -a TRAIN <<< "--backbone $BACKBONE ${TRAIN_BY_BACKBONE[$BACKBONE]}"
ATTACK=(--method combination --split train --max-images 300 --epochs 2 --batch 1 --optimizer adam --lr 0.01 --max-side 640 --seed 0)
RUN=runs/$DETECTOR
mkdir -p weights reports/$DETECTOR patches
if [[ " $STEPS " == *" train "* ]]; then
  RESUME=(); [ -f "$RUN/checkpoint.json" ] && RESUME=(--resume)
  node bin/facepatch.js train-detector --backend "$BACKEND" "${TRAIN[@]}" --out "$RUN" \
    --export weights/$DETECTOR.json --export-dtype float16 "${RESUME[@]}"
  cp "$RUN/curve.png" "$RUN/curve.svg" "$RUN/history.csv" reports/$DETECTOR/
fi
if [[ " $STEPS " == *" evaluate "* ]]; then
  node bin/facepatch.js evaluate --detector $DETECTOR --backend "$BACKEND" --json > reports/$DETECTOR/clean-single-scale.json
  node bin/facepatch.js evaluate --detector $DETECTOR --backend "$BACKEND" --detector-config '{"pyramid":[0.25,0.5,1]}' \
    --json > reports/$DETECTOR/clean-pyramid.json
fi
if [[ " $STEPS " == *" attack "* ]]; then
  OUT=runs/$DETECTOR-combination
  RESUME=(); [ -f "$OUT/checkpoint.json" ] && RESUME=(--resume)
  node bin/facepatch.js attack --detector $DETECTOR --backend "$BACKEND" "${ATTACK[@]}" --out "$OUT" "${RESUME[@]}"
  cp "$OUT/patch.png" "patches/$DETECTOR-combination.png"
  cp "$OUT/patch.json" "patches/$DETECTOR-combination.json"
fi
if [[ " $STEPS " == *" compare "* ]]; then
  node bin/facepatch.js compare --detector $DETECTOR --backend "$BACKEND" --delta 0.99 --out "reports/$DETECTOR/delta-0.99" \
    --patch none --patch noise --patch face --patch Patch-Combination=patches/$DETECTOR-combination.png
fi
