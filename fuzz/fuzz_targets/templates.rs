//! Welcome and post templates as an admin types them: parsed, and when
//! valid rendered with hostile values.
#![no_main]

use hearth::domain::{
    Lang,
    template::{Template, Value, Values},
    texts,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|source: &str| {
    match Template::parse_with(source, hearth::rituals::schedules::texts::POST_VARS, hearth::rituals::schedules::texts::POST_FUNCTIONS) {
        Ok(template) => {
            let values: Values = [("group", Value::Text("<b>&\u{202E}".to_owned()))].into();
            let _ = template.render_with(&values, &|_, arg| Some(Value::Text(arg.to_owned())));
        }
        Err(e) => assert!(!e.explain(Lang::Zh).trim().is_empty()),
    }
    let _ = Template::parse(source, hearth::rituals::greeting::texts::WELCOME_VARS);
});
