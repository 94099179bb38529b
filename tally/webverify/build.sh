#!/usr/bin/env bash
# Builds the bulletin-board verifier: `build.sh SRC_DIR OUT_DIR NODE_MODULES`.
# esbuild bundles src/main.js (the verifier, run as a Web Worker or in the page) and
# src/page.js (verify.html's script) into one IIFE file each, minified, no source maps.
set -euo pipefail
src="$1"; out="$2"; modules="$3"
mkdir -p "$out"
for entry in main page; do
  NODE_PATH="$modules" "$modules/.bin/esbuild" "$src/src/$entry.js" --bundle --format=iife \
    --target=es2020 --minify --legal-comments=none --log-level=warning \
    --outfile="$out/$entry.js"
done
