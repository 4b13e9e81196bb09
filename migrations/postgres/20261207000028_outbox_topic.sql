-- Where in its chat a message goes: a Telegram forum topic (the
-- message_thread_id, as text), so an answer goes to the topic its command
-- was typed in. Text, since a Matrix thread is named by its root event id.
-- NULL: the chat itself (General in a forum).
ALTER TABLE outbox ADD COLUMN topic TEXT;
