# Test environment setup shared by scripts/test and the developer scripts. Idempotent; sourced, not run.

# apt packages the suite needs, as "command:package" pairs (installed only when the command is missing).
TEST_TOOLS=(
  "java:openjdk-17-jdk-headless"
  "mvn:maven"
  "gzip:gzip"
  "docker-registry:docker-registry"
  "skopeo:skopeo"
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

prepare_test_environment() {
  install_missing_tools
}
