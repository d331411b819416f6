"""An editor uploads an attachment on 单井档案 while the attachments disk is really full: the page
shows the clear message from gwlib (disk full, file, directory; nothing registered), no
exception, and the ledger gains no document.

The whole AppTest runs in a child process in its own mount namespace, so the full tmpfs is real
and private to it (see tests/gwlib/test_attachment_full_disk.py for the mechanics).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.gwlib.test_attachment_full_disk import run_on_tmpfs

APP_SETUP = textwrap.dedent("""
    import datetime as dt
    import streamlit.runtime.state.session_state as session_state
    from streamlit.testing.v1 import AppTest
    import gwui.session
    from gwlib.store import Store
    from gwlib.store.logins import start_session
    from gwlib.store.users import create_user
    from gwui import keys
    from tests.accounts import LOCAL

    # As tests/app/conftest.py: AppTest's own bookkeeping in session state is not picklable.
    session_state.SessionState._check_serializable = lambda self: None
""")


def test_upload_on_full_disk_shows_the_reason(tmp_path: Path, demo_copy_url: str) -> None:
    assert demo_copy_url == f"sqlite:///{tmp_path / 'demo.sqlite'}"  # WORK is tmp_path
    got = run_on_tmpfs(
        tmp_path,
        """
        code = "JX-FJ-0001"
        att = WORK / "attachments"
        mount_tmpfs(att, "256k")
        url = f"sqlite:///{WORK / 'demo.sqlite'}"  # this test's copy of the demo
        store = Store.open(url)
        zhang = create_user(store, "zhang", "editor", None, "张工", by=LOCAL)
        os.environ.update(GWLIB_DB_URL=url, GWLIB_ATTACHMENTS_DIR=str(att))
        fill(att, leave=32 * 1024)
        before = listing(att)

        at = AppTest.from_file("app.py", default_timeout=90)
        at.run()
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        token = start_session(store, zhang, via="password", now=now)
        gwui.session.browser_token = lambda: token  # the browser's cookie (tests/app/conftest.py)
        at.run()
        at.switch_page("views/well_record.py").run()
        at.selectbox(key=keys.WELL_CODE).set_value(code).run()
        n_docs = len(store.engine.connect().exec_driver_sql(
            "select id from well_document where well_code = ?", (code,)).all())
        at.file_uploader(key=keys.WELL_UPLOAD).set_value(
            ("验收报告_现场.pdf", os.urandom(200 * 1024), "application/pdf"))
        at.button(key="well.upload.submit").click().run()
        n_after = len(store.engine.connect().exec_driver_sql(
            "select id from well_document where well_code = ?", (code,)).all())
        print(json.dumps({
            "errors": [e.value for e in at.error],
            "exceptions": [str(e.value) for e in at.exception],
            "success": [s.value for s in at.success],
            "docs": [n_docs, n_after],
            "unchanged": listing(att) == before,
        }, ensure_ascii=False))
        """,
        setup=APP_SETUP,
        timeout=240,
    )
    assert not got["exceptions"], got["exceptions"]
    assert not got["success"], got["success"]
    shown = [e.replace("\\", "") for e in got["errors"]]  # markdown escapes removed
    hits = [e for e in shown if e.startswith("附件未保存：磁盘空间不足")]
    assert hits, f"no disk-full message on the page: {got['errors']}"
    assert "验收报告_现场.pdf" in hits[0] and "attachments" in hits[0], hits[0]
    assert "台账未登记该附件" in hits[0], hits[0]
    assert got["docs"][0] == got["docs"][1]
    assert got["unchanged"]
