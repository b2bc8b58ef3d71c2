#!/bin/sh
# make bench (leads): a benchmark, not a timed test; it never fails on
# slowness, it prints three tables for docs/performance.md ("Leads").
#
#   sh bench/leads.sh [BINARY]        (default ./quotesmith)
#
# 1. Rows: generated attendee lists ($BENCH_LEADS_ROWS, default 25,000,
#    50,000 and 100,000 rows; scripts/gen-attendees.sh, then every e-mail
#    made unique with its line number, so that every valid row reaches
#    customer matching instead of stopping as a duplicate) screened
#    against the sample rules and the sample quotes as customers, once
#    with the threshold out of reach ("screen": reading, trees, tests,
#    duplicates, matching, leads.csv) and once as shipped ("+ call
#    sheets": also the call sheets of every qualified lead). Cost per row
#    in microseconds: flat when the cost is linear.
# 2. Customers: the 100,000 rows screened against the sample quotes and
#    against $BENCH_LEADS_CUSTOMERS (default 2,500 and 10,000) generated
#    customer quotes (bench/gen-customers.sh; every 20th takes its company,
#    postal code and VAT id from a row of the list). "load" is a run over a
#    one-row list: loading the customers alone.
# 3. Letters: a list of $BENCH_LEADS_LETTER_ROWS rows (default 1,000)
#    with --letters, -j 1 and -j 2 (wall and CPU time).
# Wall time, CPU time and peak memory (of the largest process) come from
# /usr/bin/time (Debian package `time`). Inputs and outputs stay in
# build/bench/leads/.
set -eu
bin=${1:-./quotesmith}
rows_list=${BENCH_LEADS_ROWS:-25000 50000 100000}
customers_list=${BENCH_LEADS_CUSTOMERS:-2500 10000}
letter_rows=${BENCH_LEADS_LETTER_ROWS:-1000}
[ -x "$bin" ] || { echo "bench: no binary '$bin' (run make first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
dir=build/bench/leads
rm -rf "$dir"
mkdir -p "$dir"

# list ROWS FILE: the generated list with unique e-mail addresses.
list() {
    sh scripts/gen-attendees.sh "$1" | awk 'BEGIN { RS = ORS = "\r\n" } { sub(/@/, NR "@") } 1' > "$2"
}

# The sample rules with a threshold no lead reaches: no call sheets.
sed 's|<threshold points="[0-9]*"/>|<threshold points="100000"/>|' \
    samples/trade-fair/leads.xml > "$dir/screen.xml"

# run NAME ARGS...: one timed run; sets wall, cpu, mib, and status counts
# from the summary (existing, qualified).
run() {
    name=$1
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$dir/$name.time" "$bin" leads "$@" \
        >"$dir/$name.out" 2>"$dir/$name.err" || {
        echo "bench: quotesmith leads $* failed:" >&2
        grep -v ': warning: ' "$dir/$name.err" | head -5 >&2
        exit 1
    }
    read -r wall user sys kib < "$dir/$name.time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    mib=$(awk -v k="$kib" 'BEGIN { printf "%.0f", k / 1024 }')
    existing=$(awk '$1 == "existing-customer" { print $2 }' "$dir/$name.out")
    qualified=$(awk '$1 == "qualified" { print $2 }' "$dir/$name.out")
}

echo "leads: rows (sample customers)"
printf '%8s  %-14s %8s %9s %7s %9s %9s\n' rows run seconds rows/s us/row "peak MiB" qualified
for rows in $rows_list; do
    list "$rows" "$dir/list-$rows.csv"
    for kind in screen sheets; do
        rules=samples/trade-fair/leads.xml
        label="+ call sheets"
        [ "$kind" = screen ] && rules=$dir/screen.xml && label=screen
        run "$kind-$rows" "$dir/list-$rows.csv" --rules "$rules" --customers samples \
            -o "$dir/out-$kind-$rows"
        awk -v r="$rows" -v l="$label" -v s="$wall" -v m="$mib" -v q="$qualified" 'BEGIN {
            s = s > 0 ? s : 0.01
            printf "%8d  %-14s %8.2f %9.0f %7.1f %9d %9d\n", r, l, s, r / s, s * 1e6 / r, m, q }'
    done
done

big=$(echo "$rows_list" | tr ' ' '\n' | sort -n | tail -n 1)
echo
echo "leads: customers ($big rows, screen)"
printf '%10s %14s %14s %9s %10s\n' customers "load (s)" "screen (s)" "peak MiB" existing
{
    printf 'Firma;Anrede;Name;Position;E-Mail;Telefon;Land;PLZ;Ort;Branche;Mitarbeiter;USt-IdNr.\r\n'
    printf 'Elbe Handel GmbH;Frau;Anna Weber;Einkauf;a.weber@elbe.example;+49 40 1;DE;20095;Hamburg;Handel;50;\r\n'
} > "$dir/one.csv"
for n in sample $customers_list; do
    folder=samples
    if [ "$n" != sample ]; then
        folder=$dir/customers-$n
        sh bench/gen-customers.sh "$n" "$dir/list-$big.csv" "$folder"
    fi
    run "load-$n" "$dir/one.csv" --rules "$dir/screen.xml" --customers "$folder" -o "$dir/out-load-$n"
    load=$wall
    run "match-$n" "$dir/list-$big.csv" --rules "$dir/screen.xml" --customers "$folder" \
        -o "$dir/out-match-$n"
    label=$n
    [ "$n" = sample ] && label="sample ($(find samples -name quote.xml | wc -l))"
    printf '%10s %14s %14s %9s %10s\n' "$label" "$load" "$wall" "$mib" "$existing"
done

echo
echo "leads: letters ($letter_rows rows, --letters)"
printf '%4s %8s %8s %9s %8s\n' -j seconds "cpu (s)" "peak MiB" letters
list "$letter_rows" "$dir/letters.csv"
for j in 1 2; do
    run "letters-j$j" "$dir/letters.csv" --rules samples/trade-fair/leads.xml --customers samples \
        --letters -j "$j" -o "$dir/out-letters-j$j"
    letters=$(ls "$dir/out-letters-j$j/letters" | grep -c '\.pdf$' || true)
    printf '%4s %8s %8s %9s %8s\n' "$j" "$wall" "$cpu" "$mib" "$letters"
done
cmp -s "$dir/out-letters-j1/letters/index.csv" "$dir/out-letters-j2/letters/index.csv" ||
    echo "bench: note: letters/index.csv differs between -j 1 and -j 2" >&2
