#!/bin/sh
# The main job on the bundled sample data, in a fresh store under build/demo:
# import the catalog and 8 weeks of usage, forecast the next 168 hours, plan, report.
# No credentials, no network.
set -eu
cd "$(dirname "$0")/.."
BIN=./capplan
D=build/demo
rm -rf "$D"
mkdir -p "$D"
run() { "$BIN" --config "$D/capplan.yaml" --db "$D/capplan.db" "$@"; }

run -q init
run prices import examples/offerings.csv
run usage import examples/usage.csv
echo "forecasting 168 hours..." >&2
run forecast --horizon 168 >"$D/forecast.txt"
cat "$D/forecast.txt" >&2
echo "planning..." >&2
run plan >"$D/plan.md"
run report --format json >"$D/plan.json"
cat "$D/plan.md"
echo >&2
echo "demo: store $D/capplan.db, plan JSON $D/plan.json" >&2
