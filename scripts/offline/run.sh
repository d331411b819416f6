#!/usr/bin/env bash
# 启动地下水污染防治工作台（离线安装包；先运行 ./install.sh）。
#
#   ./run.sh [streamlit 参数…]        例如 ./run.sh --server.port 8502
#
# 与开发环境的 ./dev.sh run 相同（同一段代码：scripts/serve.sh）：
#   GWLIB_ADDRESS    监听地址（默认 127.0.0.1；局域网访问设为 0.0.0.0）
#   GWLIB_DATA_DIR   数据目录（默认 ~/.local/share/gwlib）
#   GWLIB_DB_URL     数据库 URL（默认数据目录中的 gwlib.sqlite；首次启动时生成模拟数据库）
# 不访问任何网络。
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

PY=.venv/bin/python
# shellcheck source=../serve.sh
. scripts/serve.sh

if ! [[ -x $PY ]] || ! "$PY" -c 'import streamlit' 2>/dev/null; then
    die "程序尚未安装或安装不完整：请先在本目录运行 ./install.sh"
fi
export_db_env
ensure_demo_db
serve_app "$@"
