-- A coupon pool belongs to the operator who imported it, and pays out only
-- in that operator's groups: all of them while `coupon_pool_groups` names
-- none, otherwise only the groups it names (`/coupons allow`). Pools
-- imported before owners existed keep `owner` NULL until an operator
-- claims one with `/coupons allow`.
ALTER TABLE coupon_pools ADD COLUMN owner TEXT;

CREATE TABLE coupon_pool_groups (
    pool     TEXT NOT NULL,
    group_id TEXT NOT NULL,
    PRIMARY KEY (pool, group_id)
);
