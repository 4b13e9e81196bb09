-- Delivery reads the oldest pending entry of every chat (the chat's head),
-- so a busy chat never hides the others behind it.
CREATE INDEX outbox_heads ON outbox (platform, state, chat_id, id);
