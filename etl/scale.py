"""A synthetic *national* dataset for scale tests (issue 10): every record kind, in the
data-contract format, as Parquet files that ``python -m etl load DIR`` loads as it is.

    python -m etl scale --rows N --out DIR [--districts 2800] [--towns 40000] [--seed 0]

``N`` is the number of activity rows; every other kind is sized in proportion to it (see
:data:`RATES` and :func:`plan`): at ``N = 10**8`` about 2.7 million deputies, 3 million
enterprise visits, 5 million micro-suggestions … Towns, districts and the rollout plan do
not grow with ``N``: 2,800 districts (the number of county-level divisions of China) with
40,000 towns. Two of the districts are the shipped reference districts (清江浦区, 淮安区,
``etl/reference/towns.csv``) with their real towns, written exactly as the warehouse seeds
them, so a fresh warehouse loaded with the dataset holds exactly 2,800 districts and 40,000
towns. Deputies and stations are at least one per town, so for small ``N`` they are 40,000
each, not ``0.027 N``.

Everything is generated inside DuckDB (``range()`` + SQL expressions + ``COPY … TO``), with
no Python loop over rows. Pseudo-randomness is ``hash(i, salt, seed)`` of the row number,
so the same ``N`` and seed give the same rows (byte-identical files with the same DuckDB
version). Every row is valid by the contract: enumerations from their allowed values
(written as the Chinese labels, as a clerk types them), every reference resolvable
(towns, deputies' stations, opinions' visits, suggestions' deputies), dates in the order
the contract checks (``DateOrder`` in ``etl/spec.py``), dates within 2021-01-01 …
2025-12-31 (a few follow-up dates — a resolution, a reply — may fall early in 2026).

Headers are the Chinese column labels of ``etl/spec.py``; files are named by the kind's
Chinese label (``活动.parquet`` …), which is how ``etl/read.py`` tells the kind. Every value
is a string, whole number or date column except the site score (a number with one decimal).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.normalize import lit
from etl.spec import ENUMS, KIND_BY_NAME, KINDS

__all__ = ["DISTRICTS", "TOWNS", "FIRST_DAY", "LAST_DAY", "RATES", "ScaleResult", "file_name",
           "format_summary", "generate", "plan"]

DISTRICTS = 2800
TOWNS = 40000
FIRST_DAY = dt.date(2021, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
DAYS = (LAST_DAY - FIRST_DAY).days + 1
YEARS = tuple(range(FIRST_DAY.year, LAST_DAY.year + 1))
STATIONS_SINCE = dt.date(2016, 1, 1)  # stations may have opened before the five years

REFERENCE_TOWNS = Path(__file__).resolve().parent / "reference" / "towns.csv"
TOWN_SUFFIXES = ("街道办事处", "街道", "办事处", "镇", "乡")  # as etl/load.py strips them
MAX_TOWNS_PER_DISTRICT = 999  # the 3-digit town part of a 12-digit division code

# Rows per activity row, as (numerator, denominator): integer arithmetic, no float rounding.
# Deputies and stations have a floor of one per town; every other kind at least one row.
RATES: dict[str, tuple[int, int]] = {
    "stations": (12, 10_000),            # 10**8 activities -> 120,000 stations (3 per town)
    "deputies": (27, 1_000),             # -> 2.7 million deputies
    "enterprise_visits": (3, 100),       # -> 3 million visits
    "enterprise_opinions": (45, 1_000),  # -> 4.5 million opinions (1.5 per visit)
    "micro_suggestions": (5, 100),       # -> 5 million micro-suggestions
    "formal_suggestions": (2, 100),      # -> 2 million (about 140 per district-year)
    "appraisals": (5, 10_000),           # -> 50,000 appraisals, two rows each (evaluator types)
    "practice_sites": (4, 10_000),       # -> 40,000 sites (about one per town)
}
ROLLOUT = ((2023, "PILOT", 3), (2024, "DEEPEN", 7), (2025, "FULL", 10))  # year, phase, tenths of towns


def _rate(rows: int, kind: str) -> int:
    num, den = RATES[kind]
    return (rows * num + den // 2) // den


def plan(rows: int, districts: int = DISTRICTS, towns: int = TOWNS) -> dict[str, int]:
    """Rows per record kind (in the contract's load order) for ``rows`` activities."""
    out: dict[str, int] = {}
    for k in KINDS:
        if k.name == "towns":
            n = towns
        elif k.name == "activities":
            n = rows
        elif k.name in ("stations", "deputies"):
            n = max(towns, _rate(rows, k.name))
        elif k.name == "appraisals":
            n = 2 * max(1, _rate(rows, k.name))
        elif k.name == "rollout_plan":
            n = len(ROLLOUT) * districts
        else:
            n = max(1, _rate(rows, k.name))
        out[k.name] = n
    return out


def file_name(kind: str) -> str:
    """The file a kind is written to: its Chinese label, which etl/read.py recognises."""
    return f"{KIND_BY_NAME[kind].label}.parquet"


@dataclass
class ScaleResult:
    out: Path
    rows: dict[str, int]
    seconds: dict[str, float]
    files: dict[str, Path]
    total_seconds: float = 0.0
    bytes: int = 0


# =========================================================================================
# Word lists (synthetic; place names are composed, not real)
# =========================================================================================

def _chars(s: str) -> list[str]:
    return list(dict.fromkeys(s))


_DISTRICT_FIRST = _chars("安宝北昌长成崇大德东丰凤福富高广海汉和河恒宏华怀黄吉嘉建江金晋静靖开康兰乐丽临龙"
                         "隆罗洛茂梅南宁平浦普青清庆泉仁荣瑞山尚胜石寿舒顺泰天通同万文武西仙湘祥新信兴秀延"
                         "阳永玉元岳云泽章昭正中忠紫沙桃柳松桐榆梓鹤")
_DISTRICT_SECOND = _chars("安宁平城山阳江川河源化昌明兴丰水州泉都台林德西东南北口陵溪湖海和远乐定康泰武清华"
                          "津门峰原浦岭阴丘")
_TOWN_FIRST = _chars("安白柏板半宝保北碧滨柴昌常长朝陈城崇川春淳大丹党德定东董洞杜渡方飞丰凤扶福富甘高葛"
                     "工古谷官广桂郭海韩汉杭和河贺鹤红洪侯后湖虎花华化怀黄回惠吉集嘉建江姜蒋焦金锦京荆井"
                     "靖九居菊开康孔口兰蓝朗老乐李立利连莲梁林临灵岭刘柳六龙隆楼芦鹿路罗洛马麦茂梅门孟米"
                     "民明南宁牛潘盘彭平浦普七齐千前钱乔桥秦青清庆秋泉仁荣瑞三桑沙山上尚邵沈升胜石寿书双"
                     "水顺松宋苏孙太泰汤唐桃天田铁通同潼土万汪王旺卫魏温文卧吴五武西溪霞下仙先香湘祥向小"
                     "孝谢新兴杏许宣薛雅烟严杨阳姚叶义银英永油友余榆玉元袁岳云枣泽张章昭赵珍郑中钟周朱竹"
                     "庄紫邹")
_TOWN_LAST = _chars("坝坂堡北滨埠仓岔场城冲川店甸东洞墩渡坊丰峰冈港沟谷关冠岗河湖后华集家涧江郊井径口库寮"
                    "林岭陵楼垄路庙门南坪铺桥泉山上寺松滩塘田亭屯湾洼王旺西溪峡新兴圩堰阳洋窑营园源寨庄嘴"
                    "洲州坳岙畈垌埔浜泾漕汀渚潭舍头里台子院仙庵墅安宁平岩埂")
_TOWN_MIDDLE = _chars("家集河山新")
# The second part of a town name: one character, or two (马家庄, 石河湾).
_TOWN_SECOND = _TOWN_LAST + [m + c for m in _TOWN_MIDDLE for c in _TOWN_LAST if m != c]
_OTHER_SUFFIXES = ["经济开发区", "工业园区", "高新区", "农场", "管理区"]
_PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
              "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]

_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
                 "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙陶黎贺顾毛郝龚"
                 "邵万钱严武戴孔汤")
_GIVEN = ["建国", "海", "军", "伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "杰", "娟", "涛",
          "明", "超", "秀英", "霞", "平", "刚", "桂英", "文", "辉", "鹏", "华", "红", "玲", "宇", "浩", "凯",
          "晨", "琳", "婷", "雪", "慧", "峰", "斌", "亮", "俊", "志强", "春梅", "晓东", "永华", "玉兰", "国平",
          "立新", "建华", "德胜", "文斌", "海燕", "雨欣", "思远", "子涵", "梓萱", "宏伟", "爱民", "新华",
          "红梅", "晓燕", "家豪", "振宇", "立群", "学军", "长青", "金花", "月琴", "凤英", "卫国", "建军"]
_SECTORS = ["工人", "农民", "专业技术人员", "企业负责人", "党政机关", "社区工作者", "教育", "医疗卫生",
            "个体工商户", "退役军人"]
_PLACE_WORDS = ["幸福", "和平", "建设", "新民", "光明", "东风", "红旗", "胜利", "团结", "友谊", "前进", "文化",
                "康乐", "长安", "永安", "人民", "新城", "翠竹", "桃园", "柳园", "大兴", "永兴", "太平", "长青",
                "兴隆", "万福", "阳光", "锦绣", "聚贤", "育才", "丰登", "嘉禾", "同心", "仁和", "春晖", "绿洲"]
_THEMES = ["乡村振兴", "基层治理", "助企服务", "法治宣传", "生态宜居", "民生实事监督", "邻里和谐", "养老服务",
           "红色传承", "数字人大", "共同富裕", "文明实践", "青少年民主教育", "平安建设"]
_TOPICS = ["宪法宣传", "民法典宣讲", "乡村振兴政策宣讲", "安全生产宣传", "老旧小区改造议事", "停车难问题协商",
           "农村公路提档升级", "人居环境整治", "营商环境优化", "养老服务体系建设", "食品安全监督", "防汛抗旱",
           "垃圾分类推进", "教育资源均衡", "基层医疗服务", "就业创业帮扶", "平安建设", "文明城市创建",
           "预算审查监督", "民生实事项目票决", "代表述职评议", "选民接待日"]
_DEPARTMENTS = ["住房和城乡建设局", "城市管理局", "交通运输局", "生态环境局", "教育局", "卫生健康委员会",
                "农业农村局", "民政局", "人力资源和社会保障局", "市场监督管理局", "水利局", "自然资源和规划局",
                "公安分局", "发展和改革委员会", "财政局", "工业和信息化局", "商务局", "文化广电和旅游局"]
_INDUSTRIES = [  # (word in the name, 行业)
    ("机械制造", "制造业"), ("精密机械", "制造业"), ("食品", "制造业"), ("新材料科技", "制造业"),
    ("电子科技", "制造业"), ("汽车零部件", "制造业"), ("包装材料", "制造业"), ("纺织", "制造业"),
    ("建材", "建筑业"), ("建设工程", "建筑业"), ("物流", "交通运输、仓储和邮政业"),
    ("商贸", "批发和零售业"), ("医药", "批发和零售业"), ("软件技术", "信息传输、软件和信息技术服务业"),
    ("生态农业", "农、林、牧、渔业"), ("文化旅游", "文化、体育和娱乐业"), ("检测技术", "科学研究和技术服务业"),
]
_BRAND_A = list("恒瑞金华新博天鑫宏永嘉润盛中美益龙佳翔清海东汇德信安泰丰隆源通达广")
_BRAND_B = list("达丰源泰远成盛信捷和通世科高康腾禾宇川辰晟越邦锦悦昌荣鼎")
# (category code, content): the content matches its category.
_OPINIONS = [
    ("BUSINESS_ENV", "希望进一步优化营商环境，减少重复检查"), ("POLICY", "惠企政策兑现周期长，希望简化申报"),
    ("FINANCE", "企业融资难、贷款审批慢"), ("LABOR", "技术工人招聘难，希望加强校企合作"),
    ("LAND", "扩产用地指标紧张"), ("INFRA", "园区道路破损，货车通行不便"),
    ("APPROVAL", "项目审批环节多、时间长"), ("OTHER", "希望多组织政企交流活动"),
]
_MICRO = [
    ("URBAN", "小区门口道路破损积水，建议尽快修复"), ("URBAN", "希望增设公交站点"),
    ("ENVIRONMENT", "垃圾清运不及时，异味较大"), ("ENVIRONMENT", "河道保洁不到位"),
    ("PROPERTY", "小区路灯损坏，夜间出行不便"), ("PROPERTY", "小区停车位不足"),
    ("LIVELIHOOD", "社区缺少养老服务设施"), ("EDUCATION", "学校周边上下学时段交通拥堵"),
    ("HEALTH", "社区卫生服务站就诊时间短"), ("AGRICULTURE", "农村饮水管网老化"),
    ("GOVERNANCE", "菜市场周边占道经营"), ("BUSINESS", "个体工商户办证手续繁琐"),
    ("OTHER", "希望增加社区文体活动场地"),
]
_FORMAL = [  # (title topic, lead department)
    ("加快老旧小区改造", "住房和城乡建设局"), ("加强农村公路养护", "交通运输局"),
    ("推进城乡供水一体化", "水利局"), ("优化中小学学位供给", "教育局"), ("完善居家养老服务", "民政局"),
    ("加强基层医疗卫生服务能力", "卫生健康委员会"), ("支持中小企业融资", "财政局"),
    ("整治城区交通拥堵", "公安分局"), ("加强农村人居环境整治", "农业农村局"),
    ("促进高校毕业生就业", "人力资源和社会保障局"), ("加强食品安全监管", "市场监督管理局"),
    ("加强大气污染防治", "生态环境局"), ("推动文旅融合发展", "文化广电和旅游局"),
]
_NUMERALS = ["一", "二", "三", "四", "五", "六"]


# =========================================================================================
# SQL helpers
# =========================================================================================

def _zh(enum: str, code: str) -> str:
    return ENUMS[enum][code][0]


def _list(items: list[str]) -> str:
    return "[" + ", ".join(lit(x) for x in items) + "]"


def _pick(i: str, salt: str, items: list[str]) -> str:
    """One of ``items``, uniformly, by row ``i``."""
    return f"{_list(items)}[1 + u({i}, {lit(salt)}, {len(items)})]"


def _weighted(i: str, salt: str, pairs: list[tuple[str, int]]) -> str:
    """One of the SQL expressions of ``pairs`` (expression, weight), by row ``i``."""
    total = sum(w for _e, w in pairs)
    x = f"u({i}, {lit(salt)}, {total})"
    out, acc = "CASE", 0
    for expr, w in pairs[:-1]:
        acc += w
        out += f" WHEN {x} < {acc} THEN {expr}"
    return out + f" ELSE {pairs[-1][0]} END"


def _enum(i: str, salt: str, enum: str, weights: dict[str, int]) -> str:
    """An enumeration's Chinese label, weighted by code."""
    return _weighted(i, salt, [(lit(_zh(enum, code)), w) for code, w in weights.items()])


def _day(expr: str) -> str:
    """The date ``expr`` days after FIRST_DAY."""
    return f"(DATE {lit(FIRST_DAY.isoformat())} + CAST({expr} AS INTEGER))"


def _yes(i: str, salt: str, percent: str | int) -> str:
    return f"CASE WHEN u({i}, {lit(salt)}, 100) < {percent} THEN '是' ELSE '否' END"


def _id(prefix: str, i: str) -> str:
    return f"{lit(prefix)} || lpad(CAST({i} + 1 AS VARCHAR), 10, '0')"


def _short(town: str) -> str:
    for suf in TOWN_SUFFIXES:
        if town.endswith(suf) and len(town) > len(suf) + 1:
            return town[: -len(suf)]
    return town


# =========================================================================================
# Towns and districts
# =========================================================================================

def _reference() -> list[tuple[str, str, str, str, str]]:
    with open(REFERENCE_TOWNS, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [(r["区"].strip(), r["镇街"].strip(), r["类型"].strip(), r["区划代码"].strip(),
             r["纳入统计"].strip()) for r in rows]


def _build_towns(con: duckdb.DuckDBPyConnection, districts: int, towns: int) -> None:
    """Tables ``_dist`` (d, district, code6) and ``_town`` (t, d, district, town, short,
    type, code12, code6, villages, counted): the reference districts first, then the
    synthetic ones."""
    ref = _reference()
    type_code = {zh: code for code, (zh, _en) in ENUMS["town_type"].items()}
    ref_districts = list(dict.fromkeys(r[0] for r in ref))
    rd, rt = len(ref_districts), len(ref)
    sd, st = districts - rd, towns - rt
    if sd < 0 or st < sd:
        raise ValueError(f"需要至少 {rd} 个区、每个新增区至少 1 个镇街（共 {rt + max(sd, 0)} 个镇街） · "
                         f"need at least {rd} districts and one town per added district")
    con.execute("CREATE TABLE _ref (t BIGINT, d BIGINT, district VARCHAR, town VARCHAR, short VARCHAR, "
                "type VARCHAR, code12 VARCHAR, counted BOOLEAN)")
    con.executemany("INSERT INTO _ref VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(t, ref_districts.index(r[0]), r[0], r[1], _short(r[1]), type_code[r[2]], r[3],
                      r[4] == "是") for t, r in enumerate(ref)])
    ref_dshort = [d[:-1] if d.endswith(("区", "县", "市")) else d for d in ref_districts]
    ref_tshort = sorted({_short(r[1]) for r in ref})

    # District names: every (first, second) pair once, in a hash order; no doubled
    # character, none equal to a reference district.
    a, b = len(_DISTRICT_FIRST), len(_DISTRICT_SECOND)
    con.execute(
        "CREATE TABLE _dname AS SELECT row_number() OVER (ORDER BY u(k, 'dname', 4294967296), k) - 1 AS rank, "
        "name FROM (SELECT k, "
        f"{_list(_DISTRICT_FIRST)}[1 + k % {a}] || {_list(_DISTRICT_SECOND)}[1 + k // {a}] AS name "
        f"FROM range({a * b}) r(k)) WHERE substr(name, 1, 1) <> substr(name, 2, 1) "
        f"AND name NOT IN (SELECT unnest({_list(ref_dshort)}))")
    pool = con.execute("SELECT count(*) FROM _dname").fetchone()[0]
    if sd > pool:
        raise ValueError(f"区名最多可生成 {pool + rd} 个 · at most {pool + rd} districts")
    # Town names likewise (two or three characters before the suffix).
    a, b = len(_TOWN_FIRST), len(_TOWN_SECOND)
    con.execute(
        "CREATE TABLE _tname AS SELECT row_number() OVER (ORDER BY u(k, 'tname', 4294967296), k) - 1 AS rank, "
        "short FROM (SELECT k, "
        f"{_list(_TOWN_FIRST)}[1 + k % {a}] || {_list(_TOWN_SECOND)}[1 + k // {a}] AS short "
        f"FROM range({a * b}) r(k)) WHERE short NOT IN (SELECT unnest({_list(ref_tshort)}))")
    pool = con.execute("SELECT count(*) FROM _tname").fetchone()[0]
    if st > pool:
        raise ValueError(f"镇街名最多可生成 {pool + rt} 个 · at most {pool + rt} towns")

    # Synthetic districts: 区 / 县 / 县级市, a division code, and a share of the towns
    # (weight 5..24; every district at least one town).
    extra = st - sd
    suffix = _weighted("d", "dsuffix", [("'区'", 35), ("'县'", 50), ("'市'", 15)])
    con.execute(
        "CREATE TABLE _sdist AS "
        "WITH s AS ("
        f"  SELECT d, n.name || {suffix} AS district, 5 + u(d, 'dweight', 20) AS w, "
        f"  {_list(_PROVINCES)}[1 + (d - {rd}) % {len(_PROVINCES)}] "
        f"  || lpad(CAST(21 + (d - {rd}) // {len(_PROVINCES)} // 99 AS VARCHAR), 2, '0') "
        f"  || lpad(CAST(1 + (d - {rd}) // {len(_PROVINCES)} % 99 AS VARCHAR), 2, '0') AS code6 "
        f"  FROM range({rd}, {districts}) r(d) JOIN _dname n ON n.rank = d - {rd}), "
        "c AS (SELECT *, coalesce(sum(w) OVER (ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) "
        "  AS before, sum(w) OVER () AS total FROM s) "
        f"SELECT d, district, code6, (d - {rd}) + CAST({extra} * before // total AS BIGINT) AS start FROM c")
    con.execute(
        "CREATE TABLE _sdist2 AS SELECT *, "
        f"lead(start, 1, {st}) OVER (ORDER BY d) - start AS n FROM _sdist")
    most = con.execute("SELECT coalesce(max(n), 0) FROM _sdist2").fetchone()[0]
    if most > MAX_TOWNS_PER_DISTRICT:
        raise ValueError(f"每个区的镇街过多（{most}） · too many towns per district ({most})")
    con.execute(
        "CREATE TABLE _dist AS "
        "SELECT d, any_value(district) AS district, min(left(code12, 6)) AS code6 FROM _ref GROUP BY d "
        "UNION ALL SELECT d, district, code6 FROM _sdist2")
    # Synthetic towns: the type follows the district (区 mostly streets, 县 mostly towns).
    ttype = ("CASE WHEN right(s.district, 1) = '区' THEN "
             + _weighted("t", "ttype", [("'STREET'", 70), ("'TOWN'", 27), ("'OTHER'", 3)])
             + " WHEN right(s.district, 1) = '县' THEN "
             + _weighted("t", "ttype", [("'STREET'", 12), ("'TOWN'", 85), ("'OTHER'", 3)])
             + " ELSE " + _weighted("t", "ttype", [("'STREET'", 40), ("'TOWN'", 57), ("'OTHER'", 3)])
             + " END")
    con.execute(
        "CREATE TABLE _stown AS "
        f"SELECT t, d, district, code6, seq, {ttype} AS type FROM ("
        f"  SELECT {rt} + start + seq AS t, d, district, code6, seq "
        "  FROM (SELECT *, unnest(range(n)) AS seq FROM _sdist2)) s")
    suffix = ("CASE type WHEN 'STREET' THEN '街道' WHEN 'TOWN' THEN "
              f"CASE WHEN right(district, 1) = '县' AND u(t, 'xiang', 100) < 20 THEN '乡' ELSE '镇' END "
              f"ELSE {_pick('t', 'other', _OTHER_SUFFIXES)} END")
    villages = ("CASE type WHEN 'STREET' THEN 4 + u(t, 'villages', 12) WHEN 'TOWN' THEN 8 + u(t, 'villages', 23) "
                "ELSE 1 + u(t, 'villages', 6) END")
    con.execute(
        "CREATE TABLE _town AS "
        "SELECT t, d, district, town, short, type, code12, left(code12, 6) AS code6, "
        "CAST(NULL AS BIGINT) AS villages, counted FROM _ref "
        "UNION ALL "
        f"SELECT s.t, s.d, s.district, n.short || {suffix} AS town, n.short, s.type, "
        f"s.code6 || lpad(CAST(s.seq + 1 AS VARCHAR), 3, '0') || '000' AS code12, s.code6, "
        f"{villages} AS villages, s.type <> 'OTHER' AS counted "
        f"FROM _stown s JOIN _tname n ON n.rank = s.t - {rt}")
    counts = con.execute("SELECT count(*), count(DISTINCT t), count(DISTINCT town), count(DISTINCT code12), "
                         "(SELECT count(DISTINCT district) FROM _dist), (SELECT count(*) FROM _dist) "
                         "FROM _town").fetchone()
    assert counts == (towns, towns, towns, towns, districts, districts), counts


# =========================================================================================
# Record kinds
# =========================================================================================

def _kind_sql(kind: str, n: dict[str, int]) -> tuple[str, list[tuple[str, str]], bool]:
    """(FROM clause over row number ``i``, [(column id, SQL expression)], order by i)."""
    T, S, D = n["towns"], n["stations"], n["deputies"]
    V = n["enterprise_visits"]
    town_join = "JOIN _town tw ON tw.t = u(i, 'town', {T})".format(T=T)
    if kind == "towns":
        type_label = "CASE tw.type " + " ".join(
            f"WHEN {lit(c)} THEN {lit(zh)}" for c, (zh, _en) in ENUMS["town_type"].items()) + " END"
        return "_town tw", [
            ("district", "tw.district"), ("town", "tw.town"), ("town_type", type_label),
            ("town_code", "tw.code12"), ("villages", "tw.villages"),
            ("counted", "CASE WHEN tw.counted THEN '是' ELSE '否' END"),
        ], False
    if kind == "stations":
        # Station s < T is town s's own station (a deputies' home or liaison station);
        # the others sit in a town drawn by hash and are of any kind.
        skind = ("CASE WHEN i < {T} THEN CASE WHEN tw.type = 'TOWN' THEN 'HOME' ELSE 'STATION' END ELSE "
                 .format(T=T)
                 + _weighted("i", "skind", [("'STATION'", 40), ("'POINT'", 25), ("'STUDIO'", 15),
                                            ("'HOME'", 10), ("'PRACTICE_POINT'", 7), ("'PRACTICE_BASE'", 3)])
                 + " END")
        label = "CASE k " + " ".join(f"WHEN {lit(c)} THEN {lit(zh)}"
                                     for c, (zh, _en) in ENUMS["station_kind"].items()) + " END"
        # Opened 2016 .. 2025; practice points and bases upgraded 1..24 months later.
        opened = (f"(DATE {lit(STATIONS_SINCE.isoformat())} + "
                  f"CAST(u(i, 'opened', {(LAST_DAY - STATIONS_SINCE).days + 1}) AS INTEGER))")
        upgraded = ("CASE WHEN k IN ('PRACTICE_POINT', 'PRACTICE_BASE') THEN "
                    "LEAST(opened + CAST(30 + u(i, 'upgraded', 700) AS INTEGER), "
                    f"DATE {lit(LAST_DAY.isoformat())}) END")
        return (f"(SELECT i, {skind} AS k, tw.district, tw.town, tw.short, tw.type, {opened} AS opened "
                f"FROM range({S}) r(i) JOIN _town tw ON tw.t = station_town(i)) x"), [
            ("station_id", _id("ZD", "i")),
            ("name", f"CASE WHEN i < {T} THEN x.short || {label} "
                     f"ELSE x.short || {_pick('i', 'place', _PLACE_WORDS)} || "
                     f"CASE WHEN x.type = 'STREET' THEN '社区' ELSE '村' END || {label} END"),
            ("kind", label), ("district", "x.district"), ("town", "x.town"),
            ("opened_on", "opened"), ("upgraded_on", upgraded),
            ("theme", f"CASE WHEN u(i, 'theme', 3) = 0 THEN {_pick('i', 'theme', _THEMES)} END"),
        ], S <= 4 * T
    if kind == "deputies":
        level = _enum("i", "level", "deputy_level",
                      {"TOWN": 60, "DISTRICT": 25, "CITY": 8, "PROVINCE": 4, "NATIONAL": 1, "VOTER_REP": 2})
        return f"range({D}) r(i) JOIN _town tw ON tw.t = deputy_town(i)", [
            ("deputy_id", _id("DB", "i")),
            ("name", f"{_pick('i', 'surname', _SURNAMES)} || {_pick('i', 'given', _GIVEN)}"),
            ("level", level), ("district", "tw.district"), ("town", "tw.town"),
            ("station_id", _id("ZD", "deputy_station(i)")),
            ("sector", _pick("i", "sector", _SECTORS)),
            ("gender", "CASE WHEN u(i, 'gender', 100) < 62 THEN '男' ELSE '女' END"),
        ], D <= 4 * T
    if kind == "activities":
        statutory = ("CASE WHEN tw.type = 'TOWN' THEN " + lit(_zh("activity_kind", "TOWN_CONGRESS"))
                     + " ELSE " + lit(_zh("activity_kind", "STREET_COUNCIL")) + " END")
        akind = _weighted("i", "akind", [(statutory, 8)] + [
            (lit(_zh("activity_kind", c)), w) for c, w in
            (("WORK_REVIEW", 5), ("DEPUTY_VOTER", 12), ("PUBLICITY", 30), ("RECEPTION", 20),
             ("LIAISON", 15), ("OTHER", 10))])
        venue = _enum("i", "venue", "venue", {"VILLAGE_OFFICE": 30, "RESIDENT_HOME": 8, "FIELD": 7,
                                              "DEPUTY_HOME": 25, "STATION": 25, "OTHER": 5})
        return f"range({n['activities']}) r(i) {town_join}", [
            ("activity_id", _id("HD", "i")), ("kind", akind),
            ("district", "tw.district"), ("town", "tw.town"),
            ("date", _day(f"u(i, 'date', {DAYS})")), ("venue", venue),
            ("topic", _pick("i", "topic", _TOPICS)),
            ("deputies", "1 + u(i, 'deputies', 12)"), ("voter_reps", "u(i, 'voter_reps', 20)"),
            ("social_workers", "u(i, 'social', 8)"), ("public", "u(i, 'public', 60)"),
            ("opinions", "u(i, 'opinions', 12)"),
        ], n["activities"] <= 4 * T
    if kind == "enterprise_visits":
        word = f"u(i, 'industry', {len(_INDUSTRIES)})"
        body = "lpad(CAST(u(i, 'credit', 1000000000) AS VARCHAR), 9, '0')"
        return f"range({V}) r(i) {town_join}", [
            ("visit_id", _id("ZF", "i")), ("date", _day("visit_day(i)")),
            ("district", "tw.district"), ("town", "tw.town"),
            ("enterprise", f"tw.short || {_pick('i', 'brand_a', _BRAND_A)} || {_pick('i', 'brand_b', _BRAND_B)} "
                           f"|| {_list([w for w, _ in _INDUSTRIES])}[1 + {word}] || '有限公司'"),
            ("credit_code", f"CASE WHEN u(i, 'has_credit', 100) < 95 THEN credit('91' || tw.code6 || {body}) END"),
            ("industry", f"{_list([ind for _, ind in _INDUSTRIES])}[1 + {word}]"),
            ("province_deputies", "CASE WHEN u(i, 'prov', 100) < 5 THEN 1 ELSE 0 END"),
            ("city_deputies", "u(i, 'city', 2)"), ("district_deputies", "u(i, 'district', 3)"),
            ("town_deputies", "1 + u(i, 'townd', 3)"),
            ("questionnaire", _yes("i", "questionnaire", 70)),
        ], V <= 4 * T
    if kind == "enterprise_opinions":
        pick = f"u(i, 'opinion', {len(_OPINIONS)})"
        cat = "CASE " + " ".join(f"WHEN {pick} = {j} THEN {lit(_zh('opinion_category', c))}"
                                 for j, (c, _t) in enumerate(_OPINIONS)) + " END"
        status = "u(i, 'status', 100)"
        resolved = "visit_day(v) + 5 + u(i, 'resolved', 115)"  # after the visit
        status_label = ("CASE WHEN s < 5 THEN {p} WHEN s < 15 THEN {a} WHEN s < 35 THEN {ip} ELSE {r} END"
                        .format(p=lit(_zh("opinion_status", "PENDING")), a=lit(_zh("opinion_status", "ASSIGNED")),
                                ip=lit(_zh("opinion_status", "IN_PROGRESS")),
                                r=lit(_zh("opinion_status", "RESOLVED"))))
        return (f"(SELECT i, u(i, 'visit', {V}) AS v, {status} AS s "
                f"FROM range({n['enterprise_opinions']}) r(i)) x"), [
            ("opinion_id", _id("YJ", "i")), ("visit_id", _id("ZF", "v")),
            ("source", f"CASE WHEN u(i, 'source', 100) < 70 THEN {lit(_zh('opinion_source', 'ENTERPRISE'))} "
                       f"ELSE {lit(_zh('opinion_source', 'DEPUTY'))} END"),
            ("category", cat),
            ("content", f"{_list([t for _c, t in _OPINIONS])}[1 + {pick}]"),
            ("status", status_label),
            ("resolved_on", f"CASE WHEN s >= 35 THEN {_day(resolved)} END"),
        ], False
    if kind == "micro_suggestions":
        pick = f"u(i, 'micro', {len(_MICRO)})"
        cat = "CASE " + " ".join(f"WHEN {pick} = {j} THEN {lit(_zh('micro_category', c))}"
                                 for j, (c, _t) in enumerate(_MICRO)) + " END"
        st = "u(i, 'status', 100)"
        codes = [("SUBMITTED", 5), ("ACCEPTED", 5), ("ASSIGNED", 8), ("IN_PROGRESS", 12), ("REJECTED", 5),
                 ("REPLIED", 15), ("CLOSED", 50)]
        status, acc = "CASE", 0
        for c, w in codes[:-1]:
            acc += w
            status += f" WHEN s < {acc} THEN {lit(c)}"
        status += f" ELSE {lit(codes[-1][0])} END"
        label = "CASE st " + " ".join(f"WHEN {lit(c)} THEN {lit(_zh('micro_status', c))}" for c, _w in codes) + " END"
        outcome = _enum("i", "outcome", "micro_outcome", {"SOLVED": 60, "EXPLAINED": 20, "PLANNED": 15,
                                                          "UNSOLVABLE": 5})
        rating = _enum("i", "rating", "rating", {"SATISFIED": 80, "BASICALLY": 15, "DISSATISFIED": 5})
        inner = (f"SELECT i, {st} AS s, u(i, 'has_deputy', 100) < 75 AS has_dep, u(i, 'deputy', {D}) AS dep, "
                 f"u(i, 'submitted', {DAYS}) AS sub, u(i, 'accept', 4) AS acc_days, "
                 f"1 + u(i, 'close', 60) AS close_days FROM range({n['micro_suggestions']}) r(i)")
        return (f"(SELECT x.*, {status} AS st FROM ({inner}) x) m "
                f"JOIN _town tw ON tw.t = CASE WHEN has_dep THEN deputy_town(dep) ELSE u(i, 'town', {T}) END"), [
            ("suggestion_id", _id("WJY", "i")), ("submitted_on", _day("sub")),
            ("district", "tw.district"), ("town", "tw.town"), ("category", cat), ("status", label),
            ("deputy_id", f"CASE WHEN has_dep THEN {_id('DB', 'dep')} END"),
            ("department", f"CASE WHEN st NOT IN ('SUBMITTED', 'ACCEPTED', 'REJECTED') THEN "
                           f"{_pick('i', 'department', _DEPARTMENTS)} END"),
            ("accepted_on", f"CASE WHEN st NOT IN ('SUBMITTED', 'REJECTED') THEN {_day('sub + acc_days')} END"),
            ("closed_on", f"CASE WHEN st IN ('REPLIED', 'CLOSED') THEN {_day('sub + acc_days + close_days')} END"),
            ("outcome", f"CASE WHEN st IN ('REPLIED', 'CLOSED') THEN {outcome} END"),
            ("rating", f"CASE WHEN st = 'CLOSED' AND u(i, 'rated', 100) < 85 THEN {rating} END"),
            ("content", f"{_list([t for _c, t in _MICRO])}[1 + {pick}]"),
        ], n["micro_suggestions"] <= 4 * T
    if kind == "formal_suggestions":
        pick = f"u(i, 'formal', {len(_FORMAL)})"
        result = _weighted("i", "result", [("'A'", 55), ("'B'", 30), ("'C'", 10), ("'D'", 5)])
        feedback = _enum("i", "feedback", "rating", {"SATISFIED": 85, "BASICALLY": 12, "DISSATISFIED": 3})
        return (f"(SELECT i, u(i, 'deputy', {D}) AS dep, u(i, 'assigned', {DAYS}) AS asg, "
                f"u(i, 'replied', 100) < 90 AS replied FROM range({n['formal_suggestions']}) r(i)) f "
                "JOIN _town tw ON tw.t = deputy_town(dep)"), [
            ("suggestion_id", _id("JY", "i")), ("district", "tw.district"),
            ("session", f"tw.district || '第十八届人民代表大会第' || {_list(_NUMERALS)}"
                        f"[year({_day('asg')}) - {FIRST_DAY.year - 1}] || '次会议'"),
            ("title", f"'关于' || {_list([t for t, _d in _FORMAL])}[1 + {pick}] || '的建议'"),
            ("department", f"{_list([d for _t, d in _FORMAL])}[1 + {pick}]"),
            ("deputy_id", _id("DB", "dep")),
            ("assigned_on", _day("asg")),
            ("replied_on", f"CASE WHEN replied THEN {_day('asg + 20 + u(i, ' + lit('reply') + ', 70)')} END"),
            ("result", f"CASE WHEN replied THEN {result} END"),
            ("feedback", f"CASE WHEN replied AND u(i, 'fed', 100) < 90 THEN {feedback} END"),
            ("key_supervised", _yes("i", "key", 8)),
        ], n["formal_suggestions"] <= 4 * T
    if kind == "appraisals":
        # Two rows per appraisal (a = i // 2): one per evaluator type.
        evaluator = ("CASE WHEN i % 2 = 0 THEN " + lit(_zh("evaluator_type", "SC_MEMBER"))
                     + " ELSE " + lit(_zh("evaluator_type", "INVITED")) + " END")
        n_d = n["_districts"]
        return (f"(SELECT i, i // 2 AS a FROM range({n['appraisals']}) r(i)) x "
                f"JOIN _dist ds ON ds.d = u(a, 'district', {n_d})"), [
            ("appraisal_id", _id("PY", "a")), ("district", "ds.district"),
            ("year", f"{FIRST_DAY.year} + u(a, 'year', {len(YEARS)})"),
            ("department", _pick("a", "department", _DEPARTMENTS)),
            ("evaluator_type", evaluator),
            ("satisfied", "CASE WHEN i % 2 = 0 THEN 18 + u(i, 'sat', 12) ELSE 10 + u(i, 'sat', 10) END"),
            ("basically_satisfied", "u(i, 'basic', 8)"), ("dissatisfied", "u(i, 'dis', 3)"),
        ], True
    if kind == "practice_sites":
        stage_code = _weighted("i", "stage", [("'PLANNED'", 10), ("'PILOT'", 20), ("'BUILT'", 30),
                                              ("'ACCEPTED'", 40)])
        label = "CASE stage " + " ".join(f"WHEN {lit(c)} THEN {lit(zh)}"
                                         for c, (zh, _en) in ENUMS["site_stage"].items()) + " END"
        yes = {"PLANNED": 0, "PILOT": 40, "BUILT": 75, "ACCEPTED": 90}
        pct = "CASE stage " + " ".join(f"WHEN {lit(c)} THEN {p}" for c, p in yes.items()) + " END"
        return (f"(SELECT i, {stage_code} AS stage, u(i, 'started', {DAYS - 300}) AS st, "
                f"60 + u(i, 'built', 120) AS bd, 20 + u(i, 'acc', 70) AS ad, u(i, 'town', {T}) AS town_i "
                f"FROM range({n['practice_sites']}) r(i)) p JOIN _town tw ON tw.t = town_i"), [
            ("site_id", _id("SJD", "i")), ("district", "tw.district"), ("town", "tw.town"),
            ("name", f"tw.short || {_pick('i', 'place', _PLACE_WORDS)} || "
                     "CASE WHEN tw.type = 'STREET' THEN '社区' ELSE '村' END || '全过程人民民主基层实践点'"),
            ("theme", _pick("i", "theme", _THEMES)), ("stage", label),
            ("started_on", _day("st")),
            ("built_on", f"CASE WHEN stage IN ('BUILT', 'ACCEPTED') THEN {_day('st + bd')} END"),
            ("accepted_on", f"CASE WHEN stage = 'ACCEPTED' THEN {_day('st + bd + ad')} END"),
            ("screen", _yes("i", "screen", pct)), ("notice_board", _yes("i", "notice", pct)),
            ("studio", _yes("i", "studio", pct)), ("hall", _yes("i", "hall", pct)),
            ("education", _yes("i", "education", pct)),
            ("score", "CASE WHEN stage <> 'PLANNED' THEN round(60 + u(i, 'score', 400) / 10.0, 1) END"),
        ], n["practice_sites"] <= 4 * T
    if kind == "rollout_plan":
        k = len(ROLLOUT)
        year = f"CASE i % {k} " + " ".join(f"WHEN {j} THEN {y}" for j, (y, _p, _t) in enumerate(ROLLOUT)) + " END"
        phase = f"CASE i % {k} " + " ".join(
            f"WHEN {j} THEN {lit(_zh('rollout_phase', p))}" for j, (_y, p, _t) in enumerate(ROLLOUT)) + " END"
        tenths = f"CASE i % {k} " + " ".join(f"WHEN {j} THEN {t}" for j, (_y, _p, t) in enumerate(ROLLOUT)) + " END"
        return (f"range({n['rollout_plan']}) r(i) JOIN _dist ds ON ds.d = i // {k} "
                "JOIN (SELECT d, count(*) FILTER (WHERE counted) AS c FROM _town GROUP BY d) tc ON tc.d = ds.d"), [
            ("district", "ds.district"), ("year", year), ("phase", phase),
            ("target_towns", f"CAST(ceil(tc.c * {tenths} / 10.0) AS BIGINT)"),
        ], True
    raise KeyError(kind)  # pragma: no cover


def _macros(con: duckdb.DuckDBPyConnection, seed: int, n: dict[str, int]) -> None:
    T, S = n["towns"], n["stations"]
    for m in (
        # A uniform whole number in [0, m) drawn by row i and a salt. (Each kind draws with
        # u(), which adds the kind's name to the salt — see generate(); h() is for the
        # functions that several kinds share.)
        f"CREATE MACRO h(i, s, m) AS CAST(hash(i, s, {int(seed)}) % m AS BIGINT)",
        f"CREATE MACRO u(i, s, m) AS CAST(hash(i, s, 'towns', {int(seed)}) % m AS BIGINT)",
        # Station s: the first T stations are one per town; the others sit in a drawn town.
        f"CREATE MACRO station_town(s) AS CASE WHEN s < {T} THEN s ELSE h(s, 'station_town', {T}) END",
        # Deputy i: the first T deputies are one per town (at its own station); the others
        # belong to a drawn station and live in its town.
        f"CREATE MACRO deputy_station(i) AS CASE WHEN i < {T} THEN i ELSE h(i, 'deputy_station', {S}) END",
        "CREATE MACRO deputy_town(i) AS station_town(deputy_station(i))",
        f"CREATE MACRO visit_day(v) AS h(v, 'visit_day', {DAYS})",
        # GB 32100: the check character of a 17-character credit code body (digits only here).
        "CREATE MACRO credit(b) AS b || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', CAST((31 - CAST(list_sum("
        "[CAST(substr(b, k, 1) AS BIGINT) * [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28][k] "
        "for k in range(1, 18)]) AS BIGINT) % 31) % 31 + 1 AS BIGINT), 1)",
    ):
        con.execute(m)


def generate(rows: int, out: Path | str, *, districts: int = DISTRICTS, towns: int = TOWNS, seed: int = 0,
             progress=None) -> ScaleResult:
    """Write the dataset for ``rows`` activities into the folder ``out`` (one Parquet file
    per kind; files of the same names are replaced). ``progress(kind, rows, seconds)`` is
    called after each file."""
    if rows < 1:
        raise ValueError("活动行数至少为 1 · --rows must be at least 1")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    n = plan(rows, districts, towns)
    start = time.perf_counter()
    result = ScaleResult(out=out, rows={}, seconds={}, files={})
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        _macros(con, seed, n)
        t0 = time.perf_counter()
        _build_towns(con, districts, towns)
        town_seconds = time.perf_counter() - t0
        ctx = dict(n, _districts=districts)
        for k in KINDS:
            t0 = time.perf_counter()
            # Draws of one kind are independent of another's (row i of two kinds must not
            # land in the same town or name the same deputy).
            con.execute(f"CREATE OR REPLACE MACRO u(i, s, m) AS "
                        f"CAST(hash(i, s, {lit(k.name)}, {int(seed)}) % m AS BIGINT)")
            source, cols, order = _kind_sql(k.name, ctx)
            assert [c for c, _e in cols] == [c.id for c in k.columns], k.name
            select = ", ".join(f"{e} AS \"{k.column(c).label}\"" for c, e in cols)
            path = out / file_name(k.name)
            part = out / f".{path.name}.part"  # hidden: a load of the folder skips it
            query = f"SELECT {select} FROM {source}" + (" ORDER BY i" if order else "")
            if k.name == "towns":
                query += " ORDER BY tw.t"
            con.execute(f"COPY ({query}) TO {lit(str(part))} (FORMAT parquet)")
            os.replace(part, path)
            result.rows[k.name] = n[k.name]
            result.seconds[k.name] = time.perf_counter() - t0 + (town_seconds if k.name == "towns" else 0.0)
            result.files[k.name] = path
            result.bytes += path.stat().st_size
            if progress:
                progress(k.name, n[k.name], result.seconds[k.name])
    finally:
        con.close()
    result.total_seconds = time.perf_counter() - start
    return result


def format_summary(result: ScaleResult) -> str:
    lines = [f"模拟全国数据已写入 · synthetic national dataset written: {result.out}"]
    for k in KINDS:
        if k.name in result.rows:
            pad = " " * (12 - 2 * len(k.label))  # a Chinese character is two columns wide
            lines.append(f"  {k.label}{pad}{k.name:<20} {result.rows[k.name]:>14,} 行 rows "
                         f"{result.seconds[k.name]:8.1f} 秒 s")
    total = sum(result.rows.values())
    lines.append(f"合计 · total: {total:,} 行 rows, {result.bytes / 1e6:,.1f} MB, "
                 f"{result.total_seconds:.1f} 秒 s")
    lines.append(f"导入 · load: python -m etl load {result.out}")
    return "\n".join(lines)
