"""Backups are signed with this installation's key, and restore shows the users and roles a
backup holds before it writes anything (issue 16, item 8): a crafted backup that adds an admin
and empties the audit log, with its embedded checksums recomputed, is refused."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from gwlib.cli import main
from gwlib.errors import StoreError
from gwlib.store import Store
from gwlib.store import ledger as L
from gwlib.store import users as U
from gwlib.store.backup import backup, inspect_backup, restore, table_checksums
from gwlib.store.signing import load_key
from tests.accounts import LOCAL
from tests.gwlib.test_history import EDITOR, write_history

PASSWORD = "Gw-backup-2026!test"
OTHER_KEY = b"f" * 64

pytestmark = pytest.mark.usefixtures("close_stores")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own data directory, hence its own key."""
    monkeypatch.setenv("GWLIB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GWLIB_BACKUP_KEY", raising=False)
    return tmp_path / "data"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'source.sqlite'}"
    return str(request.getfixturevalue("fresh_pg_url"))


def _source(url: str) -> Store:
    """Two users, and rows in every history table (user creation is audited too)."""
    store = Store.open(url)
    U.create_user(store, "alice", "admin", PASSWORD, "王主任", by=LOCAL)
    U.create_user(store, "bob", "editor", PASSWORD, "李工", by=LOCAL)
    write_history(store)
    return store


def _rewrite(genuine: Path, out: Path, edit: dict[str, bytes | None]) -> None:
    """Copy a backup, replacing (bytes) or removing (None) members."""
    with zipfile.ZipFile(genuine) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    for name, data in edit.items():
        if data is None:
            files.pop(name, None)
        else:
            files[name] = data
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def _craft(genuine: Path, out: Path) -> None:
    """The issue's attack: add an admin, empty the audit log, and recompute the row counts and
    SHA-256 checksums the manifest holds, so that every embedded check passes."""
    with zipfile.ZipFile(genuine) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        users = zf.read("app_user.jsonl")
    columns = manifest["tables"]["app_user"]["columns"]
    evil = {"id": 99, "username": "mallory", "display_name": "运维", "role": "admin",
            "password_hash": U.hash_password(PASSWORD, "mallory"), "active": True,
            "created_at": "2026-01-01T00:00:00", "last_login": None}  # fmt: skip
    line = json.dumps([evil[c] for c in columns], ensure_ascii=False, separators=(",", ":"))
    tables = {"app_user.jsonl": users + (line + "\n").encode(), "audit_log.jsonl": b""}
    for name, data in tables.items():
        manifest["tables"][name.removesuffix(".jsonl")].update(
            rows=data.count(b"\n"), sha256=hashlib.sha256(data).hexdigest()
        )
    body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    _rewrite(genuine, out, {**tables, "manifest.json": body})


def _users(store: Store) -> dict[str, str]:
    return dict(zip(U.users(store)["username"], U.users(store)["role"], strict=True))


def test_crafted_backup_is_refused(url: str, tmp_path: Path) -> None:
    source = _source(url)
    genuine, crafted = tmp_path / "genuine.gwbak", tmp_path / "crafted.gwbak"
    backup(source, genuine)
    audit_rows = source.counts()["audit_log"]
    assert audit_rows > 0
    _craft(genuine, crafted)
    empty = Store.open(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    for target, replace in ((empty, False), (source, True)):
        before = table_checksums(target)
        with pytest.raises(StoreError, match="签名不符：清单（各表行数与校验和）在签名后被改动过"):
            restore(target, crafted, replace=replace)
        assert table_checksums(target) == before
    assert "mallory" not in _users(source) and source.counts()["audit_log"] == audit_rows
    # The same file through the command line: refused before any summary or question.
    assert main(["restore", str(crafted), "--db", url, "--replace", "--yes"]) == 2
    assert "mallory" not in _users(source)
    source.close()


def test_unsigned_wrongly_signed_and_edited_backups_are_refused(tmp_path: Path) -> None:
    source = _source(f"sqlite:///{tmp_path / 'source.sqlite'}")
    genuine = tmp_path / "genuine.gwbak"
    backup(source, genuine)
    target = Store.open(f"sqlite:///{tmp_path / 'target.sqlite'}")

    unsigned = tmp_path / "unsigned.gwbak"
    _rewrite(genuine, unsigned, {"signature.json": None})
    with pytest.raises(StoreError, match="没有签名：无法确认它由本系统生成且未被改动"):
        restore(target, unsigned)

    crafted, resigned = tmp_path / "crafted.gwbak", tmp_path / "resigned.gwbak"
    _craft(genuine, crafted)
    with zipfile.ZipFile(crafted) as zf:
        body = zf.read("manifest.json")
    from gwlib.store.signing import sign

    _rewrite(crafted, resigned, {"signature.json": sign(body, OTHER_KEY)})
    for allow in (False, True):  # --unsigned-ok never lets a bad signature through
        with pytest.raises(StoreError, match=r"是用另一把密钥（编号 [0-9a-f]{16}）签名的"):
            restore(target, resigned, allow_unsigned=allow)

    # Manifest left alone, a table file edited: found while loading, everything rolled back.
    edited = tmp_path / "edited.gwbak"
    with zipfile.ZipFile(genuine) as zf:
        events = zf.read("well_event.jsonl")
    _rewrite(genuine, edited, {"well_event.jsonl": events.replace(b"zhang", b"nobody")})
    with pytest.raises(StoreError, match=r"表 well_event 的内容与签名的清单不符.*数据库未改动"):
        restore(target, edited)
    assert not any(target.counts().values())
    _rewrite(genuine, edited, {"well_event.jsonl": b'[1,"W1"]\n'})
    with pytest.raises(StoreError, match="表 well_event 第 1 行无法读取"):
        restore(target, edited)
    assert not any(target.counts().values())

    restore(target, genuine)  # the genuine one goes through
    assert table_checksums(target) == table_checksums(source)


def test_unsigned_ok_restores_an_old_backup_after_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source(f"sqlite:///{tmp_path / 'source.sqlite'}")
    genuine, unsigned = tmp_path / "genuine.gwbak", tmp_path / "old.gwbak"
    backup(source, genuine)
    _rewrite(genuine, unsigned, {"signature.json": None})  # as the previous version wrote them
    target = f"sqlite:///{tmp_path / 'target.sqlite'}"
    assert main(["restore", str(unsigned), "--db", target, "--yes"]) == 2
    assert "--unsigned-ok" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert main(["restore", str(unsigned), "--db", target, "--unsigned-ok"]) == 0
    err = capsys.readouterr().err
    assert "签名：无（--unsigned-ok" in err and "alice（王主任） admin" in err
    with Store.open(target) as restored:
        assert table_checksums(restored) == table_checksums(source)


def test_summary_shows_users_roles_and_history_against_the_current_database(
    url: str, tmp_path: Path
) -> None:
    store = _source(url)
    path = tmp_path / "b.gwbak"
    backup(store, path)
    audit_then = store.counts()["audit_log"]
    # After the backup: a new user, a promotion, a deactivation, a password change, more audit.
    U.create_user(store, "carol", "viewer", PASSWORD, by=LOCAL)
    U.update_user(store, "bob", by=LOCAL, role="admin")
    U.update_user(store, "alice", by=LOCAL, active=False, password="Another-pass-2026!")
    plan = inspect_backup(store, path, replace=True)
    assert [u.username for u in plan.users] == ["alice", "bob"]
    assert plan.user_changes() == [
        "删除 carol viewer",
        "启用 alice",
        "口令不同 alice（恢复后以备份中的口令为准）",
        "角色改变 bob：admin → editor",
    ]
    text = "\n".join(plan.describe())
    audit_now = store.counts()["audit_log"]
    assert audit_now > audit_then
    assert f"审计日志 {audit_then} / {audit_now} 条" in text and "封井流程记录 1 / 1 条" in text
    assert "  alice（王主任） admin" in text and "  bob（李工） editor" in text
    assert "签名：有效（密钥编号" in text and "将替换当前数据库的全部内容" in text
    store.close()


def test_restore_asks_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    source = _source(f"sqlite:///{tmp_path / 'source.sqlite'}")
    path = tmp_path / "b.gwbak"
    backup(source, path)
    target = f"sqlite:///{tmp_path / 'target.sqlite'}"
    for stdin, why in (("no\n", ""), ("", "（没有读到确认；脚本中请加 --yes）")):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        assert main(["restore", str(path), "--db", target]) == 1
        err = capsys.readouterr().err
        assert "备份中的用户（2 个）" in err and f"已取消，数据库未改动{why}" in err
        with Store.open(target) as t:
            assert not any(t.counts().values())
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert main(["restore", str(path), "--db", target]) == 0
    assert "已恢复" in capsys.readouterr().err
    with Store.open(target) as t:
        assert table_checksums(t) == table_checksums(source)


def test_replace_over_history_recreates_and_keeps_the_current_database(
    url: str, tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--replace used to die with a raw IntegrityError on the append-only triggers."""
    store = _source(url)
    path = tmp_path / "b.gwbak"
    backup(store, path)
    wanted = table_checksums(store)
    L.update_well(store, EDITOR, "W1", {"note": "备份之后的修改"}, 2)
    before_restore = table_checksums(store)
    assert main(["restore", str(path), "--db", url, "--replace", "--yes"]) == 0
    assert table_checksums(store) == wanted
    kept = list((data_dir / "backups").glob("before-restore-*.gwbak"))
    assert len(kept) == 1 and f"替换前已把当前数据库备份到 {kept[0]}" in capsys.readouterr().err
    with Store.open(f"sqlite:///{tmp_path / 'kept.sqlite'}") as k:
        restore(k, kept[0])
        assert table_checksums(k) == before_restore
    # History is still append-only after the tables were recreated.
    with pytest.raises(sa.exc.IntegrityError, match="只能追加"), store.engine.begin() as c:
        c.execute(sa.text("DELETE FROM audit_log"))
    store.close()


def test_replace_as_the_app_role_says_who_may(
    pg_roles: tuple[str, str, str], tmp_path: Path
) -> None:
    owner_url, app_url, app = pg_roles
    assert main(["migrate", "--db", owner_url, "--grant-app-role", app]) == 0
    store = _source(app_url)  # the app role writes and backs up
    path = tmp_path / "b.gwbak"
    backup(store, path)
    before = table_checksums(store)
    with pytest.raises(StoreError, match="恢复备份需要数据库所有者角色"):
        restore(store, path, replace=True)
    assert table_checksums(store) == before
    with Store.open(owner_url) as owner:
        restore(owner, path, replace=True)  # the documented way
        assert table_checksums(owner) == before
    store.close()


def test_key_file_is_made_once_private_and_checked(data_dir: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    with pytest.raises(StoreError, match=r"没有备份签名密钥：.*backup\.key 不存在"):
        load_key()
    key = load_key(create=True)
    path = data_dir / "backup.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) == 64
    assert load_key(create=True) == key == load_key()
    os.chmod(path, 0o644)
    with pytest.raises(StoreError, match=r"权限是 0644，其他用户也能读取.*chmod 600"):
        load_key()
    os.chmod(path, 0o600)
    monkeypatch.setenv("GWLIB_BACKUP_KEY", "short")
    with pytest.raises(StoreError, match="只有 5 个字符，至少应有 32 个"):
        load_key()
    monkeypatch.setenv("GWLIB_BACKUP_KEY", "k" * 40)
    assert load_key() == b"k" * 40

    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite'}")
    out = tmp_path / "b.gwbak"
    backup(store, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds password hashes
    monkeypatch.delenv("GWLIB_BACKUP_KEY")  # back to the file's key: not the one that signed
    with pytest.raises(StoreError, match="另一把密钥"):
        restore(Store.open(f"sqlite:///{tmp_path / 'k2.sqlite'}"), out)
