#!/bin/sh
# The pricing benchmark (`make bench`): a benchmark, not a timed test. It
# never fails on slowness; it prints a table for docs/performance.md.
#
#   sh bench/run.sh [BINARY]        (default ./quotesmith)
#
# Then (unless BENCH_BATCH=0) the batch benchmark of issue 7: the ordinary
# quotes built with `batch -j 1` and `-j 2`, the peak RSS of a worker, and
# `build` time by quote size.
#
# Generates inputs with bench/gen.sh into a fresh folder under build/bench/,
# then runs
#   BINARY check --timings --max-file-size 100000000 --root DIR QUOTE
# on quotes of 10, 100, 1,000 and 10,000 lines ($BENCH_SIZES; $BENCH_RUNS runs
# each, default 5; the median is shown), and sequentially, one process each, on
# $BENCH_ORDINARY (default 1000) ordinary quotes of 20-40 lines.
# Wall time is measured around the process (date +%s%N); the stage times
# come from the `timings:` line on stderr; peak RSS from /usr/bin/time -v
# when it is installed (Debian package `time`).
# Set BENCH_KEEP=1 to keep the generated folder.
set -eu

bin=${1:-./quotesmith}
runs=${BENCH_RUNS:-5}
ordinary=${BENCH_ORDINARY:-1000}
sizes=${BENCH_SIZES:-10 100 1000 10000}
here=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$bin" ] || { echo "bench: no binary '$bin' (run make first)" >&2; exit 2; }

mkdir -p "$here/build/bench"
dir=$(mktemp -d "$here/build/bench/run.XXXXXX")
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$dir"' EXIT INT TERM

have_time=0
[ -x /usr/bin/time ] && have_time=1

now_ns() { date +%s%N; }

# run QUOTE ERRFILE: one timed check; prints "wall_us load_ms price_ms validate_ms rss_kb"
# (validate_ms is "-" when the binary has no validate stage)
run_one() {
    t0=$(now_ns)
    if [ "$have_time" = 1 ]; then
        /usr/bin/time -v -o "$2.time" "$bin" check --timings --max-file-size 100000000 \
            --root "$dir" "$1" >/dev/null 2>"$2" || true
    else
        "$bin" check --timings --max-file-size 100000000 --root "$dir" "$1" >/dev/null 2>"$2" || true
    fi
    t1=$(now_ns)
    grep -q '^timings: ' "$2" || { echo "bench: no timings from $1:" >&2; cat "$2" >&2; exit 1; }
    rss=0
    [ "$have_time" = 1 ] && rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$2.time")
    awk -v wall=$(( (t1 - t0) / 1000 )) -v rss="$rss" '
        /^timings: / {
            s = $0; sub(/^timings: /, "", s); n = split(s, part, ", ")
            for (i = 1; i <= n; i++) { split(part[i], w, " "); v[w[1]] = w[2] }
            # "load+merge": load and merge, which now run as two stages
            print wall, v["load+merge"] + v["load"] + v["merge"], v["price"] + 0, ("validate" in v) ? v["validate"] : "-", rss
        }' "$2"
}

# median of the numbers on stdin, one per line
median() { sort -n | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : 0 }'; }

echo "quotesmith pricing benchmark"
echo "binary:  $bin ($("$bin" --version 2>/dev/null | head -1))"
echo "machine: $(uname -m), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo '?')"
echo "inputs:  $dir (bench/gen.sh, seed 42)"
gen0=$(now_ns)
BENCH_SIZES=$sizes BENCH_ORDINARY=$ordinary sh "$here/bench/gen.sh" "$dir"
gen1=$(now_ns)
echo "generated in $(( (gen1 - gen0) / 1000000 )) ms"
echo

echo "One quote, median of $runs runs each (stage times from --timings):"
echo
printf '| %6s | %8s | %8s | %13s | %8s | %11s | %8s | %12s | %14s | %13s |\n' \
    lines "input KiB" "wall ms" "load+merge ms" "price ms" "validate ms" "RSS MiB" \
    "wall ms/1k l" "load ms/1k l" "price us/line"
printf '| %6s | %8s | %8s | %13s | %8s | %11s | %8s | %12s | %14s | %13s |\n' \
    -----: -----: -----: -----: -----: -----: -----: -----: -----: -----:
for n in $sizes; do
    q="$dir/lines-$n/quote.xml"
    kib=$(cat "$dir/lines-$n"/*.xml | wc -c | awk '{ printf "%d", $1 / 1024 }')
    : >"$dir/res"
    i=0
    while [ "$i" -lt "$runs" ]; do
        run_one "$q" "$dir/err" >>"$dir/res"
        i=$((i + 1))
    done
    wall=$(awk '{ print $1 }' "$dir/res" | median)
    load=$(awk '{ print $2 }' "$dir/res" | median)
    price=$(awk '{ print $3 }' "$dir/res" | median)
    validate=$(awk '{ print $4 }' "$dir/res" | median)
    [ "$(awk 'NR == 1 { print $4 }' "$dir/res")" = - ] && validate=-
    rss=$(awk '{ print $5 }' "$dir/res" | median)
    awk -v n="$n" -v kib="$kib" -v wall="$wall" -v load="$load" -v price="$price" \
        -v validate="$validate" -v rss="$rss" -v have_time="$have_time" 'BEGIN {
        printf "| %6d | %8d | %8.1f | %13.2f | %8.3f | %11s | %8s | %12.2f | %14.2f | %13.3f |\n",
            n, kib, wall / 1000, load, price,
            validate == "-" ? "-" : sprintf("%.2f", validate),
            have_time ? sprintf("%.1f", rss / 1024) : "n/a",
            wall / 1000 / n * 1000, load / n * 1000, price / n * 1000
    }'
done
echo
echo "$ordinary ordinary quotes (20-40 lines each), sequential, one process each:"
echo
: >"$dir/ord"
t0=$(now_ns)
for q in "$dir"/ordinary/q*/quote.xml; do
    "$bin" check --timings --root "$dir" "$q" >/dev/null 2>"$dir/err" || true
    grep '^timings: ' "$dir/err" >>"$dir/ord" || { echo "bench: no timings from $q:" >&2; cat "$dir/err" >&2; exit 1; }
done
t1=$(now_ns)
# peak RSS over a sample (every 50th quote: 20 of 1,000)
rss=n/a
if [ "$have_time" = 1 ]; then
    rss=0 i=0
    for q in "$dir"/ordinary/q*/quote.xml; do
        i=$((i + 1))
        [ $((i % 50)) -eq 1 ] || continue
        r=$(run_one "$q" "$dir/err" | awk '{ print $5 }')
        [ "$r" -gt "$rss" ] && rss=$r
    done
    rss=$(awk -v r="$rss" 'BEGIN { printf "%.1f", r / 1024 }')
fi
lines=$(cat "$dir"/ordinary/q*/*.xml | grep -c '<item ' || true)
awk -v us=$(( (t1 - t0) / 1000 )) -v n="$ordinary" -v lines="$lines" -v rss="$rss" '
    /^timings: / {
        s = $0; sub(/^timings: /, "", s); k = split(s, part, ", ")
        for (i = 1; i <= k; i++) {
            split(part[i], w, " ")
            if (w[1] == "load+merge" || w[1] == "load" || w[1] == "merge") load += w[2]
            if (w[1] == "price") price += w[2]
            if (w[1] == "validate") validate += w[2]
        }
    }
    END {
        printf "| %7s | %7s | %11s | %10s | %12s | %17s | %15s | %15s | %8s |\n", "quotes", "lines",
            "total s", "quotes/s", "ms per quote", "load+merge ms/q", "price ms/q", "validate ms/q", "RSS MiB"
        printf "| %7s | %7s | %11s | %10s | %12s | %17s | %15s | %15s | %8s |\n", "-----:", "-----:",
            "-----:", "-----:", "-----:", "-----:", "-----:", "-----:", "-----:"
        printf "| %7d | %7d | %11.2f | %10.1f | %12.2f | %17.3f | %15.4f | %15.3f | %8s |\n", n, lines,
            us / 1e6, n / (us / 1e6), us / 1000 / n, load / n, price / n, validate / n, rss
    }' "$dir/ord"
echo
echo "Targets (issue 3): price 10,000 lines in under 50 ms; cost linear in lines"
echo "(the per-1000-line columns stay flat)."

# Rendering (docs/performance.md, "Rendering"): bench/render.sh.
echo
sh "$here/bench/render.sh" "$bin"

# ---- Batch builds (issue 7): whole proposal packages, worker processes ----
# $BENCH_BATCH=0 skips this part. The generated root gets the shipped
# template, so every quote builds its 6-page-class proposal.
[ "${BENCH_BATCH:-1}" = 1 ] || exit 0
cp -R "$here/templates" "$dir/templates"
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
echo
echo "Batch builds: $ordinary ordinary quotes, \`batch -j N --root DIR DIR/ordinary -o DIR/out-jN\`:"
echo
printf '| %4s | %7s | %9s | %9s | %12s | %5s | %9s |\n' -j quotes built "total s" "ms per quote" "q/s" "q/s/core"
printf '| %4s | %7s | %9s | %9s | %12s | %5s | %9s |\n' -----: -----: -----: -----: -----: -----: -----:
for j in 1 2; do
    t0=$(now_ns)
    "$bin" batch -j "$j" --root "$dir" -o "$dir/out-j$j" "$dir/ordinary" >"$dir/batch-j$j.out" 2>"$dir/batch-j$j.err" || true
    t1=$(now_ns)
    built=$(grep -c '  built  ' "$dir/batch-j$j.out" || true)
    used=$j; [ "$used" -gt "$cores" ] && used=$cores
    awk -v us=$(( (t1 - t0) / 1000 )) -v n="$ordinary" -v built="$built" -v j="$j" -v used="$used" 'BEGIN {
        s = us / 1e6
        printf "| %4d | %7d | %9d | %9.2f | %12.2f | %5.1f | %9.1f |\n", j, n, built, s, us / 1000 / n, n / s, n / s / used
    }'
done
t0=$(now_ns)
"$bin" batch -j 2 --root "$dir" -o "$dir/out-j2" "$dir/ordinary" >"$dir/batch-skip.out" 2>&1 || true
t1=$(now_ns)
echo
awk -v us=$(( (t1 - t0) / 1000 )) -v n="$ordinary" 'BEGIN {
    printf "Again with -j 2, every quote up to date (skipped): %.2f s, %.2f ms per quote.\n", us / 1e6, us / 1000 / n }'
pages=$(awk '$3 == "built" { n++; p += $(NF-1) } END { if (n) printf "%.1f", p / n }' "$dir/batch-j1.out")
echo "Pages per proposal: $pages on average."

if [ "$have_time" = 1 ]; then
    echo
    echo "Peak RSS of one worker: \`/usr/bin/time -v quotesmith build\` of every 50th ordinary quote"
    echo "(a worker runs exactly this build path, after a fork of the small batch process):"
    rss=0 i=0
    for q in "$dir"/ordinary/q*/quote.xml; do
        i=$((i + 1))
        [ $((i % 50)) -eq 1 ] || continue
        /usr/bin/time -v -o "$dir/w.time" "$bin" build --root "$dir" -o "$dir/w-out" "$q" >/dev/null 2>&1 || true
        r=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/w.time")
        [ "$r" -gt "$rss" ] && rss=$r
    done
    awk -v r="$rss" 'BEGIN { printf "max %.1f MiB\n", r / 1024 }'
fi

echo
echo "Build (PDF + UBL + manifest) by quote size, median of $runs runs:"
echo
printf '| %6s | %8s | %6s | %8s | %8s |\n' lines "wall ms" pages "RSS MiB" "PDF KiB"
printf '| %6s | %8s | %6s | %8s | %8s |\n' -----: -----: -----: -----: -----:
for n in $sizes; do
    q="$dir/lines-$n/quote.xml"
    : >"$dir/res"
    i=0
    while [ "$i" -lt "$runs" ]; do
        t0=$(now_ns)
        if [ "$have_time" = 1 ]; then
            /usr/bin/time -v -o "$dir/b.time" "$bin" build --max-file-size 100000000 --root "$dir" \
                -o "$dir/size-out" "$q" >"$dir/b.out" 2>"$dir/b.err" || true
        else
            "$bin" build --max-file-size 100000000 --root "$dir" -o "$dir/size-out" "$q" \
                >"$dir/b.out" 2>"$dir/b.err" || true
        fi
        t1=$(now_ns)
        r=0
        [ "$have_time" = 1 ] && r=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/b.time")
        p=$(sed -n 's/^.*: \([0-9]*\) pages\{0,1\}, \([0-9]*\) bytes.*$/\1 \2/p' "$dir/b.out")
        [ -n "$p" ] || { p="0 0"; echo "bench: build of $n lines failed: $(head -3 "$dir/b.err")" >&2; }
        echo "$(( (t1 - t0) / 1000 )) $r $p" >>"$dir/res"
        i=$((i + 1))
    done
    wall=$(awk '{ print $1 }' "$dir/res" | median)
    rss=$(awk '{ print $2 }' "$dir/res" | median)
    awk -v n="$n" -v wall="$wall" -v rss="$rss" -v have_time="$have_time" '
        END { printf "| %6d | %8.1f | %6d | %8s | %8.0f |\n", n, wall / 1000, $3,
                  have_time ? sprintf("%.1f", rss / 1024) : "n/a", $4 / 1024 }' "$dir/res"
done
echo
echo "Targets (issue 7): >= 60 ordinary quotes/s per core, ~2x with -j 2 on two cores,"
echo "<= 16 MiB peak per worker, a 10,000-line quote built in < 2 s and < 100 MB."
