#!/bin/bash
# Alternating A/B of `forge evolve --dataset BTCUSDT_FULL_CYCLE --pop 150` max RSS and user CPU (GNU
# time) at W workers, N rounds of (branch, base), with the sha256 of hall_of_fame.json and
# generations.json (same for both when results are unchanged). BASE: a built copy of the base code (its
# bin, dist, configs, datasets, package.json and node_modules); BRANCH: this checkout.
# Usage: BASE=/tmp/base bench/rss-ab.sh W N
W=$1; N=$2
BRANCH=${BRANCH:-$(cd "$(dirname "$0")/.." && pwd)}
: "${BASE:?set BASE to a built copy of the base code}"
TMP=$(mktemp -d /tmp/forge-rss-ab-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
for i in $(seq 1 $N); do
  for side in branch base; do
    if [ $side = branch ]; then root=$BRANCH; else root=$BASE; fi
    home=$TMP/ab-$side; rm -rf $home/runs
    if [ ! -d $home/datasets/BTCUSDT_FULL_CYCLE ]; then
      mkdir -p $home; cp -r $root/datasets $home/ 2>/dev/null
      FORGE_HOME=$home FORGE_OFFLINE=1 node $root/bin/forge.js datasets build BTCUSDT_FULL_CYCLE --synthetic --quiet
    fi
    l=$(cut -d' ' -f1 /proc/loadavg)
    FORGE_HOME=$home FORGE_OFFLINE=1 /usr/bin/time -v node $root/bin/forge.js evolve --dataset BTCUSDT_FULL_CYCLE --pop 150 --workers $W --json > $home/out.json 2> $home/err.txt
    rss=$(grep "Maximum resident" $home/err.txt | awk '{print $NF}')
    user=$(grep "User time" $home/err.txt | awk '{print $NF}')
    hof=$(sha256sum $home/runs/*/hall_of_fame.json | cut -c1-12)
    gen=$(sha256sum $home/runs/*/generations.json | cut -c1-12)
    echo "$side W=$W run $i load $l: maxRSS $((rss/1024)) MiB user $user s hof $hof gens $gen"
  done
done
