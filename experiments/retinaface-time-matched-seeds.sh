#!/usr/bin/env bash
# The 18-minute comparison with the PyTorch reference (README, "Time-matched"), repeated over seeds
# to measure the spread of one Patch-Combination run on retinaface-mobilenet0.25: the seed draws the
# initial noise patch and the order of the training images. 14 epochs fit in 18 minutes on the
# idle 2-core machine since images decode ahead (the log's per-epoch seconds say how long each
# took); the snapshots at epochs 12-14 are each evaluated on val.
# Run it on an otherwise idle machine if the wall times in the logs are to mean anything.
# WEIGHTING=face averages the loss per face instead of per sample (--sample-weighting face), so
# small faces pull on the patch as much as large ones; its runs and reports carry a "face-" prefix.
#   SEEDS="1 2" bash experiments/retinaface-time-matched-seeds.sh
#   WEIGHTING=face SEEDS=1 bash experiments/retinaface-time-matched-seeds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND="${BACKEND:-torch}"
SEEDS="${SEEDS:-0 1 2}"
WEIGHTING="${WEIGHTING:-sample}"
PREFIX=""; [ "$WEIGHTING" = sample ] || PREFIX="$WEIGHTING-"
DETECTOR=retinaface-mobilenet0.25
REPORT=reports/$DETECTOR/time-matched-seeds
mkdir -p "$REPORT"
for SEED in $SEEDS; do
  OUT=runs/rf-tm-${PREFIX}seed$SEED
  RESUME=(); [ -f "$OUT/checkpoint.json" ] && RESUME=(--resume)
  node bin/facepatch.js attack --detector $DETECTOR --backend "$BACKEND" --method combination --split train \
    --epochs 14 --lr 0.01 --max-side 640 --seed "$SEED" --sample-weighting "$WEIGHTING" --snapshots 12,13,14 --out "$OUT" "${RESUME[@]}"
  cp "$OUT/history.csv" "$REPORT/history-${PREFIX}seed$SEED.csv"
  for EPOCH in 012 013 014; do
    node bin/facepatch.js evaluate --detector $DETECTOR --backend "$BACKEND" --patch "$OUT/snapshots/epoch-$EPOCH.png" --json \
      > "$REPORT/${PREFIX}seed$SEED-epoch$EPOCH.json.tmp"
    mv "$REPORT/${PREFIX}seed$SEED-epoch$EPOCH.json.tmp" "$REPORT/${PREFIX}seed$SEED-epoch$EPOCH.json"
  done
done
