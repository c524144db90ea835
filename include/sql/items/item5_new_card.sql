{% import "macros.sql" as m -%}
-- Item 5 (別紙1 番号5): new residence card for a 特定技能 resident under 19条の10〜13
-- (change of name, birth date, sex or nationality; renewal; reissue). Cards issued with a
-- landing or a 20/21条 permission are not item 5 (card_issue_reasons.is_item5 = 0).
-- Particulars, stay and address are those in force on the issue date, as known at window end: a card
-- issued before a change of name shows the old name, even in a later rerun.
-- Look-ups run once per event in a materialized CTE and return ids; the main query joins by id.
WITH ev AS MATERIALIZED (
    SELECT c.*, r.name_ja AS reason_ja,
        {{ m.particulars_on('c.person_id', 'c.issued_on') }} AS particulars_id,
        {{ m.permission_on('c.person_id', 'c.issued_on') }} AS permission_id,
        {{ m.notification_on('c.person_id', 'c.issued_on') }} AS notification_id
    FROM residence_cards c
    JOIN card_issue_reasons r ON r.reason_code = c.reason_code AND r.is_item5 = 1
    WHERE (c.recorded_at >= :window_start AND c.recorded_at < :window_end OR c.card_id IN :held_ids)
)
SELECT
    'RC' || CAST(ev.card_id AS VARCHAR(20)) AS record_id,
    ev.issued_on           AS event_date,
    ev.reason_ja           AS issue_reason,
    old.card_number        AS previous_card_number,
{{ m.person_columns('ev.card_number') }}
    st.name_ja             AS status,
    sp.ssw_field           AS ssw_field,
    sp.period_months       AS period_months,
    sp.expires_on          AS expires_on,
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
{{ m.employer_columns() }}
FROM ev
LEFT JOIN person_particulars p ON p.particulars_id = ev.particulars_id
JOIN status_permissions sp ON sp.permission_id = ev.permission_id
JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 1
LEFT JOIN residence_cards old ON old.card_id = ev.previous_card_id
LEFT JOIN residence_notifications rn ON rn.notification_id = ev.notification_id
LEFT JOIN employers e ON e.employer_id = sp.employer_id
ORDER BY ev.card_id
