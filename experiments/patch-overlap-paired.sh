#!/usr/bin/env bash
# Patch-Combination with the paper's lambda2 test, IoU(anchor, patch) > 0.3, beside
# --patch-overlap anchor-inside (more than 0.3 of the anchor lies on the patch), paired by seed
# on the reduced schedule of lib/reduced-schedule.sh (recall, precision, detections within patches).
#   SEEDS="0 1" bash experiments/patch-overlap-paired.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source experiments/lib/reduced-schedule.sh
for SEED in $SEEDS; do
  for OVERLAP in iou anchor-inside; do
    reduced_schedule_arm reports/retinaface-mobilenet0.25/patch-overlap-paired "$OVERLAP-seed$SEED" \
      "runs/overlap-$IMAGES-$EPOCHS-$OVERLAP-seed$SEED" --max-side 640 --patch-overlap "$OVERLAP"
  done
done
