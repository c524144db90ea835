{% import "macros.sql" as m with context -%}
-- Accounting of status permissions recorded in the window (items 1, 3, 4, 7, 8): which items take each
-- row, or the named rule that excludes it; the first row is an independent count of the window.
-- The rules restate the item files' on purpose (double entry): a row an item query drops silently
-- makes the counts disagree and the run fail before publishing. Look-ups are as of the window end.
SELECT 'window' AS route, COUNT(*) AS row_count
FROM status_permissions
WHERE recorded_at >= :window_start AND recorded_at < :window_end
UNION ALL
SELECT route, COUNT(*) AS row_count FROM (
    SELECT CASE
        WHEN ev.kind = 'landing' AND ev.is_ssw = 1 THEN 'item1'
        WHEN ev.kind IN ('change', 'extension') AND ev.is_ssw = 1 THEN 'item3'
        WHEN ev.kind = 'change' AND ev.previous_is_ssw = 1 AND ev.of_ssw_principal = 1 THEN 'item4+item8'
        WHEN ev.kind = 'change' AND ev.previous_is_ssw = 1 THEN 'item4'
        WHEN ev.of_ssw_principal = 1 AND ev.kind = 'landing' THEN 'item7'
        WHEN ev.of_ssw_principal = 1 THEN 'item8'
        WHEN ev.kind IN ('permanent_residence', 'acquisition') THEN 'kind_in_no_item'
        WHEN ev.dependant_event = 1 AND ev.principal_person_id IS NULL THEN 'dependant_without_principal'
        WHEN ev.dependant_event = 1 THEN 'principal_not_ssw'
        WHEN ev.kind = 'landing' THEN 'landing_not_ssw'
        WHEN ev.kind = 'extension' THEN 'extension_not_ssw'
        WHEN ev.previous_is_ssw IS NULL THEN 'previous_status_unknown'
        ELSE 'change_not_from_ssw'
    END AS route
    FROM (
        -- of_ssw_principal: a dependant's event (a 家族滞在 landing, item 7, or a 20条 特定活動
        -- permission, item 8) naming a principal not known to hold another status than 特定技能
        SELECT dep.*,
            CASE WHEN dep.dependant_event = 1 AND dep.principal_person_id IS NOT NULL
                      AND COALESCE(dep.principal_is_ssw, 1) = 1 THEN 1 ELSE 0 END AS of_ssw_principal
        FROM (
            SELECT sp.kind, sp.principal_person_id, st.is_ssw,
                {{ m.status_of('is_ssw', 'prev.status_code') }} AS previous_is_ssw,
                {{ m.status_of('is_ssw', 'psp.status_code') }} AS principal_is_ssw,
                CASE WHEN sp.kind = 'landing' AND sp.status_code = 'DEPENDENT'
                       OR sp.kind = 'change' AND sp.status_code = 'DESIGNATED' THEN 1 ELSE 0 END AS dependant_event
            FROM status_permissions sp
            JOIN statuses st ON st.status_code = sp.status_code
            {{ m.permission_before('prev', 'sp.person_id', 'sp.permitted_on', 'sp.permission_id',
                                  when="sp.kind = 'change' AND st.is_ssw = 0", column='status_code') }}
            {{ m.permission_on('psp', 'sp.principal_person_id', 'sp.permitted_on', when='sp.principal_person_id IS NOT NULL',
                               column='status_code') }}
            WHERE sp.recorded_at >= :window_start AND sp.recorded_at < :window_end
        ) dep
    ) ev
) routed
GROUP BY route
