#!/bin/sh
# make bench (report): the won-vs-target report over a generated history
# of N quotes (default 10,000; bench/gen-history.sh), period 2026-Q4:
#   cold  a new register: every quote loaded and priced, on every core
#   warm  the same again after one quote changed (one quote loaded)
# Prints wall time, CPU time and peak memory (/usr/bin/time: the largest
# process, the parent or a worker) of each, and checks that the warm
# report equals a cold one (docs/performance.md, "The won-vs-target
# report"). Targets (issue 18): cold < 60 s, warm < 1 s, memory < 200 MB.
set -eu
n=${1:-10000}
dir=build/bench/report
rm -rf "$dir"
mkdir -p "$dir"
sh bench/gen-history.sh "$n" "$dir/h" ../../../../../../pricing/pricelist-2026.xml
run() {   # NAME: one timed report into $dir/NAME
    /usr/bin/time -f '%e %U %S %M' -o "$dir/$1.time" ./quotesmith report "$dir/h/quotes" \
        --outcomes "$dir/h/outcomes.xml" --targets "$dir/h/targets.xml" \
        --period 2026-Q4 --as-of 2026-12-31 -o "$dir/$1" >/dev/null 2>"$dir/$1.stderr"
    read -r wall user sys kib < "$dir/$1.time"
    awk -v name="$1" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kib" -v n="$n" 'BEGIN {
        printf "report %-5s %6d quotes: %7.2f s wall, %6.2f s CPU, peak memory %6.1f MiB\n",
            name, n, w, u + s, k / 1024 }'
}
echo "report: $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo '?')"
run cold
# One quote changes: a won quote of December gets another quantity.
q=$(grep -l '2026-12-' "$dir"/h/quotes/*/quote.xml | tail -1)
sed -i 's/qty="[0-9]*"/qty="9"/' "$(dirname "$q")/services.xml"
run warm
# The warm report equals a cold one over the changed history.
mv "$dir/report-register.sqlite" "$dir/warm-register.sqlite"
run check >/dev/null
cmp "$dir/warm/report.json" "$dir/check/report.json"
cmp "$dir/warm/report.csv" "$dir/check/report.csv"
echo "report: the warm report equals a cold one (report.json, report.csv)"
echo "targets (issue 18): cold < 60 s on 2 cores, warm < 1 s, peak memory < 200 MB"
