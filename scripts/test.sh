#!/usr/bin/env bash
# Installs what the tests need (Python packages; Debian's chromium, CJK fonts, LibreOffice
# Impress and poppler for the browser and pack tests, when root or sudo is available) and
# runs every test with pytest; in CI also the benchmark's quick mode.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }
install() {  # install [apt options] packages… — says so and carries on when it cannot
  echo "Installing $* for the tests…" >&2
  { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; } \
    || echo "Could not install $* (no root or sudo): the tests that need them will fail." >&2
}
# The browser tests: Debian's chromium and a CJK font.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] || install "${need[@]}"
# The pack tests: a TrueType CJK font the PDF embeds; LibreOffice Impress and poppler to
# render the .pptx and .pdf to images.
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v soffice >/dev/null || need+=(libreoffice-impress-nogui)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] || install --no-install-recommends "${need[@]}"
.venv/bin/python -m pytest "$@"
# In CI (or with BENCH=1): the benchmark's quick mode (10^6 rows), which fails when a ratio
# is more than 2x worse than bench/results/baseline-quick.json (issue 10).
if [ "${CI:-}" = true ] || [ "${BENCH:-}" = 1 ]; then
  .venv/bin/python -m bench.run --quick --check bench/results/baseline-quick.json
fi
