#!/usr/bin/env bash
# Whole-process timings of the CLI on generated vaults: wall time and peak memory.
#
#   scripts/measure.sh                 # the three sizes, 5 runs each, median reported
#   RUNS=9 scripts/measure.sh
#   SIZES="10k:10000:20000:1000" scripts/measure.sh
#   KEEP=1 scripts/measure.sh          # keep the generated vaults (their folder is printed)
#
# SIZES is a list of NAME:DEALS:CONTACTS:ACCOUNTS. The defaults match benches/common: "1k" and
# "10k" are deals (with twice as many contacts and one account per ten deals), "100k" is
# 100,000 records; a NAME ending in -blocks writes lists in block style, as Obsidian does. Every vault is generated with --seed 1 and BROKEN (default 16) files broken
# on purpose, and every command runs with --as-of 2026-11-23, so runs can be compared.
# Prints a Markdown table on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"1k:1000:2000:100 10k:10000:20000:1000 10k-blocks:10000:20000:1000 100k:32000:64000:4000"}
COMMANDS=${COMMANDS:-"check pipeline prep"}
RUNS=${RUNS:-5}
BROKEN=${BROKEN:-16}
AS_OF=2026-11-23

if [ ! -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
    echo "error: this script needs GNU time at /usr/bin/time; install it with: apt-get install -y time" >&2
    exit 2
fi

echo "building (release)…" >&2
cargo build --release --quiet --bin dealbook --example gen_vault
DEALBOOK=target/release/dealbook
GEN=target/release/examples/gen_vault

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dealbook-measure.XXXXXX")
if [ -z "${KEEP:-}" ]; then
    trap 'rm -rf "$WORK"' EXIT
else
    echo "vaults are kept in $WORK" >&2
fi

# The median of numbers, one per line.
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# "h:mm:ss.ss" or "m:ss.ss" → seconds.
seconds() {
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f\n", s }'
}

echo "| vault | records | bytes on disk | command | wall time (s) | peak RSS (MB) | peak RSS ÷ bytes |"
echo "|---|---:|---:|---|---:|---:|---:|"
for size in $SIZES; do
    IFS=: read -r name deals contacts accounts <<<"$size"
    vault="$WORK/$name"
    echo "generating $name: $deals deals, $contacts contacts, $accounts accounts…" >&2
    blocks=()
    [[ $name == *-blocks ]] && blocks=(--block-lists)
    "$GEN" --deals "$deals" --contacts "$contacts" --accounts "$accounts" \
        --seed 1 --broken "$BROKEN" "${blocks[@]}" "$vault"
    records=$((deals + contacts + accounts))
    bytes=$(du -sb "$vault" | cut -f1)
    for command in $COMMANDS; do
        walls=()
        rss=()
        for _ in $(seq "$RUNS"); do
            log="$WORK/time.log"
            # check exits 1 on the broken files; that is expected here.
            /usr/bin/time -v -o "$log" "$DEALBOOK" --vault "$vault" --as-of "$AS_OF" "$command" \
                >/dev/null 2>"$WORK/stderr.log" || true
            if grep -q "Command terminated by signal" "$log"; then
                echo "error: dealbook $command crashed on $name:" >&2
                cat "$log" "$WORK/stderr.log" >&2
                exit 1
            fi
            walls+=("$(grep "Elapsed (wall clock)" "$log" | awk '{ print $NF }' | seconds)")
            rss+=("$(grep "Maximum resident set size" "$log" | awk '{ print $NF }')")
        done
        wall=$(printf '%s\n' "${walls[@]}" | median)
        kb=$(printf '%s\n' "${rss[@]}" | median)
        awk -v n="$name" -v r="$records" -v b="$bytes" -v c="$command" -v w="$wall" -v k="$kb" \
            'BEGIN { printf "| %s | %d | %d | %s | %.2f | %.0f | %.1f× |\n", n, r, b, c, w, k / 1024, k * 1024 / b }'
        echo "  $name $command: ${walls[*]} s" >&2
    done
done
