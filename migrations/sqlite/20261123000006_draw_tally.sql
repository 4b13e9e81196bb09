-- How many entries of a draw got each outcome (a wheel's prize), kept as a
-- counter so a spin reads a dozen rows instead of every earlier spin.

CREATE TABLE draw_tally (
    draw_id BIGINT NOT NULL,
    outcome BIGINT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (draw_id, outcome)
);

INSERT INTO draw_tally (draw_id, outcome, n)
    SELECT draw_id, amount, COUNT(*) FROM draw_entries GROUP BY draw_id, amount;
