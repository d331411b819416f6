"""The packaged county boundaries (gwlib.geo.counties): look-up, search, errors, and every
county checked against an independent equal-area computation."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from gwlib.demo.places import COUNTY_FILE
from gwlib.errors import GwlibError, InputError, UnknownCounty
from gwlib.fields import LAT_RANGE, LON_RANGE
from gwlib.geo import area_km2, county, find_counties
from gwlib.geo.counties import COUNTIES_FILE, MEMBER_SUFFIX, all_counties

#: Albers equal-area conic for China: an area computation independent of the index's geodesic
#: one (equal-area on the ellipsoid, so the two agree to rounding wherever the county lies).
CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=WGS84 +units=m"


def _albers_km2(geoms: list[shapely.Geometry]) -> np.ndarray:
    to_albers = Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True)

    def xy(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(to_albers.transform(coords[:, 0], coords[:, 1]))

    return np.array([shapely.transform(g, xy).area / 1e6 for g in geoms])


def test_jiangxian_matches_the_full_resolution_file() -> None:
    c = county("140826")
    assert (c.adcode, c.name, c.province, c.city) == ("140826", "绛县", "山西省", "运城市")
    assert c.full_name == "山西省运城市绛县"
    assert c.label() == "140826 山西省运城市绛县"
    full_feature = json.loads(COUNTY_FILE.read_text(encoding="utf-8"))
    assert full_feature["properties"]["adcode"] == c.adcode
    full = shape(full_feature["geometry"])
    simple = shape(c.geometry)
    assert c.geometry["type"] == "MultiPolygon" and simple.is_valid
    assert area_km2(simple) == pytest.approx(area_km2(full), rel=0.01)
    assert c.area_km2 == pytest.approx(full_feature["properties"]["area_km2"], rel=0.01)
    # Simplified, not moved: the two outlines differ by a thin band only.
    assert full.symmetric_difference(simple).area < 0.005 * full.area
    assert c.bbox == pytest.approx(full.bounds, abs=1e-5)
    assert shapely.Point(c.centroid).within(full)


@pytest.mark.parametrize(
    ("adcode", "name", "province", "city", "published_km2"),
    [
        # One of each kind of county-level unit; areas as the governments publish them.
        ("110108", "海淀区", "北京市", "北京市", 430.77),  # 市辖区
        ("320281", "江阴市", "江苏省", "无锡市", 987.53),  # 县级市
        ("150121", "土默特左旗", "内蒙古自治区", "呼和浩特市", 2765.0),  # 旗
        ("469025", "白沙黎族自治县", "海南省", "白沙黎族自治县", 2117.0),  # 自治县, 省直辖
        ("520203", "六枝特区", "贵州省", "六盘水市", 1792.0),  # 特区
        ("429021", "神农架林区", "湖北省", "神农架林区", 3253.0),  # 林区, 省直辖
    ],
)
def test_counties_of_every_kind(adcode: str, name: str, province: str, city: str,
                                published_km2: float) -> None:
    c = county(adcode)
    assert (c.name, c.province, c.city) == (name, province, city)
    assert c.area_km2 == pytest.approx(published_km2, rel=0.03)
    minx, miny, maxx, maxy = c.bbox
    assert LON_RANGE[0] <= minx < maxx <= LON_RANGE[1]
    assert LAT_RANGE[0] <= miny < maxy <= LAT_RANGE[1]
    assert minx <= c.centroid[0] <= maxx and miny <= c.centroid[1] <= maxy
    geom = shape(c.geometry)
    assert geom.is_valid and geom.geom_type == "MultiPolygon"


def test_full_name_drops_a_repeated_level() -> None:
    assert county("110108").full_name == "北京市海淀区"
    assert county("419001").full_name == "河南省济源市"
    assert county("500229").full_name == "重庆市城口县"


def test_area_is_right_far_from_111_degrees_east() -> None:
    # 乌恰县 (73.8–76.0°E) lies 35° west of UTM 49N's central meridian, where a UTM 49N area
    # is badly wrong; the index area is geodesic.
    c = county("653024")
    assert c.bbox[0] < 74
    assert c.area_km2 == pytest.approx(_albers_km2([shape(c.geometry)])[0], rel=0.005)


def test_adcode_is_read_as_people_type_it() -> None:
    assert county(" 140826 ").name == "绛县"
    assert county("１４０８２６").name == "绛县"  # full-width digits from a Chinese IME


def test_search_by_name() -> None:
    assert [c.adcode for c in find_counties("绛县")] == ["140826", "140825"]  # 绛县, 新绛县
    assert [c.adcode for c in find_counties("运城 绛县")] == ["140826", "140825"]
    assert find_counties("山西绛县")[0].adcode == "140826"
    assert find_counties("运城市绛县")[0].adcode == "140826"
    assert find_counties("山西省运城市绛县")[0].adcode == "140826"
    assert [c.adcode for c in find_counties("海淀")] == ["110108"]
    assert find_counties("朝阳")[0].name in ("朝阳区", "朝阳县")
    assert find_counties("绛县 浙江") == []
    assert find_counties("") == [] and find_counties(" ，") == []


def test_search_by_adcode_prefix_and_kind() -> None:
    yuncheng = find_counties("1408")
    assert len(yuncheng) == 13 and all(c.city == "运城市" for c in yuncheng)
    banners = find_counties("内蒙古 旗")
    assert len(banners) > 40
    assert all(c.province == "内蒙古自治区" and c.name.endswith("旗") for c in banners)


def test_unknown_adcode_says_how_to_find_it() -> None:
    with pytest.raises(UnknownCounty) as info:
        county("999999")
    err = info.value
    assert isinstance(err, InputError) and isinstance(err, GwlibError)
    assert "999999" in str(err) and "前两位 99 不是省级行政区代码" in str(err)
    assert "民政部" in str(err) and "按名称查找" in str(err)
    assert err.suggestions == ()


def test_unknown_adcode_suggests_the_counties_it_may_mean() -> None:
    with pytest.raises(UnknownCounty, match="是地级行政区（山西省运城市）的代码") as city:
        county("140800")
    assert "140826" in city.value.suggestions and "140826 山西省运城市绛县" in str(city.value)
    with pytest.raises(UnknownCounty, match="是省级行政区（山西省）的代码") as province:
        county("140000")
    assert "等 117 个" in str(province.value)
    with pytest.raises(UnknownCounty, match="同一地级行政区（山西省运城市）") as same_city:
        county("140899")
    assert "140826" in same_city.value.suggestions
    with pytest.raises(UnknownCounty, match="应为 6 位数字，而不是 4 位") as short:
        county("1408")
    assert len(short.value.suggestions) == 12
    with pytest.raises(UnknownCounty, match="不是行政区划代码") as by_name:
        county("绛县")
    assert by_name.value.suggestions == ("140826", "140825")
    with pytest.raises(UnknownCounty) as renamed:  # 满城县 became 满城区 (130607) in 2015
        county("满城县")
    assert renamed.value.suggestions == ("130607",)
    with pytest.raises(UnknownCounty, match="也没有名称相近的县级行政区"):
        county("降县")  # a shared ending (县) is no likeness
    with pytest.raises(UnknownCounty, match="请填写"):
        county("")


def test_every_county_is_a_valid_polygon_in_china() -> None:
    counties = all_counties()
    assert len(counties) == 2875
    assert len({c.adcode for c in counties}) == len(counties)
    with zipfile.ZipFile(COUNTIES_FILE) as archive:
        members = sorted(archive.namelist())
    assert members == sorted(f"{c.adcode}{MEMBER_SUFFIX}" for c in counties)
    geoms = [shape(c.geometry) for c in counties]
    arr = np.array(geoms, dtype=object)
    bad = [c.label() for c, ok in zip(counties, shapely.is_valid(arr), strict=True) if not ok]
    assert bad == []
    assert {g.geom_type for g in geoms} == {"MultiPolygon"}
    bounds = shapely.bounds(arr)
    assert bounds[:, 0].min() >= LON_RANGE[0] and bounds[:, 2].max() <= LON_RANGE[1]
    assert bounds[:, 1].min() >= LAT_RANGE[0] and bounds[:, 3].max() <= LAT_RANGE[1]
    bboxes = np.array([c.bbox for c in counties])
    # The index's bbox is the full-resolution polygon's: it holds the simplified polygon,
    # whose extremes are at most a tolerance (50 m < 0.001°) inside it.
    inward = np.concatenate([bounds[:, :2] - bboxes[:, :2], bboxes[:, 2:] - bounds[:, 2:]], axis=1)
    off = (inward < -1e-5) | (inward > 1e-3)
    assert [c.label() for c, o in zip(counties, off.any(axis=1), strict=True) if o] == []
    # Index areas (geodesic, full resolution) against an equal-area projection of the
    # packaged polygons: differences are the simplification's, under 1 %.
    albers = _albers_km2(geoms)
    index = np.array([c.area_km2 for c in counties])
    error = np.abs(albers - index) / index
    assert [c.label() for c, e in zip(counties, error, strict=True) if e > 0.01] == []
    assert np.median(error) < 0.001
    assert all(c.name and c.province and c.city for c in counties)

