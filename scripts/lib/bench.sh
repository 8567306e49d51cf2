# Set-up shared by the scripts/bench-* benchmarks. Sourced, not run: the sourcing script names itself in `bench`
# first (bench=bench-apk), then calls what it needs. Leaves the shell in the repository root.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$bench_root"

bench_die() { printf 'scripts/%s: %s\n' "$bench" "$*" >&2; exit 1; }

# apko's test data beside the project, or $APKOFARM_FIXTURES: printed as an absolute path, or the benchmark stops.
bench_fixtures() {
  local dir="${APKOFARM_FIXTURES:-$bench_root/../shared/fixtures}"
  [ -d "$dir/apko" ] || bench_die "apko's test data not found at $dir (set APKOFARM_FIXTURES)"
  (cd "$dir" && pwd -P)
}

# Packages MODULE and the modules it needs, tests skipped (MVN_ARGS="-o" builds offline).
bench_build() { mvn -q -B ${MVN_ARGS:-} -DskipTests -pl "$1" -am package >&2; }

# What the figures were measured on, for the first line of a report.
bench_machine() { echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

# Stops the benchmark unless COMMAND is on PATH (WHY says what it is needed for).
bench_require() { command -v "$1" >/dev/null || bench_die "$1 is needed ($2)"; }

# A TCP port nothing listens on, on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Whether something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Retries COMMAND... every 0.1 s for up to a minute; fails when it never succeeds.
wait_until() {
  local i
  for i in $(seq 1 600); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

# The median of the numbers on stdin, one a line.
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

# A scratch directory in $work, removed on exit after the processes listed in bench_pids (background services the
# benchmark started) are stopped.
bench_pids=()
bench_workdir() {
  work="$(mktemp -d -t "apko-farm-$bench-XXXXXX")"
  trap bench_cleanup EXIT
}
bench_cleanup() {
  local p
  for p in "${bench_pids[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
