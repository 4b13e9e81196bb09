-- The forum topic (Telegram's message_thread_id) a message goes to: an
-- answer goes to the topic its command was typed in. NULL: the chat itself
-- (General in a forum).
ALTER TABLE outbox ADD COLUMN topic INTEGER;
