#!/usr/bin/env bash
# Cached pages served by an earlier commit and by this checkout, side by side:
# the same database, each server its own Redis database, wrk rounds
# interleaved so that other work on the machine weighs on both alike.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/folio_perf \
#     bench/compare_cache_hits.sh [OLD_COMMIT] [PATH]
#
# OLD_COMMIT defaults to 7bf9602 (before the cache failed closed); PATH to a
# live report of the bench data (make bench seeds it). ROUNDS (5) and
# SECONDS_EACH (8) set the load; BENCH_REDIS (redis://127.0.0.1:6379) gets
# databases 8 and 9 flushed. The database must be migrated by this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:-7bf9602}
ROUNDS=${ROUNDS:-5}
SECONDS_EACH=${SECONDS_EACH:-8}
REDIS=${BENCH_REDIS:-redis://127.0.0.1:6379}
: "${DATABASE_URL:?set DATABASE_URL to the bench database}"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk"; exit 1; }
PYTHON=$PWD/.venv/bin/python
# Without site's .pth files, so each tree imports its own code, not the
# editable install of this checkout.
PACKAGES=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  git worktree remove --force "$WORK/old" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
git worktree add -q --detach "$WORK/old" "$OLD"

export DJANGO_SETTINGS_MODULE=bench.settings DJANGO_SECRET_KEY="bench-$RANDOM-$RANDOM-$RANDOM-$RANDOM-$RANDOM-$RANDOM" \
  DJANGO_ALLOWED_HOSTS=127.0.0.1 FOLIO_SITE_URL=http://127.0.0.1 \
  DJANGO_SECURE_SSL_REDIRECT=false DJANGO_CONN_MAX_AGE=60 \
  FOLIO_OPEN_DATA_REQUESTS_PER_MINUTE=0 FOLIO_PAGE_CACHE_SECONDS=3600

serve() {  # tree port redis-db
  local tree=$1 port=$2 db=$3
  (cd "$tree" && PYTHONPATH="$tree:$PACKAGES" DJANGO_STATIC_ROOT="$WORK/static-$port" \
    "$PYTHON" -S manage.py collectstatic --noinput -v0)
  (cd "$tree" && PYTHONPATH="$tree:$PACKAGES" DJANGO_STATIC_ROOT="$WORK/static-$port" \
    REDIS_URL="$REDIS/$db" exec "$PYTHON" -S -m gunicorn config.wsgi \
    --bind "127.0.0.1:$port" --workers 4 >"$WORK/gunicorn-$port.log" 2>&1) &
  PIDS+=($!)
  for _ in $(seq 60); do
    curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && return
    sleep 1
  done
  echo "the server at $port did not start; see $WORK/gunicorn-$port.log"; exit 1
}

for db in 8 9; do "$PYTHON" -c "import redis; redis.Redis.from_url('$REDIS/$db').flushdb()"; done
serve "$WORK/old" 8301 8
serve "$PWD" 8302 9
PAGE=${2:-$(curl -s "http://127.0.0.1:8302/publications/" | grep -o 'href="/publications/[a-z0-9-]*/"' | head -1 | cut -d'"' -f2)}
echo "old: $OLD  new: $(git rev-parse --short HEAD)  page: $PAGE"
for port in 8301 8302; do  # fill both caches
  for path in "$PAGE" /bench/minimal/25000/; do curl -s -o /dev/null "http://127.0.0.1:$port$path"; done
done
RESULTS="$WORK/results"
for round in $(seq "$ROUNDS"); do
  for port in 8301 8302; do
    for path in "$PAGE" /bench/minimal/25000/; do
      rps=$(wrk -t2 -c32 -d"${SECONDS_EACH}s" "http://127.0.0.1:$port$path" | awk '/Requests\/sec/ {print $2}')
      echo "$port $path $rps" >>"$RESULTS"
      echo "round $round  $([ "$port" = 8301 ] && echo old || echo new)  $path  $rps requests/s"
    done
  done
done
"$PYTHON" - "$RESULTS" <<'PY'
import statistics, sys
figures = {}
for line in open(sys.argv[1]):
    port, path, rps = line.split()
    figures.setdefault((path, port), []).append(float(rps))
for path in sorted({path for path, _port in figures}):
    old = statistics.median(figures[(path, "8301")])
    new = statistics.median(figures[(path, "8302")])
    print(f"{path}: old {old:,.0f}, new {new:,.0f} requests/s (median), new/old {new / old:.2f}")
PY
