{% import "macros.sql" as m with context -%}
-- Item 4 (別紙1 番号4): change of status (20条) from 特定技能 to any other status. Only a 20条
-- 在留資格変更許可: a 22条 永住許可 (kind permanent_residence) is not item 4 (data dictionary, Decisions).
-- The field and employer are those of the 特定技能 permission the person leaves.
-- Particulars, previous status and address are those in force on the permission date, as known at
-- window end (macros.sql: one look-up per event, joined).
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
FROM {% call m.events('status_permissions', 'ev') -%}
    ev.kind = 'change'
    AND (ev.recorded_at >= :window_start AND ev.recorded_at < :window_end OR ev.permission_id IN :held_ids)
{%- endcall %}
JOIN statuses st ON st.status_code = ev.status_code AND st.is_ssw = 0
{{ m.particulars_on('p', 'ev.person_id', 'ev.permitted_on') }}
{{ m.permission_before('prev', 'ev.person_id', 'ev.permitted_on', 'ev.permission_id', inner=True) }}
JOIN statuses prev_st ON prev_st.status_code = prev.status_code AND prev_st.is_ssw = 1
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
{{ m.notification_on('rn', 'ev.person_id', 'ev.permitted_on') }}
{{ m.employer_of('prev.employer_id') }}
ORDER BY ev.permission_id
