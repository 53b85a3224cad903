#!/usr/bin/env bash
# A Docker engine for the container backend ("dynamodb-local"), where no
# registry is reachable: Debian's docker.io, a daemon started by hand, and a
# DynamoDB-compatible image (dynalite on node) built with `docker import`.
#
# Usage: .ci/docker.sh install|start|image|stop
#   install  apt-get install docker.io (and nodejs/npm) when missing
#   start    start dockerd in the background unless a daemon already answers
#   image    build lvrgd/dynamodb-compatible:local unless it is already built
#   stop     stop the daemon that `start` started
#
# Every subcommand is idempotent. Then point the suite at the image:
#   KVSTORE_DYNAMODB_LOCAL_IMAGE=lvrgd/dynamodb-compatible:local
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
readonly IMAGE_DIR="$ROOT/.ci/dynamodb-image"
readonly IMAGE_TAG="lvrgd/dynamodb-compatible:local"
readonly DEFAULT_DYNALITE_VERSION="3.2.2"
readonly STATE_DIR="/tmp/lvrgd-dockerd"
readonly PID_FILE="$STATE_DIR/dockerd.pid"
readonly LOG_FILE="$STATE_DIR/dockerd.log"
readonly START_TIMEOUT_SECONDS=60
readonly STOP_TIMEOUT_SECONDS=30

say() { printf 'docker.sh: %s\n' "$*"; }
die() { printf 'docker.sh: %s\n' "$*" >&2; exit 1; }

daemon_answers() { docker info >/dev/null 2>&1; }

started_pid() {
    # The pid in PID_FILE, if that process is still a dockerd.
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid=$(<"$PID_FILE")
    running "$pid" dockerd || return 1
    printf '%s\n' "$pid"
}

running() {
    # Whether pid $1 is a live (not zombie) process named $2.
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    [[ "$stat" == "$1 ($2) "[^Z]* ]]
}

clear_stale_pid_file() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 0
    running "$pid" "$2" || rm -f "$1"
}

cmd_install() {
    local packages=()
    command -v dockerd >/dev/null || packages+=(docker.io)
    command -v node >/dev/null || packages+=(nodejs)
    command -v npm >/dev/null || packages+=(npm)
    if ((${#packages[@]} == 0)); then
        say "install: dockerd, node and npm are present"
        return
    fi
    say "install: ${packages[*]}"
    # Without an init system invoke-rc.d refuses to start services, so the
    # package does not start a daemon with its default (firewall-editing) flags.
    export DEBIAN_FRONTEND=noninteractive
    mkdir -p "$STATE_DIR"
    local log="$STATE_DIR/apt.log"
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        "${packages[@]}"; } >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        die "install: apt-get failed; log: $log"
    fi
}

cmd_start() {
    if daemon_answers; then
        say "start: a Docker daemon already answers"
        return
    fi
    command -v dockerd >/dev/null || die "start: no dockerd; run '$0 install' first"
    mkdir -p "$STATE_DIR"
    # A daemon killed without a chance to clean up (SIGKILL) leaves pid files.
    # dockerd refuses to start while its own names a live process, and waits
    # in vain on a containerd whose pid is a zombie or someone else's.
    clear_stale_pid_file /var/run/docker.pid dockerd
    clear_stale_pid_file /var/run/docker/containerd/containerd.pid containerd
    # --iptables=false and --ip-forward=false leave the host's firewall and
    # sysctls alone; --ip=127.0.0.1 publishes ports on loopback only, through
    # docker-proxy (the userland proxy), since there are no NAT rules.
    setsid dockerd \
        --iptables=false --ip-forward=false --ip-masq=false --ip=127.0.0.1 \
        --userland-proxy=true \
        </dev/null >"$LOG_FILE" 2>&1 &
    local pid=$!
    printf '%s\n' "$pid" >"$PID_FILE"
    local waited=0
    until daemon_answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$LOG_FILE" >&2
            die "start: dockerd exited; log: $LOG_FILE"
        fi
        if ((waited >= START_TIMEOUT_SECONDS * 4)); then
            tail -n 20 "$LOG_FILE" >&2
            die "start: no answer from dockerd after ${START_TIMEOUT_SECONDS}s; log: $LOG_FILE"
        fi
        sleep 0.25
        waited=$((waited + 1))
    done
    say "start: dockerd $pid answers (log: $LOG_FILE, pid file: $PID_FILE)"
}

dynalite_spec() {
    # The version the repository's package.json pins, else the default.
    local spec=""
    if [[ -f "$ROOT/package.json" ]]; then
        spec=$(node -p '
            const p = require(process.argv[1]);
            (p.dependencies || {}).dynalite || (p.devDependencies || {}).dynalite || ""
        ' "$ROOT/package.json")
    fi
    printf '%s\n' "${spec:-$DEFAULT_DYNALITE_VERSION}"
}

cmd_image() {
    daemon_answers || die "image: no Docker daemon answers; run '$0 start' first"
    # The image is rebuilt when the dynalite pin or server.js changes.
    local spec key built
    spec=$(dynalite_spec)
    key="dynalite-$spec+server-$(sha256sum "$IMAGE_DIR/server.js" | cut -c1-12)"
    built=$(docker image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' \
        "$IMAGE_TAG" 2>/dev/null | sed -n 's/^LVRGD_IMAGE_KEY=//p') || true
    if [[ "$built" == "$key" ]]; then
        say "image: $IMAGE_TAG exists ($key)"
        return
    fi
    local previous
    previous=$(docker image inspect --format '{{.Id}}' "$IMAGE_TAG" 2>/dev/null) || true

    local work
    work=$(mktemp -d)
    # shellcheck disable=SC2064  # expand now: $work is local
    trap "rm -rf '$work'" EXIT
    local rootfs="$work/rootfs"
    mkdir -p "$rootfs/usr/local/bin" "$rootfs/app" "$rootfs/tmp"
    chmod 1777 "$rootfs/tmp"

    # node and exactly the shared libraries it links (loader included).
    local node_bin lib
    node_bin=$(readlink -f "$(command -v node)")
    cp "$node_bin" "$rootfs/usr/local/bin/node"
    while read -r lib; do
        cp -L --parents "$lib" "$rootfs/"
    done < <(ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')

    # dynalite from npm, no install scripts: 3.x's leveldown (optional, native)
    # only serves --path; 4.x's classic-level ships prebuilt binaries.
    cp "$IMAGE_DIR/server.js" "$rootfs/app/server.js"
    printf '{"private": true, "dependencies": {"dynalite": "%s"}}\n' "$spec" \
        >"$rootfs/app/package.json"
    npm install --prefix "$rootfs/app" --omit=optional --omit=dev --ignore-scripts \
        --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null
    local version
    version=$(node -p 'require(process.argv[1]).version' \
        "$rootfs/app/node_modules/dynalite/package.json")

    tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf - . |
        docker import \
            --change 'WORKDIR /app' \
            --change 'EXPOSE 8000/tcp' \
            --change "ENV LVRGD_IMAGE_KEY=$key" \
            --change "ENV DYNALITE_VERSION=$version" \
            --change 'CMD ["/usr/local/bin/node", "/app/server.js"]' \
            --message "dynalite $version on node $(node --version)" \
            - "$IMAGE_TAG" >/dev/null
    if [[ -n "$previous" ]]; then
        docker rmi "$previous" >/dev/null 2>&1 || true  # the build this one replaces
    fi
    say "image: built $IMAGE_TAG (dynalite $version, node $(node --version))"
}

cmd_stop() {
    local pid
    if ! pid=$(started_pid); then
        rm -f "$PID_FILE"
        say "stop: no dockerd started by this script is running"
        return
    fi
    # Ryuk is off, so containers of an interrupted test run outlive it.
    local leftovers
    leftovers=$(docker ps -aq --filter label=org.testcontainers=true 2>/dev/null) || true
    if [[ -n "$leftovers" ]]; then
        # shellcheck disable=SC2086  # one id per word
        docker rm -f $leftovers >/dev/null || true
    fi
    kill -TERM "$pid"
    local waited=0
    while running "$pid" dockerd; do
        if ((waited >= STOP_TIMEOUT_SECONDS * 4)); then
            die "stop: dockerd $pid still running after ${STOP_TIMEOUT_SECONDS}s"
        fi
        sleep 0.25
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
    say "stop: dockerd $pid stopped"
}

main() {
    case "${1:-}" in
        install) cmd_install ;;
        start) cmd_start ;;
        image) cmd_image ;;
        stop) cmd_stop ;;
        *) die "usage: $0 install|start|image|stop" ;;
    esac
}

main "$@"
