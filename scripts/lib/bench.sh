# Set-up shared by the scripts/bench-* benchmarks. Sourced, not run: the sourcing script names itself in `bench`
# first (bench=bench-apk), then calls what it needs. Leaves the shell in the repository root.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$bench_root"

bench_die() { printf 'scripts/%s: %s\n' "$bench" "$*" >&2; exit 1; }

# The repository's test data (testdata/), printed as an absolute path.
bench_fixtures() {
  local dir="$bench_root/testdata"
  [ -d "$dir/apko" ] || bench_die "test data not found at $dir: the checkout is incomplete"
  (cd "$dir" && pwd -P)
}

# Packages MODULE and the modules it needs, tests skipped (MVN_ARGS="-o" builds offline).
bench_build() { mvn -q -B ${MVN_ARGS:-} -DskipTests -pl "$1" -am package >&2; }

# What the figures were measured on, for the first line of a report.
bench_machine() { echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

# Stops the benchmark unless COMMAND is on PATH (WHY says what it is needed for).
bench_require() { command -v "$1" >/dev/null || bench_die "$1 is needed ($2)"; }

# Services are started on port 0 (the system picks a free port as they bind) and asked which port they got: a port
# picked beforehand could be taken by another process before the service binds it.

# The port KEY (grpc, health, metrics, hazelcast) from a farm daemon's --ready-file FILE (-1: not served).
ready_port() { sed -E 's/.*"'"$2"'":(-?[0-9]+).*/\1/' "$1"; }

# Waits until the daemon PID has written its --ready-file FILE; fails, printing LOG, if it exits first.
await_ready() {
  local pid="$1" file="$2" log="$3"
  daemon_ready() {
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; bench_die "pid $pid exited before writing $file"; }
    [ -f "$file" ]
  }
  wait_until daemon_ready || bench_die "no $file within a minute (log: $log)"
}

# The port a docker-registry started with `http.addr: 127.0.0.1:0` (and `log.level: info`) listens on, from the line
# it logs once it serves, in LOG; waits for that line, and fails if the registry PID exits first.
registry_port() {
  local pid="$1" log="$2"
  registry_listening() {
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; bench_die "docker-registry exited"; }
    grep -q 'listening on ' "$log"
  }
  wait_until registry_listening || bench_die "docker-registry did not start listening (log: $log)"
  grep -m1 -oE 'listening on [^ ",]*:[0-9]+' "$log" | sed -E 's/.*:([0-9]+)$/\1/'
}

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
