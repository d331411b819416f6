"""Script and HTML payloads in every free-text field never execute anywhere: not in the pages'
tables, captions and charts, not in the map's popups and tooltips, not in the briefing pack.

A demo database gets a hostile payload in every free-text column a person or an import can fill
(the list is checked against the schema, so a new column has to be placed in it). An admin signs
in, visits every page and every tab, and the map opens the popup and tooltip of every feature
that carries a payload. In every frame: ``window.__xss`` stays undefined, no dialog opens, no
element or attribute from a payload exists; and the payloads are shown as the text they are —
each value ends with a tag naming its column, and wherever a tag is visible the full payload
must stand right before it. The DOCX and PPTX packs built from the same database hold the
payloads as escaped text only (no field codes, no hyperlinks).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa
from playwright.sync_api import Frame, Page, expect

from gwlib.store import Store, audit
from gwlib.store import documents as documents_store
from gwlib.store import ledger as L
from gwlib.store.schema import HISTORY_TABLES, metadata
from gwlib.store.users import create_user
from gwui.pages import PAGES
from tests.accounts import LOCAL
from tests.demo_db import copy_demo
from tests.e2e.conftest import serve_app
from tests.e2e.test_smoke import LOAD_TIMEOUT_MS, SCREENSHOT_DIR, wait_for_app_run

pytestmark = pytest.mark.e2e

LONG = "超长文本" + "地下水污染防治备注，" * 300  # ~3,000 characters
PAYLOADS = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "<svg onload=window.__xss=1>",
    "[点我](javascript:window.__xss=1)",
    "{{7*7}}",
    "'; DROP TABLE x;--",
    '<a href="javascript:window.__xss=1">链接</a>',  # plotly keeps <a href> in chart text
    LONG,
)
#: Free-text columns people or imports fill; each gets payloads (JSON list columns a list).
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "boundary": ("name", "source"),
    "monitoring_point": ("name", "township", "owner", "note"),
    "sample": ("lab", "source_file"),
    "import_batch": ("file_name", "user_name", "withdrawn_by", "withdraw_reason"),
    "dispatch_round": ("opened_by",),
    "project": ("name", "township", "wells", "sources", "pollution_sources", "note"),
    "dispatch_report": ("unit", "done_text", "evidence", "reported_by"),
    "dispatch_action": ("unit", "requirement", "response", "issued_by", "responded_by"),
    "measurement": ("reported_name",),
    "qc_result": ("sample_code", "reported_name"),
    "abandoned_well": (
        "township", "village", "owner", "phone", "abandon_reason",
        "responsible_party", "lead_department", "deferral_reason", "note",
    ),
    "drinking_source": ("name", "township", "remediation_status"),
    "zone": ("name", "basis", "requirements", "approval_no"),
    "pollution_source": ("name", "township", "risk_control", "permit_no", "violations"),
    "action_plan": ("title", "goals"),
    "plan_task": ("section", "title", "text", "lead", "cooperating"),
    "plan_target": ("text",),
    "dispatch_evidence": ("filename", "review_note", "uploaded_by"),
    "project_progress": ("progress", "filename", "recorded_by"),
    "task_status": ("evidence", "updated_by"),
    "task_status_log": ("changed_by", "old_evidence", "new_evidence", "note"),
    "well_event": ("user_name", "note"),
    "well_sealing": (
        "method", "wellhead", "aquitard_seals", "contractor", "funding_source",
        "acceptance_conclusion",
    ),
    "well_seal_interval": ("material", "note"),
    "well_document": ("filename", "review_note", "uploaded_by"),
    "audit_log": ("user_name", "old_value", "new_value", "note"),
    "app_user": ("username", "display_name"),
}  # fmt: skip
JSON_LISTS = {("plan_task", "lead"), ("plan_task", "cooperating")}
#: Every other text column, and why it gets no payload.
NOT_FREE_TEXT = {
    "codes and keys (validated identifiers; rows are joined and linked by them)": (
        "*.code", "*.well_code", "*.source_code", "*.pollution_source_code", "*.entity_key",
        "trend_result.point", "*.indicator_code", "action_plan.region", "task_status.region",
        "task_status.plan_title", "task_status.section", "task_status_log.region",
        "task_status_log.plan_title", "task_status_log.section", "meta.key",
        "sample_values.indicator_codes",
    ),
    "controlled vocabularies (enums; anything else is rejected at the boundary)": (
        "*.category", "*.status", "*.level", "*.kind", "*.role", "*.aquifer", "*.burial",
        "*.frequency", "*.period", "*.scale", "*.source_type", "*.zones_status",
        "*.recharge_status", "*.exceedance_cause", "*.signage", "*.fencing", "*.rectification",
        "*.legal_status", "*.seepage_status", "*.survey_status", "*.plan_type",
        "*.review_status", "*.from_status", "*.to_status", "*.old_status", "*.new_status",
        "audit_log.action", "audit_log.entity", "audit_log.field", "*.method",
        "abandoned_well.subtype", "sample.standard", "trend_result.first_date", "trend_result.last_date",
        "monitoring_point.purpose", "monitoring_point.input_crs", "dispatch_round.code",
        "plan_target.purpose", "project_progress.quarter", "project_progress.project_code",
        "qc_result.qc_type",
    ),
    "replaced sample versions (kept for withdrawal, never shown; a withdrawal restores them as sample rows)": (
        "sample_version.lab", "sample_version.limiting", "sample_version.standard",
        "sample_version.source_file", "sample_version.measurements",
    ),
    "machine-written (geometry, CRS, hashes, parsed values, JSON dates, app metadata)": (
        "*.geometry", "*.crs", "*.sha256", "*.stored_name", "*.password_hash", "*.unit",
        "*.qualifier", "*.raw_value", "*.raw_unit", "sample.limiting", "plan_task.deadlines",
        "meta.value", "alembic_version.version_num", "dispatch_round.snapshot", "summary.name",
        "summary.stamp", "change_counter.name", "change_tx.name",
    ),
    "sign-in bookkeeping (never shown on a page; session tokens are stored only hashed)": (
        "login_session.token_hash", "login_session.username", "login_session.via",
        "login_session.client", "login_session.end_reason", "login_throttle.scope",
        "login_throttle.key",
    ),
}  # fmt: skip
TAG = re.compile(r"〔([a-z_]+\.[a-z_]+)〕")


def _tagged(payload: str, table: str, column: str) -> str:
    return f"{payload}〔{table}.{column}〕"


def _excluded(table: str, column: str) -> bool:
    names = {n for group in NOT_FREE_TEXT.values() for n in group}
    if (table, column) == ("well_sealing", "method"):
        return False  # 封井方法 is free text; other *.method columns are not
    return f"{table}.{column}" in names or f"*.{column}" in names


def test_free_text_list_covers_the_schema() -> None:
    """Every text column is either given payloads or listed with a reason."""
    unplaced = [
        f"{t.name}.{c.name}"
        for t in metadata.sorted_tables
        for c in t.columns
        if isinstance(c.type, sa.String)
        and c.name not in FREE_TEXT.get(t.name, ())
        and not _excluded(t.name, c.name)
    ]
    assert not unplaced, f"place these text columns in FREE_TEXT or NOT_FREE_TEXT: {unplaced}"


# -- the hostile database ---------------------------------------------------------------------

ADMIN, ADMIN_PW = "admin", "Strong-password-1"


def _plant(url: str) -> str:
    """Fill every FREE_TEXT column with payloads; return the code of a fully planted well."""
    store = Store.open(url)
    with store.transaction() as conn:  # one plan, so that every page opens on the planted one
        later = "select id from action_plan where year > (select min(year) from action_plan)"
        for child in ("plan_task", "plan_target"):
            conn.execute(sa.text(f"delete from {child} where plan_id in ({later})"))
        conn.execute(sa.text(f"delete from action_plan where id in ({later})"))
    with store.engine.connect() as conn:
        well = conn.execute(
            sa.text(
                "select w.code from abandoned_well w join well_sealing s on s.well_code = w.code "
                "where w.status = '已验收销号' order by w.code limit 1"
            )
        ).scalar_one()
        plan = conn.execute(sa.text("select year, region from action_plan")).one()
        tasks = conn.execute(sa.text("select section, number from plan_task limit 3")).all()
    ts = dt.datetime(2025, 12, 1, 9, 0)
    with store.transaction() as conn:
        for status in ("有效", "已撤回"):  # a batch of each status (the demo's are all 有效)
            conn.execute(
                sa.insert(metadata.tables["import_batch"]).values(
                    kind="results", file_name="x.xlsx", sha256="0" * 64, user_name="x",
                    created_at=ts, rows_total=1, rows_rejected=0, n_new=1, n_updated=0,
                    n_unchanged=0, status=status,
                    withdrawn_at=ts if status == "已撤回" else None,
                )
            )  # fmt: skip
        # the demo holds no 调度 round: one with a 填报 and a 督办 to fill
        rid = conn.execute(
            sa.insert(metadata.tables["dispatch_round"]).values(
                code="2025Q4", plan_year=plan.year, issue_no=1, period_end=dt.date(2025, 12, 31),
                due=dt.date(2026, 1, 7), opened_by="x", opened_at=ts, snapshot="[]",
            ).returning(metadata.tables["dispatch_round"].c.id)
        ).scalar_one()  # fmt: skip
        conn.execute(sa.insert(metadata.tables["project"]).values(
            code="P-1", name="x", kind="其他", status="谋划", year=2025))  # fmt: skip
        conn.execute(sa.insert(metadata.tables["project_progress"]).values(
            project_code="P-1", quarter="2025Q4", progress="x", recorded_by="x",
            recorded_at=ts))  # fmt: skip
        rep = conn.execute(sa.insert(metadata.tables["dispatch_report"]).values(
            round_id=rid, unit="x", task_number=1, status="推进中", reported_by="x",
            reported_at=ts).returning(metadata.tables["dispatch_report"].c.id)).scalar_one()
        conn.execute(sa.insert(metadata.tables["dispatch_evidence"]).values(
            report_id=rep, filename="x.pdf", stored_name="00/none.pdf", sha256="0" * 64,
            size_bytes=1, review_status="未审", uploaded_by="x", uploaded_at=ts))  # fmt: skip
        conn.execute(sa.insert(metadata.tables["dispatch_action"]).values(
            round_id=rid, kind="督办", unit="x", task_number=1, issued_by="x", issued_at=ts,
            responded_at=ts))  # fmt: skip
        for table, columns in FREE_TEXT.items():
            if table == "audit_log":
                continue  # append-only: its payloads come from the real writes below
            t = metadata.tables[table]
            pk = next(iter(t.primary_key.columns))
            keys = conn.execute(sa.select(pk).order_by(pk).limit(400)).scalars().all()
            for i, key in enumerate(keys):
                values: dict[str, Any] = {}
                for j, col in enumerate(columns):
                    value = _tagged(PAYLOADS[(i + j) % len(PAYLOADS)], table, col)
                    values[col] = (
                        json.dumps([value], ensure_ascii=False)
                        if (table, col) in JSON_LISTS
                        else value
                    )
                if table in HISTORY_TABLES:  # append-only: a copy of the row carries them
                    row = conn.execute(sa.select(t).where(pk == key)).mappings().one()
                    copy = {c: v for c, v in row.items() if c != pk.name}
                    conn.execute(sa.insert(t).values(**(copy | values)))
                else:
                    conn.execute(sa.update(t).where(pk == key).values(**values))
        # One row only: give the plan title (shown in captions) the markdown link.
        title = _tagged(PAYLOADS[3], "action_plan", "title")
        conn.execute(sa.update(metadata.tables["action_plan"]).values(title=title))
        for k, (section, number) in enumerate(tasks):
            key = {"year": plan.year, "region": plan.region, "plan_title": title}
            key |= {"section": section, "number": number}
            p = PAYLOADS[k % len(PAYLOADS)]
            conn.execute(
                sa.insert(metadata.tables["task_status"]).values(
                    **key, status="推进中", version=1, updated_at=ts,
                    evidence=_tagged(p, "task_status", "evidence"),
                    updated_by=_tagged(PAYLOADS[k + 1], "task_status", "updated_by"),
                )
            )  # fmt: skip
            conn.execute(
                sa.insert(metadata.tables["task_status_log"]).values(
                    **key, changed_at=ts, old_status="", new_status="推进中",
                    changed_by=_tagged(PAYLOADS[k + 1], "task_status_log", "changed_by"),
                    old_evidence=_tagged(PAYLOADS[k + 2], "task_status_log", "old_evidence"),
                    new_evidence=_tagged(p, "task_status_log", "new_evidence"),
                    note=_tagged(PAYLOADS[k + 3], "task_status_log", "note"),
                )
            )  # fmt: skip
        for k, p in enumerate(PAYLOADS):
            conn.execute(
                sa.insert(metadata.tables["well_seal_interval"]).values(
                    well_code=well, top_m=k * 10.0, bottom_m=k * 10.0 + 5, role="回填",
                    material=_tagged(p, "well_seal_interval", "material"),
                    note=_tagged(PAYLOADS[k - 1], "well_seal_interval", "note"),
                )
            )  # fmt: skip
    create_user(store, ADMIN, "admin", ADMIN_PW, "管理员", by=LOCAL)
    for k, p in enumerate(PAYLOADS[:-1]):  # a user name has at most 64 characters
        create_user(store, _tagged(p, "app_user", "username")[:64], "viewer", None,
                    _tagged(PAYLOADS[k + 1], "app_user", "display_name"), by=LOCAL)  # fmt: skip
    for k, p in enumerate(PAYLOADS):
        actor = audit.Actor(_tagged(PAYLOADS[k - 1], "audit_log", "user_name"))
        with store.transaction() as conn:  # the writer's account (names beyond 64 characters)
            conn.execute(
                sa.insert(metadata.tables["app_user"]).values(
                    username=actor.user, role="editor", active=True, created_at=dt.datetime.now()
                )
            )
        doc = documents_store.add_document(store, actor, well, f"附件{k}.pdf", f"%PDF {k}".encode(), "验收报告",
                             Path(url.removeprefix("sqlite:///")).parent / "att")  # fmt: skip
        documents_store.review_document(store, actor, doc, "需补充", _tagged(p, "audit_log", "note"))
        v = L.well(store, well)["version"]
        L.update_well(store, actor, well, {"note": _tagged(p, "audit_log", "new_value")}, v,
                      _tagged(PAYLOADS[k - 2], "audit_log", "note"))  # fmt: skip
        with store.transaction() as conn:
            conn.execute(
                sa.update(metadata.tables["well_document"])
                .where(metadata.tables["well_document"].c.id == doc)
                .values(
                    filename=_tagged(p, "well_document", "filename") + ".pdf",
                    review_note=_tagged(PAYLOADS[k - 1], "well_document", "review_note"),
                    uploaded_by=_tagged(PAYLOADS[k - 3], "well_document", "uploaded_by"),
                )
            )
    with store.engine.connect() as conn:  # every listed column really holds a payload
        for table, columns in FREE_TEXT.items():
            for col in columns:
                hits = conn.execute(
                    sa.text(f"select count(*) from {table} where {col} like '%〔%'")
                ).scalar_one()
                assert hits, f"{table}.{col} holds no payload"
    store.close()
    return str(well)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory, demo_db: Path) -> tuple[Path, str, str]:
    """(directory, database URL, code of the fully planted well) of the hostile database."""
    tmp = tmp_path_factory.mktemp("e2e-xss")
    db_url = copy_demo(demo_db, tmp / "hostile.sqlite")
    return tmp, db_url, _plant(db_url)


@pytest.fixture(scope="module")
def hostile(
    hostile_db: tuple[Path, str, str], free_port: Callable[[], int]
) -> Iterator[tuple[str, str]]:
    """(base URL, planted well code) of the app serving the hostile database."""
    tmp, db_url, well = hostile_db
    env = {
        **os.environ,
        "GWLIB_DB_URL": db_url,
        "GWLIB_DATA_DIR": str(tmp),
        "GWLIB_ATTACHMENTS_DIR": str(tmp / "att"),
    }
    with serve_app(env, free_port(), tmp) as base_url:
        yield base_url, well


# -- checks in the browser --------------------------------------------------------------------

#: Runs in every frame: anything a payload could have created or run.
FRAME_PROBE = """() => {
    const bad = [];
    if (typeof window.__xss !== 'undefined') bad.push('window.__xss = ' + window.__xss);
    for (const el of document.querySelectorAll('*')) {
        for (const name of el.getAttributeNames()) {
            const v = el.getAttribute(name) || '';
            // Text kept in attributes (input values, plotly's data-unformatted) is inert;
            // handlers and URLs are not.
            const live = name.startsWith('on') || ['href', 'src', 'xlink:href', 'action',
                'formaction', 'style'].includes(name);
            if (live && v.includes('__xss'))
                bad.push(`<${el.tagName.toLowerCase()} ${name}="${v}">`);
        }
        if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') bad.push('<img src=x>');
        if (el.tagName === 'SCRIPT' && el.textContent.trim().startsWith('window.__xss'))
            bad.push('<script>' + el.textContent + '</script>');
        const href = (el.getAttribute('href') || el.getAttribute('xlink:href') || '').trim();
        if (/^javascript:/i.test(href)) bad.push(`<${el.tagName.toLowerCase()} href="${href}">`);
    }
    // What a person can read: the page text, chart text (SVG) and the data grids' cells (the
    // grid paints on a canvas; its accessible mirror holds the cells of the rows in view).
    const cells = '[data-testid="stDataFrame"] td, [data-testid="stDataFrame"] th, svg text';
    const text = [document.body ? document.body.innerText : '']
        .concat(Array.from(document.querySelectorAll(cells), e => e.textContent));
    return {bad, text: text.join(String.fromCharCode(10))};
}"""


GRIDS_FILLED = """() => Array.from(document.querySelectorAll('[data-testid="stDataFrame"]'))
    .filter(d => d.offsetParent !== null).every(d => d.querySelector('td, th'))"""


def _literal_problems(text: str) -> tuple[set[str], list[str]]:
    """Tags visible in ``text``, and the places where a tag is not preceded by a full payload
    (the value was rendered as markup, or lost its markup characters)."""
    seen, wrong = set(), []
    for m in TAG.finditer(text):
        seen.add(m.group(1))
        before = text[: m.start()]
        if not any(before.endswith(p) for p in PAYLOADS):
            wrong.append(f"{m.group(1)}: …{before[-60:]!r}")
    return seen, wrong


class Watch:
    """Dialogs and console errors of the page, checks of all its frames."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.seen: dict[str, set[str]] = {}
        self.problems: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def check(self, where: str) -> None:
        # The grids fill their accessible mirror a moment after they are drawn.
        self.page.wait_for_function(GRIDS_FILLED, timeout=LOAD_TIMEOUT_MS)
        self.page.wait_for_timeout(200)
        for frame in self.page.frames:
            try:
                got = frame.evaluate(FRAME_PROBE)
            except Exception as exc:  # a frame that went away while we looked
                if "detached" in str(exc) or "destroyed" in str(exc):
                    continue
                raise
            self.problems += [f"{where} [{frame.name or frame.url[:60]}]: {b}" for b in got["bad"]]
            seen, wrong = _literal_problems(got["text"])
            self.seen.setdefault(where, set()).update(seen)
            self.problems += [f"{where}: not shown literally: {w}" for w in wrong]
        self.problems += [f"{where}: dialog {d}" for d in self.dialogs]
        self.dialogs.clear()
        exceptions = self.page.locator("[data-testid='stException']")
        if exceptions.count():
            self.problems.append(f"{where}: exception {exceptions.all_inner_texts()}")


def _sign_in(page: Page, base: str) -> None:
    page.goto(base, timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("用户名").fill(ADMIN)
    sidebar.get_by_label("密码").fill(ADMIN_PW)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar.get_by_text(f"已登录：{ADMIN}")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)


def _visit_tabs(page: Page, watch: Watch, where: str) -> None:
    watch.check(where)
    tabs = page.get_by_test_id("stMain").get_by_role("tab")
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        name = tab.inner_text()
        tab.click()
        page.wait_for_timeout(300)
        wait_for_app_run(page)
        watch.check(f"{where} / {name}")


#: Opens the tooltip and popup of every map feature whose content carries a payload tag, one
#: after another, and returns their visible text (run inside the map's frame).
OPEN_POPUPS = """() => {
    const maps = Object.values(window).filter(v => v instanceof L.Map);
    if (!maps.length) return null;
    const map = maps[0], texts = [];
    const tagged = s => typeof s === 'string' && s.includes('\u3014');
    const groups = Object.values(window).filter(v => v instanceof L.Layer && v.getLayers);
    for (const g of groups) { if (!map.hasLayer(g)) map.addLayer(g); }
    for (const g of groups) {
        let opened = 0;
        for (const l of g.getLayers()) {
            if (opened >= 24) break;  // payloads repeat every 8 rows
            const popup = l.getPopup && l.getPopup(), tip = l.getTooltip && l.getTooltip();
            let content = popup ? popup.getContent() : '';
            if (typeof content === 'function') content = content(l);
            const tipText = tip ? tip.getContent() : '';
            if (!tagged(content) && !tagged(tipText)) continue;
            opened += 1;
            const where = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
            if (tip && map.hasLayer(l)) {
                l.openTooltip(where);
                const el = tip.getElement();
                texts.push(el ? el.innerText : 'NOT OPENED: tooltip ' + tipText);
                l.closeTooltip();
            }
            if (popup) {
                // A clustered marker is not on the map: open the same content where it is.
                const shown = L.popup().setLatLng(where).setContent(content).openOn(map);
                const el = shown.getElement();
                texts.push(el ? el.innerText : 'NOT OPENED: popup ' + content);
            }
        }
    }
    return texts;
}"""


def test_pages_show_payloads_as_text(page: Page, hostile: tuple[str, str]) -> None:
    base, well = hostile
    page.set_default_timeout(60_000)
    watch = Watch(page)
    _sign_in(page, base)
    nav = page.get_by_test_id("stSidebarNav")
    started = time.monotonic()
    for entry in PAGES:
        print(f"{entry.title} at {time.monotonic() - started:.1f} s", flush=True)
        try:
            nav.get_by_role("link", name=entry.title, exact=True).click()
        except Exception:
            page.screenshot(path=SCREENSHOT_DIR / "xss-nav-failed.png")
            raise
        expect(page).to_have_url(re.compile(f"/{entry.url_path}$"))
        expect(page.get_by_test_id("stMain").get_by_role("heading").first).to_contain_text(
            entry.title, timeout=LOAD_TIMEOUT_MS
        )
        wait_for_app_run(page)
        if entry.url_path == "well-record":
            page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.click()
            page.get_by_role("option", name=well, exact=True).click()
            wait_for_app_run(page)
        _visit_tabs(page, watch, entry.title)
        if entry.url_path == "map":
            frame = _map_frame(page)
            texts = frame.evaluate(OPEN_POPUPS)
            assert texts, "no map feature with a payload was found to open"
            watch.check("一张图 / popups")
            for text in texts:
                if text.startswith("NOT OPENED"):
                    watch.problems.append(f"map: {text[:200]}")
                seen, wrong = _literal_problems(text)
                watch.seen.setdefault("一张图 / popups", set()).update(seen)
                watch.problems += [f"map popup not literal: {w}" for w in wrong]
        page.screenshot(path=SCREENSHOT_DIR / f"xss-{entry.url_path or 'home'}.png")
    print(f"visited {len(PAGES)} pages in {time.monotonic() - started:.1f} s")
    for where, tags in sorted(watch.seen.items()):
        print(f"{where}: {sorted(tags)}")
    assert not watch.problems, "\n".join(watch.problems)
    missing = {
        where: sorted(set(tags) - watch.seen.get(where, set()))
        for where, tags in EXPECTED_VISIBLE.items()
        if not set(tags) <= watch.seen.get(where, set())
    }
    assert not missing, f"payloads not shown where expected (fields not displayed?): {missing}"


def _map_frame(page: Page) -> Frame:
    handle = page.locator("iframe[title='streamlit_folium.st_folium']").element_handle(
        timeout=LOAD_TIMEOUT_MS
    )
    assert handle is not None
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_function("() => window.L && document.querySelector('.leaflet-pane')")
    return frame


#: Where each column's payload must be visible as text (a subset of what is shown: enough that
#: the test fails if a page stops displaying user text at all).
EXPECTED_VISIBLE: dict[str, tuple[str, ...]] = {
    "总览": ("monitoring_point.name",),
    "水质类别与趋势 / 超标明细": ("monitoring_point.name", "monitoring_point.township"),
    "一张图 / popups": (
        "abandoned_well.township", "abandoned_well.village", "boundary.name",
        "drinking_source.name", "monitoring_point.name", "monitoring_point.township",
        "pollution_source.name", "pollution_source.township", "zone.basis", "zone.name",
        "zone.requirements",
    ),
    "饮用水源与补给区": (
        "drinking_source.name", "drinking_source.remediation_status", "zone.basis", "zone.name",
    ),
    "污染源与防治分区": (
        "pollution_source.name", "pollution_source.township", "zone.name", "zone.requirements",
    ),
    "封井回填台账 / 台账": ("abandoned_well.township", "abandoned_well.village"),
    "单井档案 / 基本信息与位置": (
        "abandoned_well.owner", "abandoned_well.phone", "abandoned_well.responsible_party",
        "abandoned_well.township", "abandoned_well.village",
    ),
    "单井档案 / 办理流程": ("well_event.note", "well_event.user_name"),
    "单井档案 / 封井记录": ("well_seal_interval.material",),
    "单井档案 / 附件": ("well_document.filename", "well_document.review_note"),
    "单井档案 / 历史记录": ("audit_log.new_value", "audit_log.user_name"),
    "用户管理": ("app_user.display_name", "app_user.username"),
    "年度目标任务清单 / 任务清单": (
        "action_plan.title", "plan_task.cooperating", "plan_task.lead", "plan_task.section",
        "plan_task.text", "plan_task.title",
    ),
    "联席会议简报": ("drinking_source.name", "plan_task.title", "abandoned_well.township"),
}  # fmt: skip


# -- the briefing pack ------------------------------------------------------------------------


def _xml_parts(blob: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


LINKS_AND_FIELDS = ("hyperlink", "fldSimple", "instrText", "hlinkClick", "hlinkMouseOver")


def test_briefing_pack_holds_payloads_as_text(hostile_db: tuple[Path, str, str]) -> None:
    from gwlib.brief.charts import render_all
    from gwlib.brief.data import brief_data
    from gwlib.brief.pack import pack_bytes

    store = Store.open(hostile_db[1], migrate=False)
    data = brief_data(store, 2025, "")
    store.close()
    images = render_all(data.charts)
    for kind, para in (("docx", "p"), ("pptx", "p")):
        parts = _xml_parts(pack_bytes(data, images, kind))
        xml = "\n".join(parts.values())
        for raw in ("<script", "<img", "<svg", "<a href"):
            assert raw not in xml, f"{kind}: {raw} is markup in the pack"
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in xml, f"{kind}: not escaped"
        texts = []
        for name, body in parts.items():
            root = ElementTree.fromstring(body.encode())
            for el in root.iter():
                local = el.tag.rsplit("}", 1)[-1]
                attrs = " ".join(el.attrib.values())
                assert not (local in LINKS_AND_FIELDS and ("__xss" in attrs or "〔" in attrs)), (
                    f"{kind} {name}: a {local} made from a payload"
                )
                if name.endswith(".rels"):
                    assert "__xss" not in attrs and "javascript" not in attrs.lower(), name
                if local == para:  # a paragraph's text, run by run
                    texts.append("".join(t.text or "" for t in el.iter() if t.tag.endswith("}t")))
        seen, wrong = _literal_problems("\n".join(texts))
        assert not wrong, f"{kind}: payloads changed on the way into the pack: {wrong}"
        assert {"drinking_source.name", "plan_task.title"} <= seen, f"{kind}: {sorted(seen)}"
        assert "{{7*7}}" in xml and "49〔" not in xml
