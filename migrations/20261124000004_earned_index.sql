-- Points earned in a qualification period are summed on every purchase: an index that holds
-- the summed columns answers it without reading the purchase rows.
DROP INDEX purchases_member;
CREATE INDEX purchases_member ON purchases (member_id, created_at, points, points_refunded);
