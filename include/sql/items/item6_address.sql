{% import "macros.sql" as m -%}
-- Item 6 (別紙1 番号6): residence address registered or changed (19条の7〜9) by a
-- 特定技能 resident. The event is the arrival of the municipality's notice (市区町村通知),
-- so a row belongs to the month in which its notice has arrived and it is recorded (the later of
-- notice_arrived_at and recorded_at); a notification whose notice has not arrived waits for its month.
-- Particulars, stay and card are those in force on the notification date, as known at window end.
-- Look-ups run once per event in a materialized CTE and return ids; the main query joins by id.
WITH ev AS MATERIALIZED (
    SELECT n.*,
        {{ m.particulars_on('n.person_id', 'n.notified_on') }} AS particulars_id,
        {{ m.permission_on('n.person_id', 'n.notified_on') }} AS permission_id,
        {{ m.card_on('n.person_id', 'n.notified_on') }} AS card_id
    FROM residence_notifications n
    -- in the month it is both recorded and arrived: a notice back-dated before a late recording is not lost
    WHERE (n.notice_arrived_at < :window_end AND n.recorded_at < :window_end
           AND (n.notice_arrived_at >= :window_start OR n.recorded_at >= :window_start)
           OR n.notification_id IN :held_ids)
)
SELECT
    'RN' || CAST(ev.notification_id AS VARCHAR(20)) AS record_id,
    ev.notified_on         AS event_date,
    CASE ev.kind WHEN 'after_landing' THEN '新規上陸後の住居地届出（19条の7）'
                 WHEN 'after_status_change' THEN '在留資格変更等に伴う住居地届出（19条の8）'
                 ELSE '住居地の変更届出（19条の9）' END AS notification_kind,
    ev.notice_arrived_at   AS notice_arrived_at,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    sp.ssw_field           AS ssw_field,
    sp.period_months       AS period_months,
    sp.expires_on          AS expires_on,
    ev.address             AS address,
    ev.municipality_code   AS municipality_code,
{{ m.employer_columns() }}
FROM ev
LEFT JOIN person_particulars p ON p.particulars_id = ev.particulars_id
JOIN status_permissions sp ON sp.permission_id = ev.permission_id
JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 1
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
LEFT JOIN employers e ON e.employer_id = sp.employer_id
ORDER BY ev.notification_id
