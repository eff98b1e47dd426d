#!/usr/bin/env bash
# Dependency audit: every pinned package against the published vulnerability advisories
# (pip-audit, PyPI's advisory service). --strict fails when a package could not be
# audited at all, so an unreachable advisory service never passes as "no vulnerabilities".
# Not part of CI: CI's network reaches the package index only, not an advisory service
# (PyPI's JSON API answers 404 there and api.osv.dev does not resolve).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/pip-audit ] || .venv/bin/pip install -q pip-audit
exec .venv/bin/pip-audit --strict --progress-spinner off -r requirements-dev.txt "$@"
