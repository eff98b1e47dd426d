-- Generated from etl/spec.py by `python -m etl.spec > warehouse/schema.sql`.
-- Idempotent: every statement is CREATE ... IF NOT EXISTS.
-- Record relations carry the contract columns, the derived columns (participants,
-- year) and lineage columns prefixed with an underscore: _key (the record key as
-- one string), _load_id, _file, _sheet and _row (where the record came from);
-- enterprise_opinions adds _district and _town, its visit's (kept by every load).

-- 镇街 Towns; key: district + town
CREATE TABLE IF NOT EXISTS towns (
    district VARCHAR NOT NULL,
    town VARCHAR NOT NULL,
    town_type VARCHAR NOT NULL CHECK (town_type IN ('STREET', 'TOWN', 'OTHER')),
    town_code VARCHAR,
    villages BIGINT CHECK (villages >= 0),
    counted BOOLEAN NOT NULL,
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT
);

-- 阵地 Stations; key: station_id
CREATE TABLE IF NOT EXISTS stations (
    station_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('HOME', 'STATION', 'POINT', 'STUDIO', 'PRACTICE_BASE', 'PRACTICE_POINT')),
    district VARCHAR NOT NULL,
    town VARCHAR NOT NULL,
    opened_on DATE,
    upgraded_on DATE,
    theme VARCHAR,
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT
);

-- 代表 Deputies; key: deputy_id
CREATE TABLE IF NOT EXISTS deputies (
    deputy_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    level VARCHAR NOT NULL CHECK (level IN ('NATIONAL', 'PROVINCE', 'CITY', 'DISTRICT', 'TOWN', 'VOTER_REP')),
    district VARCHAR NOT NULL,
    town VARCHAR,
    station_id VARCHAR,
    sector VARCHAR,
    gender VARCHAR CHECK (gender IN ('男', '女')),
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT
);

-- 活动 Activities; key: activity_id
CREATE TABLE IF NOT EXISTS activities (
    activity_id VARCHAR,
    kind VARCHAR NOT NULL CHECK (kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL', 'WORK_REVIEW', 'DEPUTY_VOTER', 'PUBLICITY', 'RECEPTION', 'LIAISON', 'OTHER')),
    district VARCHAR NOT NULL,
    town VARCHAR NOT NULL,
    date DATE NOT NULL,
    venue VARCHAR CHECK (venue IN ('VILLAGE_OFFICE', 'RESIDENT_HOME', 'FIELD', 'DEPUTY_HOME', 'STATION', 'OTHER')),
    topic VARCHAR,
    deputies BIGINT NOT NULL CHECK (deputies >= 0),
    voter_reps BIGINT NOT NULL CHECK (voter_reps >= 0),
    social_workers BIGINT NOT NULL CHECK (social_workers >= 0),
    public BIGINT NOT NULL CHECK (public >= 0),
    opinions BIGINT NOT NULL CHECK (opinions >= 0),
    participants BIGINT,
    year INTEGER,
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT
);

-- 企业走访 Enterprise visits; key: visit_id
CREATE TABLE IF NOT EXISTS enterprise_visits (
    visit_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    district VARCHAR NOT NULL,
    town VARCHAR NOT NULL,
    enterprise VARCHAR NOT NULL,
    credit_code VARCHAR,
    industry VARCHAR,
    province_deputies BIGINT NOT NULL CHECK (province_deputies >= 0),
    city_deputies BIGINT NOT NULL CHECK (city_deputies >= 0),
    district_deputies BIGINT NOT NULL CHECK (district_deputies >= 0),
    town_deputies BIGINT NOT NULL CHECK (town_deputies >= 0),
    questionnaire BOOLEAN NOT NULL,
    year INTEGER,
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT
);

-- 企业意见 Enterprise opinions; key: opinion_id
CREATE TABLE IF NOT EXISTS enterprise_opinions (
    opinion_id VARCHAR NOT NULL,
    visit_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL CHECK (source IN ('ENTERPRISE', 'DEPUTY')),
    category VARCHAR NOT NULL CHECK (category IN ('BUSINESS_ENV', 'POLICY', 'FINANCE', 'LABOR', 'LAND', 'INFRA', 'APPROVAL', 'OTHER')),
    content VARCHAR,
    status VARCHAR NOT NULL CHECK (status IN ('PENDING', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED')),
    resolved_on DATE,
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT,
    _district VARCHAR,
    _town VARCHAR
);

-- 微建议 Micro-suggestions; key: suggestion_id
CREATE TABLE IF NOT EXISTS micro_suggestions (
    suggestion_id VARCHAR NOT NULL,
    submitted_on DATE NOT NULL,
    district VARCHAR NOT NULL,
    town VARCHAR NOT NULL,
    category VARCHAR NOT NULL CHECK (category IN ('URBAN', 'ENVIRONMENT', 'PROPERTY', 'LIVELIHOOD', 'EDUCATION', 'HEALTH', 'AGRICULTURE', 'GOVERNANCE', 'BUSINESS', 'OTHER')),
    status VARCHAR NOT NULL CHECK (status IN ('SUBMITTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS', 'REPLIED', 'CLOSED', 'REJECTED')),
    deputy_id VARCHAR,
    department VARCHAR,
    accepted_on DATE,
    closed_on DATE,
    outcome VARCHAR CHECK (outcome IN ('SOLVED', 'EXPLAINED', 'PLANNED', 'UNSOLVABLE')),
    rating VARCHAR CHECK (rating IN ('SATISFIED', 'BASICALLY', 'DISSATISFIED')),
    content VARCHAR,
    year INTEGER,
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT
);

-- 代表建议 Formal suggestions; key: suggestion_id
CREATE TABLE IF NOT EXISTS formal_suggestions (
    suggestion_id VARCHAR NOT NULL,
    district VARCHAR NOT NULL,
    session VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    department VARCHAR NOT NULL,
    deputy_id VARCHAR,
    assigned_on DATE,
    replied_on DATE,
    result VARCHAR CHECK (result IN ('A', 'B', 'C', 'D')),
    feedback VARCHAR CHECK (feedback IN ('SATISFIED', 'BASICALLY', 'DISSATISFIED')),
    key_supervised BOOLEAN NOT NULL,
    year INTEGER,
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT
);

-- 工作评议 Work appraisals; key: appraisal_id + evaluator_type
CREATE TABLE IF NOT EXISTS appraisals (
    appraisal_id VARCHAR NOT NULL,
    district VARCHAR NOT NULL,
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    department VARCHAR NOT NULL,
    evaluator_type VARCHAR NOT NULL CHECK (evaluator_type IN ('SC_MEMBER', 'INVITED')),
    satisfied BIGINT CHECK (satisfied >= 0),
    basically_satisfied BIGINT CHECK (basically_satisfied >= 0),
    dissatisfied BIGINT CHECK (dissatisfied >= 0),
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT
);

-- 实践点 Practice sites; key: site_id
CREATE TABLE IF NOT EXISTS practice_sites (
    site_id VARCHAR NOT NULL,
    district VARCHAR NOT NULL,
    town VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    theme VARCHAR,
    stage VARCHAR NOT NULL CHECK (stage IN ('PLANNED', 'PILOT', 'BUILT', 'ACCEPTED')),
    started_on DATE,
    built_on DATE,
    accepted_on DATE,
    screen BOOLEAN,
    notice_board BOOLEAN,
    studio BOOLEAN,
    hall BOOLEAN,
    education BOOLEAN,
    score DOUBLE CHECK (score BETWEEN 0 AND 100),
    year INTEGER,
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT
);

-- 全覆盖计划 Full-coverage plan; key: district + year
CREATE TABLE IF NOT EXISTS rollout_plan (
    district VARCHAR NOT NULL,
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    phase VARCHAR NOT NULL CHECK (phase IN ('PILOT', 'DEEPEN', 'FULL')),
    target_towns BIGINT NOT NULL CHECK (target_towns >= 0),
    _key VARCHAR NOT NULL,
    _load_id BIGINT NOT NULL,
    _file VARCHAR,
    _sheet VARCHAR,
    _row BIGINT
);

-- One row per file per load.
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
