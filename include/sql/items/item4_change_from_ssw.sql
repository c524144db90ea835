{% import "macros.sql" as m -%}
-- Item 4 (別紙1 番号4): change of status (20条) from 特定技能 to any other status. Only a 20条
-- 在留資格変更許可: a 22条 永住許可 (kind permanent_residence) is not item 4 (data dictionary, Decisions).
-- The field and employer are those of the 特定技能 permission the person leaves.
-- Particulars, previous status and address are those in force on the permission date, as known at
-- window end.
-- Look-ups run once per event in a materialized CTE and return ids; the main query joins by id.
WITH ev AS MATERIALIZED (
    SELECT sp.*,
        {{ m.particulars_on('sp.person_id', 'sp.permitted_on') }} AS particulars_id,
        {{ m.permission_before('sp.person_id', 'sp.permitted_on', 'sp.permission_id') }} AS previous_permission_id,
        {{ m.notification_on('sp.person_id', 'sp.permitted_on') }} AS notification_id
    FROM status_permissions sp
    JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 0
    WHERE sp.kind = 'change'
      AND (sp.recorded_at >= :window_start AND sp.recorded_at < :window_end OR sp.permission_id IN :held_ids)
)
SELECT
    'SP' || CAST(ev.permission_id AS VARCHAR(20)) AS record_id,
    ev.permitted_on        AS event_date,
    prev_st.name_ja        AS previous_status,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    prev.ssw_field         AS ssw_field,
    ev.period_months       AS period_months,
    ev.expires_on          AS expires_on,
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
{{ m.employer_columns() }}
FROM ev
JOIN statuses st ON st.status_code = ev.status_code
LEFT JOIN person_particulars p ON p.particulars_id = ev.particulars_id
JOIN status_permissions prev ON prev.permission_id = ev.previous_permission_id
JOIN statuses prev_st ON prev_st.status_code = prev.status_code AND prev_st.is_ssw = 1
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
LEFT JOIN residence_notifications rn ON rn.notification_id = ev.notification_id
LEFT JOIN employers e ON e.employer_id = prev.employer_id
ORDER BY ev.permission_id
