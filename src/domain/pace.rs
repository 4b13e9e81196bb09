//! How fast the bot may send: Telegram's published limits as a rule.
//!
//! Telegram lets a bot send about 20 messages a minute into one group, asks
//! for no more than one message a second into one chat, and about 30 a second
//! overall. Going faster earns HTTP 429 and, if repeated, longer bans. The
//! pacer keeps all three, so a burst waits its turn instead of bouncing.
//!
//! Times are unix milliseconds from the engine's clock.

use std::collections::{HashMap, VecDeque};

use super::ChatId;

/// The limits to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Messages allowed into one chat per `window_ms`.
    pub chat_quota: usize,
    pub window_ms: i64,
    /// Least time between two messages into one chat.
    pub chat_gap_ms: i64,
    /// Least time between any two messages of the bot.
    pub global_gap_ms: i64,
}

impl Pace {
    /// Telegram's documented limits.
    pub const TELEGRAM: Pace = Pace {
        chat_quota: 20,
        window_ms: 60_000,
        chat_gap_ms: 1_000,
        global_gap_ms: 1_000 / 30,
    };
}

/// Remembers recent sends and says when the next one may go.
#[derive(Debug)]
pub struct Pacer {
    pace: Pace,
    /// Send times per chat within the last window, oldest first.
    chats: HashMap<ChatId, VecDeque<i64>>,
    last_any: Option<i64>,
    records: u64,
}

impl Pacer {
    pub fn new(pace: Pace) -> Self {
        Self {
            pace,
            chats: HashMap::new(),
            last_any: None,
            records: 0,
        }
    }

    /// The earliest time a message into `chat` keeps the per-chat limits.
    pub fn chat_ready_at(&self, chat: &ChatId, now: i64) -> i64 {
        let Some(sent) = self.chats.get(chat) else {
            return now;
        };
        let mut at = now;
        if let Some(last) = sent.back() {
            at = at.max(last + self.pace.chat_gap_ms);
        }
        if self.pace.chat_quota > 0 && sent.len() >= self.pace.chat_quota {
            // The quota-th most recent send must leave the window first.
            at = at.max(sent[sent.len() - self.pace.chat_quota] + self.pace.window_ms);
        }
        at
    }

    /// The earliest time any message keeps the bot-wide limit.
    pub fn global_ready_at(&self, now: i64) -> i64 {
        self.last_any
            .map_or(now, |last| now.max(last + self.pace.global_gap_ms))
    }

    /// Notes a send into `chat` at `at`.
    pub fn record(&mut self, chat: &ChatId, at: i64) {
        self.record_launch(at);
        self.record_answer(chat, at);
    }

    /// Notes that a request left at `at`: the bot-wide spacing counts from
    /// departures, as requests to different chats are in flight together.
    pub fn record_launch(&mut self, at: i64) {
        self.last_any = Some(self.last_any.map_or(at, |l| l.max(at)));
    }

    /// Notes the platform's answer to a send into `chat` at `at`: a chat's
    /// spacing counts from answers, so it holds as the platform sees it,
    /// whatever the network's delays.
    pub fn record_answer(&mut self, chat: &ChatId, at: i64) {
        let window = self.pace.window_ms;
        let quota = self.pace.chat_quota.max(1);
        let sent = self.chats.entry(chat.clone()).or_default();
        sent.push_back(at);
        while sent.len() > quota || sent.front().is_some_and(|t| *t <= at - window) {
            sent.pop_front();
        }
        self.records += 1;
        // Forget quiet chats now and then, so memory follows active chats.
        if self.records.is_multiple_of(1024) {
            self.chats
                .retain(|_, sent| sent.back().is_some_and(|t| *t > at - window));
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn chat(n: u8) -> ChatId {
        ChatId::telegram(-100 - i64::from(n))
    }

    const PACE: Pace = Pace {
        chat_quota: 3,
        window_ms: 1_000,
        chat_gap_ms: 100,
        global_gap_ms: 10,
    };

    #[test]
    fn a_fresh_chat_may_send_now() {
        let pacer = Pacer::new(PACE);
        assert_eq!(pacer.chat_ready_at(&chat(1), 5_000), 5_000);
        assert_eq!(pacer.global_ready_at(5_000), 5_000);
    }

    #[test]
    fn the_quota_waits_for_the_oldest_send_to_leave_the_window() {
        let mut pacer = Pacer::new(PACE);
        for at in [0, 100, 200] {
            pacer.record(&chat(1), at);
        }
        assert_eq!(pacer.chat_ready_at(&chat(1), 300), 1_000);
        assert_eq!(pacer.chat_ready_at(&chat(2), 300), 300, "other chats go on");
    }

    #[test]
    fn the_gap_spaces_two_sends_into_one_chat() {
        let mut pacer = Pacer::new(PACE);
        pacer.record(&chat(1), 0);
        assert_eq!(pacer.chat_ready_at(&chat(1), 40), 100);
        assert_eq!(pacer.global_ready_at(4), 10);
    }

    proptest! {
        /// Whatever the demand, sends that follow the pacer never exceed the
        /// quota in any window nor come closer than the gaps.
        #[test]
        fn following_the_pacer_keeps_every_limit(
            demands in prop::collection::vec((0u8..4, 0i64..400), 1..200)
        ) {
            let mut pacer = Pacer::new(PACE);
            let mut now = 0;
            let mut sends: Vec<(u8, i64)> = Vec::new();
            for (c, wait) in demands {
                now += wait;
                let at = pacer.chat_ready_at(&chat(c), now).max(pacer.global_ready_at(now));
                pacer.record(&chat(c), at);
                sends.push((c, at));
                now = at;
            }
            for (i, (c, at)) in sends.iter().enumerate() {
                let same_chat: Vec<i64> =
                    sends[..i].iter().filter(|(d, _)| d == c).map(|(_, t)| *t).collect();
                if let Some(prev) = same_chat.last() {
                    prop_assert!(at - prev >= PACE.chat_gap_ms);
                }
                let in_window = same_chat.iter().filter(|t| **t > at - PACE.window_ms).count();
                prop_assert!(in_window < PACE.chat_quota, "{in_window} earlier sends in the window");
                if i > 0 {
                    prop_assert!(at - sends[i - 1].1 >= PACE.global_gap_ms);
                }
            }
        }
    }
}
