{% import "macros.sql" as m with context -%}
-- Item 1 (別紙1 番号1): landing permission with 特定技能 status (上陸時).
-- Window: the permission's recorded_at within the data month (JST).
-- Particulars are those in force on the landing date, as known at window end (macros.sql: one look-up
-- per event, joined).
SELECT
    'SP' || CAST(ev.permission_id AS VARCHAR(20)) AS record_id,
    ev.permitted_on        AS event_date,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    ev.ssw_field           AS ssw_field,
    ev.period_months       AS period_months,
    ev.expires_on          AS expires_on,
{{ m.employer_columns() }}
FROM {% call m.events('status_permissions', 'ev') -%}
    ev.kind = 'landing'
    AND (ev.recorded_at >= :window_start AND ev.recorded_at < :window_end OR ev.permission_id IN :held_ids)
{%- endcall %}
JOIN statuses st ON st.status_code = ev.status_code AND st.is_ssw = 1
{{ m.particulars_on('p', 'ev.person_id', 'ev.permitted_on') }}
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
{{ m.employer_of('ev.employer_id') }}
ORDER BY ev.permission_id
