-- SQLite only (applied after source.sql).

-- The status look-ups' index (PostgreSQL's includes status_code: source_postgresql.sql)
CREATE INDEX status_permissions_as_of ON status_permissions (person_id, permitted_on, permission_id, recorded_at);

-- One text form for dates and timestamps.
-- PostgreSQL's DATE and TIMESTAMP WITH TIME ZONE refuse or normalise anything else. SQLite stores any value,
-- and text comparison would then put a '+09:00' or 'T' timestamp in the wrong month and never match an
-- integer. A value is accepted only if SQLite, formatting it (normalised by '+0 days', which also catches
-- 30 February), gives it back unchanged: dates 'YYYY-MM-DD', timestamps UTC 'YYYY-MM-DD HH:MM:SS+00:00'.
-- NULL is left to NOT NULL. Each trigger body stays on one line: create_schema splits at ';' + newline.

CREATE TRIGGER person_particulars_formats_insert BEFORE INSERT ON person_particulars
WHEN NEW.birth_date IS NOT date(NEW.birth_date, '+0 days')
  OR NEW.effective_on IS NOT date(NEW.effective_on, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'person_particulars: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER person_particulars_formats_update BEFORE UPDATE ON person_particulars
WHEN NEW.birth_date IS NOT date(NEW.birth_date, '+0 days')
  OR NEW.effective_on IS NOT date(NEW.effective_on, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'person_particulars: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER residence_cards_formats_insert BEFORE INSERT ON residence_cards
WHEN NEW.issued_on IS NOT date(NEW.issued_on, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'residence_cards: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER residence_cards_formats_update BEFORE UPDATE ON residence_cards
WHEN NEW.issued_on IS NOT date(NEW.issued_on, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'residence_cards: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER status_permissions_formats_insert BEFORE INSERT ON status_permissions
WHEN NEW.expires_on IS NOT date(NEW.expires_on, '+0 days')
  OR NEW.permitted_on IS NOT date(NEW.permitted_on, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'status_permissions: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER status_permissions_formats_update BEFORE UPDATE ON status_permissions
WHEN NEW.expires_on IS NOT date(NEW.expires_on, '+0 days')
  OR NEW.permitted_on IS NOT date(NEW.permitted_on, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'status_permissions: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER departures_formats_insert BEFORE INSERT ON departures
WHEN NEW.departed_on IS NOT date(NEW.departed_on, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'departures: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER departures_formats_update BEFORE UPDATE ON departures
WHEN NEW.departed_on IS NOT date(NEW.departed_on, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'departures: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER residence_notifications_formats_insert BEFORE INSERT ON residence_notifications
WHEN NEW.notified_on IS NOT date(NEW.notified_on, '+0 days')
  OR NEW.notice_arrived_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.notice_arrived_at, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'residence_notifications: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER residence_notifications_formats_update BEFORE UPDATE ON residence_notifications
WHEN NEW.notified_on IS NOT date(NEW.notified_on, '+0 days')
  OR NEW.notice_arrived_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.notice_arrived_at, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'residence_notifications: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER activity_reports_formats_insert BEFORE INSERT ON activity_reports
WHEN NEW.received_on IS NOT date(NEW.received_on, '+0 days')
  OR NEW.period_start IS NOT date(NEW.period_start, '+0 days')
  OR NEW.period_end IS NOT date(NEW.period_end, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'activity_reports: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER activity_reports_formats_update BEFORE UPDATE ON activity_reports
WHEN NEW.received_on IS NOT date(NEW.received_on, '+0 days')
  OR NEW.period_start IS NOT date(NEW.period_start, '+0 days')
  OR NEW.period_end IS NOT date(NEW.period_end, '+0 days')
  OR NEW.recorded_at IS NOT strftime('%Y-%m-%d %H:%M:%S+00:00', NEW.recorded_at, '+0 days')
BEGIN SELECT RAISE(ABORT, 'activity_reports: dates must be YYYY-MM-DD, timestamps UTC YYYY-MM-DD HH:MM:SS+00:00'); END;

CREATE TRIGGER activity_report_workers_formats_insert BEFORE INSERT ON activity_report_workers
WHEN NEW.hired_on IS NOT date(NEW.hired_on, '+0 days')
BEGIN SELECT RAISE(ABORT, 'activity_report_workers: dates must be YYYY-MM-DD'); END;

CREATE TRIGGER activity_report_workers_formats_update BEFORE UPDATE ON activity_report_workers
WHEN NEW.hired_on IS NOT date(NEW.hired_on, '+0 days')
BEGIN SELECT RAISE(ABORT, 'activity_report_workers: dates must be YYYY-MM-DD'); END;
