#!/usr/bin/env bash
# Developer entry point. Idempotent: every step checks before it acts.
#
#   ./dev.sh run [streamlit args...]   set up the runtime, build the demo database if missing,
#                                      then start the app (e.g. ./dev.sh run --server.port 8502)
#   ./dev.sh test [pytest args...]     set up everything the tests need, then run
#                                      ruff, mypy (strict, gwlib) and pytest (all of tests/)
#   ./dev.sh bundle [--python 3.12] [--platform manylinux_2_28_aarch64]
#                                      write dist/gwlib-offline-<version>-<python>-<platform>.tar.gz,
#                                      the offline install bundle (scripts/offline/build.py)
#
# Environment:
#   GWLIB_ADDRESS    address the app listens on (default 127.0.0.1; 0.0.0.0 for the intranet)
#   GWLIB_DATA_DIR   default $HOME/.local/share/gwlib
#   GWLIB_DB_URL     default sqlite:///$GWLIB_DATA_DIR/gwlib.sqlite
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

VENV=.venv
PY="$VENV/bin/python"
STAMP="$VENV/.req-stamp"
APT_UPDATED=0

# step, die, export_db_env, ensure_demo_db, serve_app: shared with the offline bundle's run.sh
# shellcheck source=scripts/serve.sh
. scripts/serve.sh

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# Install the given Debian packages, but only those `dpkg -s` reports as missing.
ensure_apt() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        step "system packages present: $*"
        return
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing system packages (${missing[*]}) and no apt-get"
    if [[ $APT_UPDATED -eq 0 ]]; then
        step "apt-get update"
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
    step "apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {
    if [[ -x $PY ]] && "$PY" -c 'import sys' 2>/dev/null; then
        return
    fi
    command -v python3 >/dev/null 2>&1 || die "python3 not found"
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || die "python3 >= 3.11 required, found $(python3 --version 2>&1)"
    # Debian's python3 ships venv/ensurepip separately.
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null && command -v dpkg >/dev/null 2>&1; then
        ensure_apt python3-venv
    fi
    step "creating virtualenv $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
}

# Stamp line for a requirements file: its name and the sha256 of it plus requirements.txt
# (which requirements-dev.txt includes with -r).
req_key() {
    echo "$1 $(cat "$1" requirements.txt | sha256sum | cut -d' ' -f1)"
}

# pip install -r FILE unless the stamp shows these exact requirements were installed already.
ensure_requirements() {
    local file=$1
    if [[ -f $STAMP ]] && grep -qxF "$(req_key "$file")" "$STAMP"; then
        step "python requirements up to date ($file)"
        return
    fi
    step "pip install -r $file"
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$file"
    {
        # The dev set includes the runtime set, so installing it satisfies both.
        if [[ $file != requirements.txt ]]; then
            req_key requirements.txt
        fi
        req_key "$file"
    } >"$STAMP.new"
    mv "$STAMP.new" "$STAMP"
}

# Leaflet and its plugins for the offline map: npm packages pinned in package-lock.json, copied
# into static/vendor/ (served by Streamlit at /app/static/vendor/), redone when the lock changes.
ensure_web_assets() {
    if "$PY" -m gwui.webassets --check; then
        step "web assets up to date (static/vendor)"
        return
    fi
    command -v npm >/dev/null 2>&1 || ensure_apt npm
    step "npm ci (package-lock.json)"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    "$PY" -m gwui.webassets
}

cmd_run() {
    ensure_apt fonts-noto-cjk
    ensure_venv
    ensure_requirements requirements.txt
    ensure_web_assets
    export_db_env
    ensure_demo_db
    serve_app "$@"
}

cmd_test() {
    ensure_apt chromium postgresql fonts-noto-cjk
    # briefing-pack tests: DOCX/PPTX → PDF (LibreOffice) → PNG/text (poppler)
    ensure_apt libreoffice-writer-nogui libreoffice-impress-nogui poppler-utils
    ensure_venv
    ensure_requirements requirements-dev.txt
    ensure_web_assets
    local failed=()
    step "ruff check ."
    "$VENV/bin/ruff" check . || failed+=(ruff)
    step "mypy gwlib"
    "$VENV/bin/mypy" gwlib || failed+=(mypy)
    step "pytest $*"
    "$VENV/bin/pytest" "$@" || failed+=(pytest)
    if [[ ${#failed[@]} -gt 0 ]]; then
        die "FAILED: ${failed[*]}"
    fi
    step "all checks passed"
}

# The bundle carries the fonts, the Leaflet files and wheels pip downloads (PyPI or the
# configured mirror) for the target Python; the build venv only runs the builder and pip.
cmd_bundle() {
    ensure_apt fonts-noto-cjk
    ensure_venv
    ensure_requirements requirements.txt
    ensure_web_assets
    step "scripts/offline/build.py $*"
    "$PY" scripts/offline/build.py "$@"
}

case "${1:-}" in
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    bundle) shift; cmd_bundle "$@" ;;
    *)
        printf 'usage: %s run [streamlit args...] | test [pytest args...] | bundle [--python X.Y]\n' \
            "$0" >&2
        exit 2
        ;;
esac
