#!/bin/sh
# Makes the README's pictures (docs/img/): one of each kind of chart.
# tests/charts.rs runs it and checks that docs/img holds what it makes now.
#
#   sh scripts/charts.sh            # writes docs/img/ (after cargo build --release)
#   sh scripts/charts.sh OUT_DIR    # writes elsewhere
#   FIVENINES=path/to/fivenines sh scripts/charts.sh
#
# Exit status 1 from a command means "target missed", which these pictures
# show on purpose; anything else stops the script.
set -u
out=${1:-docs/img}
f=${FIVENINES:-target/release/fivenines}
mkdir -p "$out"

run() {
    "$f" "$@" > /dev/null 2>&1
    rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "failed ($rc): fivenines $*" >&2
        "$f" "$@" > /dev/null
        exit "$rc"
    fi
}

run diagram models/multi-az-three-tier.toml -o "$out/diagram.svg"
run estimate models/multi-az-three-tier.toml --target 99.99% --chart "$out/contributors.svg"
run compare scripts/options/one-az.toml scripts/options/two-az.toml scripts/options/two-az-four-web.toml scripts/options/three-az.toml --target 99.99% --chart "$out/options.svg"
run compare scripts/options/one-az.toml scripts/options/two-az.toml scripts/options/two-az-four-web.toml scripts/options/three-az.toml --target 99.99% --chart "$out/cost.svg" --cost
# Seeded: the same picture on every machine and thread count (rerun the
# script when the simulation's random streams change).
run compare scripts/options/one-az.toml scripts/options/two-az.toml scripts/options/two-az-four-web.toml scripts/options/three-az.toml --target 99.99% --simulate --runs 10000 --seed 1 --chart "$out/options-simulated.svg"
run sweep models/multi-az-three-tier.toml --vary component.alb.mttr=1m..10h --target 99.95% --chart "$out/sweep.svg"
run sweep models/multi-az-three-tier.toml --vary component.alb.mttr=5m..4h:6 --vary block.db.failover=30s..5m:4 --target 99.95% --chart "$out/sweep-heat.svg"
exit 0
