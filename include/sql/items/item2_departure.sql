-- Item 2 (別紙1 番号2): departure while holding 特定技能, excluding departures under a
-- re-entry permit (入管法26条) or as special re-entry (26条の2, みなし再入国).
-- Particulars, card, stay and address are those in force on the departure date, as known at window end.
-- Look-ups run once per event in a materialized CTE and return ids; the main query joins by id.
WITH ev AS MATERIALIZED (
    SELECT d.*,
        (SELECT pp.particulars_id FROM person_particulars pp
         WHERE pp.person_id = d.person_id AND pp.effective_on <= d.departed_on AND pp.recorded_at < :window_end
         ORDER BY pp.effective_on DESC, pp.particulars_id DESC LIMIT 1) AS particulars_id,
        (SELECT c.card_id FROM residence_cards c
         WHERE c.person_id = d.person_id AND c.issued_on <= d.departed_on AND c.recorded_at < :window_end
         ORDER BY c.issued_on DESC, c.card_id DESC LIMIT 1) AS card_id,
        (SELECT s.permission_id FROM status_permissions s
         WHERE s.person_id = d.person_id AND s.permitted_on <= d.departed_on AND s.recorded_at < :window_end
         ORDER BY s.permitted_on DESC, s.permission_id DESC LIMIT 1) AS permission_id,
        (SELECT n.notification_id FROM residence_notifications n
         WHERE n.person_id = d.person_id AND n.notified_on <= d.departed_on AND n.notice_arrived_at < :window_end
           AND n.recorded_at < :window_end
         ORDER BY n.notified_on DESC, n.notification_id DESC LIMIT 1) AS notification_id
    FROM departures d
    WHERE d.reentry_kind = 'none'
      AND (d.recorded_at >= :window_start AND d.recorded_at < :window_end OR d.departure_id IN :held_ids)
)
SELECT
    'DP' || CAST(ev.departure_id AS VARCHAR(20)) AS record_id,
    ev.departed_on         AS event_date,
    ev.port                AS departure_port,
    rc.card_number         AS card_number,
    p.name_roman           AS name_roman,
    p.name_kanji           AS name_kanji,
    p.birth_date           AS birth_date,
    p.sex                  AS sex,
    p.nationality          AS nationality,
    st.name_ja             AS status,
    sp.ssw_field           AS ssw_field,
    sp.period_months       AS period_months,
    sp.expires_on          AS expires_on,
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
    e.name                 AS employer_name,
    e.address              AS employer_address,
    e.corporate_number     AS corporate_number,
    e.phone                AS employer_phone,
    e.representative       AS employer_representative
FROM ev
JOIN statuses st ON st.status_code = ev.status_code AND st.is_ssw = 1
LEFT JOIN person_particulars p ON p.particulars_id = ev.particulars_id
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
LEFT JOIN status_permissions sp ON sp.permission_id = ev.permission_id
LEFT JOIN residence_notifications rn ON rn.notification_id = ev.notification_id
LEFT JOIN employers e ON e.employer_id = sp.employer_id
ORDER BY ev.departure_id
