# Shared set-up for scripts/test and scripts/demo (sourced, not run).
# Creates .venv if missing, installs the locked dependencies (requirements.lock) and the
# project, and installs the
# Debian/Ubuntu packages the GUI, printing and report tests need when run as root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Debian packages: Xvfb + Mesa (real Kivy window), xdotool (X pointer and key events for
# the UI tests), espeak-ng (audio guidance), poppler-utils (pdftoppm for PDF checks),
# chromium (HTML report check), fonts with Indonesian glyph coverage, nodejs (builds the
# bulletin board's browser verifier; npm comes with NodeSource's nodejs, else it is added
# below).
SYSTEM_PACKAGES=(xvfb xauth xdotool libgl1 libgl1-mesa-dri libegl1 libmtdev1 espeak-ng
                 poppler-utils chromium fonts-dejavu-core nodejs)

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
  # Debian's nodejs has no npm (a separate package); NodeSource's includes it.
  command -v npm >/dev/null 2>&1 || missing="$missing npm"
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
  # Reinstall only when the declared or locked dependencies changed
  # (stamp = hash of setup.cfg, pyproject.toml and requirements.lock).
  local stamp=".venv/.suaradesa-installed" want
  want=$(sha256sum setup.cfg pyproject.toml requirements.lock | sha256sum | cut -c1-16)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing SuaraDesa and its locked dependencies into .venv"
    # Every third-party package, and the build backend, from the lock with hashes
    # (scripts/lock regenerates it); then the project itself without resolving anything.
    # --no-deps: the lock is the whole closure, so pip installs exactly its lines and
    # resolves nothing. With resolution, the pip that `venv` bundles (23.2) looked past a
    # pinned `coverage==` for pytest-cov's `coverage[toml]` to the registry's newest release
    # and refused it as unpinned; `pip check` then proves the closure complete.
    # pip's and setuptools' chatter goes to .venv/install.log, shown only if it fails.
    { .venv/bin/python -m pip install -q --no-deps --require-hashes -r requirements.lock \
        && .venv/bin/python -m pip check \
        && .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e . ; } \
      > .venv/install.log 2>&1 \
      || { cat .venv/install.log >&2; echo "setup: pip install failed" >&2; return 1; }
    KIVY_NO_CONSOLELOG=1 KIVY_NO_FILELOG=1 .venv/bin/python -c "import ballotcore, kivy, sqlcipher3, rbcl, zxingcpp, segno" \
      || { echo "setup: installation failed" >&2; return 1; }
    echo "$want" > "$stamp"
  fi
  export PATH="$ROOT/.venv/bin:$PATH"
}

# The bulletin board's in-browser verifier (tally/webverify): npm ci from the lock file
# (integrity hashes) into .venv/webverify (git-ignored), esbuild into .venv/webverify/dist;
# rebuilt only when the lock, the sources or the build script changed. `tally publish`
# finds the build through SUARADESA_WEBVERIFY.
ensure_webverify() {
  local src="$ROOT/tally/webverify" cache="$ROOT/.venv/webverify" want
  command -v npm >/dev/null 2>&1 || {
    echo "setup: npm is missing (Debian: apt-get install npm; NodeSource nodejs has it)" >&2
    return 1
  }
  want=$(cat "$src/package.json" "$src/package-lock.json" "$src/build.sh" "$src"/src/*.js \
         | sha256sum | cut -c1-16)
  if [ ! -f "$cache/.built" ] || [ "$(cat "$cache/.built")" != "$want" ]; then
    echo "setup: building the browser verifier (npm ci, esbuild)"
    mkdir -p "$cache"
    cp "$src/package.json" "$src/package-lock.json" "$cache/"
    if [ ! -f "$cache/.installed" ] || ! cmp -s "$src/package-lock.json" "$cache/.installed"; then
      (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
        || { echo "setup: npm ci failed" >&2; return 1; }
      cp "$src/package-lock.json" "$cache/.installed"
    fi
    rm -rf "$cache/dist"
    bash "$src/build.sh" "$src" "$cache/dist" "$cache/node_modules" \
      || { echo "setup: the verifier build failed" >&2; return 1; }
    echo "$want" > "$cache/.built"
  fi
  export SUARADESA_WEBVERIFY="$cache/dist"
}
