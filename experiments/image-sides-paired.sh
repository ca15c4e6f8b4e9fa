#!/usr/bin/env bash
# Patch-Combination trained on images drawn at several scales (--image-sides) beside the
# single 640 px scale of the reference, paired by seed on the reduced schedule of
# lib/reduced-schedule.sh; patch-overlap-paired.sh's iou-seed<N> reports are the 640 px side of
# the pair.
#   SIDES=640,832,1024 SEEDS="0 1" bash experiments/image-sides-paired.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source experiments/lib/reduced-schedule.sh
SIDES="${SIDES:-640,832,1024}"
for SEED in $SEEDS; do
  NAME=sides-${SIDES//,/-}-seed$SEED
  reduced_schedule_arm reports/retinaface-mobilenet0.25/image-sides-paired "$NAME" \
    "runs/image-sides-$IMAGES-$EPOCHS-$NAME" --image-sides "$SIDES"
done
