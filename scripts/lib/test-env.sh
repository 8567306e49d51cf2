# Test environment setup shared by scripts/test and the developer scripts. Idempotent; sourced, not run.

# apt packages the suite needs, as "command:package" pairs (installed only when the command is missing).
TEST_TOOLS=(
  "java:openjdk-17-jdk-headless"
  "mvn:maven"
  "gzip:gzip"
  "docker-registry:docker-registry"
  "skopeo:skopeo"
  "dot:graphviz"
)

log() { printf 'scripts/test: %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Installs the Debian packages of TEST_TOOLS whose command is missing (root only).
install_missing_tools() {
  local missing=() pair
  for pair in "${TEST_TOOLS[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! is_root; then
    log "missing ${missing[*]} and not root: install them, or tests that need them will skip"
    return 0
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- End-to-end tests (e2e/: Docker, qemu for arm64, Debian arm64 packages): installed, enabled, started. ---
TEST_TOOLS+=(
  "dockerd:docker.io"
  "qemu-aarch64-static:qemu-user-static"
  "update-binfmts:binfmt-support"
  "docker-compose:docker-compose"
)

# Foreign Debian architectures whose packages the E2E tests download (apt-get download PKG:ARCH).
E2E_FOREIGN_ARCHS=(arm64)
# Seconds to wait for a freshly started dockerd to answer.
E2E_DOCKERD_WAIT_SECONDS="${E2E_DOCKERD_WAIT_SECONDS:-60}"
E2E_DOCKERD_LOG="${E2E_DOCKERD_LOG:-/var/log/apko-farm-dockerd.log}"

# Lets apt wait for a lock held by a concurrent apt instead of failing at once.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }

# Adds the foreign architectures the E2E repository needs and refreshes apt's lists when they lack them.
enable_foreign_archs() {
  is_root && command -v dpkg >/dev/null 2>&1 || return 0
  local arch refresh=0
  for arch in "${E2E_FOREIGN_ARCHS[@]}"; do
    [ "$arch" = "$(dpkg --print-architecture)" ] && continue
    if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
      log "adding dpkg architecture $arch"
      dpkg --add-architecture "$arch"
      refresh=1
    fi
    compgen -G "/var/lib/apt/lists/*binary-${arch}_Packages*" >/dev/null || refresh=1
  done
  if [ "$refresh" -eq 1 ]; then
    log "apt-get update (foreign architectures: ${E2E_FOREIGN_ARCHS[*]})"
    apt_get update -qq
  fi
}

# Mounts binfmt_misc and enables the qemu handlers, so containers of other architectures run.
enable_qemu_binfmt() {
  is_root && command -v update-binfmts >/dev/null 2>&1 || return 0
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
      { log "cannot mount binfmt_misc: foreign-architecture containers will not run"; return 0; }
  fi
  local handler name
  for handler in /usr/share/binfmts/qemu-*; do
    [ -e "$handler" ] || continue
    name="${handler##*/}"
    grep -qx enabled "/proc/sys/fs/binfmt_misc/$name" 2>/dev/null || update-binfmts --enable "$name" >/dev/null
  done
}

docker_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

# Starts dockerd in the background (own session, outlives this script) unless a daemon already answers.
start_dockerd() {
  docker_answers && return 0
  if ! is_root || ! command -v dockerd >/dev/null 2>&1; then
    log "no Docker daemon answers: E2E tests will skip (in CI they fail)"
    return 0
  fi
  log "starting dockerd (log: $E2E_DOCKERD_LOG)"
  setsid dockerd >>"$E2E_DOCKERD_LOG" 2>&1 </dev/null &
  local deadline=$((SECONDS + E2E_DOCKERD_WAIT_SECONDS))
  until docker_answers; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "dockerd did not answer within ${E2E_DOCKERD_WAIT_SECONDS}s; last lines of $E2E_DOCKERD_LOG:"
      tail -n 20 "$E2E_DOCKERD_LOG" >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

# Testcontainers on our build machines: /.dockerenv exists (it would think it runs in a container) and nothing can
# be pulled, so Ryuk (an image) is off and the Docker host is named explicitly.
# The Failsafe configuration of e2e/ sets the same, so a plain `mvn verify` behaves alike.
export_testcontainers_env() {
  export TESTCONTAINERS_RYUK_DISABLED=true
  export TESTCONTAINERS_HOST_OVERRIDE=localhost
  # Debian's dockerd speaks API 1.41. A newer docker CLI (e.g. in /usr/local/bin) negotiates down by itself and
  # docker-java asks for an older version still, so DOCKER_API_VERSION is left to the user.
}

prepare_e2e_environment() {
  enable_foreign_archs
  enable_qemu_binfmt
  start_dockerd
  export_testcontainers_env
}

prepare_test_environment() {
  install_missing_tools
  prepare_e2e_environment
}
