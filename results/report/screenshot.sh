#!/usr/bin/env bash
# Renders a dcsim HTML report to a PNG with headless Chromium (Debian: apt-get install chromium).
#
#   results/report/screenshot.sh REPORT.html OUT.png [WIDTH [HEIGHT]]
#
# WIDTH defaults to 1400 px and HEIGHT to 3200 px (the page is cut at HEIGHT; raise it for a
# long sweep table). Set CHROMIUM to pick the browser binary.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH [HEIGHT]]" >&2
  exit 2
fi
in=$1 out=$2 width=${3:-1400} height=${4:-3200}
if [ ! -f "$in" ]; then
  echo "$0: $in: no such file" >&2
  exit 2
fi
browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
  for b in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
  done
fi
if [ -z "$browser" ]; then
  echo "$0: no Chromium found (apt-get install chromium, or set CHROMIUM)" >&2
  exit 1
fi
abs=$(cd "$(dirname "$in")" && pwd)/$(basename "$in")
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
# A private profile folder, so that a running browser's profile is never touched.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --user-data-dir="$profile" --window-size="$width,$height" \
  --screenshot="$out_abs" "file://$abs" >/dev/null 2>&1
[ -s "$out_abs" ] || { echo "$0: chromium wrote no screenshot" >&2; exit 1; }
echo "wrote $out"
