-- The service-quality link per location: `service_days` gains the location the feedback was
-- given at (0: none, such as a form not tied to a location), so the page can show one
-- location's answers and whether those members came back (to any location). The table, its
-- views and the triggers that keep it are made again with the location in the key; otherwise
-- they do what migration 32 made them do, and the table is filled from its view.

DROP TRIGGER feedback_service_day;
DROP TRIGGER purchases_feedback_return;
DROP TRIGGER cases_service_day_insert;
DROP TRIGGER cases_service_day_update;
DROP VIEW service_days_recomputed;
DROP VIEW service_answers;
DROP TABLE service_days;

CREATE TABLE service_days (
    day         TEXT    NOT NULL,
    location_id INTEGER NOT NULL,
    grp         INTEGER NOT NULL,
    state       INTEGER NOT NULL,
    answers     INTEGER NOT NULL,
    returned    INTEGER NOT NULL,
    PRIMARY KEY (day, location_id, grp, state)
) WITHOUT ROWID;

-- Each member's answer with its day, location, group and case state.
CREATE VIEW service_answers AS
SELECT f.id AS feedback_id, f.member_id, f.created_at,
       date(f.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= f.created_at
                           ORDER BY o.from_utc DESC LIMIT 1) || ' seconds') AS day,
       coalesce(f.location_id, 0) AS location_id,
       CASE WHEN f.nps >= 9 THEN 0 WHEN f.nps >= 7 THEN 1 WHEN f.nps IS NOT NULL THEN 2 ELSE 3 END AS grp,
       CASE WHEN c.id IS NULL THEN 0 WHEN c.status = 'resolved' THEN 1 ELSE 2 END AS state
FROM feedback f LEFT JOIN cases c ON c.feedback_id = f.id
WHERE f.member_id IS NOT NULL;

CREATE VIEW service_days_recomputed AS
SELECT a.day, a.location_id, a.grp, a.state, count(*) AS answers, count(r.feedback_id) AS returned
FROM service_answers a LEFT JOIN feedback_returns r ON r.feedback_id = a.feedback_id
GROUP BY 1, 2, 3, 4;

INSERT INTO service_days SELECT * FROM service_days_recomputed;

-- A new answer has no case yet; it came back if a purchase already follows it (imports, the
-- seed), read from the ledger so the order of this and feedback_return_insert does not matter.
CREATE TRIGGER feedback_service_day AFTER INSERT ON feedback WHEN NEW.member_id IS NOT NULL BEGIN
    INSERT INTO service_days (day, location_id, grp, state, answers, returned)
    SELECT a.day, a.location_id, a.grp, 0, 1,
           EXISTS (SELECT 1 FROM purchases p WHERE p.member_id = NEW.member_id
                     AND p.created_at > NEW.created_at
                     AND p.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '+30 days'))
    FROM service_answers a WHERE a.feedback_id = NEW.id
    ON CONFLICT (day, location_id, grp, state) DO UPDATE SET
        answers = answers + 1, returned = returned + excluded.returned;
END;

-- A purchase: the answers it is the first return of count as came back (before they get
-- their feedback_returns row, which marks them as counted).
CREATE TRIGGER purchases_feedback_return AFTER INSERT ON purchases BEGIN
    UPDATE service_days SET returned = returned + x.n
    FROM (SELECT a.day, a.location_id, a.grp, a.state, count(*) AS n FROM service_answers a
          WHERE a.member_id = NEW.member_id AND a.created_at < NEW.created_at
            AND a.created_at >= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '-30 days')
            AND NOT EXISTS (SELECT 1 FROM feedback_returns r WHERE r.feedback_id = a.feedback_id)
          GROUP BY 1, 2, 3, 4) AS x
    WHERE service_days.day = x.day AND service_days.location_id = x.location_id
      AND service_days.grp = x.grp AND service_days.state = x.state;
    INSERT INTO feedback_returns (feedback_id, returned_at)
    SELECT f.id, NEW.created_at FROM feedback f
    WHERE f.member_id = NEW.member_id AND f.created_at < NEW.created_at
      AND f.created_at >= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '-30 days')
    ON CONFLICT (feedback_id) DO UPDATE SET returned_at = min(returned_at, excluded.returned_at);
END;

-- A case opened on an answer, or resolved or reopened: the answer moves from its old state to
-- its new one, with its return.
CREATE TRIGGER cases_service_day_insert AFTER INSERT ON cases BEGIN
    UPDATE service_days SET
        answers = answers - 1,
        returned = returned - EXISTS (SELECT 1 FROM feedback_returns r WHERE r.feedback_id = NEW.feedback_id)
    WHERE (day, location_id, grp, state) =
          (SELECT a.day, a.location_id, a.grp, 0 FROM service_answers a WHERE a.feedback_id = NEW.feedback_id);
    DELETE FROM service_days WHERE answers = 0
      AND (day, location_id, grp, state) =
          (SELECT a.day, a.location_id, a.grp, 0 FROM service_answers a WHERE a.feedback_id = NEW.feedback_id);
    INSERT INTO service_days (day, location_id, grp, state, answers, returned)
    SELECT a.day, a.location_id, a.grp, a.state, 1,
           EXISTS (SELECT 1 FROM feedback_returns r WHERE r.feedback_id = NEW.feedback_id)
    FROM service_answers a WHERE a.feedback_id = NEW.feedback_id
    ON CONFLICT (day, location_id, grp, state) DO UPDATE SET
        answers = answers + 1, returned = returned + excluded.returned;
END;

CREATE TRIGGER cases_service_day_update AFTER UPDATE OF status ON cases
WHEN (OLD.status = 'resolved') <> (NEW.status = 'resolved') BEGIN
    UPDATE service_days SET
        answers = answers - 1,
        returned = returned - EXISTS (SELECT 1 FROM feedback_returns r WHERE r.feedback_id = NEW.feedback_id)
    WHERE (day, location_id, grp, state) =
          (SELECT a.day, a.location_id, a.grp, CASE WHEN OLD.status = 'resolved' THEN 1 ELSE 2 END
           FROM service_answers a WHERE a.feedback_id = NEW.feedback_id);
    DELETE FROM service_days WHERE answers = 0
      AND (day, location_id, grp, state) =
          (SELECT a.day, a.location_id, a.grp, CASE WHEN OLD.status = 'resolved' THEN 1 ELSE 2 END
           FROM service_answers a WHERE a.feedback_id = NEW.feedback_id);
    INSERT INTO service_days (day, location_id, grp, state, answers, returned)
    SELECT a.day, a.location_id, a.grp, a.state, 1,
           EXISTS (SELECT 1 FROM feedback_returns r WHERE r.feedback_id = NEW.feedback_id)
    FROM service_answers a WHERE a.feedback_id = NEW.feedback_id
    ON CONFLICT (day, location_id, grp, state) DO UPDATE SET
        answers = answers + 1, returned = returned + excluded.returned;
END;
