-- Item 4 (別紙1 番号4): change of status (20条) from 特定技能 to any other status. Only a 20条
-- 在留資格変更許可: a 22条 永住許可 (kind permanent_residence) is not item 4 (data dictionary, Decisions).
-- The field and employer are those of the 特定技能 permission the person leaves.
-- Particulars, previous status and address are those in force on the permission date, as known at
-- window end.
-- Look-ups run once per event in a materialized CTE and return ids; the main query joins by id.
WITH ev AS MATERIALIZED (
    SELECT sp.*,
        (SELECT pp.particulars_id FROM person_particulars pp
         WHERE pp.person_id = sp.person_id AND pp.effective_on <= sp.permitted_on AND pp.recorded_at < :window_end
         ORDER BY pp.effective_on DESC, pp.particulars_id DESC LIMIT 1) AS particulars_id,
        (SELECT s.permission_id FROM status_permissions s
         WHERE s.person_id = sp.person_id AND s.recorded_at < :window_end
           AND (s.permitted_on < sp.permitted_on
                OR (s.permitted_on = sp.permitted_on AND s.permission_id < sp.permission_id))
         ORDER BY s.permitted_on DESC, s.permission_id DESC LIMIT 1) AS previous_permission_id,
        (SELECT n.notification_id FROM residence_notifications n
         WHERE n.person_id = sp.person_id AND n.notified_on <= sp.permitted_on AND n.notice_arrived_at < :window_end
           AND n.recorded_at < :window_end
         ORDER BY n.notified_on DESC, n.notification_id DESC LIMIT 1) AS notification_id
    FROM status_permissions sp
    JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 0
    WHERE sp.kind = 'change'
      AND (sp.recorded_at >= :window_start AND sp.recorded_at < :window_end OR sp.permission_id IN :held_ids)
)
SELECT
    'SP' || CAST(ev.permission_id AS VARCHAR(20)) AS record_id,
    ev.permitted_on        AS event_date,
    prev_st.name_ja        AS previous_status,
    rc.card_number         AS card_number,
    p.name_roman           AS name_roman,
    p.name_kanji           AS name_kanji,
    p.birth_date           AS birth_date,
    p.sex                  AS sex,
    p.nationality          AS nationality,
    st.name_ja             AS status,
    prev.ssw_field         AS ssw_field,
    ev.period_months       AS period_months,
    ev.expires_on          AS expires_on,
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
    e.name                 AS employer_name,
    e.address              AS employer_address,
    e.corporate_number     AS corporate_number,
    e.phone                AS employer_phone,
    e.representative       AS employer_representative
FROM ev
JOIN statuses st ON st.status_code = ev.status_code
LEFT JOIN person_particulars p ON p.particulars_id = ev.particulars_id
JOIN status_permissions prev ON prev.permission_id = ev.previous_permission_id
JOIN statuses prev_st ON prev_st.status_code = prev.status_code AND prev_st.is_ssw = 1
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
LEFT JOIN residence_notifications rn ON rn.notification_id = ev.notification_id
LEFT JOIN employers e ON e.employer_id = prev.employer_id
ORDER BY ev.permission_id
