"""The data dictionary, generated from the contract so that it never drifts.

``python -m etl.dictionary > docs/data-dictionary.md`` writes the bilingual (Chinese
first, English below) dictionary. Every table in it is built from :mod:`etl.spec`: the
record kinds and their columns, the enumerations, and the warehouse column types, which
are read back from :func:`etl.spec.ddl` run on an in-memory DuckDB (so derived, lineage
and ETL bookkeeping columns are exactly the ones the warehouse has). Only the prose —
what a kind is for, what a column type accepts, the load rules and the counting rules
(统计口径) — is written by hand, here, once. The Excel template (:mod:`etl.template`)
reuses the same prose, so the form and the dictionary say the same thing.

A test (``tests/test_dictionary.py``) asserts that the committed file equals this output.
"""

from __future__ import annotations

import sys

from etl import spec

GENERATED_BY = "python -m etl.dictionary > docs/data-dictionary.md"

# ---------------------------------------------------------------------------------------
# Hand-written prose shared with the Excel template. Keyed by the names in etl/spec.py; a
# test checks that every kind and every column type has an entry.
# ---------------------------------------------------------------------------------------

#: What each record kind holds: (中文, English).
KIND_NOTES: dict[str, tuple[str, str]] = {
    "towns": (
        "镇街名录：区、镇街、类型、区划代码及是否纳入统计。清江浦区、淮安区的镇街已随项目提供，"
        "其他区先导入本表。",
        "Township units: district, town, type, division code and whether the town is counted. "
        "The towns of 清江浦区 and 淮安区 ship with the project; other districts load this kind first.",
    ),
    "stations": (
        "代表履职阵地：代表之家、代表联络站、联系点、工作室、实践基地/实践点，含建成和升级日期。",
        "Deputies' stations: homes, liaison stations, contact points, studios, practice bases and "
        "points, with opening and upgrade dates.",
    ),
    "deputies": (
        "代表名册：各级人大代表及选民代表，所属镇街和阵地。",
        "Roll of deputies of every level and of voter representatives, with their town and station.",
    ),
    "activities": (
        "代表活动：三会（镇人代会/街道代表议事会、工作评议会、代表选民议事会）、宣讲、接待选民、"
        "双联等，含参与人数和收集意见数。",
        "Deputies' activities: the three statutory meetings, publicity events, voter receptions, "
        "dual-liaison activities and others, with attendance and opinions collected.",
    ),
    "enterprise_visits": (
        "代表走访企业：每次走访一行，含各级代表人次和问卷回收情况。",
        "Deputies' visits to enterprises, one row per visit, with deputy person-times by level "
        "and whether the questionnaire was returned.",
    ),
    "enterprise_opinions": (
        "走访中收集的企业意见及其办理状态；每条意见须对应一次已登记的走访。",
        "Opinions collected on enterprise visits and their handling status; each points to a "
        "recorded visit.",
    ),
    "micro_suggestions": (
        "微建议（“码上办”）：群众和代表扫码提交的建议，含受理、交办、办结、结果和满意度。",
        "Micro-suggestions (the “码上办” QR-code channel): submission, acceptance, closure, "
        "outcome and satisfaction.",
    ),
    "formal_suggestions": (
        "代表在人代会期间提出的正式建议：交办、答复、办理结果和代表反馈。",
        "Deputies' formal suggestions of a congress session: assignment, reply, result and the "
        "deputy's feedback.",
    ),
    "appraisals": (
        "常委会对部门工作的满意度测评：每个被评议单位、每类评议人一行，记票数。",
        "Standing-committee appraisals of departments: one row per appraised department and "
        "evaluator type, with ballot counts.",
    ),
    "practice_sites": (
        "全过程人民民主实践点：阶段（规划/试点/建成/验收通过）、关键日期、五项建设内容和评分。",
        "Whole-process people's democracy practice sites: stage, key dates, the five facilities "
        "and a score.",
    ),
    "rollout_plan": (
        "实践点全覆盖计划：各区每年的阶段和目标覆盖镇街数。",
        "Full-coverage plan for practice sites: each district's phase and target number of "
        "towns per year.",
    ),
}

_DATE_FORMATS = "2023-03-05、2023/3/5、2023.3.5、2023年3月5日、20230305"

#: What a value of each column type may look like: (中文, English).
TYPE_NOTES: dict[str, tuple[str, str]] = {
    "text": ("文本，前后空格自动去除", "free text, leading and trailing spaces trimmed"),
    "id": ("编号，文本，最长 64 个字符", "identifier, free text of at most 64 characters"),
    "int": (
        "非负整数；可用全角数字和千分位分隔符，可带单位（" + "、".join(spec.INT_UNITS) + "）；"
        "不接受负数",
        "whole number ≥ 0; full-width digits and thousands separators allowed, optionally "
        "followed by a unit (" + ", ".join(spec.INT_UNITS) + "); negative numbers are rejected",
    ),
    "year": ("年份，2000–2100 的整数", "year, a whole number 2000–2100"),
    "score": ("0–100 的数，可含小数", "a number from 0 to 100, decimals allowed"),
    "date": (
        "日期：" + _DATE_FORMATS + "，或 Excel 日期单元格、Excel 日期序列号",
        "date: " + _DATE_FORMATS.replace("、", ", ") + ", an Excel date cell or an Excel serial number",
    ),
    "bool": (
        "是/否。表示“是”：" + "、".join(spec.YES_VALUES) + "；表示“否”：" + "、".join(spec.NO_VALUES)
        + "（英文不区分大小写）",
        "yes/no. Yes: " + ", ".join(spec.YES_VALUES) + "; no: " + ", ".join(spec.NO_VALUES)
        + " (case-insensitive)",
    ),
    "enum": (
        "枚举：填中文名称或英文代码（不区分大小写），入库保存英文代码",
        "enumeration: the Chinese label or the English code (any case); stored as the code",
    ),
    "district": (
        "区名，须为已知的区（清江浦区、淮安区随项目提供；其他区先导入其镇街表）",
        "district name; must be a known district (清江浦区 and 淮安区 ship with the project; "
        "other districts load their towns first)",
    ),
    "town": (
        "本行所在区内的镇街：全称（柳树湾街道）、去掉后缀的名称（柳树湾）或 12 位统计区划代码"
        "（320812010000）；入库保存全称",
        "a town of the row's district: full name (柳树湾街道), name without its suffix (柳树湾) "
        "or the 12-digit statistical code (320812010000); stored as the full name",
    ),
    "code12": ("12 位数字（统计用区划代码）", "12 digits (statistical division code)"),
    "credit": (
        "18 位统一社会信用代码，按 GB 32100 校验位验证",
        "18-character unified social credit code; the GB 32100 check digit is verified",
    ),
}

#: The same, in a few words, for the column tables of the dictionary: (中文, English).
TYPE_SHORT: dict[str, tuple[str, str]] = {
    "text": ("文本", "text"),
    "id": ("编号，≤ 64 字符", "identifier, ≤ 64 characters"),
    "int": ("整数 ≥ 0，可带单位", "whole number ≥ 0, unit allowed"),
    "year": ("年份 2000–2100", "year 2000–2100"),
    "score": ("0–100，可含小数", "0–100, decimals allowed"),
    "date": ("日期", "date"),
    "bool": ("是/否", "yes/no"),
    "enum": ("枚举", "enumeration"),
    "district": ("已知的区", "a known district"),
    "town": ("本行所在区的镇街：全称、简称或 12 位代码", "a town of the row's district: name, short name or code"),
    "code12": ("12 位数字", "12 digits"),
    "credit": ("18 位统一社会信用代码，校验位须正确", "18-character credit code with a valid check digit"),
}

#: Columns the warehouse adds to every record relation.
LINEAGE_NOTES: dict[str, tuple[str, str]] = {
    "_key": ("记录键（键列的值合成一个字符串）；重导时按它替换",
             "the record key as one string (built from the key columns); a reload replaces by it"),
    "_load_id": ("写入这条记录的导入批次，对应 etl_loads.load_id",
                 "the load that wrote the record (etl_loads.load_id)"),
    "_file": ("来源文件名", "source file"),
    "_sheet": ("来源工作表（CSV/Parquet 为空）", "source sheet (null for CSV/Parquet)"),
    "_row": ("来源行号：用户在 Excel 中看到的行号（表头行计入；CSV 的表头为第 1 行）",
             "source row: the row number the user sees in Excel (header row counted; a CSV's "
             "header is row 1)"),
    "_district": ("（仅企业意见）所属走访的区，由每次导入写入并保持一致，供按区查询跳过其他区的数据",
                  "(enterprise opinions only) the district of the opinion's visit, written and kept "
                  "current by every load, so that a district's query skips the other districts' data"),
    "_town": ("（仅企业意见）所属走访的镇街，同上", "(enterprise opinions only) the town of the opinion's visit, as above"),
}

#: The ETL bookkeeping relations, column by column.
ETL_NOTES: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "etl_loads": (
        "每次导入、每个文件一行。",
        "One row per file per load.",
        {
            "load_id": ("导入批次号，同一次导入的各文件相同", "load number, shared by the files of one load"),
            "file": ("文件名", "file name"),
            "sha256": ("文件内容的 SHA-256 摘要，用于识别重复导入的同一文件",
                       "SHA-256 of the file content, to recognise the same file loaded again"),
            "loaded_at": ("导入时间", "when the load ran"),
            "rows_read": ("读入行数（空行不计）", "rows read (blank rows not counted)"),
            "rows_loaded": ("入库行数", "rows loaded"),
            "rows_rejected": ("拒绝行数，明细见 etl_rejects", "rows rejected; details in etl_rejects"),
            "status": (
                "loaded 全部入库 · partial 部分行被拒绝 · rejected 所有行被拒绝 · "
                "refused 文件无法读取或无法识别，未读任何行",
                "loaded: every row loaded · partial: some rows rejected · rejected: every row "
                "rejected · refused: the file could not be read or recognised, no row was read",
            ),
            "rows_new": ("入库行中新增的记录数（键此前不存在）", "loaded rows that added a new key"),
            "rows_changed": ("入库行中替换了内容不同的已有记录的数量",
                             "loaded rows that replaced an existing record with different content"),
            "rows_unchanged": ("入库行中与已有记录完全相同、未改动的数量",
                               "loaded rows identical to the existing record, left untouched"),
            "origin": ("数据来源：user 用户导入 · demo 演示数据 · builtin 内置参考数据（随项目提供的镇街）",
                       "where the data came from: user = a user's file · demo = the demo dataset · "
                       "builtin = reference data shipped with the project (the towns)"),
            "loaded_by": ("执行导入的用户", "who ran the load"),
            "notes": ("备注：跳过的工作表、不认识的列等", "notes: skipped sheets, unknown columns and the like"),
        },
    ),
    "etl_rejects": (
        "每个被拒绝的输入行一行。",
        "One row per rejected input row.",
        {
            "load_id": ("导入批次号", "load number"),
            "file": ("文件名", "file name"),
            "sheet": ("工作表名（CSV/Parquet 为空）", "sheet name (blank for CSV/Parquet)"),
            "row": ("用户在 Excel 中看到的行号，表头行计入（CSV 为行号，表头为第 1 行）",
                    "the row number the user sees in Excel, header row counted (for CSV the line "
                    "number, header = 1)"),
            "kind": ("记录类型（英文名）", "record kind (English name)"),
            "column": ("出错列的中文标签（一行有多处问题时为第一处）；重复行、编号重复时为记录键的列",
                       "the Chinese label of the offending column (the first one when a row has "
                       "several problems); the key columns for 重复行 and 编号重复"),
            "value": ("该列的原值", "that column's value as given"),
            "reason": ("原因，中文，如「日期无法识别：2023-13-45」；多处问题以「；」连接",
                       "reason in plain Chinese, e.g. 「日期无法识别：2023-13-45」; several problems "
                       "are joined by 「；」"),
        },
    ),
    "etl_meta": (
        "仓库的键值信息（模式版本、是否演示数据等）。",
        "Key/value facts about the warehouse (schema version, demo flag).",
        {
            "key": ("键", "key"),
            "value": ("值", "value"),
        },
    ),
    "etl_summary": (
        "每次导入后重建的汇总：按记录类型、区、年份的记录数和最晚日期。看板的“数据截至”和年份列表读它，"
        "不必逐条扫描记录。",
        "Rebuilt by every load: per record kind, district and year, the records and their latest "
        "date. The dashboard's 数据截至 and its list of years read it instead of every record.",
        {
            "kind": ("记录类型（英文名）", "record kind (English name)"),
            "district": ("区（企业意见取其走访的区）", "district (an opinion takes its visit's)"),
            "year": ("年份（该类型的年份列；无年份列的类型为空）",
                     "year (the kind's year column; blank for a kind without one)"),
            "latest": ("这些记录所有日期列中最晚的日期", "the latest of any date column of these records"),
            "records": ("记录数", "number of records"),
        },
    ),
    "activity_rollup": (
        "每次导入后与 etl_summary 一起重建的活动汇总：按区、镇街、年份和活动类型的活动数和参与人次。"
        "三会制度按镇街逐年计数时读它，不必逐条扫描活动。",
        "Rebuilt by every load with etl_summary: per district, town, year and activity kind, the "
        "activities and their participants. The statutory meetings counted per town and year read "
        "it instead of every activity.",
        {
            "district": ("区", "district"),
            "town": ("镇街", "town"),
            "year": ("年份（活动的年份列）", "year (the activities' year column)"),
            "kind": ("活动类型代码", "activity kind code"),
            "records": ("活动数", "number of activities"),
            "participants": ("参与人次合计（无人数的活动不计）",
                             "participants in total (activities without a count add nothing)"),
        },
    ),
}

_PURPOSE = """\
本字典说明区人大常委会监督数据看板的数据：各镇街、各部门填报的 Excel/CSV/Parquet 文件经
ETL（`python -m etl load`）校验后写入一个 DuckDB 文件（默认 `warehouse/oversight.duckdb`，可用
`--db` 或环境变量 `OVERSIGHT_DB` 指定），看板和评估材料只读这个文件。字典列出每种记录（输入表与
仓库中的同名关系）的键和每一列、所有枚举、导入记录表，以及导入规则和看板上各项统计的口径。

*This dictionary describes the data behind the district People's Congress standing-committee
oversight dashboard. Files filled in by towns and departments (Excel, CSV, Parquet) are checked
by the ETL (`python -m etl load`) and written into one DuckDB file (default
`warehouse/oversight.duckdb`, overridden by `--db` or the environment variable `OVERSIGHT_DB`);
the dashboard and the evaluation pack only read that file. It lists, for every record kind (the
input sheet and the warehouse relation of the same name), its key and every column; every
enumeration; the load bookkeeping relations; the load rules; and the counting rules of the
figures shown on the dashboard.*
"""

_HOW_TO_READ = """\
- 每种记录对应输入的一张工作表（或一个 CSV/Parquet 文件），工作表名/文件名可用中文名或英文名；
  仓库中的关系以英文名命名。
  *Each record kind is one input sheet (or one CSV/Parquet file), named by its Chinese or English
  name; the warehouse relation carries the English name.*
- 列表中：`id` 是仓库列名，也可用作输入表头；「中文标签」是模板表头，输入时同样认可（表头可带
  `*` 或「(必填)」后缀）；「类型」是输入值的类型，「SQL」是仓库中的类型；「必填」列为空的行会被拒绝；
  「默认」是留空时入库的值。
  *In the column tables: `id` is the warehouse column name and is accepted as an input header; 中文标签
  is the template header, equally accepted (a trailing `*` or `(必填)` is ignored); 类型 is the input
  type and SQL the warehouse type; a row whose required (必填) column is blank is rejected; 默认 is
  the value stored when the cell is blank.*
- 「键」决定一条记录是谁：同键的记录再次导入即替换。枚举在仓库中保存英文代码，输入时中文名称和
  英文代码都认可（§5）。
  *The key says which record a row is: loading a row with an existing key replaces the record.
  Enumerations are stored as the English code; on input the Chinese label and the code are both
  accepted (§5).*
- 「仓库附加列」只在仓库中出现，不需要填写。
  *Warehouse-only columns are computed by the load; they are never filled in.*
"""

_LOAD_RULES = """\
1. **读入与计数**：空行跳过，不计入读入行数。每个文件满足 `rows_read = rows_loaded + rows_rejected`
   （仓库中有 CHECK 约束）。表头行上方可以有标题或说明行：第一个含全部必填表头的行即表头行。
   不认识的工作表和列被报告（etl_loads.notes 与导入报告），不入库。
   *Reading and counting: blank rows are skipped and not counted as read. For every file
   `rows_read = rows_loaded + rows_rejected` (a CHECK constraint in the warehouse). Title or note
   rows may stand above the header row: the header row is the first row holding every required
   header. Unknown sheets and columns are reported (etl_loads.notes and the load report), never
   loaded.*
2. **拒绝而不猜测**：必填值缺失或无法识别、枚举不认识、镇街不在本区、引用找不到、日期先后颠倒的行
   整行拒绝，写入 etl_rejects（Excel 行号、列、原值、中文原因），其余行照常入库。
   *Reject, never guess: a row with a missing or unparseable required value, an unknown enumeration
   value, a town not in the row's district, a dangling reference or dates out of order is rejected
   as a whole and written to etl_rejects (Excel row, column, value, reason in Chinese); the other
   rows are loaded.*
3. **同批重复**：一次导入中与前面某行完全相同的行，以「重复行」拒绝；键相同而内容不同的两行都以
   「编号重复」拒绝（哪一行正确由填报人判断）。
   *Duplicates within one load: an exact copy of an earlier row is rejected as 重复行; two different
   rows with the same key are both rejected as 编号重复 (which one is right is the clerk's call).*
4. **按键替换**：已在仓库中的键再次导入时，新行替换旧记录；内容相同的记录不动（记入
   rows_unchanged），因此同一文件导入两次不改变任何数据。
   *Replace by key: a key already in the warehouse is replaced by the new row; an identical record
   is left untouched (counted in rows_unchanged), so loading the same file twice changes nothing.*
5. **引用必须存在**（同一次导入中的记录或仓库中已有的记录均可）：
   *References must resolve (to a record of the same load or one already in the warehouse):*

{refs}

   导入时按依赖顺序处理各类记录（镇街 → 阵地、代表 → 其他），与文件和工作表的顺序无关。
   *Within one load the kinds are applied in dependency order (towns, then stations and deputies,
   then the rest), whatever the order of files and sheets.*
6. **日期先后**（两个日期都填写时，后者不得早于前者）：
   *Date order (when both are given, the later may not be before the earlier):*

{orders}

7. **全有或全无**：一次导入在现有仓库文件旁边构建新文件，完成后原子地替换上线；读者不会看到
   导入了一半的数据，导入期间读取也不会遇到锁错误；中途出错时仓库保持原样。无法读取的文件（格式不
   认识、文件损坏、只有表头）整个不导入（status = refused，报告中说明原因）；所有文件都无法导入时
   不写入任何数据（退出码 2）。
   *All or nothing: a load builds the new warehouse file beside the live one and swaps it in
   atomically; a reader never sees a half load and never gets a lock error while a load runs, and a
   load that fails midway leaves the warehouse as it was. A file that cannot be read (unknown
   format, corrupt, headers only) is refused as a whole (status = refused, with the reason in the
   report); when no file can be loaded nothing is written (exit code 2).*
8. **退出码**：0 全部入库；1 有行被拒绝（其余行已入库）；2 没有任何数据能导入。
   `python -m etl check` 做同样的校验但不写入。
   *Exit codes: 0 all rows loaded; 1 some rows rejected (the good rows are loaded); 2 nothing could
   be loaded. `python -m etl check` runs the same validation and writes nothing.*
"""

_COUNTING_RULES = """\
看板上的各项数字按下列口径从仓库关系计算。除另有说明外，按记录的 `year`（主日期所在年份）和
`district` 归属；涉及“每个镇街”的统计只计入纳入统计的镇街（`towns.counted = true`），分母是这些
镇街的全部（没有任何记录的镇街也在分母中）。

*The dashboard's figures are computed from the warehouse relations as follows. Unless stated
otherwise a record belongs to its `year` (the year of its main date) and its `district`. Per-town
statistics count only the counted towns (`towns.counted = true`), and their denominator is all of
those towns (a town with no record at all is still in the denominator).*

- **参与人数**：`activities.participants` = 人大代表人数 + 选民代表人数 + 基层社会工作者人数 + 群众人数
  （留空按 0）；收集意见数不计入。
  *Participants: `activities.participants` = deputies + voter_reps + social_workers + public (blank
  = 0); opinions are not part of it.*
- **代表人次**（企业走访）：`enterprise_visits` 上 省级 + 市级 + 区级 + 镇级代表人次 之和。
  *Deputy person-times (enterprise visits): province_deputies + city_deputies + district_deputies +
  town_deputies on `enterprise_visits`.*
- **三会**：镇人代会/街道代表议事会（TOWN_CONGRESS、STREET_COUNCIL，合并计数）、工作评议会
  （WORK_REVIEW）、代表选民议事会（DEPUTY_VOTER）。法定最低次数：每个纳入统计的镇街每年
  TOWN_CONGRESS + STREET_COUNCIL 至少 2 次，WORK_REVIEW 至少 1 次（DEPUTY_VOTER 只统计次数，无最低要求）。
  **达标率** = 同时满足两项最低次数的镇街数 ÷ 纳入统计的镇街数。当年尚未结束时，未达标只表示“尚未达到”。
  *The three meetings (三会): town congress / street deputies' council (TOWN_CONGRESS and
  STREET_COUNCIL, counted together), work-appraisal meeting (WORK_REVIEW) and deputy–voter council
  (DEPUTY_VOTER). Statutory minimums per counted town per year: at least 2 TOWN_CONGRESS +
  STREET_COUNCIL and at least 1 WORK_REVIEW (DEPUTY_VOTER is counted but has no minimum). Compliance
  rate = counted towns meeting both minimums ÷ counted towns. For a year not yet over, a miss only
  means “not yet reached”.*
- **实践点覆盖**：一个镇街至少有 1 个阶段为「验收通过」（ACCEPTED）的实践点即为已覆盖；只有「建成」
  （BUILT）而无验收通过的，单列为“待验收”，不算覆盖。**覆盖率** = 已覆盖的纳入统计镇街数 ÷ 纳入统计的
  镇街数，与 `rollout_plan.target_towns` 对照。
  *Coverage: a town is covered when it has at least one practice site at stage ACCEPTED; a town
  whose best site is BUILT is shown separately as awaiting acceptance and is not covered. Coverage
  rate = covered counted towns ÷ counted towns, compared with `rollout_plan.target_towns`.*
- **微建议**（`micro_suggestions`）：
  *Micro-suggestions:*
  - 已受理 = 状态不是「已提交」(SUBMITTED) 也不是「不予受理」(REJECTED)；**受理率** = 已受理 ÷ 全部提交
    （分母不排除任何建议，不予受理的也在内）。
    *Accepted = status neither SUBMITTED nor REJECTED; acceptance rate = accepted ÷ all submitted
    (nothing is excluded from the denominator, not even REJECTED).*
  - **办结率** = 状态「已办结」(CLOSED) ÷ 已受理。
    *Closure rate = status CLOSED ÷ accepted.*
  - **解决率** = 办理结果「已解决」(SOLVED) ÷ 已办结。
    *Solved rate = outcome SOLVED ÷ closed.*
  - **满意率** = （满意 + 基本满意）÷ 已评价（满意度不为空）。
    *Satisfaction rate = (SATISFIED + BASICALLY) ÷ rated (rating not blank).*
  - **时限**：提交后 1 个工作日内受理；提交后 7 个工作日内办结（提交当天办结计 0 个工作日，第 7 个工作日
    办结仍算按时）。工作日为周一至周五，扣除 `config/holidays.csv` 中的法定节假日（休），加上调休上班日（班）。
    截至数据截止日仍未办结（非“已办结/不予受理”）且已超过 7 个工作日的为“超期”。
    *Time limits: accepted within 1 working day of submission; closed within 7 working days of submission
    (closed the same day = 0; closed on the 7th working day is still on time). Working days are Monday to
    Friday minus the holidays (休) in `config/holidays.csv`, plus its make-up working days (班). An item
    still open (not Closed or Not accepted) more than 7 working days after submission at the data's
    cut-off is overdue.*
- **代表建议**（`formal_suggestions`）：交办后 3 个月内答复为按期（`replied_on ≤ assigned_on + 3 个月`），
  最长不得超过 6 个月；未答复的不算按期。
  *Formal suggestions: replied on time when `replied_on ≤ assigned_on + 3 months`; never later than
  6 months; an unanswered suggestion is not on time.*
- **工作评议等次**（`appraisals`）：同一评议编号下各类评议人的票数相加，按过半数规则定等次：满意票超过
  总票数一半为「满意」；否则满意 + 基本满意票超过总票数一半为「基本满意」；否则为「不满意」。
  *Appraisal grade: ballots of all evaluator types of one appraisal_id are added up; majority rule:
  满意 if satisfied ballots are more than half of all ballots; otherwise 基本满意 if satisfied +
  basically satisfied are more than half; otherwise 不满意.*
"""


# ---------------------------------------------------------------------------------------
# Helpers shared with the template
# ---------------------------------------------------------------------------------------


def key_text(kind: spec.Kind, lang: str = "zh") -> str:
    """The record key of a kind in words, with the column labels (zh) or ids (en)."""
    def names(cols: tuple[str, ...]) -> str:
        if lang == "zh":
            return " + ".join(kind.column(c).label for c in cols)
        return " + ".join(cols)

    text = names(kind.key)
    if kind.fallback_key:
        if lang == "zh":
            text += f"（未填时：{names(kind.fallback_key)}）"
        else:
            text += f" (when blank: {names(kind.fallback_key)})"
    return text


def enum_labels(enum: str) -> list[str]:
    """The Chinese labels of an enumeration, in spec order."""
    return [zh for zh, _en in spec.ENUMS[enum].values()]


def enum_users(enum: str) -> list[str]:
    """``kind.column`` of every column that uses an enumeration."""
    return [f"{k.name}.{c.id}" for k in spec.KINDS for c in k.columns if c.enum == enum]


def default_text(col: spec.Column) -> str:
    if col.default is None:
        return "—"
    if col.type == "bool":
        return "是 (true)" if col.default else "否 (false)"
    if col.type == "enum" and col.enum:
        return f"{col.default} {spec.enum_label(col.enum, str(col.default))}"
    return str(col.default)


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


def warehouse_columns() -> dict[str, list[tuple[str, str]]]:
    """Relation -> [(column, SQL type)] as the warehouse DDL creates them."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute(spec.ddl())
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        out.setdefault(table, []).append((column, data_type))
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _accepted(col: spec.Column) -> str:
    if col.type == "enum" and col.enum:
        values = " · ".join(f"`{code}` {zh}" for code, (zh, _en) in spec.ENUMS[col.enum].items())
        return f"枚举 enum `{col.enum}`：{values}"
    zh, en = TYPE_SHORT[col.type]
    return f"{zh} · *{en}*"


def _kind_section(n: int, kind: spec.Kind, wh: list[tuple[str, str]]) -> list[str]:
    zh, en = KIND_NOTES.get(kind.name, ("", ""))
    sql_type = dict(wh)
    out = [
        f"### 4.{n} `{kind.name}` {kind.label} · {kind.en}",
        "",
        zh,
        "",
        f"*{en}*",
        "",
        f"- 键 Key：{key_text(kind, 'zh')}；`{key_text(kind, 'en')}`",
    ]
    if kind.main_date:
        out.append(f"- 主日期 Main date：`{kind.main_date}`（`year` 取其年份 / `year` is its year）")
    for ref in kind.refs:
        out.append(f"- 引用 Reference：`{ref.column}` → `{ref.kind}.{ref.target}`"
                   "（须存在 / must exist; 空值仅在非必填时允许 / blank only if not required）")
    for order in kind.date_orders:
        out.append(f"- 日期先后 Date order：`{order.earlier}` ≤ `{order.later}`")
    out += [
        "",
        "各类型可接受的写法见 §3。 *The accepted spellings of each type are in §3.*",
        "",
        "| id | 中文标签 | English | 类型 type | SQL | 必填 req | 默认 default | 可接受的值 accepted values |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in kind.columns:
        out.append(
            f"| `{c.id}` | {c.label} | {_cell(c.en)} | {c.type} | {sql_type.get(c.id, c.sql_type)} | "
            f"{'是 yes' if c.required else ''} | {_cell(default_text(c))} | {_cell(_accepted(c))} |"
        )
    out += [
        "",
        "仓库附加列 Warehouse-only columns:",
        "",
        "| id | SQL | 含义 meaning |",
        "|---|---|---|",
    ]
    for name, _typ, expr in kind.derived:
        out.append(f"| `{name}` | {sql_type.get(name, _typ)} | `{expr}` |")
    if kind.has_year:
        out.append(f"| `year` | {sql_type.get('year', 'INTEGER')} | `{kind.main_date}` 的年份 / "
                   f"year of `{kind.main_date}` (空日期则为空 / null when the date is blank) |")
    lineage = _lineage(kind, wh)
    out.append(f"| {' '.join(f'`{name}`' for name, _typ in lineage)} | | 血缘列，见 §4.0 · *lineage, see §4.0* |")
    out.append("")
    return out


def _lineage(kind: spec.Kind, wh: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The warehouse columns of a relation beyond the contract and derived ones."""
    contract = set(kind.output_columns)
    return [(name, typ) for name, typ in wh if name not in contract]


def render() -> str:
    """The whole data dictionary as Markdown."""
    wh = warehouse_columns()
    out: list[str] = [
        "# 数据字典 · Data dictionary",
        "",
        f"> 本文件由 `{GENERATED_BY}` 从 `etl/spec.py` 生成，请勿手工编辑。",
        f"> *Generated from `etl/spec.py` by `{GENERATED_BY}`; do not edit by hand.*",
        "",
        "## 1. 用途 · Purpose",
        "",
        _PURPOSE,
        "## 2. 阅读方法 · How to read it",
        "",
        _HOW_TO_READ,
        "## 3. 列类型 · Column types",
        "",
        "| 类型 type | SQL | 可接受的值 | accepted values |",
        "|---|---|---|---|",
    ]
    for typ, sql in spec.SQL_TYPES.items():
        zh, en = TYPE_NOTES[typ]
        out.append(f"| {typ} | {sql} | {_cell(zh)} | {_cell(en)} |")
    out += [
        "",
        "## 4. 记录类型 · Record kinds",
        "",
        "| 英文名 kind | 中文名 | English | 键 key |",
        "|---|---|---|---|",
    ]
    for k in spec.KINDS:
        out.append(f"| `{k.name}` | {k.label} | {k.en} | `{key_text(k, 'en')}` |")
    alias_extra = sorted(a for a, n in spec.KIND_ALIASES.items()
                         if a not in (n, spec.KIND_BY_NAME[n].label))
    if alias_extra:
        out += ["", "其他可用的工作表名/文件名 Other accepted sheet names / file stems: "
                + "，".join(f"{a} → `{spec.KIND_ALIASES[a]}`" for a in alias_extra)]
    out += [
        "",
        "### 4.0 血缘列 · Lineage columns",
        "",
        "每个记录关系都带有下列列，记录这条数据从哪里来。",
        "",
        "*Every record relation carries these columns, saying where the record came from.*",
        "",
        "| id | SQL | 含义 | meaning |",
        "|---|---|---|---|",
    ]
    seen: set[str] = set()
    for k in spec.KINDS:  # every kind's (enterprise opinions add their visit's place)
        for name, typ in _lineage(k, wh.get(k.name, [])):
            if name not in seen:
                seen.add(name)
                lzh, len_ = LINEAGE_NOTES.get(name, ("", ""))
                out.append(f"| `{name}` | {typ} | {_cell(lzh)} | {_cell(len_)} |")
    out.append("")
    for n, k in enumerate(spec.KINDS, 1):
        out += _kind_section(n, k, wh.get(k.name, []))

    out += [
        "## 5. 枚举 · Enumerations",
        "",
        "仓库保存代码；输入时中文名称、英文名称和代码（不区分大小写）都认可。",
        "",
        "*The warehouse stores the code; on input the Chinese label, the English label and the code "
        "(any case) are accepted.*",
        "",
    ]
    for enum, values in spec.ENUMS.items():
        out += [f"### `{enum}`", "", "用于 Used by：" + "，".join(f"`{u}`" for u in enum_users(enum)), ""]
        out += ["| 代码 code | 中文 | English |", "|---|---|---|"]
        for code, (zh, en) in values.items():
            out.append(f"| `{code}` | {zh} | {en} |")
        aliases = spec.ENUM_ALIASES.get(enum, {})
        if aliases:
            out += ["", "其他写法 Other spellings：" + "，".join(
                f"{a} → `{_code_of(enum, t)}`" for a, t in aliases.items())]
        out.append("")

    out += ["## 6. 导入记录 · Load bookkeeping", ""]
    others = [t for t in wh if t not in spec.KIND_BY_NAME]
    for table in [*(t for t in ETL_NOTES if t in wh), *sorted(t for t in others if t not in ETL_NOTES)]:
        zh, en, notes = ETL_NOTES.get(table, ("", "", {}))
        out += [f"### `{table}`", "", zh, "", f"*{en}*", "",
                "| id | SQL | 含义 | meaning |", "|---|---|---|---|"]
        for name, typ in wh.get(table, []):
            czh, cen = notes.get(name, ("", ""))
            out.append(f"| `{name}` | {typ} | {_cell(czh)} | {_cell(cen)} |")
        out.append("")

    refs = "\n".join(
        f"   - `{k.name}.{r.column}` → `{r.kind}.{r.target}`" for k in spec.KINDS for r in k.refs)
    orders = "\n".join(
        f"   - `{k.name}`：`{o.earlier}` ≤ `{o.later}`" for k in spec.KINDS for o in k.date_orders)
    out += [
        "## 7. 导入规则 · Load rules",
        "",
        _LOAD_RULES.format(refs=refs, orders=orders),
        "## 8. 统计口径 · Counting rules",
        "",
        _COUNTING_RULES,
    ]
    return "\n".join(out).rstrip("\n") + "\n"


def _code_of(enum: str, label: str) -> str:
    """The code an alias points to: ENUM_ALIASES gives a code or a label (gender: 男)."""
    if label in spec.ENUMS[enum]:
        return label
    for code, (zh, en) in spec.ENUMS[enum].items():
        if label in (zh, en):
            return code
    return label


def main() -> None:
    sys.stdout.buffer.write(render().encode("utf-8"))


if __name__ == "__main__":  # pragma: no cover - regenerates docs/data-dictionary.md
    main()
