#!/usr/bin/env bash
# Build the Dockerfile and smoke-test the image with podman (`make container-test`).
#
# For machines without a Docker engine or registry access (see docs/container.md,
# "Build and run"): the base image is a local Debian bookworm + Python 3.11 made
# with debootstrap and cached under .cache/, passed as the BASE_IMAGE build
# argument; podman runs with vfs storage, runc and the host network. Users
# build with plain `docker build .` (the Dockerfile's default base).
#
# Checks: the build-arg base is really used; no dev-only package is in the
# image; a named zone and a legacy alias resolve, from the OS files and from
# the tzdata package alone; the image starts with the
# production settings it needs; /healthz, /readyz and /api/inngest answer;
# PID 1 is uvicorn running as a non-root user; the HEALTHCHECK passes; SIGTERM
# stops it with exit code 0 within the grace period; a production start with a
# missing secret is refused.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${CONTAINER_TEST_PORT:-8000}"  # the image's CMD listens on 8000
IMAGE="${CONTAINER_TEST_IMAGE:-localhost/gym-jobs:container-test}"
BASE="${CONTAINER_TEST_BASE:-localhost/debian-python:bookworm}"
GRACE_S="${CONTAINER_TEST_GRACE_S:-10}"  # Docker's default stop timeout
CACHE=.cache
ROOTFS="$CACHE/rootfs"
NAME="gym-jobs-smoke-$$"
VOLUME="gym-jobs-smoke-data-$$"
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

log() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || fail "$1 is missing (apt-get install -y podman runc debootstrap)"; }

need podman
need runc
need curl
need openssl

mkdir -p "$CACHE"
# Our own containers.conf (no ulimits, cgroupfs), not the system's.
export CONTAINERS_CONF="$PWD/$CACHE/containers.conf"
printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\n' \
  > "$CONTAINERS_CONF"
PODMAN=(podman --storage-driver vfs --runtime runc)

cleanup() {
  "${PODMAN[@]}" rm -f "$NAME" "$NAME-refused" "$NAME-migrate" >/dev/null 2>&1 || true
  "${PODMAN[@]}" volume rm -f "$VOLUME" >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "base image $BASE"
if ! "${PODMAN[@]}" image exists "$BASE"; then
  if [ ! -x "$ROOTFS/usr/bin/python3" ]; then
    need debootstrap
    rm -rf "$ROOTFS.partial"
    debootstrap --variant=minbase \
      --include=python3,python3-venv,python3-pip,ca-certificates \
      bookworm "$ROOTFS.partial" http://deb.debian.org/debian
    mv "$ROOTFS.partial" "$ROOTFS"
  fi
  tar -C "$ROOTFS" -c . | "${PODMAN[@]}" import - "$BASE"
fi

log "build (BASE_IMAGE=$BASE)"
grep -q '^ARG BASE_IMAGE=python:3.11-slim-bookworm$' Dockerfile \
  || fail "the Dockerfile's default base changed: keep 'docker build .' working"
# --format docker keeps HEALTHCHECK (the OCI format drops it).
"${PODMAN[@]}" build --format docker --network host \
  --build-arg "BASE_IMAGE=$BASE" \
  --volume "$CA_BUNDLE:$CA_BUNDLE:ro" \
  --tag "$IMAGE" .

log "the build argument chose the base"
home=$("${PODMAN[@]}" run --rm --no-healthcheck --network host "$IMAGE" \
  sh -c 'sed -n "s/^home = //p" /opt/venv/pyvenv.cfg')
[ "$home" = /usr/bin ] \
  || fail "venv python home is '$home', expected /usr/bin (Debian's python3 from $BASE)"
echo "venv python home: $home (the local Debian base, not python:3.11-slim)"

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  fail "port $PORT is busy; the image listens on 8000 (host network): free it"
fi

SIGNING_KEY="signkey-test-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ENV=(
  -e APP_ENV=production
  -e "AUTH_SECRET=container-test-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  -e INNGEST_ENABLED=true
  -e "INNGEST_SIGNING_KEY=$SIGNING_KEY"
  -e INNGEST_EVENT_KEY=container-test-event-key
  -e "INNGEST_SERVE_ORIGIN=http://127.0.0.1:$PORT"
  -e INNGEST_BASE_URL=http://127.0.0.1:9  # no Inngest here: sends fail, serving works
)

log "migrations (one-shot, as in production)"
"${PODMAN[@]}" volume create "$VOLUME" >/dev/null
"${PODMAN[@]}" run --rm --no-healthcheck --name "$NAME-migrate" --network host "${ENV[@]}" \
  -v "$VOLUME:/app/data" "$IMAGE" alembic upgrade head

log "start"
# No systemd here: the HEALTHCHECK is run by hand below, not on a timer (podman
# 4.3 still logs two harmless "unable to get systemd connection" lines).
"${PODMAN[@]}" run -d --health-interval=disable --name "$NAME" --network host "${ENV[@]}" \
  -v "$VOLUME:/app/data" "$IMAGE" >/dev/null
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  if [ "$("${PODMAN[@]}" inspect -f '{{.State.Running}}' "$NAME")" != true ]; then
    "${PODMAN[@]}" logs "$NAME" | tail -20
    fail "the container exited while starting"
  fi
  sleep 0.5
done

log "probes"
check() {  # check <path> <expected status> [curl args...]
  local path=$1 want=$2; shift 2
  local got
  got=$(curl -s -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:$PORT$path")
  [ "$got" = "$want" ] || fail "$path answered $got, expected $want"
  echo "$path -> $got"
}
check /healthz 200
check /readyz 200
# Cloud mode: an unsigned request to the serve endpoint is refused...
check /api/inngest 401
check "/api/inngest?fnId=x&stepId=step" 401 -X POST -H 'content-type: application/json' -d '{}'
# ...and a signed inspection answers with our functions.
ts=$(date +%s)
mac=$(printf '%s' "$ts" | openssl dgst -sha256 -hmac "${SIGNING_KEY#signkey-test-}" -r | cut -d' ' -f1)
body=$(curl -fsS -H "x-inngest-signature: t=$ts&s=$mac" "http://127.0.0.1:$PORT/api/inngest")
echo "$body" | grep -q '"function_count"' || fail "signed GET /api/inngest: $body"
echo "/api/inngest (signed GET) -> $(echo "$body" | grep -o '"function_count": *[0-9]*')"

log "process"
uid=$("${PODMAN[@]}" exec "$NAME" sh -c 'id -u')
[ "$uid" != 0 ] || fail "the container runs as root"
pid1_uid=$("${PODMAN[@]}" exec "$NAME" sh -c "awk '/^Uid:/ {print \$2}' /proc/1/status")
[ "$pid1_uid" != 0 ] || fail "PID 1 runs as root"
pid1=$("${PODMAN[@]}" exec "$NAME" sh -c 'tr "\0" " " < /proc/1/cmdline')
case "$pid1" in *uvicorn*) ;; *) fail "PID 1 is '$pid1', not uvicorn (exec-form CMD)";; esac
echo "uid=$uid, PID 1 uid=$pid1_uid: $pid1"
"${PODMAN[@]}" healthcheck run "$NAME" >/dev/null || fail "the image's HEALTHCHECK failed"
echo "HEALTHCHECK: healthy"

log "image contents"
"${PODMAN[@]}" exec "$NAME" python3 -c '
import importlib.util, sys
dev_only = ["watchfiles", "websockets", "yaml", "pytest", "hypothesis", "mypy", "setuptools", "pip"]
present = [m for m in dev_only if importlib.util.find_spec(m) is not None]
needed = [m for m in ["uvloop", "httptools", "tzdata"] if importlib.util.find_spec(m) is None]
print("dev-only present:", present, "| runtime missing:", needed)
sys.exit(1 if present or needed else 0)
' || fail "the image carries a dev-only package or lacks a runtime one"
size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")
echo "image size: $((size / 1000000)) MB ($size bytes)"

log "time zones"
# A named zone and a legacy alias (Debian bookworm+ moved such names to a
# separate tzdata-legacy package), first as zoneinfo finds them, then from the
# tzdata package alone (no OS zone files, as on a slim base).
"${PODMAN[@]}" exec "$NAME" python3 -c '
import datetime as dt, zoneinfo
winter = dt.datetime(2026, 1, 15, 12)
for os_files in (True, False):
    if not os_files:
        zoneinfo.reset_tzpath(to=[])
        zoneinfo.ZoneInfo.clear_cache()
    for name in ("America/Chicago", "US/Central"):
        offset = winter.replace(tzinfo=zoneinfo.ZoneInfo(name)).utcoffset()
        assert offset == dt.timedelta(hours=-6), (name, offset)
        print(name, offset, "(OS files allowed)" if os_files else "(tzdata package only)")
' || fail "a named zone or a legacy alias does not resolve in the image"

log "SIGTERM (grace ${GRACE_S}s)"
start=$(date +%s.%N)
"${PODMAN[@]}" kill --signal TERM "$NAME" >/dev/null
timeout "$GRACE_S" "${PODMAN[@]}" wait "$NAME" >/dev/null \
  || fail "still running ${GRACE_S}s after SIGTERM"
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')
code=$("${PODMAN[@]}" inspect -f '{{.State.ExitCode}}' "$NAME")
[ "$code" = 0 ] || { "${PODMAN[@]}" logs "$NAME" | tail -20; fail "exit code $code after SIGTERM"; }
"${PODMAN[@]}" logs "$NAME" 2>&1 | grep -q 'app.stopped' || fail "no app.stopped log line"
printf 'stopped in %.1fs, exit code %s, lifespan shutdown logged\n' "$took" "$code"

log "production refuses a missing signing key"
if "${PODMAN[@]}" run --rm --no-healthcheck --name "$NAME-refused" --network host \
    -e APP_ENV=production -e AUTH_SECRET=short "$IMAGE" >/dev/null 2>&1; then
  fail "the image started in production without secrets"
fi
echo "refused (non-zero exit)"

log "container test passed ($IMAGE)"
