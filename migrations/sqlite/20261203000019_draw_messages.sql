-- Every message that announced a draw, so a button press or a reaction is
-- taken only from a message of the draw it names: a press carrying another
-- message's data is refused. `draws.message_id` keeps only the latest one.
CREATE TABLE draw_messages (
    group_id   TEXT NOT NULL,
    message_id TEXT NOT NULL,
    draw_id    BIGINT NOT NULL,
    PRIMARY KEY (group_id, message_id)
);

INSERT INTO draw_messages (group_id, message_id, draw_id)
SELECT group_id, message_id, id FROM draws WHERE message_id IS NOT NULL;
