//! One line of the scrollback.

use yew::prelude::*;

use crate::web::state::{Line, Sgr, Span, Style};

#[derive(Properties, PartialEq)]
pub struct LineProps {
    pub line: Line,
}

fn class(style: Style) -> &'static str {
    match style {
        Style::Stdout => "stdout",
        Style::Stderr => "stderr",
        Style::Prompt => "prompt",
        Style::Typed => "typed",
        Style::Note => "note",
    }
}

/// A span's classes: its stream, and the colour an escape sequence gave it.
fn classes(s: &Span) -> String {
    let mut c = class(s.style).to_string();
    for extra in (Sgr { color: s.color, faint: s.faint }).classes() {
        c.push(' ');
        c.push_str(extra);
    }
    c
}

/// Renders a line's spans; an empty line keeps its height.
#[function_component(LineView)]
pub fn line_view(props: &LineProps) -> Html {
    html! {
        <div class="line">
            { for props.line.spans.iter().map(|s| html! { <span class={classes(s)}>{ s.text.clone() }</span> }) }
        </div>
    }
}

/// Renders the spans of the open line inline (the input follows them).
pub fn spans(line: &Line) -> Html {
    html! { <>{ for line.spans.iter().map(|s| html! { <span class={classes(s)}>{ s.text.clone() }</span> }) }</> }
}
