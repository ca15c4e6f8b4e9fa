#!/usr/bin/env bash
# Prints the time budget (seconds) that matches the PyTorch reference's 18 minutes (1,080 s) on
# the machine it runs on, for BUDGET= of retinaface-two-phase.sh and retinaface-time-matched-seeds.sh.
# Why: this machine's speed changes between sessions (a 640 px epoch took 64 s in session 6, ~220 s
# in session 11, ~105 s in session 15), and the budget is counted in epoch seconds (history.csv).
# How: rerun the first two epochs of session 6's seed-4 run, whose 1,080 s matched the reference,
# with the same flags, and scale 1,080 s by how much longer they take here. The losses must match
# session 6's to the last digit (same seed, same images), which also checks that the run is that one.
#   bash experiments/calibrate-budget.sh            (~4 min; resumes OUT if it exists)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-runs/calibrate-budget-s6-seed4}"
SESSION6=reports/retinaface-mobilenet0.25/time-matched-seeds/history-s6-face-seed4.csv
REFERENCE_SECONDS=1080
RESUME=(); [ -f "$OUT/checkpoint.json" ] && RESUME=(--resume)
node bin/facepatch.js attack --detector retinaface-mobilenet0.25 --backend "${BACKEND:-torch}" --method combination \
  --split train --epochs 2 --lr 0.01 --max-side 640 --seed 4 --sample-weighting face --patch-overlap iou \
  --snapshots 2 --out "$OUT" "${RESUME[@]}" >&2
# Epoch rows 1-2 of both histories: the losses (column 3) must agree, the seconds (last column) scale the budget.
paste -d, <(awk -F, 'NR == 2 || NR == 3' "$SESSION6") <(awk -F, 'NR == 2 || NR == 3' "$OUT/history.csv") | awk -F, -v ref="$REFERENCE_SECONDS" '
  { n = NF / 2; if ($3 != $(n + 3)) mismatch = 1; then_s += $n; now_s += $NF }
  END {
    if (NR != 2) { print "calibrate-budget: need 2 epochs in both histories" > "/dev/stderr"; exit 1 }
    if (mismatch) print "calibrate-budget: the losses differ from session 6'"'"'s: not the same run, the timing may not compare" > "/dev/stderr"
    printf "session 6: %.1f s, here: %.1f s for the same 2 epochs (x%.3f)\n", then_s, now_s, now_s / then_s > "/dev/stderr"
    printf "%d\n", ref * now_s / then_s + 0.5
  }'
