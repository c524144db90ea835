-- PostgreSQL only (applied after source.sql).

-- The status look-ups' index, with status_code: the look-ups that read nothing else (the accounting's, item 3's
-- previous status) read the index alone, never the table
CREATE INDEX status_permissions_as_of ON status_permissions (person_id, permitted_on, permission_id, recorded_at)
    INCLUDE (status_code);
