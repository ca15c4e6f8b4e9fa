#!/usr/bin/env bash
# The 18-minute comparison with the PyTorch reference (README, "Time-matched"), repeated over seeds
# to measure the spread of one Patch-Combination run on retinaface-mobilenet0.25: the seed draws the
# initial noise patch and the order of the training images. 12 epochs fit in 18 minutes on the
# idle 2-core machine (990 s measured); the snapshots at epochs 10-12 are each evaluated on val.
# Run it on an otherwise idle machine if the wall times in the logs are to mean anything.
#   SEEDS="1 2" bash experiments/retinaface-time-matched-seeds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND="${BACKEND:-torch}"
SEEDS="${SEEDS:-0 1 2}"
DETECTOR=retinaface-mobilenet0.25
REPORT=reports/$DETECTOR/time-matched-seeds
mkdir -p "$REPORT"
for SEED in $SEEDS; do
  OUT=runs/rf-tm-seed$SEED
  RESUME=(); [ -f "$OUT/checkpoint.json" ] && RESUME=(--resume)
  node bin/facepatch.js attack --detector $DETECTOR --backend "$BACKEND" --method combination --split train \
    --epochs 12 --lr 0.01 --max-side 640 --seed "$SEED" --snapshots 10,11,12 --out "$OUT" "${RESUME[@]}"
  cp "$OUT/history.csv" "$REPORT/history-seed$SEED.csv"
  for EPOCH in 010 011 012; do
    node bin/facepatch.js evaluate --detector $DETECTOR --backend "$BACKEND" --patch "$OUT/snapshots/epoch-$EPOCH.png" --json \
      > "$REPORT/seed$SEED-epoch$EPOCH.json.tmp"
    mv "$REPORT/seed$SEED-epoch$EPOCH.json.tmp" "$REPORT/seed$SEED-epoch$EPOCH.json"
  done
done
