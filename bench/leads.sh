#!/bin/sh
# make bench (leads): screens a generated attendee list of ROWS rows
# (default 100,000, about 14 MB) against the sample rules and the sample
# quotes as customers; prints rows per second and peak memory
# (docs/leads.md, "Scale").
set -eu
rows=${1:-100000}
mkdir -p build/bench
sh scripts/gen-attendees.sh "$rows" > build/bench/attendees.csv
/usr/bin/time -f '%e %M' -o build/bench/leads.time ./quotesmith leads build/bench/attendees.csv \
    --rules samples/trade-fair/leads.xml --customers samples -o build/bench/leads \
    >/dev/null 2>build/bench/leads.stderr
read -r seconds kib < build/bench/leads.time
awk -v r="$rows" -v s="$seconds" -v k="$kib" 'BEGIN {
    printf "leads: %d rows in %.2f s = %.0f rows/s, peak memory %.1f MiB\n", r, s, r / (s > 0 ? s : 0.01), k / 1024 }'
