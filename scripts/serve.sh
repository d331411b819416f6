# Starting the app: the settings, the demo database on first start, `streamlit run`.
# Sourced (not run) by ./dev.sh (`./dev.sh run`) and by the offline bundle's run.sh, so that the
# two start the app the same way. The caller has cd'ed to the app directory and set PY to the
# virtualenv's python.
#
# Environment (variables not set in the environment are taken from ./gwlib.env if present,
# KEY=VALUE lines; the offline installer reads that file through load_env_file too):
#   GWLIB_ADDRESS    address the app listens on (default 127.0.0.1; 0.0.0.0 for the intranet)
#   GWLIB_DATA_DIR   default $HOME/.local/share/gwlib
#   GWLIB_DB_URL     default sqlite:///$GWLIB_DATA_DIR/gwlib.sqlite

step() { printf '==> %s\n' "$*"; }
die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Export the variables of the KEY=VALUE file $1 that the environment does not set already.
load_env_file() {
    local file=$1 line key value
    [[ -f $file ]] || return 0
    while IFS= read -r line || [[ -n $line ]]; do
        line=${line#"${line%%[![:space:]]*}"}
        line=${line%"${line##*[![:space:]]}"}
        [[ -z $line || $line == \#* ]] && continue
        line=${line#export }
        [[ $line =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || die "$file：应写作 名称=值，而不是「$line」"
        key=${BASH_REMATCH[1]}
        value=${BASH_REMATCH[2]}
        if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
            value=${BASH_REMATCH[1]}
        fi
        [[ -n ${!key+x} ]] || export "$key=$value"
    done <"$file"
}

export_db_env() {
    load_env_file gwlib.env
    export GWLIB_DATA_DIR="${GWLIB_DATA_DIR:-$HOME/.local/share/gwlib}"
    export GWLIB_DB_URL="${GWLIB_DB_URL:-sqlite:///$GWLIB_DATA_DIR/gwlib.sqlite}"
}

# Build the demo database unless it exists. Only SQLite files can be checked from here; for other
# URLs the database is assumed to be provisioned (build it with `python -m gwlib demo --db URL`).
ensure_demo_db() {
    local url=$GWLIB_DB_URL path
    if [[ ! $url =~ ^sqlite(\+[a-z0-9]+)?:/// ]]; then
        step "GWLIB_DB_URL is not SQLite; not building the demo database"
        return
    fi
    path=${url#*:///}
    path=${path%%\?*}
    if [[ -s $path ]]; then
        step "demo database present: $path"
        return
    fi
    mkdir -p "$(dirname "$path")"
    step "building demo database: $path"
    # Build under a temporary name so an interrupted build is not mistaken for a finished one.
    rm -f "$path.partial"
    "$PY" -m gwlib demo --db "sqlite:///$path.partial"
    mv "$path.partial" "$path"
}

# Replace this shell with the app. Binds to this machine only by default (no outbound address
# lookup at start-up either); GWLIB_ADDRESS=0.0.0.0 shares the app with colleagues on the
# intranet. Arguments go to `streamlit run` (e.g. --server.port 8502).
serve_app() {
    local address=${GWLIB_ADDRESS:-127.0.0.1}
    step "streamlit run app.py --server.address $address $*"
    exec "$PY" -m streamlit run app.py --server.address "$address" "$@"
}
