"""The key that signs backups, and the signature itself (HMAC-SHA256 of the backup's manifest).

A backup's manifest lists every table file's SHA-256, so checksums alone prove nothing: whoever
edits a table can recompute them. The signature is a keyed hash of the manifest, and the key
never leaves the installation, so only this installation (or one given the same key) can make a
backup that restore accepts.

The key is, in this order:

1. ``GWLIB_BACKUP_KEY`` (at least :data:`MIN_KEY_CHARS` characters), e.g. from a secret store;
2. the file ``$GWLIB_DATA_DIR/backup.key`` (64 hex digits), created by the first backup with mode
   0600 and refused when other users can read it.

Restoring on another machine needs the same key there (copy ``backup.key``, or set the
variable to the same text on both).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gwlib.config import ENV_BACKUP_KEY, backup_key_file
from gwlib.errors import StoreError

ALGORITHM = "HMAC-SHA256"
MIN_KEY_CHARS = 32
NEW_KEY = "python -c 'import secrets; print(secrets.token_hex(32))'"


def load_key(create: bool = False) -> bytes:
    """This installation's signing key; ``create`` makes the key file when there is none
    (backups do; restore does not, because a new key cannot verify any existing backup)."""
    env = os.environ.get(ENV_BACKUP_KEY, "").strip()
    if env:
        if len(env) < MIN_KEY_CHARS:
            raise StoreError(
                f"环境变量 {ENV_BACKUP_KEY} 只有 {len(env)} 个字符，至少应有 {MIN_KEY_CHARS} 个；"
                f"可用 {NEW_KEY} 生成"
            )
        return env.encode("utf-8")
    path = backup_key_file()
    if not path.exists():
        if not create:
            raise StoreError(
                f"没有备份签名密钥：{path} 不存在，也没有设置环境变量 {ENV_BACKUP_KEY}，"
                "无法验证备份。恢复另一台电脑做的备份时，请把那台电脑的 backup.key 复制到 "
                f"{path}（chmod 600），或设置与那台电脑相同的 {ENV_BACKUP_KEY}"
            )
        _create_key_file(path)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise StoreError(
            f"备份签名密钥 {path} 的权限是 {mode:04o}，其他用户也能读取，"
            f"拿到它就能伪造备份：请执行 chmod 600 {path}"
        )
    text = path.read_text(encoding="utf-8").strip()
    if len(text) < MIN_KEY_CHARS:
        raise StoreError(
            f"备份签名密钥 {path} 只有 {len(text)} 个字符，至少应有 {MIN_KEY_CHARS} 个"
            "（文件被截断或改动过）"
        )
    return text.encode("utf-8")


def _create_key_file(path: Path) -> None:
    """Write a new random key with mode 0600, atomically: a concurrent first backup either
    makes the key or uses the other's, never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process made the key first
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def key_id(key: bytes) -> str:
    """A short name for a key, safe to show and to store in a backup (not the key)."""
    return hashlib.sha256(b"gwlib-backup-key-id:" + key).hexdigest()[:16]


def sign(manifest: bytes, key: bytes) -> bytes:
    """The signature file's content for ``manifest``."""
    mac = hmac.new(key, manifest, hashlib.sha256).hexdigest()
    return json.dumps({"algorithm": ALGORITHM, "key_id": key_id(key), "mac": mac}).encode()


@dataclass(frozen=True)
class Verified:
    """The outcome of :func:`verify` when it does not refuse."""

    signed: bool
    key_id: str = ""


def verify(
    manifest: bytes, signature: bytes | None, key: bytes, where: str, allow_unsigned: bool
) -> Verified:
    """Check ``signature`` over ``manifest``; refuse (StoreError) anything but a match, or an
    unsigned backup when ``allow_unsigned``. ``where`` names the backup in messages."""
    if signature is None:
        if allow_unsigned:
            return Verified(signed=False)
        raise StoreError(
            f"备份文件 {where} 没有签名：无法确认它由本系统生成且未被改动，拒绝恢复。"
            "若它确是本系统早期版本（尚不签名）做的备份，可加 --unsigned-ok："
            "恢复前仍会列出其中的用户、角色和历史记录条数，核对无误后再确认"
        )
    try:
        sig: Any = json.loads(signature)
        algorithm, found_id, mac = sig["algorithm"], sig["key_id"], sig["mac"]
    except (ValueError, TypeError, KeyError) as exc:
        raise StoreError(f"备份文件 {where} 的签名无法读取（{exc}），拒绝恢复") from exc
    if algorithm != ALGORITHM:
        raise StoreError(f"备份文件 {where} 的签名算法「{algorithm}」不受支持，应为 {ALGORITHM}")
    ours = key_id(key)
    if found_id != ours:
        raise StoreError(
            f"备份文件 {where} 是用另一把密钥（编号 {found_id}）签名的，本机密钥编号为 {ours}："
            "若备份来自另一台电脑，请使用那台电脑的 backup.key 或 GWLIB_BACKUP_KEY；"
            "否则来历不明，拒绝恢复"
        )
    expected = hmac.new(key, manifest, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(str(mac), expected):
        raise StoreError(
            f"备份文件 {where} 的签名不符：清单（各表行数与校验和）在签名后被改动过，拒绝恢复"
        )
    return Verified(signed=True, key_id=ours)
