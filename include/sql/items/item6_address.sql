{% import "macros.sql" as m with context -%}
-- Item 6 (別紙1 番号6): residence address registered or changed (19条の7〜9) by a
-- 特定技能 resident. The event is the arrival of the municipality's notice (市区町村通知),
-- so a row belongs to the month in which its notice has arrived and it is recorded (the later of
-- notice_arrived_at and recorded_at); a notification whose notice has not arrived waits for its month.
-- Particulars, stay and card are those in force on the notification date, as known at window end
-- (macros.sql: one look-up per event, joined).
SELECT
    'RN' || CAST(n.notification_id AS VARCHAR(20)) AS record_id,
    n.notified_on          AS event_date,
    CASE n.kind WHEN 'after_landing' THEN '新規上陸後の住居地届出（19条の7）'
                WHEN 'after_status_change' THEN '在留資格変更等に伴う住居地届出（19条の8）'
                ELSE '住居地の変更届出（19条の9）' END AS notification_kind,
    n.notice_arrived_at    AS notice_arrived_at,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    sp.ssw_field           AS ssw_field,
    sp.period_months       AS period_months,
    sp.expires_on          AS expires_on,
    n.address              AS address,
    n.municipality_code    AS municipality_code,
{{ m.employer_columns() }}
-- in the month it is both recorded and arrived: a notice back-dated before a late recording is not lost;
-- written as two ranges (arrived in the window, or recorded in it), each of which an index can find
FROM {% call m.events('residence_notifications', 'n') -%}
    (n.notice_arrived_at >= :window_start AND n.notice_arrived_at < :window_end AND n.recorded_at < :window_end
     OR n.recorded_at >= :window_start AND n.recorded_at < :window_end AND n.notice_arrived_at < :window_end
     OR n.notification_id IN :held_ids)
{%- endcall %}
{{ m.particulars_on('p', 'n.person_id', 'n.notified_on') }}
{{ m.permission_on('sp', 'n.person_id', 'n.notified_on', inner=True) }}
JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 1
{{ m.card_on('rc', 'n.person_id', 'n.notified_on') }}
{{ m.employer_of('sp.employer_id') }}
ORDER BY n.notification_id
