-- Source database: a stand-in for ISA's residence-management system (在留管理システム).
-- Portable DDL: runs unchanged on SQLite and PostgreSQL.
-- Keys are NOT NULL and foreign keys hold on both databases (SQLite connections turn them on).
-- Person fields are nullable on purpose: the source may hold incomplete records, and the
-- pipeline's validation (not the schema) decides what is quarantined.
-- Timestamps (recorded_at, notice_arrived_at) are timezone-aware; on SQLite they are stored as
-- UTC text 'YYYY-MM-DD HH:MM:SS+00:00' so that text comparison orders them correctly, and dates as
-- 'YYYY-MM-DD': source_sqlite.sql refuses any other form, as PostgreSQL's types do.
-- Statuses of residence and bureaus are reference data loaded from ssw_linkage/reference/*.csv.

-- 在留資格 (status of residence): every status of 入管法 別表第一 and 別表第二, by 号 where the card shows it
CREATE TABLE statuses (
    status_code    VARCHAR(16) NOT NULL PRIMARY KEY,
    name_ja        VARCHAR(64) NOT NULL,
    appended_table VARCHAR(16) NOT NULL,
    is_ssw         SMALLINT    NOT NULL CHECK (is_ssw IN (0, 1))
);

-- 在留資格に係る許可の種類 (kinds of permission that grant a status and a period of stay)
CREATE TABLE permission_kinds (
    kind    VARCHAR(24) NOT NULL PRIMARY KEY,
    article VARCHAR(32) NOT NULL,
    name_ja VARCHAR(64) NOT NULL
);

-- 在留カードの交付事由 (why a residence card was issued)
CREATE TABLE card_issue_reasons (
    reason_code VARCHAR(32) NOT NULL PRIMARY KEY,
    article     VARCHAR(32) NOT NULL,
    name_ja     VARCHAR(64) NOT NULL,
    is_item5    SMALLINT    NOT NULL CHECK (is_item5 IN (0, 1))
);

-- 所属機関 (employing organisation)
CREATE TABLE employers (
    employer_id      BIGINT NOT NULL PRIMARY KEY,
    name             VARCHAR(200),
    address          VARCHAR(300),
    corporate_number VARCHAR(13),
    phone            VARCHAR(20),
    representative   VARCHAR(200)
);

-- 外国人 (foreign national): the identity; what the card shows about the person is in person_particulars
CREATE TABLE persons (
    person_id BIGINT NOT NULL PRIMARY KEY
);

-- 身分事項 (particulars) and their history: a row per version, in force from effective_on until the
-- next version's effective_on; a change (19条の10) adds a row, the old one stays for older events
CREATE TABLE person_particulars (
    particulars_id BIGINT       NOT NULL PRIMARY KEY,
    person_id      BIGINT       NOT NULL REFERENCES persons (person_id),
    name_roman     VARCHAR(200),
    name_kanji     VARCHAR(200),
    birth_date     DATE,
    sex            VARCHAR(1),
    nationality    VARCHAR(64),
    effective_on   DATE         NOT NULL,
    recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
-- "As of" look-ups (macros.sql) take the first entry of these indexes backwards from (person, date): the
-- key holds the ordering (date, id) and recorded_at, so an entry recorded after the window end is skipped
-- in the index itself (portable DDL: no INCLUDE, which SQLite lacks)
CREATE INDEX person_particulars_as_of ON person_particulars (person_id, effective_on, particulars_id, recorded_at);

-- 在留カード (residence card)
CREATE TABLE residence_cards (
    card_id          BIGINT      NOT NULL PRIMARY KEY,
    person_id        BIGINT      NOT NULL REFERENCES persons (person_id),
    card_number      VARCHAR(12),
    issued_on        DATE        NOT NULL,
    reason_code      VARCHAR(32) NOT NULL REFERENCES card_issue_reasons (reason_code),
    previous_card_id BIGINT      REFERENCES residence_cards (card_id),
    recorded_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX residence_cards_recorded_at ON residence_cards (recorded_at);
-- Item 5 takes the window's cards of a few issue reasons (19条の10〜13) out of every card issued
CREATE INDEX residence_cards_reason_recorded_at ON residence_cards (reason_code, recorded_at);
CREATE INDEX residence_cards_as_of ON residence_cards (person_id, issued_on, card_id, recorded_at);

-- 在留資格に係る許可 (a permission of one of permission_kinds); a dependant's names its principal (本体者)
CREATE TABLE status_permissions (
    permission_id       BIGINT      NOT NULL PRIMARY KEY,
    person_id           BIGINT      NOT NULL REFERENCES persons (person_id),
    kind                VARCHAR(24) NOT NULL REFERENCES permission_kinds (kind),
    status_code         VARCHAR(16) NOT NULL REFERENCES statuses (status_code),
    ssw_field           VARCHAR(64),
    period_months       INTEGER,
    expires_on          DATE,
    employer_id         BIGINT      REFERENCES employers (employer_id),
    principal_person_id BIGINT      REFERENCES persons (person_id),
    relationship        VARCHAR(32),
    permitted_on        DATE        NOT NULL,
    card_id             BIGINT      REFERENCES residence_cards (card_id),
    recorded_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX status_permissions_recorded_at ON status_permissions (recorded_at);
-- Items 1, 3, 4, 7 and 8 each take one kind of permission of the window: only that kind's rows are read
CREATE INDEX status_permissions_kind_recorded_at ON status_permissions (kind, recorded_at);
-- status_permissions_as_of (person, date, id, recorded_at) is in source_postgresql.sql and source_sqlite.sql

-- 出国 (departure); reentry_kind: none, 26条 re-entry permit, 26条の2 special re-entry
CREATE TABLE departures (
    departure_id BIGINT      NOT NULL PRIMARY KEY,
    person_id    BIGINT      NOT NULL REFERENCES persons (person_id),
    departed_on  DATE        NOT NULL,
    port         VARCHAR(64),
    reentry_kind VARCHAR(16) NOT NULL CHECK (reentry_kind IN ('none', 'reentry_permit', 'special_reentry')),
    status_code  VARCHAR(16) NOT NULL REFERENCES statuses (status_code),
    recorded_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX departures_recorded_at ON departures (recorded_at);

-- 住居地届出 (residence address notification, 19条の7〜9) and the municipality's notice (市区町村通知)
CREATE TABLE residence_notifications (
    notification_id   BIGINT      NOT NULL PRIMARY KEY,
    person_id         BIGINT      NOT NULL REFERENCES persons (person_id),
    kind              VARCHAR(24) NOT NULL CHECK (kind IN ('after_landing', 'after_status_change', 'move')),
    address           VARCHAR(300),
    municipality_code VARCHAR(6),
    notified_on       DATE        NOT NULL,
    notice_arrived_at TIMESTAMP WITH TIME ZONE,
    recorded_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX residence_notifications_arrived ON residence_notifications (notice_arrived_at);
CREATE INDEX residence_notifications_recorded_at ON residence_notifications (recorded_at);
CREATE INDEX residence_notifications_as_of
    ON residence_notifications (person_id, notified_on, notification_id, notice_arrived_at, recorded_at);

-- 地方出入国在留管理局・支局 (regional immigration bureaus and branches), from reference/bureaus.csv
CREATE TABLE bureaus (
    bureau_code VARCHAR(16) NOT NULL PRIMARY KEY,
    name_ja     VARCHAR(64) NOT NULL
);

-- 活動状況に係る届出 (an employer's report on its SSW workers' activities, 入管法19条の18第2項第3号) as a bureau
-- received it: the report date (received_on), the period it covers, and the bureau's action on it (当局の措置)
CREATE TABLE activity_reports (
    report_id     BIGINT      NOT NULL PRIMARY KEY,
    employer_id   BIGINT      NOT NULL REFERENCES employers (employer_id),
    bureau_code   VARCHAR(16) NOT NULL REFERENCES bureaus (bureau_code),
    received_on   DATE        NOT NULL,
    period_start  DATE        NOT NULL,
    period_end    DATE        NOT NULL CHECK (period_start <= period_end),
    bureau_action VARCHAR(400),
    recorded_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX activity_reports_bureau_recorded_at ON activity_reports (bureau_code, recorded_at);

-- Each SSW worker a report names: health-insurance and employees'-pension enrolment (社会保険の加入状況) as
-- the employer reported it, the hire date, and the reason given when enrolment is not complete
CREATE TABLE activity_report_workers (
    report_id BIGINT      NOT NULL REFERENCES activity_reports (report_id),
    person_id BIGINT      NOT NULL REFERENCES persons (person_id),
    enrolment VARCHAR(16) NOT NULL CHECK (enrolment IN ('enrolled', 'not_enrolled')),
    hired_on  DATE,
    reason    VARCHAR(400),
    PRIMARY KEY (report_id, person_id)
);

INSERT INTO permission_kinds (kind, article, name_ja) VALUES
    ('landing', '9条・10条・11条・12条', '上陸許可'),
    ('change', '20条', '在留資格変更許可'),
    ('extension', '21条', '在留期間更新許可'),
    ('permanent_residence', '22条', '永住許可'),
    ('acquisition', '22条の2・22条の3', '在留資格取得許可');

INSERT INTO card_issue_reasons (reason_code, article, name_ja, is_item5) VALUES
    ('landing', '上陸許可', '上陸許可に伴う交付', 0),
    ('status_permission', '20条・21条', '在留資格変更・在留期間更新許可に伴う交付', 0),
    ('permanent_residence', '22条', '永住許可に伴う交付', 0),
    ('acquisition', '22条の2・22条の3', '在留資格取得許可に伴う交付', 0),
    ('change_name', '19条の10', '氏名の変更', 1),
    ('change_birth_date', '19条の10', '生年月日の変更', 1),
    ('change_sex', '19条の10', '性別の変更', 1),
    ('change_nationality', '19条の10', '国籍・地域の変更', 1),
    ('validity_renewal', '19条の11', '有効期間の更新', 1),
    ('reissue_lost', '19条の12', '紛失等による再交付', 1),
    ('reissue_damaged', '19条の13', '汚損等による再交付', 1),
    ('reissue_request', '19条の13', '交換希望による再交付', 1);
