-- The analytics' two shop settings: the churn window (a member with no purchase for this many
-- days counts as lost) and what 100 points are worth, in minor units, for the points
-- liability. The glance and points pages use them unless a view names others.
CREATE TABLE analytics_settings (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    churn_days   INTEGER NOT NULL DEFAULT 90 CHECK (churn_days BETWEEN 1 AND 3650),
    value_of_100 INTEGER NOT NULL DEFAULT 100 CHECK (value_of_100 BETWEEN 1 AND 1000000),
    updated_at   TEXT    NOT NULL
);
INSERT INTO analytics_settings (id, updated_at) VALUES (1, '2026-12-05T00:00:00Z');
