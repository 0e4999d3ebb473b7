# Shared by scripts/run and scripts/test: install what is missing, configure, build.
# Sourced, not executed.

SKIFF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Cache keys relative to the checkout, so another clone of the same code reuses compiled objects.
export CCACHE_BASEDIR="$SKIFF_ROOT"
export CCACHE_NOHASHDIR=1
SKIFF_APT_PACKAGES=(g++ cmake ninja-build ccache pkg-config libboost1.81-dev libssl-dev
  libsqlite3-dev libpugixml-dev rapidjson-dev libgtest-dev libisal-dev rclone s3cmd
  openssl golang-go golang-github-aws-aws-sdk-go-v2-dev)  # test certificates; tests/go offline

skiff_install_deps() {
  local missing=()
  for p in "${SKIFF_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "skiff: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

# skiff_build DIR BUILD_TYPE [extra cmake args...] [-- targets...]
skiff_build() {
  local dir="$1" type="$2"; shift 2
  local args=() targets=()
  while (($#)); do
    if [ "$1" = "--" ]; then shift; targets=("$@"); break; fi
    args+=("$1"); shift
  done
  cmake -S "$SKIFF_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${args[@]}" >/dev/null
  if ((${#targets[@]})); then
    cmake --build "$dir" --parallel "$(nproc)" --target "${targets[@]}"
  else
    cmake --build "$dir" --parallel "$(nproc)"
  fi
}
