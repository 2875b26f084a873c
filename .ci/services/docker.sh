#!/usr/bin/env bash
# Installs and starts a Docker engine and an OCI registry on loopback, and builds the offline .NET base image.
#
#   source .ci/services/docker.sh                  # start, and export DOCKER_HOST etc. into this shell
#   bash .ci/services/docker.sh start              # start, and print the `export …` lines
#   bash .ci/services/docker.sh stop               # stop both daemons by PID (.ci/services/stop.sh does this)
#
# Layout (override with MLP_DOCKER_DIR): $DIR/{data,exec,docker.sock,docker.pid,registry/,registry.pid,*.log}.
# The base image MLP_TEST_BASE_IMAGE (default mlp-local/aspnet:10.0) is made from host files (no pulls are possible
# here): the libraries of a few Debian packages, busybox for a shell, and this machine's /usr/share/dotnet.
# MLP_TEST_PYTHON_IMAGE (default mlp-local/python:3.11) is made the same way from Debian's python3.11 packages, and
# MLP_TEST_SKLEARN_IMAGE (default mlp-local/python-sklearn:3.11) from those plus Debian's scikit-learn (when installed).
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  # Sourced: do the work in a child shell (keeps this shell's names and options clean), then export what it printed.
  _mlp_docker_exports="$(bash "${BASH_SOURCE[0]}" start)" || return 1
  eval "$_mlp_docker_exports"
  echo "$_mlp_docker_exports" >&2
  unset _mlp_docker_exports
  return 0
fi
set -euo pipefail

DIR="${MLP_DOCKER_DIR:-/tmp/mlp-docker}"
BASE_IMAGE="${MLP_TEST_BASE_IMAGE:-mlp-local/aspnet:10.0}"
PYTHON_IMAGE="${MLP_TEST_PYTHON_IMAGE:-mlp-local/python:3.11}"
SKLEARN_IMAGE="${MLP_TEST_SKLEARN_IMAGE:-mlp-local/python-sklearn:3.11}"
REGISTRY_ADDR="${MLP_REGISTRY_ADDR:-127.0.0.1:5000}"
cmd="${1:-start}"

log() { echo "[docker.sh] $*" >&2; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  [ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  for p in libc6 libgcc-s1 libstdc++6 libssl3 zlib1g libicu72 python3.11-minimal libpython3.11-stdlib; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  fi
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_dockerd() {
  mkdir -p "$DIR/data" "$DIR/exec"
  if alive "$DIR/docker.pid"; then log "dockerd already running (pid $(cat "$DIR/docker.pid"))"; return; fi
  rm -f "$DIR/docker.sock" "$DIR/docker.pid"
  nohup dockerd --data-root "$DIR/data" --exec-root "$DIR/exec" -H "unix://$DIR/docker.sock" \
    --pidfile "$DIR/docker.pid" --iptables=false >"$DIR/dockerd.log" 2>&1 &
  for _ in $(seq 1 100); do
    if [ -S "$DIR/docker.sock" ] && DOCKER_HOST="unix://$DIR/docker.sock" /usr/bin/docker version >/dev/null 2>&1; then
      log "dockerd up (pid $(cat "$DIR/docker.pid"))"; return
    fi
    sleep 0.2
  done
  log "dockerd did not start; see $DIR/dockerd.log"; tail -20 "$DIR/dockerd.log" >&2; exit 1
}

start_registry() {
  mkdir -p "$DIR/registry/storage"
  if alive "$DIR/registry.pid"; then log "registry already running (pid $(cat "$DIR/registry.pid"))"; return; fi
  cat >"$DIR/registry/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $DIR/registry/storage
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
YML
  nohup /usr/bin/docker-registry serve "$DIR/registry/config.yml" >"$DIR/registry.log" 2>&1 &
  echo $! >"$DIR/registry.pid"
  for _ in $(seq 1 50); do
    if curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1; then log "registry up at $REGISTRY_ADDR (pid $(cat "$DIR/registry.pid"))"; return; fi
    sleep 0.2
  done
  log "registry did not start; see $DIR/registry.log"; tail -20 "$DIR/registry.log" >&2; exit 1
}

# Copies the files of Debian packages into a rootfs (merged /usr: /lib → /usr/lib), with busybox, certs, passwd.
make_rootfs() {
  local root="$1"; shift
  rm -rf "$root"; mkdir -p "$root/usr/lib" "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib64" "$root/etc/ssl" "$root/tmp" "$root/usr/share"
  chmod 1777 "$root/tmp"
  for p in "$@"; do
    dpkg -L "$p" | while read -r f; do
      [ -L "$f" ] && [ -d "$f" ] && continue   # merged-/usr directory links such as /lib64
      [ -f "$f" ] || [ -L "$f" ] || continue
      case "$f" in /usr/share/doc/*|/usr/share/man/*|/usr/share/lintian/*) continue;; esac
      local dest="$f"
      case "$f" in /lib/*|/lib64/*|/bin/*|/sbin/*) dest="/usr$f";; esac
      mkdir -p "$root$(dirname "$dest")"
      cp -a "$f" "$root$dest"
    done
  done
  ln -s usr/lib "$root/lib"; ln -s usr/bin "$root/bin"; ln -s usr/sbin "$root/sbin"; ln -s usr/lib64 "$root/lib64"
  cp /bin/busybox "$root/usr/bin/busybox"
  for a in sh ls cat echo env mkdir rm cp wget sleep ps; do [ -e "$root/usr/bin/$a" ] || ln -s busybox "$root/usr/bin/$a"; done
  cp -aL /etc/ssl/certs "$root/etc/ssl/certs"
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1654:1654:app:/home/app:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\napp:x:1654:\n' >"$root/etc/group"
}

DOTNET_PACKAGES=(libc6 libgcc-s1 libstdc++6 libssl3 zlib1g libicu72)
PYTHON_PACKAGES=(python3.11-minimal libpython3.11-minimal libpython3.11-stdlib python3-minimal libexpat1 libffi8 libbz2-1.0
  liblzma5 libsqlite3-0 libncursesw6 libtinfo6 libreadline8 libuuid1 libcrypt1 libdb5.3 libnsl2 libtirpc3 media-types)

build_base_image() {
  export DOCKER_HOST="unix://$DIR/docker.sock"
  if /usr/bin/docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then log "base image $BASE_IMAGE exists"; return; fi
  local root="$DIR/rootfs"
  make_rootfs "$root" "${DOTNET_PACKAGES[@]}"
  mkdir -p "$root/usr/share/dotnet"
  cp -a /usr/share/dotnet/dotnet /usr/share/dotnet/host /usr/share/dotnet/shared "$root/usr/share/dotnet/"
  ln -sf /usr/share/dotnet/dotnet "$root/usr/bin/dotnet"
  tar -C "$root" -c . | /usr/bin/docker import \
    -c 'ENV PATH=/usr/share/dotnet:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV DOTNET_ROOT=/usr/share/dotnet' -c 'ENV ASPNETCORE_HTTP_PORTS=8080' - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
  log "built base image $BASE_IMAGE"
}

# A Python 3.11 base (no pip) standing in for python:3.11-slim in tests of score.py images.
build_python_image() {
  export DOCKER_HOST="unix://$DIR/docker.sock"
  if /usr/bin/docker image inspect "$PYTHON_IMAGE" >/dev/null 2>&1; then log "python image $PYTHON_IMAGE exists"; return; fi
  for p in "${PYTHON_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || { log "skipping $PYTHON_IMAGE: package $p is not installed"; return; }; done
  local root="$DIR/rootfs-python"
  make_rootfs "$root" "${DOTNET_PACKAGES[@]}" "${PYTHON_PACKAGES[@]}"
  tar -C "$root" -c . | /usr/bin/docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$PYTHON_IMAGE" >/dev/null
  rm -rf "$root"
  log "built python image $PYTHON_IMAGE"
}

# Python 3.11 with scikit-learn, numpy, scipy and joblib from Debian's packages: the image the example pipeline's
# training step runs in on the docker compute target (its user-managed environment), since nothing can be pip-installed here.
SKLEARN_PACKAGES=(python3-sklearn python3-sklearn-lib python3-numpy python3-scipy python3-joblib python3-threadpoolctl
  libblas3 liblapack3 libgfortran5 libquadmath0 libgomp1 liblbfgsb0)

build_sklearn_image() {
  export DOCKER_HOST="unix://$DIR/docker.sock"
  if /usr/bin/docker image inspect "$SKLEARN_IMAGE" >/dev/null 2>&1; then log "scikit-learn image $SKLEARN_IMAGE exists"; return; fi
  for p in "${PYTHON_PACKAGES[@]}" "${SKLEARN_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || { log "skipping $SKLEARN_IMAGE: package $p is not installed"; return; }; done
  local root="$DIR/rootfs-sklearn"
  make_rootfs "$root" "${DOTNET_PACKAGES[@]}" "${PYTHON_PACKAGES[@]}" "${SKLEARN_PACKAGES[@]}"
  # BLAS/LAPACK are found through update-alternatives links that no package lists: copy what they resolve to.
  for l in /usr/lib/x86_64-linux-gnu/libblas.so.3 /usr/lib/x86_64-linux-gnu/liblapack.so.3; do [ -e "$l" ] && cp -L "$l" "$root$l"; done
  ln -sf python3.11 "$root/usr/bin/python3"
  tar -C "$root" -c . | /usr/bin/docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$SKLEARN_IMAGE" >/dev/null
  rm -rf "$root"
  log "built scikit-learn image $SKLEARN_IMAGE"
}

stop_all() {
  for f in "$DIR/registry.pid" "$DIR/docker.pid"; do
    if alive "$f"; then
      local pid; pid="$(cat "$f")"; kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      log "stopped pid $pid ($f)"
    fi
  done
  # containerd started by dockerd exits with it; nothing else to clean
}

case "$cmd" in
  start)
    install_packages
    start_dockerd
    start_registry
    build_base_image
    build_python_image
    build_sklearn_image
    echo "export DOCKER_HOST=unix://$DIR/docker.sock"
    echo "export MLP_TEST_BASE_IMAGE=$BASE_IMAGE"
    echo "export MLP_TEST_PYTHON_IMAGE=$PYTHON_IMAGE"
    echo "export MLP_TEST_SKLEARN_IMAGE=$SKLEARN_IMAGE"
    echo "export MLP_TEST_REGISTRY=$REGISTRY_ADDR"
    ;;
  stop) stop_all ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
