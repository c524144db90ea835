{% import "macros.sql" as m with context -%}
-- Item 8 (別紙1 番号8): dependant granted 特定活動 by change of status (20条) whose
-- principal (本体者) holds 特定技能 on the permission date. Employer is the principal's. Particulars (the
-- dependant's and the principal's) and address are those in force on that date, as known at window end
-- (macros.sql: one look-up per event, joined).
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
FROM {% call m.events('status_permissions', 'ev') -%}
    ev.kind = 'change' AND ev.status_code = 'DESIGNATED' AND ev.principal_person_id IS NOT NULL
    AND (ev.recorded_at >= :window_start AND ev.recorded_at < :window_end OR ev.permission_id IN :held_ids)
{%- endcall %}
JOIN statuses st ON st.status_code = ev.status_code
{{ m.particulars_on('p', 'ev.person_id', 'ev.permitted_on') }}
{{ m.particulars_on('pp', 'ev.principal_person_id', 'ev.permitted_on') }}
{{ m.permission_on('psp', 'ev.principal_person_id', 'ev.permitted_on') }}
LEFT JOIN statuses pst ON pst.status_code = psp.status_code
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
{{ m.card_on('prc', 'ev.principal_person_id', 'ev.permitted_on') }}
{{ m.notification_on('rn', 'ev.person_id', 'ev.permitted_on') }}
{{ m.employer_of('psp.employer_id') }}
-- A permission naming no principal is not a dependant's event (most are not). A principal known to hold
-- another status excludes the row; a principal whose status or particulars are unknown keeps it, so that
-- validation quarantines it (the principal columns are required) instead of dropping it.
WHERE (pst.is_ssw = 1 OR pst.status_code IS NULL)
ORDER BY ev.permission_id
