#!/usr/bin/env bash
# Installs what the tests need (Python packages; Debian's chromium, CJK fonts, LibreOffice
# Impress and poppler for the browser and pack tests, when root or sudo is available) and runs every test with pytest.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
# The PDF pack embeds a TrueType CJK font; the pack tests render the .pptx with LibreOffice
# and the .pdf with pdftoppm to look at them.
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v soffice >/dev/null || need+=(libreoffice-impress-nogui)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} for the browser tests…" >&2
  if ! { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }; then
    echo "Could not install ${need[*]} (no root or sudo): the browser tests will fail." >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
