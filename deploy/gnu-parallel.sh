#!/usr/bin/env bash
# One big machine: K shard processes with GNU parallel, then merge and verify.
#   bash deploy/gnu-parallel.sh 8
set -euo pipefail
K=${1:-8}
OUT=${OUT:-runs/parallel-demo}
seq 0 $((K - 1)) | parallel -j "$K" \
  npx deeplimits simulate nica-mlp --engine dense --set width=100 --set depth=10 \
  --samples 1e5 --seed 1 --threads 1 --shard {}/"$K" --out "$OUT/shards" --json
npx deeplimits merge "$OUT"/shards/shard-*-of-"$K".dlshard --out "$OUT/result"
npx deeplimits verify "$OUT/result"
