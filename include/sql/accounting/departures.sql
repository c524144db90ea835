-- Accounting of departures recorded in the window (item 2): the item, or the rule that excludes the
-- row; the first row is an independent count of the window (see status_permissions.sql).
SELECT 'window' AS route, COUNT(*) AS row_count
FROM departures
WHERE recorded_at >= :window_start AND recorded_at < :window_end
UNION ALL
SELECT route, COUNT(*) AS row_count FROM (
    SELECT CASE
        WHEN d.reentry_kind = 'reentry_permit' THEN 'reentry_permit'
        WHEN d.reentry_kind = 'special_reentry' THEN 'special_reentry'
        WHEN st.is_ssw = 1 THEN 'item2'
        ELSE 'not_ssw'
    END AS route
    FROM departures d
    JOIN statuses st ON st.status_code = d.status_code
    WHERE d.recorded_at >= :window_start AND d.recorded_at < :window_end
) routed
GROUP BY route
