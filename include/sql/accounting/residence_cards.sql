{% import "macros.sql" as m with context -%}
-- Accounting of residence cards recorded in the window (item 5): the item, or the rule that excludes
-- the row; the first row is an independent count of the window (see status_permissions.sql).
SELECT 'window' AS route, COUNT(*) AS row_count
FROM residence_cards
WHERE recorded_at >= :window_start AND recorded_at < :window_end
UNION ALL
SELECT route, COUNT(*) AS row_count FROM (
    SELECT CASE
        WHEN r.is_item5 = 0 THEN 'card_not_19_10_to_13'
        ELSE CASE {{ m.status_of('is_ssw', 'sp.status_code') }} WHEN 1 THEN 'item5' WHEN 0 THEN 'not_ssw'
             ELSE 'status_unknown' END
    END AS route
    FROM residence_cards c
    JOIN card_issue_reasons r ON r.reason_code = c.reason_code
    {{ m.permission_on('sp', 'c.person_id', 'c.issued_on', when='r.is_item5 = 1', column='status_code') }}
    WHERE c.recorded_at >= :window_start AND c.recorded_at < :window_end
) routed
GROUP BY route
