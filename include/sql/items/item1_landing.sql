{% import "macros.sql" as m -%}
-- Item 1 (別紙1 番号1): landing permission with 特定技能 status (上陸時).
-- Window: the permission's recorded_at within the data month (JST).
-- Particulars are those in force on the landing date, as known at window end.
-- Look-ups run once per event in a materialized CTE and return ids; the main query joins by id.
WITH ev AS MATERIALIZED (
    SELECT sp.*,
        {{ m.particulars_on('sp.person_id', 'sp.permitted_on') }} AS particulars_id
    FROM status_permissions sp
    JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 1
    WHERE sp.kind = 'landing'
      AND (sp.recorded_at >= :window_start AND sp.recorded_at < :window_end OR sp.permission_id IN :held_ids)
)
SELECT
    'SP' || CAST(ev.permission_id AS VARCHAR(20)) AS record_id,
    ev.permitted_on        AS event_date,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    ev.ssw_field           AS ssw_field,
    ev.period_months       AS period_months,
    ev.expires_on          AS expires_on,
{{ m.employer_columns() }}
FROM ev
JOIN statuses st ON st.status_code = ev.status_code
LEFT JOIN person_particulars p ON p.particulars_id = ev.particulars_id
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
LEFT JOIN employers e ON e.employer_id = ev.employer_id
ORDER BY ev.permission_id
