# Shared set-up for scripts/test and scripts/demo (sourced, not run).
# Creates .venv if missing, installs the project with its extras, and installs the
# Debian/Ubuntu packages the GUI, printing and report tests need when run as root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Debian packages: Xvfb + Mesa (real Kivy window), xdotool/x11 utils (screenshots),
# espeak-ng (audio guidance), poppler-utils (pdftoppm for PDF checks), chromium (HTML
# report check), fonts with Indonesian glyph coverage.
SYSTEM_PACKAGES=(xvfb xauth libgl1 libgl1-mesa-dri libegl1 libmtdev1 espeak-ng
                 poppler-utils chromium fonts-dejavu-core)

missing_system_packages() {
  local p
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

ensure_system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || {
    echo "setup: not a Debian/Ubuntu system; install the equivalents of: ${SYSTEM_PACKAGES[*]}" >&2
    return 0
  }
  local missing
  missing=$(missing_system_packages | tr '\n' ' ')
  [ -z "${missing// }" ] && return 0
  if [ "$(id -u)" = "0" ]; then
    echo "setup: installing system packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: these system packages are missing: $missing" >&2
    echo "setup: run as root, or: sudo apt-get install $missing" >&2
    return 1
  fi
}

ensure_venv() {
  local py="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $($py --version)"
    "$py" -m venv .venv
  fi
  # Reinstall only when the declared dependencies changed (stamp = hash of setup.cfg).
  local stamp=".venv/.suaradesa-installed" want
  want=$(sha256sum setup.cfg pyproject.toml | sha256sum | cut -c1-16)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing SuaraDesa and its dependencies into .venv"
    .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
    .venv/bin/python -m pip install -q -e ".[dev,tally]" 2>&1 | grep -v "^WARNING: Location" || true
    .venv/bin/python -c "import ballotcore, kivy, sqlcipher3, rbcl, zxingcpp" \
      || { echo "setup: installation failed" >&2; return 1; }
    echo "$want" > "$stamp"
  fi
  export PATH="$ROOT/.venv/bin:$PATH"
}
