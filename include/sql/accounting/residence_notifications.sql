{% import "macros.sql" as m with context -%}
-- Accounting of residence notifications (item 6), whose event is the municipality's notice reaching
-- ISA: the rows recorded in the window or whose notice arrived in it. Item 6 takes a row in the month
-- in which it is both recorded and arrived; a row recorded but not yet arrived waits for its month.
-- The first row is an independent count of that basis (see status_permissions.sql).
SELECT 'window' AS route, COUNT(*) AS row_count
FROM residence_notifications
WHERE recorded_at >= :window_start AND recorded_at < :window_end
   OR notice_arrived_at >= :window_start AND notice_arrived_at < :window_end AND recorded_at < :window_end
UNION ALL
SELECT route, COUNT(*) AS row_count FROM (
    SELECT CASE
        WHEN n.notice_arrived_at IS NULL OR n.notice_arrived_at >= :window_end THEN 'notice_not_arrived'
        ELSE CASE {{ m.status_of('is_ssw', 'sp.status_code') }} WHEN 1 THEN 'item6' WHEN 0 THEN 'not_ssw'
             ELSE 'status_unknown' END
    END AS route
    FROM residence_notifications n
    {{ m.permission_on('sp', 'n.person_id', 'n.notified_on', when='n.notice_arrived_at < :window_end',
                       column='status_code') }}
    WHERE n.recorded_at >= :window_start AND n.recorded_at < :window_end
       OR n.notice_arrived_at >= :window_start AND n.notice_arrived_at < :window_end AND n.recorded_at < :window_end
) routed
GROUP BY route
