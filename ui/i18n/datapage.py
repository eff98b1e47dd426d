"""Labels of the data-management page (数据管理)."""

LABELS: dict[str, tuple[str, str]] = {
    "nav.admin": ("数据管理", "Data"),
    "page.data": ("数据管理", "Data management"),
    "dm.title": ("数据管理", "Data management"),
    "dm.caption": ("上传填报好的 Excel 或 CSV 文件：先校验、后导入，导入后各页面立即显示新数据。"
                   "这里还能查看导入记录、数据的新鲜度与完整性，下载填报模板，阅读数据字典。",
                   "Upload the filled-in Excel or CSV files: checked first, loaded on confirmation, and every page "
                   "shows the new figures at once. Also here: the load history, how fresh and complete the data are, "
                   "the input template and the data dictionary."),
    "dm.tab.upload": ("上传数据", "Upload"),
    "dm.tab.history": ("导入记录", "Load history"),
    "dm.tab.freshness": ("新鲜度与完整性", "Freshness and completeness"),
    "dm.tab.dictionary": ("模板与数据字典", "Template and dictionary"),

    # Upload
    "dm.up.steps": ("**① 选择文件** → **② 查看校验结果**（此时尚未写入任何数据）→ **③ 确认导入**。"
                    "有问题的行可下载为 Excel，改好后再上传。",
                    "**① Choose the files** → **② read the check** (nothing has been written yet) → "
                    "**③ confirm the load**. Rows with faults can be downloaded as an Excel file, fixed and "
                    "uploaded again."),
    "dm.up.label": ("选择或拖入要导入的文件（可多选）", "Choose or drop the files to load (several at once)"),
    "dm.up.help": ("Excel 工作簿（.xlsx）每张工作表一种记录，表名为记录类型（如「活动」）；CSV 文件（.csv）每个文件一种记录，"
                   "文件名为记录类型（如「活动.csv」）。每个文件不超过 {limit}。",
                   "An Excel workbook (.xlsx) holds one record kind per sheet, named after the kind (e.g. 活动); "
                   "a CSV file (.csv) holds one kind, named after it (e.g. 活动.csv). At most {limit} per file."),
    "dm.up.limit": ("可上传 .xlsx 和 .csv 文件，每个文件不超过 {limit}；其他类型的文件不会导入。",
                    "Accepted: .xlsx and .csv files of at most {limit} each; files of other types are not loaded."),
    "dm.up.checking": ("正在校验（不写入数据）… {kind}", "Checking (nothing is written)… {kind}"),
    "dm.up.check_failed": ("校验未能完成，数据未改变。{reason}", "The check could not finish; nothing was changed. {reason}"),

    # The report of a check
    "dm.rep.title": ("校验结果", "Check report"),
    "dm.rep.not_written": ("以下是校验结果，尚未写入任何数据。确认导入后才会写入。",
                           "This is the result of the check: nothing has been written. Data are written only when "
                           "you confirm the load."),
    "dm.rep.file": ("读取 {read} 行，可导入 {load} 行（新增 {new}、更新 {changed}、与现有数据相同 {same}），拒绝 {rejected} 行",
                    "{read} rows read, {load} can be loaded ({new} new, {changed} changed, {same} identical to the "
                    "data already loaded), {rejected} rejected"),
    "dm.rep.refused": ("整个文件未导入：{reason}", "The whole file is not loaded: {reason}"),
    "dm.rep.note": ("注意：{note}", "Note: {note}"),
    "dm.rep.seen_before": ("内容完全相同的文件已于 {time} 导入过（批次 {load_id}）。",
                           "A file with exactly this content was loaded before, on {time} (load {load_id})."),
    "dm.rep.rejects_title": ("被拒绝的行（共 {n} 行）", "Rejected rows ({n})"),
    "dm.rep.fix_hint": ("下载的文件只含被拒绝的行，与原文件表头相同，末尾两列为「{row}」和「{reason}」。"
                        "按原因改好这些单元格后直接上传该文件即可（末尾两列导入时会被忽略）。",
                        "The download holds only the rejected rows, under your file's header, with two added "
                        "columns 「{row}」 (row in your file) and 「{reason}」 (the reason). Correct the cells and upload "
                        "that file as it is (the two added columns are ignored)."),
    "dm.rep.download_rejects": ("下载待修改的行：{file}", "Download the rows to fix: {file}"),
    "dm.rep.nothing_readable": ("没有能导入的文件，数据未改变。请按上面的原因处理后重新上传。",
                                "No file can be loaded; nothing was changed. Deal with the reasons above and upload "
                                "again."),
    "dm.rep.nothing_new": ("没有需要导入的新数据：{same} 行与现有数据相同，{rejected} 行被拒绝。数据未改变；"
                           "请修改被拒绝的行后重新上传。",
                           "Nothing new to load: {same} rows are identical to the data already loaded and {rejected} "
                           "are rejected. Nothing was changed; fix the rejected rows and upload again."),
    "dm.rep.all_same": ("全部 {n} 行与现有数据相同，未作改动。", "All {n} rows are identical to the data already loaded; "
                                                               "nothing was changed."),
    "dm.rep.ready": ("确认后将导入：新增 {new} 行、更新 {changed} 行（{same} 行与现有数据相同，不变）；"
                     "被拒绝的 {rejected} 行不导入。",
                     "On confirmation: {new} new rows and {changed} changed rows are loaded ({same} identical rows "
                     "stay as they are); the {rejected} rejected rows are not loaded."),
    "dm.confirm": ("确认导入", "Confirm the load"),
    "dm.demo_lock": ("当前为演示模式：导入正式数据后，看板将要求登录，未配置账号时暂停服务以保护个人信息。"
                     "请先建立账号（命令行 `python -m auth add`，见用户手册）。",
                     "Demo mode: once real data is loaded the dashboard requires sign-in, and without any account "
                     "it stops serving to protect personal data. Create an account first (`python -m auth add`, "
                     "see the user guide)."),
    "dm.load.running": ("正在导入… {kind}", "Loading… {kind}"),
    "dm.load.failed": ("导入未完成，数据未改变。{reason}", "The load did not complete; nothing was changed. {reason}"),
    "dm.load.file": ("读取 {read} 行，导入 {load} 行（新增 {new}、更新 {changed}、与现有数据相同 {same}），拒绝 {rejected} 行",
                     "{read} rows read, {load} loaded ({new} new, {changed} changed, {same} identical to the data "
                     "already loaded), {rejected} rejected"),
    "dm.load.not_written": ("没有能导入的数据，数据未改变。", "Nothing could be loaded; nothing was changed."),
    "dm.load.done": ("导入完成（批次 {load_id}）：新增 {new} 行、更新 {changed} 行，{same} 行与现有数据相同，"
                     "拒绝 {rejected} 行。各页面已显示新数据。",
                     "Loaded (load {load_id}): {new} new rows, {changed} changed, {same} identical, {rejected} "
                     "rejected. Every page now shows the new figures."),

    # Columns
    "dm.col.file": ("文件", "File"),
    "dm.col.sheet": ("工作表", "Sheet"),
    "dm.col.kind": ("记录类型", "Record kind"),
    "dm.col.row": ("行号", "Row"),
    "dm.col.row.help": ("行号即在 Excel 中看到的行号（表头行也计入）。",
                        "Row is the row number you see in Excel (the header row counts)."),
    "dm.col.column": ("列", "Column"),
    "dm.col.value": ("填写的值", "Value given"),
    "dm.col.reason": ("原因", "Reason"),
    "dm.col.read": ("读取行数", "Rows read"),
    "dm.col.would_load": ("可导入", "Can be loaded"),
    "dm.col.loaded": ("导入行数", "Rows loaded"),
    "dm.col.rejected": ("拒绝行数", "Rows rejected"),
    "dm.col.new": ("新增", "New"),
    "dm.col.changed": ("更新", "Changed"),
    "dm.col.unchanged": ("未变", "Unchanged"),
    "dm.col.load_id": ("批次", "Load"),
    "dm.col.loaded_at": ("导入时间", "Loaded at"),
    "dm.col.sha256": ("校验码（SHA-256）", "Checksum (SHA-256)"),
    "dm.col.sha256.help": ("文件内容的指纹：内容相同的文件校验码相同", "A fingerprint of the file's content: the same "
                                                                 "content gives the same checksum"),
    "dm.col.origin": ("来源", "Origin"),
    "dm.col.loaded_by": ("导入人", "Loaded by"),
    "dm.col.status": ("状态", "Status"),
    "dm.col.notes": ("备注", "Notes"),
    "dm.col.records": ("记录数", "Records"),
    "dm.col.earliest": ("最早日期", "Earliest date"),
    "dm.col.latest": ("数据截至", "Latest date"),
    "dm.col.latest.help": ("该类记录所有日期列中最晚的日期；各类中最晚的即为页脚的“数据截至”",
                           "The latest of the kind's date columns; the latest of all kinds is the footer's "
                           "“data as of”"),
    "dm.col.last_loaded": ("最近更新", "Last changed"),
    "dm.col.last_loaded.help": ("最近一次改动了这类记录的导入的时间（内容未变的重复导入不计）",
                                "When a load last changed a record of this kind (a reload of identical rows does "
                                "not count)"),
    "dm.origin.user": ("用户导入", "User upload"),
    "dm.origin.demo": ("演示数据", "Demo data"),
    "dm.origin.builtin": ("内置镇街名录", "Built-in towns"),
    "dm.status.loaded": ("全部导入", "All loaded"),
    "dm.status.partial": ("部分导入", "Partly loaded"),
    "dm.status.rejected": ("全部拒绝", "All rejected"),
    "dm.status.refused": ("文件未读取", "File refused"),

    # History
    "dm.hist.title": ("导入记录", "Load history"),
    "dm.hist.caption": ("每次导入、每个文件一行，最新的在前。导入人在启用账号后记录。",
                        "One row per file per load, newest first. Who loaded is recorded once accounts are on."),
    "dm.hist.rejects": ("历次导入被拒绝的行", "Rejected rows of a past load"),
    "dm.hist.no_rejects": ("历次导入都没有被拒绝的行。", "No load has rejected any row."),
    "dm.hist.pick": ("选择一次导入", "Choose a load"),
    "dm.hist.pick_label": ("批次 {load_id} · {time} · {files} · 拒绝 {n} 行",
                           "Load {load_id} · {time} · {files} · {n} rows rejected"),
    "dm.hist.rejects_file": ("批次{load_id}被拒绝的行", "Rejected rows of load {load_id}"),

    # Freshness and completeness
    "dm.fresh.as_of": ("数据截至", "Data as of"),
    "dm.fresh.as_of.help": ("所选区全部记录中最晚的日期（任何日期列）。各页页脚和汇报材料显示的是同一个日期。",
                            "The latest date of any record of the selected district (any date column). The footer "
                            "of every page and the presentation pack show the same date."),
    "dm.fresh.last_load": ("最近导入", "Last load"),
    "dm.fresh.title": ("各类记录的数量和日期范围：{scope}", "Records and their dates by kind: {scope}"),
    "dm.grid.title": ("报送完整性：镇街 × 月份", "Reporting completeness: town × month"),
    "dm.grid.kind": ("记录类型", "Record kind"),
    "dm.grid.no_year": ("还没有任何带日期的记录。", "There is no dated record yet."),
    "dm.grid.rule.town": ("活动和企业走访由镇街填报：某镇街某月只要有一条活动或企业走访记录，即视为当月已报送，"
                          "该月没有所选类型的记录显示为 0；当月两类记录都没有，视为未报送，显示“—”。",
                          "Activities and enterprise visits are filled in by the towns: a town has reported for a "
                          "month when it has at least one activity or enterprise visit in it; a reported month "
                          "without a record of the chosen kind shows 0. A month with neither is not reported: “—”."),
    "dm.grid.rule.district": ("微建议来自“码上办”平台，按区整体报送：某区某月只要有一条微建议，即视为该区各镇街当月已报送，"
                              "没有微建议的镇街显示为 0；全区当月都没有，显示“—”。",
                              "Micro-suggestions come from the 码上办 platform for a whole district: a month is "
                              "reported for every town of a district when the district has at least one "
                              "micro-suggestion in it; a town without one shows 0. A month with none in the "
                              "district shows “—”."),
    "dm.grid.legend": ("数字为当月记录数；0（浅橙）= 已报送、无此类记录；—（灰）= 未报送。",
                       "Numbers are the month's records; 0 (light orange) = reported, none of this kind; "
                       "— (grey) = not reported."),
    "dm.grid.caption": ("{scope} · {year}年 · {kind}", "{scope} · {year} · {kind}"),
    "dm.grid.empty": ("{scope}{year}年还没有可列出的月份或镇街。", "{scope} has no month or town to show for {year}."),
    "dm.grid.reported_months": ("已报送月数", "Months reported"),
    "dm.grid.months": ("月数", "Months"),
    "dm.grid.cut": ("数据截至 {date}，之后的月份尚未到来，不列出。", "The data run to {date}; later months are not shown."),
    "dm.month": ("{m}月", "M{m}"),

    # Template and dictionary
    "dm.tpl.intro": ("填报模板每种记录一张工作表，表头为中文列名，必填列标橙色，枚举列带下拉选项，第一张工作表是填写说明。"
                     "下面的数据字典列出每种记录的每一列、可填写的值和统计口径。",
                     "The input template has one sheet per record kind with Chinese headers, required columns in "
                     "orange, drop-down lists for enumerations and an instructions sheet first. The data "
                     "dictionary below lists every column of every kind, the accepted values and the counting rules."),
    "dm.tpl.download": ("下载填报模板（.xlsx）", "Download the input template (.xlsx)"),
    "dm.tpl.file": ("数据填报模板.xlsx", "input-template.xlsx"),
    "dm.dict.download": ("下载完整数据字典（.md）", "Download the full data dictionary (.md)"),
    "dm.dict.kinds": ("记录类型与列", "Record kinds and columns"),
    "dm.dict.key": ("记录键（同键再次导入即替换）", "Key (a reload with the same key replaces the record)"),
    "dm.dict.main_date": ("主日期（决定所属年度）", "Main date (gives the record's year)"),
    "dm.dict.ref": ("`{column}` 须对应已有的 `{target}`", "`{column}` must name an existing `{target}`"),
    "dm.dict.order": ("`{later}` 不得早于 `{earlier}`", "`{later}` may not be before `{earlier}`"),
    "dm.dict.enums": ("枚举值", "Enumerations"),
    "dm.dict.rules": ("统计口径", "Counting rules"),
    "dm.dict.rules_list": ("看板上全部 {n} 项指标的口径", "The rules of all {n} measures on the dashboard"),
    "dm.dict.full": ("完整数据字典（中英对照，含导入规则）", "The full data dictionary (Chinese and English, with the load rules)"),
    "dm.dict.col.label": ("名称（表头）", "Name"),
    "dm.dict.col.id": ("列名（英文）", "Column id"),
    "dm.dict.col.type": ("类型", "Type"),
    "dm.dict.col.required": ("必填", "Required"),
    "dm.dict.col.default": ("留空时", "When blank"),
    "dm.dict.col.accepted": ("可填写的值", "Accepted values"),
    "dm.dict.col.enum": ("枚举", "Enumeration"),
    "dm.dict.col.code": ("代码", "Code"),
    "dm.dict.col.other": ("英文名称", "Chinese label"),
    "dm.dict.col.used_by": ("用于", "Used by"),
    "dm.dict.yes": ("是", "yes"),
}
