#!/usr/bin/env bash
# Session 11's time-matched Patch-Combination run on retinaface-mobilenet0.25 in two phases:
#  1. PHASE1_EPOCHS epochs at 640 px (cheap epochs, ~210 s here: most of the recall is gone by then);
#  2. PHASE2_EPOCHS epochs drawing each image's longer side from IMAGE_SIDES (~400 s each here),
#     started from phase 1's last patch.json (a fresh Adam state), so the patch also meets the
#     scales val is evaluated at. Why: 640 px runs leave a box displaced by the patch in
#     0_Parade_470 (IoU 0.497 with its face, a false positive at the original scale), session 10's
#     mixed-side run did not, but mixed-side epochs cost twice as much. (Session 11: seed 0 still
#     had the box after phase 2's epoch 3, seed 4 did not; README "Session 11".)
# Both phases use the same seed, --sample-weighting face-patch and --patch-overlap anchor-inside, and
# SCORE_LOSS (log-score, the paper's; session 13 tried log-background with TAG=s13-bg-).
# BUDGET is the reference's 1,080 s scaled to this machine: `bash experiments/calibrate-budget.sh`
# prints it. The default, 3160, is session 9's calibration, kept through session 14; session 15 measured 1706.
# The budget counts the epoch seconds of both phases (history.csv); the phase-2 epoch evaluated is
# the last one whose cumulative time fits in BUDGET, then the next one, chosen by wall clock alone.
# PHASE2_EPOCHS is at least what fits in the budget (session 12: 4 on a faster day; session 11 ran 3):
# an epoch past the budget costs time, never the result.
# PHASE2_AVERAGE (a decay, e.g. 0.999; default 0 = off) also keeps phase 2's moving-average patch
# (attack --patch-average) and evaluates its snapshots beside the last iterates. It does not change
# the optimisation, so a run that copies an earlier run's phase-1 folder under its own TAG replays
# that run's phase 2 exactly (session 14). EVAL_EPOCHS overrides the phase-2 epochs evaluated.
# PHASE2_EOT_SCALE (e.g. 0.1; default 0 = off) jitters the pasted patch's side by 1 +- s in phase 2
# (attack --eot-scale; session 15: the near-face box shows at patch scales 0.95-1.0 and not at 0.85
# or 1.1, so a patch trained over a range of scales may lose it).
# PHASE2_WEIGHTING and PHASE2_SCORE_LOSS (default face-patch and SCORE_LOSS) change phase 2's sample
# weighting and score loss alone. Session 16: PHASE2_SCORE_LOSS=log-background left 49-104 faces
# where the plain phase 2 of the same phase 1 left 83-149 (three draws); PHASE2_WEIGHTING=face-patch-top
# on top of it added nothing. The defaults stay as they were, so earlier sessions' commands still replay.
#   SEED=4 PHASE1_EPOCHS=8 PHASE2_EPOCHS=4 BUDGET=3160 bash experiments/retinaface-two-phase.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND="${BACKEND:-torch}"
SEED="${SEED:-4}"
PHASE1_EPOCHS="${PHASE1_EPOCHS:-8}"
PHASE2_EPOCHS="${PHASE2_EPOCHS:-4}"
IMAGE_SIDES="${IMAGE_SIDES:-640,832,1024}"
BUDGET="${BUDGET:-3160}"
TAG="${TAG:-s11-}"
SCORE_LOSS="${SCORE_LOSS:-log-score}"
PHASE2_AVERAGE="${PHASE2_AVERAGE:-0}"
PHASE2_EOT_SCALE="${PHASE2_EOT_SCALE:-0}"
PHASE2_WEIGHTING="${PHASE2_WEIGHTING:-face-patch}"
PHASE2_SCORE_LOSS="${PHASE2_SCORE_LOSS:-$SCORE_LOSS}"
DETECTOR=retinaface-mobilenet0.25
REPORT=reports/$DETECTOR/two-phase
NAME=${TAG}p${PHASE1_EPOCHS}-seed$SEED
ONE=runs/rf-2p-$NAME-640
TWO=runs/rf-2p-$NAME-sides
COMMON=(--detector $DETECTOR --backend "$BACKEND" --method combination --split train --lr 0.01 --seed "$SEED"
  --patch-overlap anchor-inside)
PHASE1=(--sample-weighting face-patch --score-loss "$SCORE_LOSS")
PHASE2=(--sample-weighting "$PHASE2_WEIGHTING" --score-loss "$PHASE2_SCORE_LOSS")
mkdir -p "$REPORT"
resume() { if [ -f "$1/checkpoint.json" ]; then echo --resume; fi; }

node bin/facepatch.js attack "${COMMON[@]}" "${PHASE1[@]}" --max-side 640 --epochs "$PHASE1_EPOCHS" \
  --snapshots "$PHASE1_EPOCHS" --out "$ONE" $(resume "$ONE")
node bin/facepatch.js attack "${COMMON[@]}" "${PHASE2[@]}" --image-sides "$IMAGE_SIDES" --epochs "$PHASE2_EPOCHS" \
  --init "$ONE/patch.json" --patch-average "$PHASE2_AVERAGE" --eot-scale "$PHASE2_EOT_SCALE" --snapshots "$(seq -s, 1 "$PHASE2_EPOCHS")" --out "$TWO" $(resume "$TWO")
cp "$ONE/history.csv" "$REPORT/history-$NAME-640.csv"
cp "$TWO/history.csv" "$REPORT/history-$NAME-sides.csv"

PHASE1_SECONDS=$(awk -F, 'NR > 1 { total += $NF } END { print total }' "$ONE/history.csv")
IN_BUDGET=$(awk -F, -v start="$PHASE1_SECONDS" -v budget="$BUDGET" \
  'NR > 1 { total += $NF; if (start + total <= budget) last = $1 } END { print last + 0 }' "$TWO/history.csv")
echo "phase 1: $PHASE1_SECONDS s; phase-2 epoch $IN_BUDGET is the last within $BUDGET s" >&2
evaluate() { # <patch.png> <report name>
  [ -f "$REPORT/$2.json" ] && return 0
  node bin/facepatch.js evaluate --detector $DETECTOR --backend "$BACKEND" --patch "$1" --json > "$REPORT/$2.json.tmp"
  mv "$REPORT/$2.json.tmp" "$REPORT/$2.json"
}
for EPOCH in ${EVAL_EPOCHS:-$IN_BUDGET $((IN_BUDGET + 1))}; do
  SNAPSHOT=$(printf '%s/snapshots/epoch-%03d' "$TWO" "$EPOCH")
  [ -f "$SNAPSHOT.png" ] || { echo "no snapshot $SNAPSHOT.png (phase-2 epoch $EPOCH): skipped" >&2; continue; }
  evaluate "$SNAPSHOT.png" "$(printf '%s-sides-epoch%03d' "$NAME" "$EPOCH")"
  if [ -f "$SNAPSHOT-average.png" ]; then evaluate "$SNAPSHOT-average.png" "$(printf '%s-sides-epoch%03d-average' "$NAME" "$EPOCH")"; fi
done
# For the record: where phase 1 alone stood.
evaluate "$ONE/patch.png" "$(printf '%s-640-epoch%03d' "$NAME" "$PHASE1_EPOCHS")"
