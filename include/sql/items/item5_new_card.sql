{% import "macros.sql" as m with context -%}
-- Item 5 (別紙1 番号5): new residence card for a 特定技能 resident under 19条の10〜13
-- (change of name, birth date, sex or nationality; renewal; reissue). Cards issued with a
-- landing or a 20/21条 permission are not item 5 (card_issue_reasons.is_item5 = 0).
-- Particulars, stay and address are those in force on the issue date, as known at window end: a card
-- issued before a change of name shows the old name, even in a later rerun (macros.sql: one look-up per
-- event, joined).
SELECT
    'RC' || CAST(c.card_id AS VARCHAR(20)) AS record_id,
    c.issued_on            AS event_date,
    r.name_ja              AS issue_reason,
    old.card_number        AS previous_card_number,
{{ m.person_columns('c.card_number') }}
    st.name_ja             AS status,
    sp.ssw_field           AS ssw_field,
    sp.period_months       AS period_months,
    sp.expires_on          AS expires_on,
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
{{ m.employer_columns() }}
-- the window's cards of the item's reasons only, found by residence_cards_reason_recorded_at
FROM {% call m.events('residence_cards', 'c') -%}
    ({{ m.one_of('c.reason_code', 'SELECT reason_code FROM card_issue_reasons WHERE is_item5 = 1') }}
     AND c.recorded_at >= :window_start AND c.recorded_at < :window_end
     OR c.card_id IN :held_ids)
{%- endcall %}
JOIN card_issue_reasons r ON r.reason_code = c.reason_code AND r.is_item5 = 1
{{ m.particulars_on('p', 'c.person_id', 'c.issued_on') }}
{{ m.permission_on('sp', 'c.person_id', 'c.issued_on', inner=True) }}
JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 1
LEFT JOIN residence_cards old ON old.card_id = c.previous_card_id
{{ m.notification_on('rn', 'c.person_id', 'c.issued_on') }}
{{ m.employer_of('sp.employer_id') }}
ORDER BY c.card_id
