"""A new county's first day, in Chromium (issue 12): ``python -m gwlib init`` makes an empty
database for 襄汾县 (not the demo county); an editor signs in and uploads, through the pages, the
point register (one point given as CGCS2000 Gauss–Krüger X/Y), a laboratory results sheet and a
GeoJSON of 管控类 zones; then the overview counts the points and their classes and the map draws
them. Screenshots of every step go to tests/e2e/screenshots/first_day_*.png."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pyproj import Transformer
from shapely.geometry import shape

from gwlib.geo.counties import county
from gwlib.quality.register import HEADERS
from tests.e2e.conftest import run_gwlib, serve_app
from tests.e2e.test_smoke import LOAD_TIMEOUT_MS, SCREENSHOT_DIR, wait_for_app_run

pytestmark = pytest.mark.e2e
ADCODE = "141023"  # 山西省临汾市襄汾县
EDITOR, PASSWORD = "li.si", "Editor-password-1"
COMMIT = "确认导入（一个事务：以上新增与修改一次写入；拒收的行不写入）"


def _inside() -> list[tuple[float, float]]:
    """Three places inside the county, ~1 km apart."""
    p = shape(county(ADCODE).geometry).representative_point()
    return [(round(p.x + dx, 5), round(p.y + dy, 5)) for dx, dy in ((0, 0), (0.01, 0), (0, 0.01))]


def _register() -> bytes:
    (x1, y1), (x2, y2), (x3, y3) = _inside()
    zone = 37  # 3-degree zone of 111° E; EPSG:4546 is that zone without the number in front
    e, n = Transformer.from_crs("EPSG:4326", "EPSG:4546", always_xy=True).transform(x3, y3)
    rows = [
        ",".join(HEADERS),
        f"XF-01,城关监测井,省控,区域,新城镇,{x1},{y1},,,,120,孔隙,潜水,,丰枯各1次,在用,",
        f"XF-02,水厂水源井,县控,饮用水源,新城镇,{x2},{y2},,,,150,孔隙,承压,Ⅲ,丰枯各1次,在用,",
        f"XF-03,工业园区监控井,自行监测,污染风险监控,新城镇,,,{n:.2f},{zone}{e:.2f},"
        "CGCS2000 3度带,60,孔隙,潜水,,每季度1次,在用,X/Y 带带号",
    ]
    return ("\n".join(rows) + "\n").encode()


def _results() -> bytes:
    rows = ["点位编码,采样日期,水期,指标,监测值,单位"]
    values = {"XF-01": ("0.35", "2.1"), "XF-02": ("0.6", "0.4"), "XF-03": ("1.8", "12")}
    for code, (fluoride, nitrate) in values.items():
        for day, period in (("2025-05-10", "枯水期"), ("2025-08-20", "丰水期")):
            rows += [f"{code},{day},{period},氟化物,{fluoride},mg/L",
                     f"{code},{day},{period},硝酸盐（以N计）,{nitrate},mg/L",
                     f"{code},{day},{period},pH,7.6,无量纲"]  # fmt: skip
    return ("\n".join(rows) + "\n").encode()


def _zones() -> bytes:
    (x, y), *_ = _inside()
    ring = [[x - 0.02, y - 0.02], [x + 0.03, y - 0.02], [x + 0.03, y + 0.03], [x - 0.02, y + 0.03]]
    feature = {"type": "Feature", "properties": {"名称": "城关管控区", "划定状态": "初步划定"},
               "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}}  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("e2e-first-day")
    db_url = f"sqlite:///{tmp / 'county.sqlite'}"
    env = {**os.environ, "GWLIB_DB_URL": db_url, "GWLIB_DATA_DIR": str(tmp)}
    run_gwlib(env, "init", "--db", db_url, "--adcode", ADCODE)
    run_gwlib(env, "users", "add", EDITOR, "--role", "editor", "--db", db_url,
              stdin=PASSWORD + "\n")  # fmt: skip
    for name, data in (("点位登记表.csv", _register()), ("检测结果.csv", _results()),
                       ("管控区.geojson", _zones())):  # fmt: skip
        (tmp / name).write_bytes(data)
    with serve_app(env, free_port(), tmp) as base_url:
        yield base_url, tmp


def _shot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"first_day_{name}.png"), full_page=True)


def _open(page: Page, url: str) -> None:
    page.goto(url, timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)


def _upload_and_commit(page: Page, file: Path, commit: str, done: str) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(file))
    wait_for_app_run(page)
    button = page.get_by_role("button", name=commit)
    expect(button).to_be_enabled(timeout=LOAD_TIMEOUT_MS)
    button.click()
    wait_for_app_run(page)
    expect(page.get_by_text(done)).to_be_visible(timeout=LOAD_TIMEOUT_MS)


def test_a_new_countys_first_day(browser: Browser, server: tuple[str, Path]) -> None:
    base, tmp = server
    page = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1800}).new_page()
    _open(page, f"{base}/points")
    expect(page.get_by_text("襄汾县地下水污染防治").first).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("用户名").fill(EDITOR)
    sidebar.get_by_label("密码").fill(PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar.get_by_text(EDITOR).first).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)

    _open(page, f"{base}/points")
    _upload_and_commit(page, tmp / "点位登记表.csv", COMMIT,
                       "imported 3, updated 0, unchanged 0, rejected 0")  # fmt: skip
    _shot(page, "1_points")

    _open(page, f"{base}/results")
    _upload_and_commit(page, tmp / "检测结果.csv", COMMIT,
                       "imported 6, updated 0, unchanged 0, rejected 0")  # fmt: skip
    _shot(page, "2_results")

    _open(page, f"{base}/zones-import")
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="管控类").click()
    wait_for_app_run(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(tmp / "管控区.geojson"))
    wait_for_app_run(page)
    frame = page.frame_locator("iframe").first
    expect(frame.locator(".leaflet-container")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    # the county boundary and the new zone, really drawn (a clipped path is "M0 0")
    drawn = frame.locator("path.leaflet-interactive:not([d='M0 0'])")
    expect(drawn).to_have_count(2, timeout=LOAD_TIMEOUT_MS)
    _shot(page, "3_zones_preview")
    page.get_by_role("button", name="确认导入（一个事务写入；拒收的要素不写入）").click()
    wait_for_app_run(page)
    expect(page.get_by_text("imported 1, updated 0, unchanged 0, rejected 0")).to_be_visible(
        timeout=LOAD_TIMEOUT_MS
    )

    _open(page, f"{base}/")
    expect(page.get_by_text("模拟数据")).to_have_count(0)
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="已监测点位").first).to_contain_text("3 / 3 个")
    _shot(page, "4_overview")

    _open(page, f"{base}/map")
    frame = page.frame_locator("iframe").first
    expect(frame.locator(".leaflet-container")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    # Drawn as interactive paths: the county boundary and the three points (circle markers);
    # the 防治分区 layer holding the new 管控类 zone starts switched off.
    expect(frame.locator("path.leaflet-interactive")).to_have_count(4, timeout=LOAD_TIMEOUT_MS)
    # issue 17 item 3: one scale line, in metres or kilometres; the legend folded to a line
    scale = frame.locator(".leaflet-control-scale-line")
    expect(scale).to_have_count(1)
    expect(scale).to_have_text(re.compile(r"^\d+ k?m$"))
    expect(frame.locator(".gw-legend details")).not_to_have_attribute("open", "")
    _shot(page, "5_map")
