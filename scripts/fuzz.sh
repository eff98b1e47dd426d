#!/usr/bin/env bash
# The full fuzz run of issue 11: 4 properties × $FUZZ_EXAMPLES cases (default 2,500 each,
# 10,000 in all) against the read + normalise + apply layer of the loader
# (tests/test_fuzz.py says which layer and what each case checks). Prints Hypothesis'
# statistics (cases run, runtimes) and the wall time. Extra arguments go to pytest.
#
#   bash scripts/fuzz.sh                      # 10,000 cases in two processes (one per core): ~25-35 min here
#   FUZZ_JOBS=1 bash scripts/fuzz.sh          # the same in one process
#   FUZZ_EXAMPLES=500 bash scripts/fuzz.sh    # 2,000 cases
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_EXAMPLES="${FUZZ_EXAMPLES:-2500}"
jobs="${FUZZ_JOBS:-2}"
start=$(date +%s)
status=0
run() {
  .venv/bin/python -m pytest tests/test_fuzz.py -q -p no:cacheprovider --hypothesis-show-statistics "$@"
}
if [ "$jobs" -ge 2 ]; then
  # The two halves take about the same time: cell values + raw CSV bytes, and
  # column/title mutations + corrupted workbooks (the harness self-check runs in the first).
  logs=$(mktemp -d)
  run -k "not swapped_columns and not truncated_or" "$@" > "$logs/1.log" 2>&1 & p1=$!
  run -k "swapped_columns or truncated_or" "$@" > "$logs/2.log" 2>&1 & p2=$!
  wait $p1 || status=$?
  wait $p2 || status=$?
  cat "$logs/1.log" "$logs/2.log"
  rm -rf "$logs"
else
  run "$@" || status=$?
fi
echo "fuzz: FUZZ_EXAMPLES=$FUZZ_EXAMPLES per property, $jobs process(es), $(( $(date +%s) - start )) s wall, exit $status"
exit $status
