{% import "macros.sql" as m -%}
-- 別添 notices: every worker whom the activity reports of one bureau, entered in the window, name as not
-- enrolled in health insurance and employees' pension, with what the form shows about the report, its
-- employer and the worker. The enrolment-period rule (ssw_linkage.notices.enrolment) then decides who is
-- reported. Particulars, status, card and address are those in force on the report date, as known at the
-- window end, so a day rerun later gives the same answer.
WITH w AS MATERIALIZED (
    SELECT r.report_id, r.employer_id, r.received_on, r.period_start, r.period_end, r.bureau_action,
        aw.person_id, aw.hired_on, aw.reason,
        {{ m.particulars_on('aw.person_id', 'r.received_on') }} AS particulars_id,
        {{ m.permission_on('aw.person_id', 'r.received_on') }} AS permission_id,
        {{ m.card_on('aw.person_id', 'r.received_on') }} AS card_id,
        {{ m.notification_on('aw.person_id', 'r.received_on') }} AS notification_id
    FROM activity_reports r
    JOIN activity_report_workers aw ON aw.report_id = r.report_id
    WHERE r.bureau_code = :bureau
      AND r.recorded_at >= :window_start AND r.recorded_at < :window_end
      AND aw.enrolment = 'not_enrolled'
)
SELECT
    w.report_id            AS report_id,
    w.received_on          AS received_on,
    w.period_start         AS period_start,
    w.period_end           AS period_end,
    w.bureau_action        AS bureau_action,
    w.employer_id          AS employer_id,
{{ m.employer_columns() }},
    w.person_id            AS person_id,
    w.hired_on             AS hired_on,
    w.reason               AS reason,
{{ m.person_columns('rc.card_number') }}
    st.name_ja             AS status,
    s.expires_on           AS expires_on,
    s.ssw_field            AS ssw_field,
    rn.address             AS address
FROM w
LEFT JOIN employers e ON e.employer_id = w.employer_id
LEFT JOIN person_particulars p ON p.particulars_id = w.particulars_id
LEFT JOIN status_permissions s ON s.permission_id = w.permission_id
LEFT JOIN statuses st ON st.status_code = s.status_code
LEFT JOIN residence_cards rc ON rc.card_id = w.card_id
LEFT JOIN residence_notifications rn ON rn.notification_id = w.notification_id
ORDER BY w.received_on, w.report_id, w.person_id
