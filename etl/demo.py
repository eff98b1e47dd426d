"""The demo dataset: synthetic, plausible records for 清江浦区 and 淮安区, 2022-01-01 .. AS_OF.

What the demo must hold is fixed by ``shared/spec/demo-dataset.md``: the figures that the
source article reports for 2023 come out exactly, everything else is plausible and has
something to find (three statutory misses in 2025, overdue micro-suggestions, late
replies, contents with a phone number, ...).

* :func:`demo_frames` gives one DataFrame per record kind, headed by the Chinese labels of
  ``etl/spec.py`` and filled as a clerk would type it (dates as ``datetime.date``,
  enumerations mostly as their Chinese label, yes/no as 是/否).
* :func:`write_demo_files` writes them as contract input files: one workbook with several
  sheets (one of them with a title row above the header) and CSV files in UTF-8 with BOM
  and in GB18030.
* :func:`build_demo` writes the files and loads them through the ETL like real data.

Everything is deterministic: each section draws from its own ``random.Random`` seeded with
a fixed string; nothing depends on today's date, on hash order or on global random state.
Names of people and enterprises are composed from word lists and are not real.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import pathlib
import random
import re
import zipfile
from dataclasses import dataclass

import pandas as pd

from etl.spec import ENUMS, KIND_BY_NAME

__all__ = [
    "AS_OF",
    "PERIOD_START",
    "YEARS",
    "demo_frames",
    "write_demo_files",
    "build_demo",
    "default_out_dir",
    "credit_code_check_char",
]

AS_OF = dt.date(2026, 10, 31)
PERIOD_START = dt.date(2022, 1, 1)
YEARS = (2022, 2023, 2024, 2025, 2026)
SEED = "huaian-oversight-demo-v1"

QJP = "清江浦区"
HA = "淮安区"
DISTRICTS = (QJP, HA)
PREFIX = {QJP: "QJP", HA: "HA"}

_TOWNS_CSV = pathlib.Path(__file__).resolve().parent / "reference" / "towns.csv"

XLSX_NAME = "人大工作台账_演示数据.xlsx"
# (kind, title row above the header or None); sheets are named by the kind's Chinese label.
XLSX_SHEETS: tuple[tuple[str, str | None], ...] = (
    ("towns", None),
    ("stations", None),
    ("deputies", None),
    ("activities", "2022—2026年活动台账（演示数据）"),
    ("enterprise_visits", "2022—2026年“进企业促发展”走访台账（演示数据）"),
    ("enterprise_opinions", None),
)
# (kind, file name, encoding)
CSV_FILES: tuple[tuple[str, str, str], ...] = (
    ("micro_suggestions", "micro_suggestions.csv", "utf-8-sig"),
    ("formal_suggestions", "代表建议.csv", "gb18030"),
    ("appraisals", "工作评议.csv", "utf-8-sig"),
    ("practice_sites", "practice_sites.csv", "utf-8-sig"),
    ("rollout_plan", "全覆盖计划.csv", "utf-8-sig"),
)
# Enumeration columns written as the code rather than the Chinese label (clerks write "A").
_AS_CODE: dict[str, set[str]] = {"formal_suggestions": {"result"}}

# Fixed timestamp for the workbook's zip entries and document properties.
_ZIP_TIME = (2026, 10, 31, 0, 0, 0)


# =========================================================================================
# Small helpers
# =========================================================================================

def _rng(section: str) -> random.Random:
    """A generator of its own for each section (string seeds are hashed with SHA-512 by
    :mod:`random`, so they do not depend on PYTHONHASHSEED)."""
    return random.Random(f"{SEED}:{section}")


def _rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A date in [start, end] (inclusive)."""
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _weighted(rng: random.Random, pairs: list[tuple[object, float]]):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=1)[0]


def _zh(enum: str, code: str) -> str:
    return ENUMS[enum][code][0]


# ---- GB 32100 unified social credit code -------------------------------------------------

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(_CREDIT_CHARS.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS))
    c = 31 - total % 31
    return _CREDIT_CHARS[0 if c == 31 else c]


def _org_code_check(body8: str) -> str:
    """GB 11714 check character of an organisation code (digits and letters A=10..Z=35)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body8, weights))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def _credit_code(rng: random.Random, division: str) -> str:
    if rng.random() < 0.65:  # codes issued since 2015: organisation part starts with MA
        body = "MA" + "".join(rng.choice(_CREDIT_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY")
                              for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + division + body + _org_code_check(body)
    return first17 + credit_code_check_char(first17)


# ---- personal numbers inside free text (for masking) -----------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def _id_number(rng: random.Random, division: str) -> str:
    """A synthetic 18-digit resident ID number with a valid GB 11643 check digit."""
    while True:
        birth = _rand_date(rng, dt.date(1955, 1, 1), dt.date(1995, 12, 31))
        first17 = division + birth.strftime("%Y%m%d") + f"{rng.randint(0, 999):03d}"
        check = "10X98765432"[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]
        if check != "X":
            return first17 + check


# =========================================================================================
# Towns and places
# =========================================================================================

@dataclass(frozen=True)
class Town:
    district: str
    name: str
    type: str          # STREET / TOWN / OTHER
    code: str
    counted: bool

    @property
    def short(self) -> str:
        for suffix in ("街道", "镇"):
            if self.name.endswith(suffix) and len(self.name) > len(suffix) + 1:
                return self.name[: -len(suffix)]
        return self.name

    @property
    def office(self) -> str:
        return f"{self.name}办事处" if self.type == "STREET" else f"{self.name}人民政府"


def _reference_towns() -> list[Town]:
    type_code = {zh: code for code, (zh, _en) in ENUMS["town_type"].items()}
    with open(_TOWNS_CSV, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [Town(r["区"].strip(), r["镇街"].strip(), type_code[r["类型"].strip()],
                 r["区划代码"].strip(), r["纳入统计"].strip() == "是") for r in rows]


_TOWNS = _reference_towns()
COUNTED: dict[str, list[Town]] = {d: [t for t in _TOWNS if t.district == d and t.counted]
                                  for d in DISTRICTS}
_TOWN = {(t.district, t.name): t for t in _TOWNS}

# Places (communities and villages) that the article names, put in plausible towns.
_FIXED_PLACES: dict[tuple[str, str], list[str]] = {
    (QJP, "柳树湾街道"): ["富强社区", "朝阳社区"],
    (QJP, "闸口街道"): ["花街社区"],
    (HA, "淮城街道"): ["恩来社区"],
    (HA, "施河镇"): ["张兴村"],
    (HA, "车桥镇"): ["卢滩村"],
}
_COMMUNITY_WORDS = (
    "幸福", "和平", "建设", "新民", "光明", "东风", "红旗", "胜利", "团结", "友谊", "前进",
    "文化", "康乐", "长安", "永安", "安澜", "清安", "金湖", "翔宇", "运河", "水门", "人民",
    "北门", "南门", "西门", "东门", "新城", "翠竹", "华亭", "桃园", "柳园", "大兴", "永兴",
    "新兴", "太平", "长青", "兴隆", "万福", "福星", "宏图", "润泽", "清风", "明远", "康居",
    "阳光", "锦绣", "紫薇", "银河", "天润", "聚贤", "文渠", "钵池", "楚秀", "府东", "府西",
    "健康", "育才", "华西", "环城", "古槐", "枫林", "樱花", "玉带", "御码", "石码", "浦东",
    "丰登", "盛世", "嘉禾", "馨园", "怡园", "瑞景", "和美", "同心", "众安", "仁和", "静安",
    "春晖", "翠湖", "荷花", "桂花", "梅园", "竹园", "兰亭", "晨光", "朝霞", "绿洲", "碧水",
)
_COMMUNITY_FIRST = "金银新东西南北清和康福安文华春秋翠绿丽景"
_COMMUNITY_SECOND = "苑园湖河桥庭城坊里湾"
_VILLAGE_FIRST = "王李张刘陈杨周吴徐孙朱高何胡郭马林罗梁宋新大小东西南北前后中双三五六官季范蒋顾薛唐"
_VILLAGE_SECOND = "庄集圩桥湾营河口沟湖洼墩港渡滩楼园荡舍套坝"


def _places() -> dict[tuple[str, str], list[str]]:
    """About a dozen community / village names per counted town, unique within a district."""
    rng = _rng("places")
    out: dict[tuple[str, str], list[str]] = {}
    for district in DISTRICTS:
        used: set[str] = set()
        for names in (v for k, v in _FIXED_PLACES.items() if k[0] == district):
            used.update(names)
        for town in COUNTED[district]:
            names = list(_FIXED_PLACES.get((district, town.name), []))
            while len(names) < 12:
                if town.type == "STREET" or (len(names) < 2 and rng.random() < 0.5):
                    word = (rng.choice(_COMMUNITY_WORDS) if rng.random() < 0.6
                            else rng.choice(_COMMUNITY_FIRST) + rng.choice(_COMMUNITY_SECOND))
                    name = word + "社区"
                else:
                    name = rng.choice(_VILLAGE_FIRST) + rng.choice(_VILLAGE_SECOND) + "村"
                if name not in used:
                    used.add(name)
                    names.append(name)
            out[(district, town.name)] = names
    return out


# =========================================================================================
# Names of people and enterprises (synthetic)
# =========================================================================================

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
             "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛"
             "段雷侯龙陶黎贺顾毛郝龚邵万钱严武戴孔汤")
_GIVEN = ("建国", "海", "军", "伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "杰",
          "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "文", "辉", "鹏", "华",
          "红", "玲", "宇", "浩", "凯", "晨", "琳", "婷", "雪", "慧", "峰", "斌", "亮", "俊",
          "志强", "春梅", "晓东", "永华", "玉兰", "国平", "立新", "建华", "德胜", "文斌",
          "海燕", "雨欣", "思远", "子涵", "梓萱", "宏伟", "爱民", "新华", "红梅", "晓燕",
          "家豪", "振宇", "立群", "学军", "长青", "金花", "月琴", "凤英", "卫国", "建军",
          "若溪", "佳怡", "一鸣", "嘉诚", "泽宇", "明轩", "晓雯", "美玲", "秋菊", "海波")
# Names that appear in the source article (real people): never generate them.
_REAL_NAMES = {"史卫东", "李晓天", "孙丹", "徐姣", "左立旺", "杨玉琴", "史志军", "张宝娟",
               "魏国强", "曲福田", "武维华", "周恩来"}


class _NameMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set(_REAL_NAMES)

    def __call__(self) -> str:
        while True:
            name = self.rng.choice(_SURNAMES) + self.rng.choice(_GIVEN)
            if name not in self.used:
                self.used.add(name)
                return name


_BRAND_A = "恒瑞金华新博天鑫宏永嘉润盛中美益龙佳翔清海东汇德信安泰华丰隆源通达广"
_BRAND_B = "达丰源泰远成盛信捷和通世科高康腾禾宇源川辰晟越邦锦悦昌荣鼎"
_INDUSTRIES = (  # (word in the name, 行业)
    ("机械制造", "制造业"), ("精密机械", "制造业"), ("食品", "制造业"), ("新材料科技", "制造业"),
    ("电子科技", "制造业"), ("汽车零部件", "制造业"), ("包装材料", "制造业"), ("光电科技", "制造业"),
    ("纺织", "制造业"), ("服饰", "制造业"), ("家居", "制造业"), ("环保科技", "制造业"),
    ("建材", "建筑业"), ("建设工程", "建筑业"), ("物流", "交通运输、仓储和邮政业"),
    ("供应链管理", "交通运输、仓储和邮政业"), ("商贸", "批发和零售业"), ("医药", "批发和零售业"),
    ("软件技术", "信息传输、软件和信息技术服务业"), ("信息技术", "信息传输、软件和信息技术服务业"),
    ("农业发展", "农、林、牧、渔业"), ("生态农业", "农、林、牧、渔业"),
    ("文化旅游", "文化、体育和娱乐业"), ("检测技术", "科学研究和技术服务业"),
)


@dataclass(frozen=True)
class Enterprise:
    name: str
    town: str
    industry: str
    credit_code: str | None


def _enterprises() -> dict[str, list[Enterprise]]:
    rng = _rng("enterprises")
    used: set[str] = set()
    out: dict[str, list[Enterprise]] = {}
    for district in DISTRICTS:
        division = "320812" if district == QJP else "320803"
        towns = COUNTED[district]
        weights = [3 if t.type == "TOWN" else 2 for t in towns]
        pool: list[Enterprise] = []
        while len(pool) < 420:
            word, industry = rng.choice(_INDUSTRIES)
            brand = rng.choice(_BRAND_A) + rng.choice(_BRAND_B)
            if brand[0] == brand[1]:
                continue
            head = rng.choice(("淮安", "淮安", "淮安市", "江苏"))
            name = f"{head}{brand}{word}有限公司"
            if name in used:
                continue
            used.add(name)
            town = rng.choices(towns, weights=weights, k=1)[0].name
            code = _credit_code(rng, division) if rng.random() < 0.95 else None
            pool.append(Enterprise(name, town, industry, code))
        out[district] = pool
    return out


# =========================================================================================
# Practice sites and stations
# =========================================================================================

@dataclass
class _SitePlan:
    district: str
    town: str
    name: str
    theme: str
    stage: str                 # stage as of AS_OF
    year: int | None           # year started (None for PLANNED)
    accepted_year: int | None = None
    base: tuple[str, str] | None = None   # (station kind, station name) upgraded when accepted
    dates: tuple[dt.date | None, dt.date | None, dt.date | None] | None = None
    all_five: bool = False


_D = dt.date
_SITE_PLANS: tuple[_SitePlan, ...] = (
    # --- 清江浦区: the four of the article, the only ones that existed in 2023 ---
    _SitePlan(QJP, "柳树湾街道", "富强社区全过程人民民主基层实践基地", "富强美高、代表同行", "ACCEPTED",
              2023, 2023, ("STATION", "富强社区代表联络站"),
              (_D(2023, 3, 15), _D(2023, 8, 25), _D(2023, 11, 28)), all_five=True),
    _SitePlan(QJP, "柳树湾街道", "朝阳社区全过程人民民主基层实践点", "惠民生", "ACCEPTED",
              2023, 2023, ("STUDIO", "朝阳社区人大代表联合工作室"),
              (_D(2023, 4, 6), _D(2023, 9, 12), _D(2023, 11, 28))),
    _SitePlan(QJP, "闸口街道", "花街社区全过程人民民主基层实践点", "爱心志愿服务", "ACCEPTED",
              2023, 2023, ("STUDIO", "花街社区代表工作室"),
              (_D(2023, 4, 20), _D(2023, 9, 26), _D(2023, 12, 15))),
    _SitePlan(QJP, "城南街道", "城南街道全过程人民民主基层实践点", "基层治理", "ACCEPTED",
              2023, 2023, None,
              (_D(2023, 5, 10), _D(2023, 10, 18), _D(2023, 12, 15))),
    # 2024: two more towns (plan: 4 towns)
    _SitePlan(QJP, "清江街道", "", "运河文化", "ACCEPTED", 2024, 2024, ("STATION", "")),
    _SitePlan(QJP, "淮海街道", "", "民主协商议事", "ACCEPTED", 2024, 2024, ("STATION", "")),
    # 2025: five more (plan: 10 towns)
    _SitePlan(QJP, "府前街道", "", "法治宣传", "ACCEPTED", 2025, 2025, ("STATION", "")),
    _SitePlan(QJP, "长西街道", "", "老旧小区改造", "ACCEPTED", 2025, 2025, ("STATION", "")),
    _SitePlan(QJP, "长东街道", "", "邻里和谐", "ACCEPTED", 2025, 2025, None),
    _SitePlan(QJP, "水渡口街道", "", "助企服务", "ACCEPTED", 2025, 2025, ("STATION", "")),
    _SitePlan(QJP, "和平镇", "", "乡村振兴", "ACCEPTED", 2025, 2025, ("STATION", "")),
    # 2026 (by October): three more -> 13 of 16
    _SitePlan(QJP, "浦楼街道", "", "青少年民主教育", "ACCEPTED", 2026, 2026, ("STATION", "")),
    _SitePlan(QJP, "清浦街道", "", "养老服务", "ACCEPTED", 2026, 2026, None),
    _SitePlan(QJP, "清河街道", "", "平安建设", "ACCEPTED", 2026, 2026, ("STATION", "")),
    # not yet accepted; 盐河街道 has nothing yet
    _SitePlan(QJP, "黄码镇", "", "生态宜居", "BUILT", 2025),
    _SitePlan(QJP, "武墩街道", "", "文明实践", "PILOT", 2026),
    # second sites at other stages
    _SitePlan(QJP, "闸口街道", "", "非遗传承", "PILOT", 2026),
    _SitePlan(QJP, "清江街道", "", "民生实事监督", "BUILT", 2025),
    _SitePlan(QJP, "府前街道", "", "数字人大", "PLANNED", None),
    # --- 淮安区: five stations upgraded in 2023 ---
    _SitePlan(HA, "淮城街道", "恩来社区“海棠”代表联络站实践点", "海棠花开、民意直通", "ACCEPTED",
              2023, 2023, ("STATION", "恩来社区“海棠”代表联络站"),
              (_D(2023, 2, 20), _D(2023, 5, 30), _D(2023, 6, 28))),
    _SitePlan(HA, "施河镇", "张兴村共同富裕代表联络站实践点", "共同富裕", "ACCEPTED",
              2023, 2023, ("STATION", "张兴村共同富裕代表联络站"),
              (_D(2023, 3, 13), _D(2023, 7, 14), _D(2023, 8, 15))),
    _SitePlan(HA, "河下街道", "", "古镇文旅", "ACCEPTED", 2023, 2023, ("STATION", ""),
              (_D(2023, 4, 10), _D(2023, 8, 22), _D(2023, 9, 20))),
    _SitePlan(HA, "平桥镇", "", "稻香富民", "ACCEPTED", 2023, 2023, ("STATION", ""),
              (_D(2023, 5, 8), _D(2023, 9, 15), _D(2023, 10, 18))),
    _SitePlan(HA, "山阳街道", "", "社区微治理", "ACCEPTED", 2023, 2023, ("STUDIO", ""),
              (_D(2023, 6, 5), _D(2023, 10, 20), _D(2023, 11, 22))),
    # 2024: 卢滩 practice base and two upgrades (plan: 5 towns)
    _SitePlan(HA, "车桥镇", "卢滩全过程人民民主实践基地", "防灾减灾、应急为民", "ACCEPTED",
              2023, 2024, None, (_D(2023, 10, 16), _D(2024, 8, 30), _D(2024, 9, 26))),
    _SitePlan(HA, "朱桥镇", "", "助企惠企", "ACCEPTED", 2024, 2024, ("STATION", "")),
    _SitePlan(HA, "顺河镇", "", "生态宜居", "ACCEPTED", 2024, 2024, ("STATION", "")),
    _SitePlan(HA, "淮城街道", "", "红色传承", "ACCEPTED", 2024, 2024, ("STATION", "")),
    # 2025 (plan: 10 towns)
    _SitePlan(HA, "复兴镇", "", "代表·局长面对面", "ACCEPTED", 2025, 2025, ("STATION", "")),
    _SitePlan(HA, "石塘镇", "", "湖区民生", "ACCEPTED", 2025, 2025, ("STATION", "")),
    # 2026 (by October) -> 11 of 15
    _SitePlan(HA, "漕运镇", "", "漕运文化", "ACCEPTED", 2026, 2026, ("STATION", "")),
    # not yet accepted; 博里镇 has nothing yet
    _SitePlan(HA, "苏嘴镇", "", "农文旅融合", "BUILT", 2025),
    _SitePlan(HA, "钦工镇", "", "五连问履职", "PILOT", 2026),
    _SitePlan(HA, "流均镇", "", "乡贤议事", "PLANNED", None),
    # second sites at other stages
    _SitePlan(HA, "施河镇", "", "产业振兴", "PILOT", 2026),
    _SitePlan(HA, "平桥镇", "", "平安乡村", "BUILT", 2025),
)


def _site_plans(places: dict[tuple[str, str], list[str]]) -> list[_SitePlan]:
    """Fill in names, base stations and dates of the site plans."""
    rng = _rng("sites")
    taken: dict[tuple[str, str], int] = {}
    plans: list[_SitePlan] = []
    fixed_places = {p for names in _FIXED_PLACES.values() for p in names}
    for p in _SITE_PLANS:
        p = _SitePlan(**p.__dict__)
        if not p.name or (p.base and not p.base[1]):
            # the site sits in one of the town's places (the next one not used for a site)
            key = (p.district, p.town)
            cands = [x for x in places[key] if x not in fixed_places]
            place = cands[taken.get(key, 0)]
            taken[key] = taken.get(key, 0) + 1
            if not p.name:
                p.name = f"{place}全过程人民民主基层实践点"
            if p.base and not p.base[1]:
                suffix = "代表联络站" if p.base[0] == "STATION" else "代表工作室"
                p.base = (p.base[0], f"{place}{suffix}")
        if p.dates is None:
            if p.stage == "ACCEPTED":
                last = AS_OF - dt.timedelta(days=7) if p.accepted_year == AS_OF.year else None
                started = _rand_date(rng, dt.date(p.year, 1, 8), dt.date(p.year, 3, 31))
                built = started + dt.timedelta(days=rng.randint(90, 140))
                accepted = built + dt.timedelta(days=rng.randint(20, 60))
                if last and accepted > last:
                    accepted = last
                p.dates = (started, built, accepted)
            elif p.stage == "BUILT":
                started = _rand_date(rng, dt.date(p.year, 9, 1), dt.date(p.year, 11, 30))
                built = _rand_date(rng, dt.date(2026, 5, 1), dt.date(2026, 9, 30))
                p.dates = (started, built, None)
            elif p.stage == "PILOT":
                p.dates = (_rand_date(rng, dt.date(p.year, 3, 1), dt.date(p.year, 8, 31)), None, None)
            else:
                p.dates = (None, None, None)
        plans.append(p)
    return plans


_HOME_EXTRA = {HA: ("淮城街道", "淮安区人大代表之家")}
# Stations as of 2023-12-31 by kind (淮安区: the article's 16 / 72 / 23).
_STATIONS_2023 = {
    QJP: {"HOME": 16, "STATION": 56, "POINT": 12, "STUDIO": 10},
    HA: {"HOME": 16, "STATION": 72, "POINT": 15, "STUDIO": 8},
}
# Stations opened after 2023: (year, kind, count)
_STATIONS_LATER = {
    QJP: ((2024, "STATION", 2), (2024, "STUDIO", 1), (2025, "STATION", 2), (2025, "POINT", 1),
          (2026, "STATION", 1)),
    HA: ((2024, "STATION", 3), (2024, "POINT", 1), (2024, "STUDIO", 1), (2025, "STATION", 2),
         (2025, "STUDIO", 1), (2026, "POINT", 1)),
}
_PRACTICE_BASES = {  # stations of kind PRACTICE_BASE: (town, name, opened_on, theme)
    HA: (("车桥镇", "卢滩全过程人民民主实践基地", dt.date(2024, 9, 26), "防灾减灾、应急为民"),
         ("淮城街道", "淮安全过程人民民主研习实践基地", dt.date(2025, 11, 18), "研学教育、履职培训")),
    QJP: (),
}
_KIND_SUFFIX = {"STATION": "代表联络站", "POINT": "代表联系点", "STUDIO": "代表工作室"}
_KIND_ORDER = ("HOME", "STATION", "POINT", "STUDIO", "PRACTICE_BASE", "PRACTICE_POINT")


def _stations(places, plans) -> list[dict]:
    rng = _rng("stations")
    out: list[dict] = []
    for district in DISTRICTS:
        towns = COUNTED[district]
        town_idx = {t.name: i for i, t in enumerate(towns)}
        rows: list[dict] = []
        used_places: set[str] = set()

        def add(town, name, kind, opened, upgraded=None, theme=None):
            rows.append({"name": name, "kind": kind, "district": district, "town": town,
                         "opened_on": opened, "upgraded_on": upgraded, "theme": theme})

        # homes: one per town (+ the district's own)
        for t in towns:
            add(t.name, f"{t.name}人大代表之家", "HOME",
                _rand_date(rng, dt.date(2017, 3, 1), dt.date(2020, 12, 31)))
        if district in _HOME_EXTRA:
            town, name = _HOME_EXTRA[district]
            add(town, name, "HOME", dt.date(2018, 6, 28))
        # stations that practice sites are built on
        for p in plans:
            if p.district != district or not p.base:
                continue
            kind, name = p.base
            for place in places[(district, p.town)]:
                if name.startswith(place):
                    used_places.add(place)
            started = p.dates[0]
            opened = _rand_date(rng, dt.date(2018, 3, 1), min(started, dt.date(2021, 12, 31)))
            upgraded = p.dates[2] if p.stage == "ACCEPTED" else None
            add(p.town, name, kind, opened, upgraded, p.theme if upgraded else None)
        if district == HA:  # the article's 卢滩 liaison station
            add("车桥镇", "卢滩代表联络站", "STATION", dt.date(2019, 5, 20), None, "灾安共建")
            used_places.add("卢滩村")
        # fill up to the 2023 totals
        have = {k: sum(1 for r in rows if r["kind"] == k) for k in _STATIONS_2023[district]}
        free = {t.name: [x for x in places[(district, t.name)] if x not in used_places]
                for t in towns}
        order = [t.name for t in towns]
        for kind in ("STATION", "POINT", "STUDIO"):
            need = _STATIONS_2023[district][kind] - have[kind]
            cycle = order[:]
            rng.shuffle(cycle)
            i = 0
            while need > 0:
                town = cycle[i % len(cycle)]
                i += 1
                if len(free[town]) <= 2:   # keep two places per town for later stations
                    continue
                place = free[town].pop(0)
                lo = {"STATION": dt.date(2018, 1, 1), "POINT": dt.date(2019, 1, 1),
                      "STUDIO": dt.date(2020, 1, 1)}[kind]
                add(town, place + _KIND_SUFFIX[kind], kind, _rand_date(rng, lo, dt.date(2023, 12, 20)),
                    None, None)
                need -= 1
        # later stations
        for year, kind, n in _STATIONS_LATER[district]:
            for _ in range(n):
                town = max(order, key=lambda t: (len(free[t]), -town_idx[t]))
                place = free[town].pop(0)
                add(town, place + _KIND_SUFFIX[kind], kind,
                    _rand_date(rng, dt.date(year, 1, 10), min(dt.date(year, 12, 20), AS_OF)))
        for town, name, opened, theme in _PRACTICE_BASES[district]:
            add(town, name, "PRACTICE_BASE", opened, None, theme)
        rows.sort(key=lambda r: (town_idx[r["town"]], _KIND_ORDER.index(r["kind"]),
                                 r["opened_on"], r["name"]))
        for n, r in enumerate(rows, 1):
            r["station_id"] = f"{PREFIX[district]}-ZD-{n:03d}"
        out += rows
    return out


def _practice_sites(plans) -> list[dict]:
    rng = _rng("site-details")
    out: list[dict] = []
    for district in DISTRICTS:
        town_idx = {t.name: i for i, t in enumerate(COUNTED[district])}
        rows = [p for p in plans if p.district == district]
        rows.sort(key=lambda p: (p.dates[0] or dt.date(9999, 1, 1), town_idx[p.town], p.name))
        for n, p in enumerate(rows, 1):
            started, built, accepted = p.dates
            if p.all_five:
                items = [True] * 5
            else:
                yes_p = {"ACCEPTED": 0.9, "BUILT": 0.75, "PILOT": 0.4, "PLANNED": 0.0}[p.stage]
                items = [rng.random() < yes_p for _ in range(5)]
                if p.stage == "ACCEPTED":
                    items[0] = items[1] = True
            lo, hi = {"ACCEPTED": (80, 98), "BUILT": (70, 86), "PILOT": (60, 75)}.get(p.stage, (0, 0))
            score = rng.randint(lo * 2, hi * 2) / 2 if hi else None
            if p.all_five:
                score = 96.5
            out.append({
                "site_id": f"{PREFIX[district]}-SJD-{n:02d}", "district": district, "town": p.town,
                "name": p.name, "theme": p.theme, "stage": p.stage, "started_on": started,
                "built_on": built, "accepted_on": accepted, "screen": items[0],
                "notice_board": items[1], "studio": items[2], "hall": items[3],
                "education": items[4], "score": score,
            })
    return out


def _rollout_plan() -> list[dict]:
    targets = {QJP: (4, 10, len(COUNTED[QJP])), HA: (5, 10, len(COUNTED[HA]))}
    return [{"district": d, "year": y, "phase": ph, "target_towns": targets[d][i]}
            for d in DISTRICTS
            for i, (y, ph) in enumerate(((2024, "PILOT"), (2025, "DEEPEN"), (2026, "FULL")))]


# =========================================================================================
# Deputies
# =========================================================================================

_SECTORS = ("工人", "农民", "专业技术人员", "企业负责人", "党政机关", "社区工作者", "教育",
            "医疗卫生", "个体工商户", "退役军人")


def _deputies(stations: list[dict], names: _NameMaker) -> list[dict]:
    rng = _rng("deputies")
    out: list[dict] = []
    for district in DISTRICTS:
        towns = COUNTED[district]
        st_by_town: dict[str, list[str]] = {}
        for s in stations:
            if s["district"] == district and s["kind"] != "PRACTICE_BASE":
                st_by_town.setdefault(s["town"], []).append(s["station_id"])
        rows: list[tuple[str, str]] = []  # (level, town)
        for level, n in (("PROVINCE", 4), ("CITY", 20)):
            rows += [(level, towns[(i * 7 + (level == "CITY")) % len(towns)].name) for i in range(n)]
        for t in towns:
            rows += [("DISTRICT", t.name)] * (8 if district == QJP else 9)
            if t.type == "TOWN":
                rows += [("TOWN", t.name)] * 24
            rows += [("VOTER_REP", t.name)] * (9 if t.type == "STREET" else 5)
        for n, (level, town) in enumerate(rows, 1):
            sector_w = [(s, 1.0) for s in _SECTORS]
            if level == "TOWN" or (level == "VOTER_REP" and _TOWN[(district, town)].type == "TOWN"):
                sector_w[1] = ("农民", 4.0)
            station = rng.choice(st_by_town[town]) if rng.random() < 0.85 else None
            out.append({
                "deputy_id": f"{PREFIX[district]}-DB-{n:04d}", "name": names(),
                "level": level, "district": district, "town": town, "station_id": station,
                "sector": _weighted(rng, sector_w),
                "gender": "男" if rng.random() < 0.62 else "女",
            })
    return out


# =========================================================================================
# Activities
# =========================================================================================

_GROWTH = {2022: 0.86, 2023: 1.0, 2024: 1.12, 2025: 1.24, 2026: 1.36}

# participants (deputies, voter_reps, social_workers, public) ranges at the 2023 scale
_PARTICIPANTS = {
    "TOWN_CONGRESS": ((30, 48), (0, 6), (2, 6), (0, 8)),
    "STREET_COUNCIL": ((16, 30), (10, 22), (3, 8), (0, 6)),
    "WORK_REVIEW": ((14, 28), (8, 18), (2, 6), (5, 15)),
    "DEPUTY_VOTER": ((4, 10), (6, 14), (2, 5), (8, 25)),
    "PUBLICITY": ((5, 10), (5, 11), (3, 7), (6, 16)),
    "RECEPTION": ((2, 5), (0, 3), (1, 2), (4, 15)),
    "LIAISON": ((3, 8), (2, 6), (1, 3), (5, 18)),
    "OTHER": ((10, 30), (0, 10), (0, 5), (0, 10)),
}
_OPINIONS = {"TOWN_CONGRESS": (2, 10), "STREET_COUNCIL": (2, 10), "WORK_REVIEW": (3, 15),
             "DEPUTY_VOTER": (3, 12), "PUBLICITY": (0, 3), "RECEPTION": (1, 6),
             "LIAISON": (1, 8), "OTHER": (0, 4)}
_VENUES = {
    "COUNCIL": [("DEPUTY_HOME", 0.75), ("OTHER", 0.25)],
    "WORK_REVIEW": [("DEPUTY_HOME", 0.5), ("STATION", 0.2), ("OTHER", 0.3)],
    "DEPUTY_VOTER:STREET": [("STATION", 0.35), ("DEPUTY_HOME", 0.2), ("RESIDENT_HOME", 0.15),
                            ("OTHER", 0.3)],
    "DEPUTY_VOTER:TOWN": [("VILLAGE_OFFICE", 0.35), ("RESIDENT_HOME", 0.2), ("FIELD", 0.2),
                          ("STATION", 0.15), ("DEPUTY_HOME", 0.1)],
    "PUBLICITY:STREET": [("DEPUTY_HOME", 0.4), ("STATION", 0.35), ("OTHER", 0.25)],
    "PUBLICITY:TOWN": [("DEPUTY_HOME", 0.35), ("STATION", 0.3), ("VILLAGE_OFFICE", 0.25),
                       ("OTHER", 0.1)],
    "RECEPTION:STREET": [("STATION", 0.65), ("DEPUTY_HOME", 0.35)],
    "RECEPTION:TOWN": [("STATION", 0.55), ("DEPUTY_HOME", 0.3), ("VILLAGE_OFFICE", 0.15)],
    "LIAISON:STREET": [("RESIDENT_HOME", 0.35), ("STATION", 0.3), ("OTHER", 0.35)],
    "LIAISON:TOWN": [("RESIDENT_HOME", 0.3), ("FIELD", 0.2), ("STATION", 0.2), ("OTHER", 0.3)],
    "OTHER": [("OTHER", 0.6), ("DEPUTY_HOME", 0.4)],
}
_WR_UNITS = ("派出所", "城管中队", "市场监管分局", "社区卫生服务中心", "供电所", "自然资源所",
             "司法所", "税务分局", "交警中队", "水务站", "综合执法局", "便民服务中心")
_DV_TOPICS_STREET = ("{p}老旧小区改造方案协商", "{p}停车位规划议事", "{p}垃圾分类投放点布点",
                     "{p}电动车集中充电设施建设", "{p}农贸市场提升改造", "{p}背街小巷整治",
                     "{p}养老助餐点选址", "{p}口袋公园建设")
_DV_TOPICS_TOWN = ("{p}道路拓宽议事", "{p}农村公路提档升级", "{p}村庄环境整治",
                   "{p}高标准农田建设", "{p}村集体经济项目选择", "{p}河塘清淤",
                   "{p}自来水管网改造", "{p}农房改善项目")
_PUB_FORMS = ("人大代表讲堂", "代表选民座谈会", "观看政论视频", "讲述身边民主故事")
_MINIMUM_MISSES_2025 = {  # (district, town) -> (councils held, work reviews held)
    (QJP, "水渡口街道"): (1, None),
    (QJP, "和平镇"): (None, 0),
    (HA, "车桥镇"): (1, None),
}
# 清江浦区 2023 exact figures of the article
_QJP_2023 = {"PUBLICITY": 38, "PUBLICITY_PARTICIPANTS": 1236, "WORK_REVIEW": 20, "DEPUTY_VOTER": 24}


def _participants(rng: random.Random, kind: str, year: int) -> list[int]:
    f = _GROWTH[year]
    return [max(0, round(rng.randint(lo, hi) * f)) for lo, hi in _PARTICIPANTS[kind]]


def _activities(places) -> list[dict]:
    rng = _rng("activities")
    out: list[dict] = []
    for district in DISTRICTS:
        towns = COUNTED[district]
        for year in YEARS:
            events: list[dict] = []
            exact = district == QJP and year == 2023

            def ev(town: Town, kind: str, date: dt.date, topic: str):
                tkey = "STREET" if town.type == "STREET" else "TOWN"
                vkey = {"TOWN_CONGRESS": "COUNCIL", "STREET_COUNCIL": "COUNCIL"}.get(kind, kind)
                if vkey not in _VENUES:
                    vkey = f"{kind}:{tkey}"
                d, v, s, p = _participants(rng, kind, year)
                events.append({
                    "kind": kind, "district": district, "town": town.name, "date": date,
                    "venue": _weighted(rng, _VENUES[vkey]), "topic": topic, "deputies": d,
                    "voter_reps": v, "social_workers": s, "public": p,
                    "opinions": rng.randint(*_OPINIONS[kind]),
                })

            def day(m1: int, d1: int, m2: int, d2: int) -> dt.date:
                return _rand_date(rng, dt.date(year, m1, d1), dt.date(year, m2, d2))

            # --- 三会 ---
            wr_extra = set(rng.sample(range(len(towns)), _QJP_2023["WORK_REVIEW"] - len(towns))) \
                if exact else set()
            dv_extra = set(rng.sample(range(len(towns)), _QJP_2023["DEPUTY_VOTER"] - len(towns))) \
                if exact else set()
            for i, town in enumerate(towns):
                council = "STREET_COUNCIL" if town.type == "STREET" else "TOWN_CONGRESS"
                n_council = 2 if exact else (3 if rng.random() < 0.2 else 2)
                n_wr = (1 + (i in wr_extra)) if exact else (2 if rng.random() < 0.3 else 1)
                n_dv = (1 + (i in dv_extra)) if exact else _weighted(rng, [(0, 1), (1, 4), (2, 4), (3, 1)])
                if year == 2025 and (district, town.name) in _MINIMUM_MISSES_2025:
                    c, w = _MINIMUM_MISSES_2025[(district, town.name)]
                    n_council = c if c is not None else 2
                    n_wr = w if w is not None else 1
                label = "镇人代会" if council == "TOWN_CONGRESS" else "街道代表议事会"
                dates = [day(1, 6, 3, 25), day(7, 1, 12, 22), day(4, 8, 6, 26)][:n_council]
                topics = [f"{year}年第一次{label}：听取年度工作报告及财政收支情况",
                          f"{year}年第二次{label}：听取民生实事项目推进情况",
                          f"{year}年{label}专题会议：审议重点工作安排"]
                for k in range(n_council):
                    ev(town, council, dates[k], topics[k])
                for _ in range(n_wr):
                    ev(town, "WORK_REVIEW", day(4, 1, 12, 18), f"评议{rng.choice(_WR_UNITS)}工作")
                for _ in range(n_dv):
                    tpl = rng.choice(_DV_TOPICS_STREET if town.type == "STREET" else _DV_TOPICS_TOWN)
                    ev(town, "DEPUTY_VOTER", day(1, 10, 12, 20),
                       tpl.format(p=rng.choice(places[(district, town.name)])))
            # --- 宣讲活动 (宣传月 in March) ---
            if exact:
                pub_towns = list(range(len(towns))) + [
                    rng.randrange(len(towns)) for _ in range(_QJP_2023["PUBLICITY"] - len(towns))]
                in_march = [True] * 30 + [False] * (_QJP_2023["PUBLICITY"] - 30)
            else:
                pub_towns = [i for i in range(len(towns)) for _ in range(_weighted(rng, [(1, 2), (2, 5), (3, 3)]))]
                in_march = [rng.random() < 0.45 for _ in pub_towns]
            pub_events_start = len(events)
            for i, march in zip(pub_towns, in_march):
                form = rng.choice(_PUB_FORMS)
                if march:
                    date = day(3, 1, 3, 31)
                    topic = f"全过程人民民主宣传月：{form}"
                else:
                    date = _rand_date(rng, dt.date(year, 4, 1), dt.date(year, 12, 15))
                    topic = f"全过程人民民主理论宣讲：{form}"
                ev(towns[i], "PUBLICITY", date, topic)
            if exact:
                _hit_total(rng, events[pub_events_start:], _QJP_2023["PUBLICITY_PARTICIPANTS"])
            # --- 接待、双联、其他 ---
            for town in towns:
                months = list(range(1, 13))
                n_rec = min(12, 9 + (year - 2022) // 2 + rng.randint(0, 2))
                for m in sorted(rng.sample(months, n_rec)):
                    ev(town, "RECEPTION", _rand_date(rng, dt.date(year, m, 1), dt.date(year, m, 28)),
                       rng.choice(("代表接待选民日", "“群众身边事、代表‘码上办’”接待日",
                                   "代表进站接待选民")))
                for _ in range(rng.randint(2, 5)):
                    ev(town, "LIAISON", day(2, 1, 12, 20),
                       rng.choice(("“进企业促发展”双联活动", "代表走访联系选民",
                                   f"代表进{rng.choice(places[(district, town.name)])}联系群众",
                                   "双联活动：听取群众意见建议")))
                for _ in range(_weighted(rng, [(0, 3), (1, 5), (2, 2)])):
                    ev(town, "OTHER", day(3, 1, 11, 30),
                       rng.choice(("代表履职能力培训", "视察民生实事项目", "代表小组活动",
                                   "跟踪监督惠民工程项目")))
            events = [e for e in events if e["date"] <= AS_OF]
            order = {t.name: i for i, t in enumerate(towns)}
            kinds = list(ENUMS["activity_kind"])
            events.sort(key=lambda e: (e["date"], order[e["town"]], kinds.index(e["kind"]), e["topic"]))
            for n, e in enumerate(events, 1):
                e["activity_id"] = f"{PREFIX[district]}-{year}-HD{n:04d}"
            out += events
    return out


def _hit_total(rng: random.Random, events: list[dict], total: int) -> None:
    """Nudge the ``public`` counts of events until their participants sum to ``total``."""
    def s() -> int:
        return sum(e["deputies"] + e["voter_reps"] + e["social_workers"] + e["public"] for e in events)
    diff = total - s()
    while diff != 0:
        e = rng.choice(events)
        step = 1 if diff > 0 else -1
        if e["public"] + step < 3:
            continue
        e["public"] += step
        diff -= step
    assert s() == total


# =========================================================================================
# Enterprise visits and opinions
# =========================================================================================

_VISITS = {QJP: {2022: 192, 2023: 228, 2024: 236, 2025: 243, 2026: 204},
           HA: {2022: 168, 2023: 205, 2024: 214, 2025: 221, 2026: 183}}
_QJP_2023_PERSON_TIMES = 428
_OPINIONS_PER_VISIT = {"ENTERPRISE": 0.72, "DEPUTY": 0.36}
_QJP_2023_OPINIONS = {"ENTERPRISE": 164, "DEPUTY": 83}
_OPINION_TEXTS = {
    "BUSINESS_ENV": ("希望进一步压缩涉企检查频次，推行“综合查一次”", "企业周边治安和交通秩序需加强",
                     "希望优化水电气报装流程，缩短办理时限"),
    "POLICY": ("稳岗补贴申领流程复杂，希望简化材料", "研发费用加计扣除政策兑现较慢，希望加强辅导",
               "技改补助资金拨付不及时，希望加快兑现"),
    "FINANCE": ("扩大生产存在资金缺口，希望协调银行提供{n}万元流动资金贷款",
                "希望推广“苏科贷”等政策性金融产品，降低融资成本", "应收账款回笼慢，希望协调清欠"),
    "LABOR": ("技术工人招工难，希望人社部门组织专场招聘会", "希望职业院校开展订单式培养",
              "员工子女入学问题需要协调"),
    "LAND": ("扩建项目用地指标尚未落实，希望协调解决", "厂房产权证办理遇到历史遗留问题",
             "希望盘活园区闲置厂房"),
    "INFRA": ("厂区门前道路破损严重，大型货车通行困难", "园区雨污管网未接通，雨季积水",
              "希望增设公交线路方便员工通勤", "供电容量不足，希望扩容变压器"),
    "APPROVAL": ("环评审批周期较长，希望开辟绿色通道", "消防验收流程不清楚，希望提供指导",
                 "施工许可办理需多次跑腿，希望推行并联审批"),
    "OTHER": ("希望组织企业参加展会拓展市场", "希望加强知识产权保护", "企业品牌宣传需要支持"),
}
_OPINION_CATEGORY_W = [("BUSINESS_ENV", 18), ("POLICY", 15), ("FINANCE", 16), ("LABOR", 14),
                       ("LAND", 8), ("INFRA", 14), ("APPROVAL", 9), ("OTHER", 6)]


def _enterprise_visits(enterprises, names) -> tuple[list[dict], list[dict]]:
    rng = _rng("enterprise-visits")
    visits: list[dict] = []
    opinions: list[dict] = []
    for district in DISTRICTS:
        pool = enterprises[district]
        for year in YEARS:
            n = _VISITS[district][year]
            chosen = rng.sample(pool, n)
            end = dt.date(year, 11, 30) if year < AS_OF.year else AS_OF
            rows = []
            for ent in chosen:
                total = _weighted(rng, [(1, 35), (2, 45), (3, 15), (4, 5)])
                rows.append({"date": _rand_date(rng, dt.date(year, 3, 1), end), "ent": ent,
                             "total": total})
            if district == QJP and year == 2023:
                diff = _QJP_2023_PERSON_TIMES - sum(r["total"] for r in rows)
                while diff:
                    r = rng.choice(rows)
                    step = 1 if diff > 0 else -1
                    if 1 <= r["total"] + step <= 5:
                        r["total"] += step
                        diff -= step
            rows.sort(key=lambda r: (r["date"], r["ent"].name))
            year_visits = []
            for k, r in enumerate(rows, 1):
                counts = {"province_deputies": 0, "city_deputies": 0, "district_deputies": 0,
                          "town_deputies": 0}
                town_type = _TOWN[(district, r["ent"].town)].type
                for _ in range(r["total"]):
                    col = _weighted(rng, [("province_deputies", 3), ("city_deputies", 15),
                                          ("district_deputies", 47),
                                          ("town_deputies", 35 if town_type == "TOWN" else 12)])
                    counts[col] += 1
                v = {"visit_id": f"{PREFIX[district]}-{year}-ZF{k:04d}", "date": r["date"],
                     "district": district, "town": r["ent"].town, "enterprise": r["ent"].name,
                     "credit_code": r["ent"].credit_code, "industry": r["ent"].industry, **counts,
                     "questionnaire": True if (district == QJP and year == 2023) else rng.random() < 0.9}
                year_visits.append(v)
            visits += year_visits
            # opinions raised during these visits
            ops = []
            for source in ("ENTERPRISE", "DEPUTY"):
                if district == QJP and year == 2023:
                    m = _QJP_2023_OPINIONS[source]
                else:
                    m = round(len(year_visits) * _OPINIONS_PER_VISIT[source] * rng.uniform(0.9, 1.1))
                for v in rng.choices(year_visits, k=m):
                    ops.append((v, source))
            ops.sort(key=lambda x: (x[0]["visit_id"], x[1] != "ENTERPRISE"))
            for k, (v, source) in enumerate(ops, 1):
                cat = _weighted(rng, _OPINION_CATEGORY_W)
                text = rng.choice(_OPINION_TEXTS[cat]).format(n=rng.choice((200, 300, 500, 800, 1000)))
                if source == "DEPUTY":
                    text = "代表建议：" + text
                else:
                    text = f"{v['enterprise']}反映：" + text
                age = (AS_OF - v["date"]).days
                resolved_after = rng.randint(10, 150)
                if rng.random() < 0.05:
                    resolved_after += rng.randint(150, 400)  # a few take long
                if v["date"] + dt.timedelta(days=resolved_after) <= AS_OF:
                    status, resolved = "RESOLVED", v["date"] + dt.timedelta(days=resolved_after)
                elif age < 20:
                    status, resolved = "PENDING", None
                else:
                    status, resolved = _weighted(rng, [("ASSIGNED", 1), ("IN_PROGRESS", 2)]), None
                opinions.append({"opinion_id": f"{PREFIX[district]}-{year}-YJ{k:04d}",
                                 "visit_id": v["visit_id"], "source": source, "category": cat,
                                 "content": text, "status": status, "resolved_on": resolved})
    # a few contents carry a contact's mobile number (for masking)
    for k, op in enumerate(o for o in opinions if o["source"] == "ENTERPRISE"):
        if k % 150 == 7:
            op["content"] += f"（联系人：{names()}，手机{_mobile(rng)}）"
    return visits, opinions


# =========================================================================================
# Micro-suggestions ("群众身边事、代表‘码上办’")
# =========================================================================================

_MICRO_VOLUME = {QJP: {2022: 262, 2023: 300, 2024: 318, 2025: 336, 2026: 292},
                 HA: {2022: 224, 2023: 252, 2024: 268, 2025: 286, 2026: 246}}
_QJP_2023_SOLVED = 224
_MICRO_CATEGORY_W = {
    "STREET": [("URBAN", 18), ("ENVIRONMENT", 15), ("PROPERTY", 20), ("LIVELIHOOD", 13),
               ("EDUCATION", 7), ("HEALTH", 7), ("AGRICULTURE", 1), ("GOVERNANCE", 12),
               ("BUSINESS", 3), ("OTHER", 4)],
    "TOWN": [("URBAN", 18), ("ENVIRONMENT", 14), ("PROPERTY", 4), ("LIVELIHOOD", 15),
             ("EDUCATION", 7), ("HEALTH", 7), ("AGRICULTURE", 20), ("GOVERNANCE", 9),
             ("BUSINESS", 2), ("OTHER", 4)],
}
_MICRO_TEXTS = {
    "URBAN": ("{p}门前路灯不亮，夜间出行不便，建议尽快维修", "{p}路口红绿灯时长设置不合理，早晚高峰拥堵",
              "{p}人行道破损积水，建议修补", "{p}周边缺少公交站台，建议增设"),
    "ENVIRONMENT": ("{p}垃圾分类投放点异味较大，建议增加清运频次", "{p}河道漂浮物较多，建议清理",
                    "{p}夜间施工噪声扰民", "{p}绿化带杂草丛生，建议修剪"),
    "PROPERTY": ("{p}小区电梯老化经常故障，建议列入更新计划", "{p}小区楼道堆物影响消防通道",
                 "{p}小区停车位不足，车辆乱停", "{p}小区物业服务不到位，公共区域卫生差"),
    "LIVELIHOOD": ("{p}老年人助餐点用餐人数多，建议延长供餐时间", "{p}低保申请流程咨询",
                   "{p}适老化改造补贴如何申请", "{p}残疾人出行无障碍设施缺失"),
    "EDUCATION": ("{p}附近学校门口上下学时段交通拥堵", "{p}幼儿园学位紧张，建议扩班",
                  "学生课后服务时间安排建议"),
    "HEALTH": ("{p}社区卫生服务站药品种类少，建议增加慢病常用药", "{p}家庭医生签约服务上门难",
               "{p}周边缺少24小时药店"),
    "AGRICULTURE": ("{p}农田灌溉渠道淤塞，建议清淤", "{p}机耕路破损，农机下田困难",
                    "{p}秸秆收储点设置偏远", "{p}农村自来水水压不足"),
    "GOVERNANCE": ("{p}电动车飞线充电存在安全隐患", "{p}楼顶违章搭建，建议依法处理",
                   "{p}流动摊贩占道经营", "{p}监控探头损坏，建议修复"),
    "BUSINESS": ("{p}个体工商户办证需多次跑腿，建议优化", "{p}沿街店铺招牌整治标准不清楚"),
    "OTHER": ("{p}居民活动室开放时间建议调整", "{p}快递柜设置不合理"),
}
_MICRO_DEPARTMENTS = {
    "URBAN": ("区住建局", "区交通运输局", "区城管局"), "ENVIRONMENT": ("区城管局", "区生态环境局"),
    "PROPERTY": ("区住建局", None), "LIVELIHOOD": ("区民政局", "区人社局"),
    "EDUCATION": ("区教育局",), "HEALTH": ("区卫健委",), "AGRICULTURE": ("区农业农村局", "区水利局"),
    "GOVERNANCE": ("区公安分局", None), "BUSINESS": ("区市场监管局", "区行政审批局"),
    "OTHER": (None,),
}
_OUTCOME_W = [("SOLVED", 79), ("EXPLAINED", 11), ("PLANNED", 7), ("UNSOLVABLE", 3)]
_RATING_W = {"SOLVED": [("SATISFIED", 90), ("BASICALLY", 9), ("DISSATISFIED", 1)],
             "EXPLAINED": [("SATISFIED", 50), ("BASICALLY", 40), ("DISSATISFIED", 10)],
             "PLANNED": [("SATISFIED", 55), ("BASICALLY", 40), ("DISSATISFIED", 5)],
             "UNSOLVABLE": [("SATISFIED", 20), ("BASICALLY", 45), ("DISSATISFIED", 35)]}


def _micro_suggestions(places, deputies, names) -> list[dict]:
    rng = _rng("micro")
    dep_by_town: dict[tuple[str, str], list[str]] = {}
    for d in deputies:
        if d["level"] in ("DISTRICT", "TOWN"):
            dep_by_town.setdefault((d["district"], d["town"]), []).append(d["deputy_id"])
    out: list[dict] = []
    for district in DISTRICTS:
        towns = COUNTED[district]
        weights = [1.3 if t.type == "STREET" else 1.0 for t in towns]
        for year in YEARS:
            end = dt.date(year, 12, 31) if year < AS_OF.year else AS_OF
            rows = []
            for _ in range(_MICRO_VOLUME[district][year]):
                town = rng.choices(towns, weights=weights, k=1)[0]
                s = _rand_date(rng, dt.date(year, 1, 1), end)
                cat = _weighted(rng, _MICRO_CATEGORY_W[town.type])
                place = rng.choice(places[(district, town.name)])
                dept = rng.choice(_MICRO_DEPARTMENTS[cat]) or town.office
                deps = dep_by_town.get((district, town.name))
                r = {"submitted_on": s, "district": district, "town": town.name, "category": cat,
                     "deputy_id": rng.choice(deps) if deps and rng.random() < 0.9 else None,
                     "department": dept, "accepted_on": None, "closed_on": None,
                     "outcome": None, "rating": None,
                     "content": rng.choice(_MICRO_TEXTS[cat]).format(p=place)}
                if rng.random() < 0.04:
                    r.update(status="REJECTED", department=None)
                    r["content"] += "（已通过其他渠道办理）" if rng.random() < 0.5 else ""
                else:
                    lag = _weighted(rng, [(0, 50), (1, 35), (2, 10), (3, 5)])
                    dur = max(1, round(math.exp(rng.gauss(math.log(5.0), 0.7))))
                    if rng.random() < 0.03:
                        dur = rng.randint(30, 120)  # the long tail
                    if year == AS_OF.year and rng.random() < 0.04:
                        dur = rng.randint(60, 200)  # stuck this year: open and overdue at AS_OF
                    dur = max(dur, lag)
                    acc = s + dt.timedelta(days=lag)
                    closed = s + dt.timedelta(days=dur)
                    if closed <= AS_OF:
                        r.update(status="CLOSED", accepted_on=acc, closed_on=closed,
                                 outcome=_weighted(rng, _OUTCOME_W))
                    elif acc > AS_OF:
                        r.update(status="SUBMITTED")
                    else:
                        progress = (AS_OF - s).days / dur
                        r["accepted_on"] = acc
                        if (AS_OF - acc).days < 1:
                            r["status"] = "ACCEPTED"
                        elif progress < 0.3:
                            r["status"] = "ASSIGNED"
                        elif progress < 0.85:
                            r["status"] = "IN_PROGRESS"
                        else:
                            r.update(status="REPLIED", outcome=_weighted(rng, _OUTCOME_W))
                rows.append(r)
            rows.sort(key=lambda r: (r["submitted_on"], r["town"], r["content"]))
            for n, r in enumerate(rows, 1):
                r["suggestion_id"] = f"{PREFIX[district]}-MSB-{year}-{n:04d}"
            out += rows
    # 清江浦区: exactly 224 closed-and-solved in 2023 (the article's figure)
    cand = [r for r in out if r["district"] == QJP and r["status"] == "CLOSED"
            and r["closed_on"].year == 2023]
    solved = [r for r in cand if r["outcome"] == "SOLVED"]
    if len(solved) > _QJP_2023_SOLVED:
        for r in rng.sample(solved, len(solved) - _QJP_2023_SOLVED):
            r["outcome"] = _weighted(rng, [("EXPLAINED", 3), ("PLANNED", 2)])
    elif len(solved) < _QJP_2023_SOLVED:
        other = [r for r in cand if r["outcome"] != "SOLVED"]
        for r in rng.sample(other, _QJP_2023_SOLVED - len(solved)):
            r["outcome"] = "SOLVED"
    # ratings, after the outcomes are final
    for r in out:
        if r["status"] == "CLOSED" and rng.random() < 0.92:
            r["rating"] = _weighted(rng, _RATING_W[r["outcome"]])
    # a few contents carry a phone number or an ID number (for masking); a few clerks
    # typed the town without its suffix
    for k, r in enumerate(out):
        division = "320812" if r["district"] == QJP else "320803"
        if k % 197 == 13:
            r["content"] += f"，联系电话{_mobile(rng)}"
        elif k % 251 == 40:
            r["content"] += f"，反映人{names()}，身份证号{_id_number(rng, division)}"
        if k % 41 == 5:
            r["town"] = _TOWN[(r["district"], r["town"])].short
    return out


# =========================================================================================
# Formal suggestions (代表建议)
# =========================================================================================

_SESSIONS = {  # year -> (session, assigned on, number of suggestions)
    HA: {2022: ("区十八届人大一次会议", dt.date(2022, 2, 22), 238),
         2023: ("区十八届人大二次会议", dt.date(2023, 3, 10), 251),
         2024: ("区十八届人大三次会议", dt.date(2024, 3, 12), 246),
         2025: ("区十八届人大四次会议", dt.date(2025, 3, 11), 262),
         2026: ("区十八届人大五次会议", dt.date(2026, 3, 10), 233)},
    QJP: {2022: ("区二届人大一次会议", dt.date(2022, 2, 25), 196),
          2023: ("区二届人大二次会议", dt.date(2023, 3, 8), 214),
          2024: ("区二届人大三次会议", dt.date(2024, 3, 7), 221),
          2025: ("区二届人大四次会议", dt.date(2025, 3, 6), 208),
          2026: ("区二届人大五次会议", dt.date(2026, 3, 5), 199)},
}
_FORMAL_TOPICS = (
    ("加快{t}农村公路提档升级", "区交通运输局"), ("推进{t}老旧小区改造", "区住建局"),
    ("解决{p}停车难问题", "区城管局"), ("完善{t}养老服务设施", "区民政局"),
    ("扩充{t}学前教育资源", "区教育局"), ("推动公办高中高质量发展", "区教育局"),
    ("加强{t}基层医疗卫生服务能力", "区卫健委"), ("提升{p}供水水质和水压", "区水利局"),
    ("加大中小企业融资支持力度", "区财政局"), ("优化营商环境、提升政务服务效能", "区行政审批局"),
    ("加强{t}河道综合整治", "区水利局"), ("推进高标准农田建设", "区农业农村局"),
    ("做好退役军人就业安置工作", "区退役军人事务局"), ("完善社会救助制度", "区民政局"),
    ("加强{t}食品安全监管", "区市场监管局"), ("推进垃圾分类工作", "区城管局"),
    ("改善{p}雨污分流设施", "区住建局"), ("支持{t}村集体经济发展", "区农业农村局"),
    ("加强生态环境保护", "区生态环境局"), ("提升{t}公共交通服务水平", "区交通运输局"),
    ("加强文化旅游资源开发", "区文体广旅局"), ("加大稳岗就业扶持力度", "区人社局"),
    ("完善{p}消防设施", "区应急管理局"), ("加强校园周边交通安全管理", "区公安分局"),
)
_RESULT_W = [("A", 60), ("B", 25), ("C", 10), ("D", 5)]
_FEEDBACK_W = [("SATISFIED", 85), ("BASICALLY", 12), ("DISSATISFIED", 3)]


def _formal_suggestions(places, deputies) -> list[dict]:
    rng = _rng("formal")
    out: list[dict] = []
    for district in DISTRICTS:
        leads = [d["deputy_id"] for d in deputies if d["district"] == district and d["level"] == "DISTRICT"]
        towns = COUNTED[district]
        for year in YEARS:
            session, assigned, n = _SESSIONS[district][year]
            for k in range(1, n + 1):
                tpl, dept = rng.choice(_FORMAL_TOPICS)
                town = rng.choice(towns)
                title = "关于" + tpl.format(t=town.name, p=rng.choice(places[(district, town.name)])) + "的建议"
                a = assigned if rng.random() < 0.9 else assigned + dt.timedelta(days=rng.randint(3, 12))
                r = rng.random()
                unanswered_p = 0.06 if year == AS_OF.year else 0.02
                if r < unanswered_p:
                    replied = None
                elif r < unanswered_p + 0.08:
                    replied = a + dt.timedelta(days=rng.randint(95, 200))   # later than 3 months
                else:
                    replied = a + dt.timedelta(days=rng.randint(25, 85))
                if replied and replied > AS_OF:
                    replied = None
                result = feedback = None
                if replied:
                    result = _weighted(rng, _RESULT_W)
                    feedback = _weighted(rng, _FEEDBACK_W) if rng.random() < 0.95 else None
                out.append({"suggestion_id": f"{PREFIX[district]}-JY-{year}-{k:03d}",
                            "district": district, "session": session, "title": title,
                            "department": dept, "deputy_id": rng.choice(leads), "assigned_on": a,
                            "replied_on": replied, "result": result, "feedback": feedback,
                            "key_supervised": rng.random() < 0.06})
    return out


# =========================================================================================
# Appraisals (工作评议)
# =========================================================================================

_APPRAISED = ("区教育局", "区卫健委", "区住建局", "区民政局", "区人社局", "区市场监管局",
              "区城管局", "区交通运输局", "区农业农村局", "区行政审批局", "区生态环境局", "区水利局")
# district -> year -> (departments, SC members voting, invited voting)
_APPRAISAL_SESSIONS = {
    HA: {2022: (6, 29, 26), 2023: (7, 31, 30), 2024: (7, 30, 30), 2025: (8, 31, 32), 2026: (6, 30, 30)},
    QJP: {2022: (5, 25, 20), 2023: (6, 27, 22), 2024: (6, 26, 24), 2025: (6, 27, 24), 2026: (5, 27, 25)},
}


def _appraisals() -> list[dict]:
    rng = _rng("appraisals")
    out: list[dict] = []
    for district in DISTRICTS:
        for year, (n_dep, n_sc, n_inv) in _APPRAISAL_SESSIONS[district].items():
            for i, dept in enumerate(rng.sample(_APPRAISED, n_dep), 1):
                aid = f"{PREFIX[district]}-{year}-{i:02d}"
                for etype, total in (("SC_MEMBER", n_sc), ("INVITED", n_inv)):
                    dis = _weighted(rng, [(0, 6), (1, 3), (2, 1)])
                    basic = rng.randint(1, max(2, total // 5))
                    out.append({"appraisal_id": aid, "district": district, "year": year,
                                "department": dept, "evaluator_type": etype,
                                "satisfied": total - basic - dis, "basically_satisfied": basic,
                                "dissatisfied": dis})
    return out


# =========================================================================================
# Frames
# =========================================================================================

def _records() -> dict[str, list[dict]]:
    """All records, by kind, keyed by column id, enumerations as codes."""
    places = _places()
    names = _NameMaker(_rng("names"))
    plans = _site_plans(places)
    stations = _stations(places, plans)
    deputies = _deputies(stations, names)
    visits, opinions = _enterprise_visits(_enterprises(), names)
    towns = [{"district": t.district, "town": t.name, "town_type": t.type, "town_code": t.code,
              "villages": _villages(t), "counted": t.counted} for t in _TOWNS]
    return {
        "towns": towns,
        "stations": stations,
        "deputies": deputies,
        "activities": _activities(places),
        "enterprise_visits": visits,
        "enterprise_opinions": opinions,
        "micro_suggestions": _micro_suggestions(places, deputies, names),
        "formal_suggestions": _formal_suggestions(places, deputies),
        "appraisals": _appraisals(),
        "practice_sites": _practice_sites(plans),
        "rollout_plan": _rollout_plan(),
    }


def _villages(t: Town) -> int:
    rng = _rng(f"villages:{t.district}:{t.name}")
    if t.type == "STREET":
        return rng.randint(7, 18)
    if t.type == "TOWN":
        return rng.randint(12, 26)
    return rng.randint(2, 6)


def _to_frame(kind_name: str, records: list[dict]) -> pd.DataFrame:
    kind = KIND_BY_NAME[kind_name]
    as_code = _AS_CODE.get(kind_name, set())
    data: dict[str, list] = {}
    for col in kind.columns:
        values = []
        for r in records:
            v = r.get(col.id)
            if v is None:
                values.append(None)
            elif col.type == "bool":
                values.append("是" if v else "否")
            elif col.type == "enum" and col.enum != "gender" and col.id not in as_code:
                values.append(_zh(col.enum, v))
            else:
                values.append(v)
        data[col.label] = values
    return pd.DataFrame(data, columns=[c.label for c in kind.columns], dtype=object)


def demo_frames() -> dict[str, pd.DataFrame]:
    """The demo dataset: kind name -> DataFrame headed by the kind's Chinese labels."""
    return {name: _to_frame(name, recs) for name, recs in _records().items()}


# =========================================================================================
# Files
# =========================================================================================

def _csv_cell(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:g}"
    return str(v)


def _write_csv(df: pd.DataFrame, path: pathlib.Path, encoding: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(list(df.columns))
    for row in df.itertuples(index=False, name=None):
        w.writerow([_csv_cell(v) for v in row])
    path.write_bytes(buf.getvalue().encode(encoding))


def _display_width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _write_xlsx(frames: dict[str, pd.DataFrame], path: pathlib.Path) -> None:
    from openpyxl.utils import get_column_letter

    with pd.ExcelWriter(path, engine="openpyxl", date_format="YYYY-MM-DD") as xw:
        for kind_name, title in XLSX_SHEETS:
            df = frames[kind_name]
            sheet = KIND_BY_NAME[kind_name].label
            start = 1 if title else 0
            df.to_excel(xw, sheet_name=sheet, index=False, startrow=start)
            ws = xw.sheets[sheet]
            if title:
                ws.cell(row=1, column=1, value=title)
            ws.freeze_panes = ws.cell(row=start + 2, column=1)
            for j, col in enumerate(df.columns, 1):
                sample = [str(col)] + [str(v) for v in df[col].head(200) if v is not None]
                width = min(48, max(_display_width(s) for s in sample) + 2)
                ws.column_dimensions[get_column_letter(j)].width = max(8, width)
        props = xw.book.properties
        props.creator = "人大履职看板 演示数据"
        props.created = dt.datetime(*_ZIP_TIME)
        props.modified = dt.datetime(*_ZIP_TIME)
    _normalise_zip(path)


def _normalise_zip(path: pathlib.Path) -> None:
    """Rewrite a zip (xlsx) with fixed entry times and document dates: same bytes every run."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    stamp = b"2026-10-31T00:00:00Z"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    path.write_bytes(buf.getvalue())


def write_demo_files(out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write the demo dataset as contract input files into ``out_dir``; the paths, sorted.

    One workbook (sheets 镇街, 阵地, 代表, 活动, 企业走访, 企业意见; 活动 and 企业走访 with a
    title row above the header) and one CSV per remaining kind (UTF-8 with BOM, 代表建议.csv
    in GB18030). Dates in CSVs are ISO strings. Files already in ``out_dir`` are left alone.
    """
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = demo_frames()
    paths = [out_dir / XLSX_NAME]
    _write_xlsx(frames, paths[0])
    for kind_name, file_name, encoding in CSV_FILES:
        p = out_dir / file_name
        _write_csv(frames[kind_name], p, encoding)
        paths.append(p)
    return sorted(paths)


def default_out_dir(db: pathlib.Path) -> pathlib.Path:
    """Where ``python -m etl demo`` writes the input files unless told: next to the warehouse."""
    return pathlib.Path(db).parent / "demo-input"


def build_demo(db: pathlib.Path, out_dir: pathlib.Path | None = None, progress=None):
    """Write the demo files into ``out_dir`` (default: :func:`default_out_dir`) and load them
    into ``db`` through the ETL, like real data; the ETL's load report (``exit_code`` 0 when
    every row loaded). The load is marked ``origin="demo"`` so the warehouse still counts as
    demo-only (no user data). ``progress(fraction, label)`` is told how far it got."""
    from etl.load import load

    out = pathlib.Path(out_dir) if out_dir is not None else default_out_dir(pathlib.Path(db))
    if progress:
        progress(0.0, "")
    paths = write_demo_files(out)
    if progress:
        progress(0.3, "")
    return load(paths, pathlib.Path(db), origin="demo",
                progress=(lambda x, label: progress(0.3 + 0.7 * x, label)) if progress else None)
