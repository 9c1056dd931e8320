-- A member's postal address for letters from the shop (2–6 lines; NULL: none). Giving it is
-- agreeing to letters: removing it stops them. Printed letters of a campaign go to members of
-- its segment who have one and can be reached neither by email nor by text message.
ALTER TABLE users ADD COLUMN postal_address TEXT
    CHECK (postal_address IS NULL OR length(postal_address) BETWEEN 3 AND 400);
