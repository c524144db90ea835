{% import "macros.sql" as m -%}
-- Item 3 (別紙1 番号3): permission to 特定技能 by change of status (20条) or extension of
-- the period of stay (21条). Includes 1号→2号 and 技能実習→特定技能 changes. A 22条の2 acquisition is not
-- item 3 (see the data dictionary's Decisions).
-- Particulars, previous status and address are those in force on the permission date, as known at
-- window end.
-- Look-ups run once per event in a materialized CTE and return ids; the main query joins by id.
WITH ev AS MATERIALIZED (
    SELECT sp.*,
        {{ m.particulars_on('sp.person_id', 'sp.permitted_on') }} AS particulars_id,
        {{ m.permission_before('sp.person_id', 'sp.permitted_on', 'sp.permission_id') }} AS previous_permission_id,
        {{ m.notification_on('sp.person_id', 'sp.permitted_on') }} AS notification_id
    FROM status_permissions sp
    JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 1
    WHERE sp.kind IN ('change', 'extension')
      AND (sp.recorded_at >= :window_start AND sp.recorded_at < :window_end OR sp.permission_id IN :held_ids)
)
SELECT
    'SP' || CAST(ev.permission_id AS VARCHAR(20)) AS record_id,
    ev.permitted_on        AS event_date,
    k.name_ja || '（' || k.article || '）' AS permission_kind,
    prev_st.name_ja        AS previous_status,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    ev.ssw_field           AS ssw_field,
    ev.period_months       AS period_months,
    ev.expires_on          AS expires_on,
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
{{ m.employer_columns() }}
FROM ev
JOIN statuses st ON st.status_code = ev.status_code
JOIN permission_kinds k ON k.kind = ev.kind
LEFT JOIN person_particulars p ON p.particulars_id = ev.particulars_id
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
LEFT JOIN status_permissions prev ON prev.permission_id = ev.previous_permission_id
LEFT JOIN statuses prev_st ON prev_st.status_code = prev.status_code
LEFT JOIN residence_notifications rn ON rn.notification_id = ev.notification_id
LEFT JOIN employers e ON e.employer_id = ev.employer_id
ORDER BY ev.permission_id
