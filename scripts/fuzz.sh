#!/usr/bin/env bash
# The full fuzz run of issue 11: 4 properties × $FUZZ_EXAMPLES cases (default 2,500 each,
# 10,000 in all) against the read + normalise + apply layer of the loader
# (tests/test_fuzz.py says which layer and what each case checks). Prints Hypothesis'
# statistics (cases run, runtimes) and the wall time. Extra arguments go to pytest.
#
#   bash scripts/fuzz.sh                      # 10,000 cases; about an hour on a busy 2-core machine
#   FUZZ_EXAMPLES=500 bash scripts/fuzz.sh    # 2,000 cases
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_EXAMPLES="${FUZZ_EXAMPLES:-2500}"
start=$(date +%s)
status=0
.venv/bin/python -m pytest tests/test_fuzz.py -q -p no:cacheprovider --hypothesis-show-statistics "$@" || status=$?
echo "fuzz: FUZZ_EXAMPLES=$FUZZ_EXAMPLES per property, $(( $(date +%s) - start )) s wall, exit $status"
exit $status
