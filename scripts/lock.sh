#!/usr/bin/env bash
# Writes the hashed locks in requirements/ from pyproject.toml (`make lock`).
#   runtime.txt  [project].dependencies (what the image installs)
#   dev.txt      runtime + the dev extra, at the same versions as runtime.txt
#   build.txt    [build-system].requires (the pinned build backend)
# Versions already in a lock are kept while pyproject.toml allows them (uv
# reads the existing output file as preferences); UPGRADE=1 moves everything to
# the newest allowed. `--check` compiles into the same files, compares, puts
# the old files back and fails if anything differed (`make lock-check`, CI).
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-.venv/bin/uv}
common=(--quiet --generate-hashes --universal --python-version 3.11
  --custom-compile-command "make lock")
if [ -n "${UPGRADE:-}" ]; then common+=(--upgrade); fi

compile() {
  "$UV" pip compile pyproject.toml "${common[@]}" -o requirements/runtime.txt
  "$UV" pip compile pyproject.toml --extra dev -c requirements/runtime.txt \
    "${common[@]}" -o requirements/dev.txt
  python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))' \
    > requirements/build.in
  "$UV" pip compile requirements/build.in "${common[@]}" -o requirements/build.txt
}

if [ "${1:-}" != "--check" ]; then
  mkdir -p requirements
  compile
  exit 0
fi

saved=$(mktemp -d)
trap 'rm -rf "$saved"' EXIT
cp -p requirements/* "$saved"/
compile
if diff -ru "$saved" requirements; then
  echo "lock-check: requirements/ matches pyproject.toml"
else
  cp -p "$saved"/* requirements/
  echo "lock-check: requirements/ is stale against pyproject.toml: run 'make lock' and commit" >&2
  exit 1
fi
