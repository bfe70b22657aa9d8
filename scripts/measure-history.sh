#!/usr/bin/env bash
# Whole-process timings of `history` and `prep` on the scripted git histories of
# `cargo bench --bench history`, beside `git log -p` on the same repository.
#
#   scripts/measure-history.sh          # both shapes, 5 runs each, median reported
#   RUNS=9 SHAPES=2000x5000 scripts/measure-history.sh
#
# The repositories are the bench's (target/bench-vaults/history-SHAPE-v1/, scripted with
# `git fast-import` the first time the bench runs; this runs the bench for a missing one).
# Peak RSS is the largest of dealbook's and the git processes it starts. Prints a Markdown
# table on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

SHAPES=${SHAPES:-"300x1000 2000x5000"}
RUNS=${RUNS:-5}
AS_OF=2025-06-15

if [ ! -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
    echo "error: this script needs GNU time at /usr/bin/time; install it with: apt-get install -y time" >&2
    exit 2
fi

echo "building (release)…" >&2
cargo build --release --quiet --bin dealbook
DEALBOOK=$PWD/target/release/dealbook
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dealbook-measure.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

seconds() {
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f\n", s }'
}

echo "| repository | command | wall time (s) | peak RSS (MB) |"
echo "|---|---|---:|---:|"
for shape in $SHAPES; do
    repo=target/bench-vaults/history-$shape-v1
    if [ ! -e "$repo/.git/dealbook-bench-generated" ]; then
        echo "scripting the $shape history (cargo bench --bench history -- $shape)…" >&2
        cargo bench --quiet --bench history -- "$shape" >&2
    fi
    commits=$(git -C "$repo" rev-list --count HEAD)
    for command in history prep "git log -p"; do
        walls=()
        rss=()
        for _ in $(seq "$RUNS"); do
            log="$WORK/time.log"
            if [ "$command" = "git log -p" ]; then
                (cd "$repo" && /usr/bin/time -v -o "$log" git log -p >/dev/null)
            else
                (cd "$repo" && /usr/bin/time -v -o "$log" "$DEALBOOK" --as-of "$AS_OF" "$command" >/dev/null)
            fi
            walls+=("$(grep "Elapsed (wall clock)" "$log" | awk '{ print $NF }' | seconds)")
            rss+=("$(grep "Maximum resident set size" "$log" | awk '{ print $NF }')")
        done
        wall=$(printf '%s\n' "${walls[@]}" | median)
        kb=$(printf '%s\n' "${rss[@]}" | median)
        shown=$command
        [ "$command" != "git log -p" ] && shown="dealbook $command"
        awk -v s="$shape" -v c="$commits" -v m="$shown" -v w="$wall" -v k="$kb" \
            'BEGIN { printf "| %s (%s commits) | `%s` | %.2f | %.0f |\n", s, c, m, w, k / 1024 }'
    done
done
