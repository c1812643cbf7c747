#!/bin/sh
# Runs Graphviz on the DOT of every model (`fivenines diagram FILE --format
# dot | dot -Tsvg`) and fails on any error or warning from `dot`.
#
#   sh scripts/check-dot.sh                 # models/*.toml and the small benches/scram models
#   sh scripts/check-dot.sh FILE.toml...    # these models
#   FIVENINES=path/to/fivenines DOT=dot sh scripts/check-dot.sh
#
# Exit status: 0 all clean, 1 a model's DOT drew an error or warning,
# 2 no `dot` (apt-get install -y graphviz) or fivenines failed.
set -u
f=${FIVENINES:-target/release/fivenines}
dot=${DOT:-dot}
if ! command -v "$dot" > /dev/null 2>&1; then
    echo "skipped: no $dot (apt-get install -y graphviz)" >&2
    exit 2
fi
if [ "$#" -eq 0 ]; then
    # The scram benchmark models up to 50 kB of DOT, to stay quick; name
    # the larger ones to check them too (telecom's 2 MB takes Graphviz
    # minutes to lay out).
    set -- models/*.toml
    for m in benches/scram/models/*.toml; do
        if [ "$("$f" diagram "$m" --format dot 2> /dev/null | wc -c)" -le 50000 ]; then
            set -- "$@" "$m"
        fi
    done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
n=0
for m in "$@"; do
    if ! "$f" diagram "$m" --format dot > "$tmp/g.dot" 2> "$tmp/err"; then
        echo "fivenines diagram $m --format dot failed:" >&2
        cat "$tmp/err" >&2
        exit 2
    fi
    "$dot" -Tsvg "$tmp/g.dot" -o "$tmp/g.svg" 2> "$tmp/dot.err"
    rc=$?
    if [ "$rc" -ne 0 ] || [ -s "$tmp/dot.err" ]; then
        echo "$m: dot exited $rc:" >&2
        cat "$tmp/dot.err" >&2
        bad=1
    fi
    n=$((n + 1))
done
if [ "$bad" -ne 0 ]; then
    exit 1
fi
echo "ok: $n models through $("$dot" -V 2>&1)"
