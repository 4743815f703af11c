#!/usr/bin/env bash
# time.sh times the quotebot built from this checkout, and a baseline binary
# in the same run when one is given, on the built-in statement and on
# synthetic corpora (internal/synth) written to a temporary folder:
#
#   - `--help`, and `ask` on the seed with its index built;
#   - per corpus size: `index` from nothing (wall and CPU seconds, passages
#     per second, peak RSS), `index` again (up to date), and `ask` with the
#     index built (peak RSS, and RSS over the raw bytes of the vectors, whose
#     dimension the index's manifest gives).
#
# The two binaries take turns, ROUNDS times (default 3; 2 for `index`), and
# each figure is the fastest run: on a shared machine that is the one least
# disturbed. Usage, from anywhere in the repository (GNU time,
# /usr/bin/time, gives CPU time and peak RSS):
#
#   testdata/bench/time.sh [BASELINE_BINARY]
#
# SIZES chooses the corpora (default "10000 50000 100000"), BASE_SIZES those
# the baseline is also run on (default: SIZES). An index of format 1 loses
# passages to file-name collisions from about 50,000 passages on and is then
# rebuilt by every ask, so its asks there take as long as an index.
set -euo pipefail
cd "$(dirname "$0")/../.."
base=${1:-}
sizes=${SIZES:-10000 50000 100000}
base_sizes=${BASE_SIZES:-$sizes}
rounds=${ROUNDS:-3}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/results"
go build -o "$work/new" ./cmd/quotebot
bins=new
if [ -n "$base" ]; then cp "$base" "$work/base"; bins="new base"; fi
for n in $sizes; do go run testdata/bench/gen.go -n "$n" -out "$work/c$n"; done

# run KEY BIN ARGS...: runs BIN once and appends "wall cpu peak_kb" to
# $work/results/BIN.KEY (seconds, seconds, KB).
run() {
  local key=$1 bin=$2; shift 2
  local start=$EPOCHREALTIME
  /usr/bin/time -f '%U %S %M' -o "$work/time" "$work/$bin" "$@" >"$work/out" 2>"$work/err" || {
    echo "failed: $bin $*" >&2; cat "$work/err" >&2; exit 1
  }
  local end=$EPOCHREALTIME
  read -r user sys kb <"$work/time"
  awk -v s="$start" -v e="$end" -v u="$user" -v y="$sys" -v k="$kb" 'BEGIN { printf "%.4f %.2f %d\n", e - s, u + y, k }' >>"$work/results/$bin.$key"
}

# turns KEY N ARGS...: the binaries run ARGS in turn, N times each.
turns() {
  local key=$1 n=$2; shift 2
  for _ in $(seq "$n"); do for b in $bins; do run "$key" "$b" "$@"; done; done
}

# fig BIN KEY FIELD: the fastest run's field (1 wall, 2 cpu, 3 peak KB); empty
# when BIN did not run KEY.
fig() {
  [ -f "$work/results/$1.$2" ] || return 0
  sort -n "$work/results/$1.$2" | head -1 | awk -v f="$3" '{ print $f }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b; else print "-" }'; }
mb() { [ -n "$1" ] && echo $(( $1 / 1024 )) || true; }

turns help 7 --help
for b in $bins; do "$work/$b" index --db "$work/$b-seed" >/dev/null; done
turns seed-ask 7 ask --db "$work/new-seed" "what did they say about fisheries?"
# The baseline answers from its own index.
rm -f "$work/results/base.seed-ask"
if [ -n "$base" ]; then
  for _ in $(seq 7); do run seed-ask base ask --db "$work/base-seed" "what did they say about fisheries?"; done
fi

for n in $sizes; do
  for b in $bins; do
    [ "$b" = base ] && [[ " $base_sizes " != *" $n "* ]] && continue
    for _ in 1 2; do
      rm -rf "${work:?}/$b-$n"
      run "index-$n" "$b" index --corpus "$work/c$n" --db "$work/$b-$n"
    done
    run "reindex-$n" "$b" index --corpus "$work/c$n" --db "$work/$b-$n"
    # The vectors' dimension, from the manifest (formats 1 and 2 both say).
    sed -n 's/.*"dim": *\([0-9]*\).*/\1/p' "$work/$b-$n/quotebot-index.json" >"$work/results/$b.dim-$n"
  done
  for _ in $(seq "$rounds"); do
    for b in $bins; do
      [ -d "$work/$b-$n" ] && run "ask-$n" "$b" ask --corpus "$work/c$n" --db "$work/$b-$n" "what about plastic pollution in the Pacific?"
    done
  done
  rm -rf "${work:?}/new-$n" "${work:?}/base-$n"
done

row() { printf '%-36s %10s %10s %7s\n' "$@"; }
pair() { row "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
row "figure (fastest of the runs)" "this" "baseline" "ratio"
pair "help (s)" "$(fig new help 1)" "$(fig base help 1)"
pair "seed ask (s)" "$(fig new seed-ask 1)" "$(fig base seed-ask 1)"
row "seed ask / help" "$(ratio "$(fig new seed-ask 1)" "$(fig new help 1)")" "$(ratio "$(fig base seed-ask 1)" "$(fig base help 1)")" ""
for n in $sizes; do
  pair "index $n (s)" "$(fig new index-$n 1)" "$(fig base index-$n 1)"
  pair "index $n CPU (s)" "$(fig new index-$n 2)" "$(fig base index-$n 2)"
  pn=$(awk -v n="$n" -v t="$(fig new index-$n 1)" 'BEGIN { printf "%.0f", n / t }')
  pb=$(awk -v n="$n" -v t="$(fig base index-$n 1)" 'BEGIN { if (t > 0) printf "%.0f", n / t }')
  pair "index $n (passages/s)" "$pn" "$pb"
  pair "index $n peak RSS (MB)" "$(mb "$(fig new index-$n 3)")" "$(mb "$(fig base index-$n 3)")"
  pair "second index $n (s)" "$(fig new reindex-$n 1)" "$(fig base reindex-$n 1)"
  pair "ask $n (s)" "$(fig new ask-$n 1)" "$(fig base ask-$n 1)"
  row "ask $n / seed ask" "$(ratio "$(fig new ask-$n 1)" "$(fig new seed-ask 1)")" "$(ratio "$(fig base ask-$n 1)" "$(fig base seed-ask 1)")" ""
  pair "ask $n peak RSS (MB)" "$(mb "$(fig new ask-$n 3)")" "$(mb "$(fig base ask-$n 3)")"
  vn=$(( n * $(cat "$work/results/new.dim-$n") * 4 / 1024 ))
  vb=$(( n * $(cat "$work/results/base.dim-$n" 2>/dev/null || echo 0) * 4 / 1024 ))
  row "vectors $n (MB, 4 bytes a value)" "$(( vn / 1024 ))" "$(( vb / 1024 ))" ""
  row "ask $n RSS / vector bytes" "$(ratio "$(fig new ask-$n 3)" "$vn")" "$(ratio "$(fig base ask-$n 3)" "$vb")" ""
done
