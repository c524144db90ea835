{% import "macros.sql" as m with context -%}
-- Item 3 (別紙1 番号3): permission to 特定技能 by change of status (20条) or extension of
-- the period of stay (21条). Includes 1号→2号 and 技能実習→特定技能 changes. A 22条の2 acquisition is not
-- item 3 (see the data dictionary's Decisions).
-- Particulars, previous status and address are those in force on the permission date, as known at
-- window end (macros.sql: one look-up per event, joined).
SELECT
    'SP' || CAST(ev.permission_id AS VARCHAR(20)) AS record_id,
    ev.permitted_on        AS event_date,
    k.name_ja || '（' || k.article || '）' AS permission_kind,
    {{ m.status_of('name_ja', 'prev.status_code') }} AS previous_status,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    ev.ssw_field           AS ssw_field,
    ev.period_months       AS period_months,
    ev.expires_on          AS expires_on,
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
{{ m.employer_columns() }}
FROM {% call m.events('status_permissions', 'ev') -%}
    ev.kind IN ('change', 'extension')
    AND (ev.recorded_at >= :window_start AND ev.recorded_at < :window_end OR ev.permission_id IN :held_ids)
{%- endcall %}
JOIN statuses st ON st.status_code = ev.status_code AND st.is_ssw = 1
JOIN permission_kinds k ON k.kind = ev.kind
{{ m.particulars_on('p', 'ev.person_id', 'ev.permitted_on') }}
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
{{ m.permission_before('prev', 'ev.person_id', 'ev.permitted_on', 'ev.permission_id', column='status_code') }}
{{ m.notification_on('rn', 'ev.person_id', 'ev.permitted_on') }}
{{ m.employer_of('ev.employer_id') }}
ORDER BY ev.permission_id
