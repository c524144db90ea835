{% import "macros.sql" as m -%}
-- Item 8 (別紙1 番号8): dependant granted 特定活動 by change of status (20条) whose
-- principal (本体者) holds 特定技能 on the permission date. Employer is the principal's. Particulars (the
-- dependant's and the principal's) and address are those in force on that date, as known at window end.
-- Look-ups run once per event in a materialized CTE and return ids; the main query joins by id.
WITH ev AS MATERIALIZED (
    SELECT sp.*,
        {{ m.particulars_on('sp.person_id', 'sp.permitted_on') }} AS particulars_id,
        {{ m.particulars_on('sp.principal_person_id', 'sp.permitted_on') }} AS principal_particulars_id,
        {{ m.permission_on('sp.principal_person_id', 'sp.permitted_on') }} AS principal_permission_id,
        {{ m.card_on('sp.principal_person_id', 'sp.permitted_on') }} AS principal_card_id,
        {{ m.notification_on('sp.person_id', 'sp.permitted_on') }} AS notification_id
    FROM status_permissions sp
    WHERE sp.kind = 'change' AND sp.status_code = 'DESIGNATED' AND sp.principal_person_id IS NOT NULL
      AND (sp.recorded_at >= :window_start AND sp.recorded_at < :window_end OR sp.permission_id IN :held_ids)
)
SELECT
    'SP' || CAST(ev.permission_id AS VARCHAR(20)) AS record_id,
    ev.permitted_on        AS event_date,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    ev.period_months       AS period_months,
    ev.expires_on          AS expires_on,
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
    ev.relationship        AS relationship,
    prc.card_number        AS principal_card_number,
    pp.name_roman          AS principal_name_roman,
    pst.name_ja            AS principal_status,
    psp.ssw_field          AS principal_ssw_field,
{{ m.employer_columns() }}
FROM ev
JOIN statuses st ON st.status_code = ev.status_code
LEFT JOIN person_particulars p ON p.particulars_id = ev.particulars_id
LEFT JOIN person_particulars pp ON pp.particulars_id = ev.principal_particulars_id
LEFT JOIN status_permissions psp ON psp.permission_id = ev.principal_permission_id
LEFT JOIN statuses pst ON pst.status_code = psp.status_code
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
LEFT JOIN residence_cards prc ON prc.card_id = ev.principal_card_id
LEFT JOIN residence_notifications rn ON rn.notification_id = ev.notification_id
LEFT JOIN employers e ON e.employer_id = psp.employer_id
-- A permission naming no principal is not a dependant's event (most are not). A principal known to hold
-- another status excludes the row; a principal whose status or particulars are unknown keeps it, so that
-- validation quarantines it (the principal columns are required) instead of dropping it.
WHERE pst.is_ssw = 1 OR pst.status_code IS NULL
ORDER BY ev.permission_id
