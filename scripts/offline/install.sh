#!/usr/bin/env bash
# 离线安装或升级地下水污染防治工作台。不访问任何网络。
#
#   ./install.sh                  安装在本目录（解压后的目录）
#   ./install.sh /opt/gwlib       安装到 /opt/gwlib；那里已有旧版本时就地升级（先备份数据库）
#   ./install.sh --rollback [目录]  撤销最近一次升级（程序和数据库都回到升级前）
#   ./install.sh --help           全部选项
#
# 先检查全部前提（安装包完整、Python 版本、系统库、磁盘空间、数据库可连接），
# 有任何一项不满足就说明缺什么、怎么装，然后退出，不做任何改动。详见 docs/deploy.md。
set -euo pipefail

HERE=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
INSTALLER=$HERE/scripts/offline/install.py

fail() { printf 'install.sh：%s\n' "$*" >&2; exit 1; }

[[ -f $HERE/bundle.json && -f $INSTALLER ]] \
    || fail "本目录不是完整的安装包（缺少 bundle.json 或 scripts/offline/install.py）：请重新解压安装包"

# The wheels are built for one Python minor version (bundle.json "python"); find that Python.
want=$(grep -o '"python": *"3\.[0-9][0-9]*"' "$HERE/bundle.json" | head -n 1 | grep -o '3\.[0-9]*' || true)
[[ -n $want ]] || fail "bundle.json 中没有 Python 版本：请重新解压安装包"

found=()
for cand in "python$want" python3 "/usr/bin/python$want" "/usr/local/bin/python$want"; do
    exe=$(command -v "$cand" 2>/dev/null) || continue
    ver=$("$exe" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    if [[ $ver == "$want" ]]; then
        exec "$exe" "$INSTALLER" "$@"
    fi
    found+=("$exe（Python $ver）")
done

msg="需要 Python $want：本安装包中的组件是为 Python $want 编译的。"
if [[ ${#found[@]} -gt 0 ]]; then
    msg+=$'\n'"本机只有：${found[*]}。"
else
    msg+=$'\n'"本机没有找到 python3。"
fi
msg+=$'\n'"请从系统安装光盘或内网软件源安装 python$want（Debian、统信 UOS、麒麟：apt install python$want），"
msg+=$'\n'"或在联网的电脑上用 ./dev.sh bundle --python <本机的 Python 版本> 制作对应的安装包。"
fail "$msg"
