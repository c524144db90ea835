{% import "macros.sql" as m -%}
-- Item 2 (別紙1 番号2): departure while holding 特定技能, excluding departures under a
-- re-entry permit (入管法26条) or as special re-entry (26条の2, みなし再入国).
-- Particulars, card, stay and address are those in force on the departure date, as known at window end.
-- Look-ups run once per event in a materialized CTE and return ids; the main query joins by id.
WITH ev AS MATERIALIZED (
    SELECT d.*,
        {{ m.particulars_on('d.person_id', 'd.departed_on') }} AS particulars_id,
        {{ m.card_on('d.person_id', 'd.departed_on') }} AS card_id,
        {{ m.permission_on('d.person_id', 'd.departed_on') }} AS permission_id,
        {{ m.notification_on('d.person_id', 'd.departed_on') }} AS notification_id
    FROM departures d
    WHERE d.reentry_kind = 'none'
      AND (d.recorded_at >= :window_start AND d.recorded_at < :window_end OR d.departure_id IN :held_ids)
)
SELECT
    'DP' || CAST(ev.departure_id AS VARCHAR(20)) AS record_id,
    ev.departed_on         AS event_date,
    ev.port                AS departure_port,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    sp.ssw_field           AS ssw_field,
    sp.period_months       AS period_months,
    sp.expires_on          AS expires_on,
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
{{ m.employer_columns() }}
FROM ev
JOIN statuses st ON st.status_code = ev.status_code AND st.is_ssw = 1
LEFT JOIN person_particulars p ON p.particulars_id = ev.particulars_id
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
LEFT JOIN status_permissions sp ON sp.permission_id = ev.permission_id
LEFT JOIN residence_notifications rn ON rn.notification_id = ev.notification_id
LEFT JOIN employers e ON e.employer_id = sp.employer_id
ORDER BY ev.departure_id
