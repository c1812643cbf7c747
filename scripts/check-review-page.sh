#!/bin/sh
# Renders a design-review page in headless Chromium (Debian's `chromium`
# package) to a PNG and fails on console errors, failed loads, or a page
# that asks for anything outside itself.
#
#   sh scripts/check-review-page.sh [MODEL [OUT_DIR]]
#   sh scripts/check-review-page.sh PAGE.html [OUT_DIR]   # check a page as it is
#   FIVENINES=path/to/fivenines CHROMIUM=chromium sh scripts/check-review-page.sh
#
# Writes OUT_DIR/review.html, OUT_DIR/review.png and OUT_DIR/chromium.log.
set -u
model=${1:-models/multi-az-three-tier.toml}
out=${2:-target/review-check}
f=${FIVENINES:-target/release/fivenines}
chromium=${CHROMIUM:-chromium}
mkdir -p "$out"
out=$(cd "$out" && pwd)

case "$model" in
*.html)
    cp "$model" "$out/review.html"
    ;;
*)
    "$f" report "$model" --target 99.99% -o "$out/review.html"
    rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "fivenines report failed ($rc)" >&2
        exit 2
    fi
    ;;
esac
if grep -Eiq '<script|<img|<link|<iframe| src=|url\(|https?:' "$out/review.html"; then
    echo "review.html references something outside itself:" >&2
    grep -Eion '<script|<img|<link|<iframe| src=|url\(|https?:' "$out/review.html" | head >&2
    exit 1
fi
if ! command -v "$chromium" > /dev/null 2>&1; then
    echo "no $chromium: apt-get install -y chromium" >&2
    exit 2
fi
# Console messages go to the log (--enable-logging=stderr --v=0) as
# `INFO:CONSOLE...` lines whatever their level; the page has no script, so
# any console line is an error, as is a failed load.
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --enable-logging=stderr --v=0 --window-size=1200,4000 \
    --user-data-dir="$out/chromium-profile" \
    --screenshot="$out/review.png" "file://$out/review.html" > "$out/chromium.log" 2>&1
crc=$?
if [ "$crc" -ne 0 ] || [ ! -s "$out/review.png" ]; then
    echo "chromium failed ($crc); see $out/chromium.log" >&2
    exit 2
fi
if grep -E 'CONSOLE|Failed to load resource|net::ERR_' "$out/chromium.log"; then
    echo "console errors or failed loads (above); see $out/chromium.log" >&2
    exit 1
fi
echo "ok: $out/review.png"
