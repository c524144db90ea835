{% import "macros.sql" as m with context -%}
-- 別添 notices: every worker whom the activity reports of one bureau, entered in the window, name as not
-- enrolled in health insurance and employees' pension, with what the form shows about the report, its
-- employer and the worker. The enrolment-period rule (ssw_linkage.notices.enrolment) then decides who is
-- reported. Particulars, status, card and address are those in force on the report date, as known at the
-- window end (macros.sql: one look-up per worker, joined), so a day rerun later gives the same answer.
SELECT
    r.report_id            AS report_id,
    r.received_on          AS received_on,
    r.period_start         AS period_start,
    r.period_end           AS period_end,
    r.bureau_action        AS bureau_action,
    r.employer_id          AS employer_id,
{{ m.employer_columns() }},
    aw.person_id           AS person_id,
    aw.hired_on            AS hired_on,
    aw.reason              AS reason,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    s.expires_on           AS expires_on,
    s.ssw_field            AS ssw_field,
    rn.address             AS address
FROM activity_reports r
JOIN activity_report_workers aw ON aw.report_id = r.report_id
LEFT JOIN employers e ON e.employer_id = r.employer_id
{{ m.particulars_on('p', 'aw.person_id', 'r.received_on') }}
{{ m.permission_on('s', 'aw.person_id', 'r.received_on') }}
LEFT JOIN statuses st ON st.status_code = s.status_code
{{ m.card_on('rc', 'aw.person_id', 'r.received_on') }}
{{ m.notification_on('rn', 'aw.person_id', 'r.received_on') }}
WHERE r.bureau_code = :bureau
  AND r.recorded_at >= :window_start AND r.recorded_at < :window_end
  AND aw.enrolment = 'not_enrolled'
ORDER BY r.received_on, r.report_id, aw.person_id
