"""The data contract as code: record kinds, their columns, keys and enumerations.

Everything that knows the shape of an input file or a warehouse relation reads it from
here: the header matcher, the SQL normaliser, the DDL in ``warehouse/schema.sql`` (a test
checks that the committed DDL equals :func:`ddl`), the Excel template and the data
dictionary. Changing the contract means changing this file and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------
# Enumerations: code -> (Chinese label, English label). Stored as the code; the Chinese
# label, the English label and the code (any case) are all accepted on input.
# ---------------------------------------------------------------------------------------

ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "town_type": {
        "STREET": ("街道", "Street"),
        "TOWN": ("镇", "Town"),
        "OTHER": ("其他", "Other"),
    },
    "station_kind": {
        "HOME": ("代表之家", "Deputies' home"),
        "STATION": ("代表联络站", "Liaison station"),
        "POINT": ("代表联系点", "Contact point"),
        "STUDIO": ("代表工作室", "Deputy studio"),
        "PRACTICE_BASE": ("实践基地", "Practice base"),
        "PRACTICE_POINT": ("实践点", "Practice point"),
    },
    "deputy_level": {
        "NATIONAL": ("全国", "National"),
        "PROVINCE": ("省", "Provincial"),
        "CITY": ("市", "City"),
        "DISTRICT": ("区", "District"),
        "TOWN": ("镇", "Town"),
        "VOTER_REP": ("选民代表", "Voter representative"),
    },
    "activity_kind": {
        "TOWN_CONGRESS": ("镇人代会", "Town congress"),
        "STREET_COUNCIL": ("街道代表议事会", "Street deputies' council"),
        "WORK_REVIEW": ("工作评议会", "Work-appraisal meeting"),
        "DEPUTY_VOTER": ("代表选民议事会", "Deputy–voter council"),
        "PUBLICITY": ("宣讲活动", "Publicity event"),
        "RECEPTION": ("代表接待选民", "Voter reception"),
        "LIAISON": ("双联活动", "Dual-liaison activity"),
        "OTHER": ("其他", "Other"),
    },
    "venue": {
        "VILLAGE_OFFICE": ("村委会", "Village office"),
        "RESIDENT_HOME": ("村民家中", "Resident's home"),
        "FIELD": ("田间地头", "In the fields"),
        "DEPUTY_HOME": ("代表之家", "Deputies' home"),
        "STATION": ("联络站", "Liaison station"),
        "OTHER": ("其他", "Other"),
    },
    "opinion_source": {
        "ENTERPRISE": ("企业", "Enterprise"),
        "DEPUTY": ("代表", "Deputy"),
    },
    "opinion_category": {
        "BUSINESS_ENV": ("营商环境", "Business environment"),
        "POLICY": ("政策落实", "Policy implementation"),
        "FINANCE": ("融资信贷", "Finance and credit"),
        "LABOR": ("用工招工", "Labour and hiring"),
        "LAND": ("用地", "Land use"),
        "INFRA": ("基础设施", "Infrastructure"),
        "APPROVAL": ("审批服务", "Approval services"),
        "OTHER": ("其他", "Other"),
    },
    "opinion_status": {
        "PENDING": ("未交办", "Not yet assigned"),
        "ASSIGNED": ("已交办", "Assigned"),
        "IN_PROGRESS": ("办理中", "In progress"),
        "RESOLVED": ("已办结", "Resolved"),
    },
    "micro_category": {
        "URBAN": ("城建交通", "Urban construction and traffic"),
        "ENVIRONMENT": ("环境卫生", "Environment and sanitation"),
        "PROPERTY": ("物业小区", "Property management"),
        "LIVELIHOOD": ("民生保障", "Livelihood security"),
        "EDUCATION": ("教育", "Education"),
        "HEALTH": ("医疗卫生", "Health care"),
        "AGRICULTURE": ("农业农村", "Agriculture and villages"),
        "GOVERNANCE": ("社会治理", "Social governance"),
        "BUSINESS": ("营商环境", "Business environment"),
        "OTHER": ("其他", "Other"),
    },
    "micro_status": {
        "SUBMITTED": ("已提交", "Submitted"),
        "ACCEPTED": ("已受理", "Accepted"),
        "ASSIGNED": ("已交办", "Assigned"),
        "IN_PROGRESS": ("办理中", "In progress"),
        "REPLIED": ("已答复", "Replied"),
        "CLOSED": ("已办结", "Closed"),
        "REJECTED": ("不予受理", "Not accepted"),
    },
    "micro_outcome": {
        "SOLVED": ("已解决", "Solved"),
        "EXPLAINED": ("解释说明", "Explained"),
        "PLANNED": ("列入计划", "Planned"),
        "UNSOLVABLE": ("无法解决", "Cannot be solved"),
    },
    "rating": {
        "SATISFIED": ("满意", "Satisfied"),
        "BASICALLY": ("基本满意", "Basically satisfied"),
        "DISSATISFIED": ("不满意", "Dissatisfied"),
    },
    "formal_result": {
        "A": ("已解决或基本解决", "Solved or basically solved"),
        "B": ("正在解决或列入计划解决", "Being solved or planned"),
        "C": ("列入规划逐步解决", "In the long-term plan"),
        "D": ("因条件限制留作参考", "Kept for reference"),
    },
    "evaluator_type": {
        "SC_MEMBER": ("常委会组成人员", "Standing-committee member"),
        "INVITED": ("特邀代表", "Invited representative"),
    },
    "site_stage": {
        "PLANNED": ("规划", "Planned"),
        "PILOT": ("试点", "Pilot"),
        "BUILT": ("建成", "Built"),
        "ACCEPTED": ("验收通过", "Accepted"),
    },
    "rollout_phase": {
        "PILOT": ("试点示范", "Pilot and demonstration"),
        "DEEPEN": ("深化完善", "Deepen and improve"),
        "FULL": ("全覆盖", "Full coverage"),
    },
    # Not an enumeration of the contract's §3, but a closed list all the same.
    "gender": {
        "男": ("男", "Male"),
        "女": ("女", "Female"),
    },
}

# Extra spellings accepted for an enumeration (lower-cased on lookup).
ENUM_ALIASES: dict[str, dict[str, str]] = {
    "gender": {"m": "男", "male": "男", "f": "女", "female": "女"},
    "town_type": {"乡": "TOWN", "街": "STREET"},
    "formal_result": {"a类": "A", "b类": "B", "c类": "C", "d类": "D"},
}

YES_VALUES = ("是", "y", "yes", "true", "1", "√", "有", "t", "✓", "✔")
NO_VALUES = ("否", "n", "no", "false", "0", "×", "无", "f", "✗", "✘")

# Units that may trail a whole number ("12人", "3次").
INT_UNITS = ("人次", "人", "次", "件", "家", "个", "场", "条", "份", "票", "名", "位", "处", "户")

# ---------------------------------------------------------------------------------------
# Column types
# ---------------------------------------------------------------------------------------
# text     free text, trimmed
# id       free text, trimmed, at most 64 characters
# int      whole number >= 0
# year     whole number 2000..2100
# score    number 0..100 (decimals allowed)
# date     a date in any accepted spelling
# bool     yes/no
# enum     one of ENUMS[column.enum]
# district a district known from the towns relation
# town     a town of the row's district: full name, name without suffix, or 12-digit code
# code12   12 digits (statistical division code)
# credit   18-character unified social credit code with a valid GB 32100 check digit

SQL_TYPES = {
    "text": "VARCHAR",
    "id": "VARCHAR",
    "int": "BIGINT",
    "year": "INTEGER",
    "score": "DOUBLE",
    "date": "DATE",
    "bool": "BOOLEAN",
    "enum": "VARCHAR",
    "district": "VARCHAR",
    "town": "VARCHAR",
    "code12": "VARCHAR",
    "credit": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    type: str
    required: bool = False
    enum: str | None = None
    default: object = None
    en: str = ""

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Ref:
    """A column that must name an existing record of another kind (blank is allowed
    unless the column is required)."""

    column: str
    kind: str
    target: str


@dataclass(frozen=True)
class DateOrder:
    """``later`` may not be before ``earlier`` when both are given."""

    earlier: str
    later: str


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    main_date: str | None = None
    refs: tuple[Ref, ...] = ()
    date_orders: tuple[DateOrder, ...] = ()
    # For activities: the natural key used when activity_id is blank.
    fallback_key: tuple[str, ...] = ()
    derived: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    def column(self, cid: str) -> Column:
        for c in self.columns:
            if c.id == cid:
                return c
        raise KeyError(cid)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    @property
    def has_year(self) -> bool:
        return self.main_date is not None

    @property
    def output_columns(self) -> list[str]:
        """Column ids of the warehouse relation, in order."""
        out = [c.id for c in self.columns]
        out += [d[0] for d in self.derived]
        if self.has_year:
            out.append("year")
        return out


def C(id: str, label: str, type: str = "text", req: bool = False, enum: str | None = None,
      default: object = None, en: str = "") -> Column:
    return Column(id=id, label=label, type=type, required=req, enum=enum, default=default, en=en)


_YN = "bool"
_N = "int"

KINDS: tuple[Kind, ...] = (
    Kind(
        "towns", "镇街", "Towns",
        (
            C("district", "区", "text", True, en="District"),
            C("town", "镇街", "text", True, en="Town"),
            C("town_type", "类型", "enum", True, "town_type", en="Type"),
            C("town_code", "区划代码", "code12", en="Division code"),
            C("villages", "村居数", _N, en="Villages and communities"),
            C("counted", "纳入统计", _YN, default=True, en="Counted"),
        ),
        key=("district", "town"),
    ),
    Kind(
        "stations", "阵地", "Stations",
        (
            C("station_id", "阵地编号", "id", True, en="Station ID"),
            C("name", "名称", "text", True, en="Name"),
            C("kind", "类型", "enum", True, "station_kind", en="Type"),
            C("district", "区", "district", True, en="District"),
            C("town", "镇街", "town", True, en="Town"),
            C("opened_on", "建成日期", "date", en="Opened on"),
            C("upgraded_on", "升级为实践点日期", "date", en="Upgraded to practice point on"),
            C("theme", "特色主题", "text", en="Theme"),
        ),
        key=("station_id",),
        date_orders=(DateOrder("opened_on", "upgraded_on"),),
    ),
    Kind(
        "deputies", "代表", "Deputies",
        (
            C("deputy_id", "代表编号", "id", True, en="Deputy ID"),
            C("name", "姓名", "text", True, en="Name"),
            C("level", "层级", "enum", True, "deputy_level", en="Level"),
            C("district", "区", "district", True, en="District"),
            C("town", "镇街", "town", en="Town"),
            C("station_id", "所属阵地", "id", en="Station"),
            C("sector", "界别", "text", en="Sector"),
            C("gender", "性别", "enum", enum="gender", en="Gender"),
        ),
        key=("deputy_id",),
        refs=(Ref("station_id", "stations", "station_id"),),
    ),
    Kind(
        "activities", "活动", "Activities",
        (
            C("activity_id", "活动编号", "id", en="Activity ID"),
            C("kind", "类型", "enum", True, "activity_kind", en="Type"),
            C("district", "区", "district", True, en="District"),
            C("town", "镇街", "town", True, en="Town"),
            C("date", "日期", "date", True, en="Date"),
            C("venue", "地点", "enum", enum="venue", en="Venue"),
            C("topic", "主题", "text", en="Topic"),
            C("deputies", "人大代表人数", _N, default=0, en="Deputies"),
            C("voter_reps", "选民代表人数", _N, default=0, en="Voter representatives"),
            C("social_workers", "基层社会工作者人数", _N, default=0, en="Community workers"),
            C("public", "群众人数", _N, default=0, en="Public"),
            C("opinions", "收集意见数", _N, default=0, en="Opinions collected"),
        ),
        key=("activity_id",),
        fallback_key=("district", "town", "kind", "date", "topic"),
        main_date="date",
        derived=(("participants", "BIGINT", "deputies + voter_reps + social_workers + public"),),
    ),
    Kind(
        "enterprise_visits", "企业走访", "Enterprise visits",
        (
            C("visit_id", "走访编号", "id", True, en="Visit ID"),
            C("date", "日期", "date", True, en="Date"),
            C("district", "区", "district", True, en="District"),
            C("town", "镇街", "town", True, en="Town"),
            C("enterprise", "企业名称", "text", True, en="Enterprise"),
            C("credit_code", "统一社会信用代码", "credit", en="Credit code"),
            C("industry", "行业", "text", en="Industry"),
            C("province_deputies", "省级代表人次", _N, default=0, en="Provincial deputies"),
            C("city_deputies", "市级代表人次", _N, default=0, en="City deputies"),
            C("district_deputies", "区级代表人次", _N, default=0, en="District deputies"),
            C("town_deputies", "镇级代表人次", _N, default=0, en="Town deputies"),
            C("questionnaire", "问卷回收", _YN, default=False, en="Questionnaire returned"),
        ),
        key=("visit_id",),
        main_date="date",
    ),
    Kind(
        "enterprise_opinions", "企业意见", "Enterprise opinions",
        (
            C("opinion_id", "意见编号", "id", True, en="Opinion ID"),
            C("visit_id", "走访编号", "id", True, en="Visit ID"),
            C("source", "来源", "enum", True, "opinion_source", en="Source"),
            C("category", "类别", "enum", True, "opinion_category", en="Category"),
            C("content", "内容", "text", en="Content"),
            C("status", "办理状态", "enum", enum="opinion_status", default="PENDING", en="Status"),
            C("resolved_on", "办结日期", "date", en="Resolved on"),
        ),
        key=("opinion_id",),
        refs=(Ref("visit_id", "enterprise_visits", "visit_id"),),
    ),
    Kind(
        "micro_suggestions", "微建议", "Micro-suggestions",
        (
            C("suggestion_id", "建议编号", "id", True, en="Suggestion ID"),
            C("submitted_on", "提交日期", "date", True, en="Submitted on"),
            C("district", "区", "district", True, en="District"),
            C("town", "镇街", "town", True, en="Town"),
            C("category", "类别", "enum", True, "micro_category", en="Category"),
            C("status", "状态", "enum", True, "micro_status", en="Status"),
            C("deputy_id", "代表编号", "id", en="Deputy ID"),
            C("department", "承办单位", "text", en="Department"),
            C("accepted_on", "受理日期", "date", en="Accepted on"),
            C("closed_on", "办结日期", "date", en="Closed on"),
            C("outcome", "办理结果", "enum", enum="micro_outcome", en="Outcome"),
            C("rating", "满意度", "enum", enum="rating", en="Rating"),
            C("content", "内容", "text", en="Content"),
        ),
        key=("suggestion_id",),
        main_date="submitted_on",
        refs=(Ref("deputy_id", "deputies", "deputy_id"),),
        date_orders=(DateOrder("submitted_on", "accepted_on"), DateOrder("submitted_on", "closed_on"),
                     DateOrder("accepted_on", "closed_on")),
    ),
    Kind(
        "formal_suggestions", "代表建议", "Formal suggestions",
        (
            C("suggestion_id", "建议编号", "id", True, en="Suggestion ID"),
            C("district", "区", "district", True, en="District"),
            C("session", "会议", "text", True, en="Session"),
            C("title", "标题", "text", True, en="Title"),
            C("department", "主办单位", "text", True, en="Lead department"),
            C("deputy_id", "领衔代表", "id", en="Lead deputy"),
            C("assigned_on", "交办日期", "date", en="Assigned on"),
            C("replied_on", "答复日期", "date", en="Replied on"),
            C("result", "办理结果", "enum", enum="formal_result", en="Result"),
            C("feedback", "代表反馈", "enum", enum="rating", en="Deputy feedback"),
            C("key_supervised", "重点督办", _YN, default=False, en="Key supervised"),
        ),
        key=("suggestion_id",),
        main_date="assigned_on",
        refs=(Ref("deputy_id", "deputies", "deputy_id"),),
        date_orders=(DateOrder("assigned_on", "replied_on"),),
    ),
    Kind(
        "appraisals", "工作评议", "Work appraisals",
        (
            C("appraisal_id", "评议编号", "id", True, en="Appraisal ID"),
            C("district", "区", "district", True, en="District"),
            C("year", "年度", "year", True, en="Year"),
            C("department", "被评议单位", "text", True, en="Appraised department"),
            C("evaluator_type", "评议人类型", "enum", True, "evaluator_type", en="Evaluator type"),
            C("satisfied", "满意票", _N, en="Satisfied ballots"),
            C("basically_satisfied", "基本满意票", _N, en="Basically satisfied ballots"),
            C("dissatisfied", "不满意票", _N, en="Dissatisfied ballots"),
        ),
        key=("appraisal_id", "evaluator_type"),
    ),
    Kind(
        "practice_sites", "实践点", "Practice sites",
        (
            C("site_id", "实践点编号", "id", True, en="Site ID"),
            C("district", "区", "district", True, en="District"),
            C("town", "镇街", "town", True, en="Town"),
            C("name", "名称", "text", True, en="Name"),
            C("theme", "特色主题", "text", en="Theme"),
            C("stage", "阶段", "enum", True, "site_stage", en="Stage"),
            C("started_on", "启动日期", "date", en="Started on"),
            C("built_on", "建成日期", "date", en="Built on"),
            C("accepted_on", "验收日期", "date", en="Accepted on"),
            C("screen", "宣传屏", _YN, en="Publicity screen"),
            C("notice_board", "公示栏", _YN, en="Notice board"),
            C("studio", "代表工作室", _YN, en="Deputy studio"),
            C("hall", "议事厅", _YN, en="Council hall"),
            C("education", "教育阵地", _YN, en="Education site"),
            C("score", "评分", "score", en="Score"),
        ),
        key=("site_id",),
        main_date="started_on",
        date_orders=(DateOrder("started_on", "built_on"), DateOrder("built_on", "accepted_on"),
                     DateOrder("started_on", "accepted_on")),
    ),
    Kind(
        "rollout_plan", "全覆盖计划", "Full-coverage plan",
        (
            C("district", "区", "district", True, en="District"),
            C("year", "年度", "year", True, en="Year"),
            C("phase", "阶段", "enum", True, "rollout_phase", en="Phase"),
            C("target_towns", "目标覆盖镇街数", _N, True, en="Target towns"),
        ),
        key=("district", "year"),
    ),
)

KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
# Sheet names / file stems that name a kind: English name or Chinese label.
KIND_ALIASES: dict[str, str] = {}
for _k in KINDS:
    KIND_ALIASES[_k.name] = _k.name
    KIND_ALIASES[_k.label] = _k.name
KIND_ALIASES["码上办"] = "micro_suggestions"
KIND_ALIASES["微建议(码上办)"] = "micro_suggestions"

# Apply order within one load: towns, then stations and deputies, then everything else
# (opinions after the visits they point to).
LOAD_ORDER: tuple[str, ...] = tuple(k.name for k in KINDS)

# Sheets of our own template that carry no records.
TEMPLATE_SHEETS = ("说明", "下拉选项", "instructions", "lists")


def enum_label(enum: str, code: str | None, lang: str = "zh") -> str:
    """The label of an enumeration code in a language; the code itself if unknown."""
    if code is None:
        return ""
    zh_en = ENUMS.get(enum, {}).get(code)
    if zh_en is None:
        return str(code)
    return zh_en[0] if lang == "zh" else zh_en[1]


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


#: Kinds whose records take their place (district, town) from another kind's record: the
#: load stores that place beside each one, kept current, so that a district's query skips
#: the other districts' row groups (an opinion has no district of its own: its visit's).
PLACED_BY: dict[str, tuple[str, str]] = {"enterprise_opinions": ("enterprise_visits", "visit_id")}
PLACE_COLUMNS: tuple[str, str] = ("_district", "_town")


def ddl() -> str:
    """The DDL of every relation: the source of ``warehouse/schema.sql``."""
    out = [
        "-- Generated from etl/spec.py by `python -m etl.spec > warehouse/schema.sql`.",
        "-- Idempotent: every statement is CREATE ... IF NOT EXISTS.",
        "-- Record relations carry the contract columns, the derived columns (participants,",
        "-- year) and lineage columns prefixed with an underscore: _key (the record key as",
        "-- one string), _load_id, _file, _sheet and _row (where the record came from);",
        "-- enterprise_opinions adds _district and _town, its visit's (kept by every load).",
        "",
    ]
    for k in KINDS:
        lines = []
        for c in k.columns:
            col = f"    {c.id} {c.sql_type}"
            if c.required or c.default is not None:
                col += " NOT NULL"
            if c.type == "enum" and c.enum:
                codes = ", ".join(_sql_str(x) for x in ENUMS[c.enum])
                col += f" CHECK ({c.id} IN ({codes}))"
            if c.type == "score":
                col += f" CHECK ({c.id} BETWEEN 0 AND 100)"
            if c.type == "int":
                col += f" CHECK ({c.id} >= 0)"
            if c.type == "year":
                col += f" CHECK ({c.id} BETWEEN 2000 AND 2100)"
            lines.append(col)
        for name, typ, _expr in k.derived:
            lines.append(f"    {name} {typ}")
        if k.has_year:
            lines.append("    year INTEGER")
        lines += [
            "    _key VARCHAR NOT NULL",
            "    _load_id BIGINT NOT NULL",
            "    _file VARCHAR",
            "    _sheet VARCHAR",
            "    _row BIGINT",
        ]
        if k.name in PLACED_BY:
            lines += [f"    {c} VARCHAR" for c in PLACE_COLUMNS]
        out.append(f"-- {k.label} {k.en}; key: {' + '.join(k.key)}")
        out.append(f"CREATE TABLE IF NOT EXISTS {k.name} (\n" + ",\n".join(lines) + "\n);")
        out.append("")
    out.append(ETL_DDL)
    return "\n".join(out)


ETL_DDL = """-- One row per file per load.
CREATE TABLE IF NOT EXISTS etl_loads (
    load_id BIGINT NOT NULL,
    file VARCHAR NOT NULL,
    sha256 VARCHAR,
    loaded_at TIMESTAMP NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('loaded', 'partial', 'rejected', 'refused')),
    rows_new BIGINT NOT NULL DEFAULT 0,
    rows_changed BIGINT NOT NULL DEFAULT 0,
    rows_unchanged BIGINT NOT NULL DEFAULT 0,
    origin VARCHAR NOT NULL DEFAULT 'user' CHECK (origin IN ('user', 'demo', 'builtin')),
    loaded_by VARCHAR,
    notes VARCHAR,
    CHECK (rows_read = rows_loaded + rows_rejected)
);

-- One row per rejected input row.
CREATE TABLE IF NOT EXISTS etl_rejects (
    load_id BIGINT NOT NULL,
    file VARCHAR NOT NULL,
    sheet VARCHAR,
    "row" BIGINT,
    kind VARCHAR,
    "column" VARCHAR,
    value VARCHAR,
    reason VARCHAR NOT NULL
);

-- Key/value facts about the warehouse (schema version, demo flag).
CREATE TABLE IF NOT EXISTS etl_meta (
    key VARCHAR NOT NULL,
    value VARCHAR
);

-- Per kind, district and year: how many records and the latest of their dates, rebuilt by
-- every load (the data's cut-off and its years, read without scanning every record).
CREATE TABLE IF NOT EXISTS etl_summary (
    kind VARCHAR NOT NULL,
    district VARCHAR,
    year INTEGER,
    latest DATE,
    records BIGINT NOT NULL
);

-- Per district, town, year and kind: how many activities and their participants, rebuilt by
-- every load with etl_summary (yearly counts per town read without scanning every activity).
CREATE TABLE IF NOT EXISTS activity_rollup (
    district VARCHAR NOT NULL,
    town VARCHAR NOT NULL,
    year INTEGER,
    kind VARCHAR NOT NULL,
    records BIGINT NOT NULL,
    participants BIGINT
);
"""


if __name__ == "__main__":  # pragma: no cover - regenerates the committed DDL
    print(ddl(), end="")
