//! What the sender of a destructive command reads while it waits for their
//! Confirm, in both languages.

use crate::domain::Lang::{self, En, Zh};
use crate::rituals::{
    campaigns::command::CampaignCommand, command::Command, giveaway::command::GiveawayCommand,
    schedules::command::ScheduleCommand, tags::command::BroadcastCommand,
};

/// What the command will do, and to what; `in_group` tells a broadcast to
/// this group from one to all the operator's groups.
pub(super) fn preview(lang: Lang, command: &Command, in_group: bool) -> String {
    match (command, lang) {
        (Command::Broadcast(BroadcastCommand { text, .. }), En) => {
            let to = if in_group {
                "every member of this group"
            } else {
                "every member of all your groups"
            };
            format!("⚠️ Send this in private to {to} who can be reached there?\n\n{text}\n")
        }
        (Command::Broadcast(BroadcastCommand { text, .. }), Zh) => {
            let to = if in_group {
                "本群所有可私聊的成员"
            } else {
                "你所有群里所有可私聊的成员"
            };
            format!("⚠️ 要把下面这条消息私聊发给{to}吗？\n\n{text}\n")
        }
        (Command::Schedule(ScheduleCommand::Delete(id)), En) => format!(
            "⚠️ Delete schedule #{id}? Its posts stop for good; /schedule list shows what it posts."
        ),
        (Command::Schedule(ScheduleCommand::Delete(id)), Zh) => {
            format!("⚠️ 要删除定时 #{id} 吗？删除后不再发送；/schedule list 可查看它的内容。")
        }
        (Command::Campaign(CampaignCommand::Stop(name)), En) => format!(
            "⚠️ Stop the campaign “{name}”? Its steps not yet run are dropped, and a stopped \
             campaign cannot be resumed."
        ),
        (Command::Campaign(CampaignCommand::Stop(name)), Zh) => {
            format!("⚠️ 要停止活动「{name}」吗？尚未执行的步骤将不再执行，停止后无法恢复。")
        }
        (Command::Giveaway(GiveawayCommand::Close(id)), En) => format!(
            "⚠️ Close giveaway #{id} now? Entries close at once and the winners are drawn from \
             the entries so far."
        ),
        (Command::Giveaway(GiveawayCommand::Close(id)), Zh) => {
            format!("⚠️ 要现在结束抽奖 #{id} 吗？参与立即截止，并从已有参与者中抽出中奖者。")
        }
        (_, En) => "⚠️ Reset this group's screening rules to the operator's rules (or the \
             defaults)? The group's own threshold, limits and words are forgotten."
            .to_owned(),
        (_, Zh) => "⚠️ 要把本群的筛查规则恢复为运营者的规则（或默认值）吗？本群自己设置的分数、限制和词语将被清除。"
            .to_owned(),
    }
}

/// How to go ahead: buttons on Telegram, the ✅ reaction on Matrix.
pub(super) fn how_to_confirm(lang: Lang, buttons: bool) -> &'static str {
    match (lang, buttons) {
        (En, true) => "\nNothing happens until you press Confirm (within 2 minutes).",
        (Zh, true) => "\n按「确认」后才会执行（2 分钟内有效）。",
        (En, false) => "\nNothing happens until you react ✅ to this message (within 2 minutes).",
        (Zh, false) => "\n请在 2 分钟内对本消息回应 ✅，否则不会执行。",
    }
}

pub(super) fn confirm_label(lang: Lang) -> &'static str {
    match lang {
        En => "✅ Confirm",
        Zh => "✅ 确认",
    }
}

pub(super) fn cancel_label(lang: Lang) -> &'static str {
    match lang {
        En => "✖️ Cancel",
        Zh => "✖️ 取消",
    }
}

pub(super) fn confirmed(lang: Lang) -> &'static str {
    match lang {
        En => "Confirmed.",
        Zh => "已确认。",
    }
}

pub(super) fn cancelled(lang: Lang) -> &'static str {
    match lang {
        En => "Cancelled; nothing was changed.",
        Zh => "已取消，未做任何更改。",
    }
}

pub(super) fn expired(lang: Lang) -> &'static str {
    match lang {
        En => {
            "That confirmation expired after 2 minutes; nothing was changed. Type the command again."
        }
        Zh => "确认已超过 2 分钟失效，未做任何更改；请重新发送命令。",
    }
}

pub(super) fn settled(lang: Lang) -> &'static str {
    match lang {
        En => "That was answered already.",
        Zh => "这条确认已经处理过了。",
    }
}

pub(super) fn not_yours(lang: Lang) -> &'static str {
    match lang {
        En => "Only the admin who typed the command can confirm it.",
        Zh => "只有发出该命令的管理员可以确认。",
    }
}

pub(super) fn unknown(lang: Lang) -> &'static str {
    match lang {
        En => "This confirmation is no longer known; type the command again.",
        Zh => "找不到这条确认；请重新发送命令。",
    }
}
