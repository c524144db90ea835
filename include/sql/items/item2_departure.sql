{% import "macros.sql" as m with context -%}
-- Item 2 (別紙1 番号2): departure while holding 特定技能, excluding departures under a
-- re-entry permit (入管法26条) or as special re-entry (26条の2, みなし再入国).
-- Particulars, card, stay and address are those in force on the departure date, as known at window end
-- (macros.sql: one look-up per event, joined).
SELECT
    'DP' || CAST(d.departure_id AS VARCHAR(20)) AS record_id,
    d.departed_on          AS event_date,
    d.port                 AS departure_port,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    sp.ssw_field           AS ssw_field,
    sp.period_months       AS period_months,
    sp.expires_on          AS expires_on,
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
{{ m.employer_columns() }}
FROM {% call m.events('departures', 'd') -%}
    d.reentry_kind = 'none'
    AND (d.recorded_at >= :window_start AND d.recorded_at < :window_end OR d.departure_id IN :held_ids)
{%- endcall %}
JOIN statuses st ON st.status_code = d.status_code AND st.is_ssw = 1
{{ m.particulars_on('p', 'd.person_id', 'd.departed_on') }}
{{ m.card_on('rc', 'd.person_id', 'd.departed_on') }}
{{ m.permission_on('sp', 'd.person_id', 'd.departed_on') }}
{{ m.notification_on('rn', 'd.person_id', 'd.departed_on') }}
{{ m.employer_of('sp.employer_id') }}
ORDER BY d.departure_id
