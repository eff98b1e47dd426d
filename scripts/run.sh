#!/usr/bin/env bash
# Installs what the dashboard needs and runs it. With no warehouse yet, the app builds
# the demo warehouse on first start. Extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
exec .venv/bin/python -m streamlit run dashboard.py "$@"
