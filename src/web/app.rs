//! The terminal page: owns the `Session`, forwards keys, drives the clock from real time.

use gloo::timers::callback::Interval;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::components::line::{spans, LineView};
use super::state::{Action, View};
use crate::{Config, Session, SimTime};

/// Milliseconds since the page started (monotonic).
fn perf_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The session and the mapping from the page's clock to virtual time.
struct Engine {
    session: Session,
    start_ms: f64,
    perf_start: f64,
    first_prompt_marked: bool,
}

impl Engine {
    fn new() -> Engine {
        let start_ms = js_sys::Date::now();
        let session = Session::new(Config {
            seed: 0,
            start: SimTime::from_ms(start_ms as u64),
            tty: true,
        });
        Engine {
            session,
            start_ms,
            perf_start: perf_now(),
            first_prompt_marked: false,
        }
    }

    fn now(&self) -> SimTime {
        SimTime::from_ms((self.start_ms + (perf_now() - self.perf_start)).max(0.0) as u64)
    }

    /// Advances time, then hands the events (and the prompt, if idle) to the view.
    fn pump(&mut self, dispatch: &UseReducerDispatcher<View>) {
        let now = self.now();
        self.session.advance_to(now);
        let mut events = Vec::new();
        while let Some(e) = self.session.poll_event() {
            events.push(e);
        }
        if !events.is_empty() {
            dispatch.dispatch(Action::Events(events));
        }
        if let Some(p) = self.session.prompt() {
            dispatch.dispatch(Action::Prompt(p));
            if !self.first_prompt_marked {
                self.first_prompt_marked = true;
                if let Some(w) = web_sys::window() {
                    let _ = js_sys::Reflect::set(
                        &w,
                        &"__docklingFirstPrompt".into(),
                        &perf_now().into(),
                    );
                }
            }
        }
    }
}

/// The full-page terminal.
#[function_component(App)]
pub fn app() -> Html {
    let view = use_reducer(View::welcome);
    let engine = use_mut_ref(Engine::new);
    let input_ref = use_node_ref();
    let draft = use_state(String::new);
    let detach_typed = use_mut_ref(Vec::<u8>::new);

    // The clock: advance virtual time from real time and drain events.
    {
        let engine = engine.clone();
        let dispatch = view.dispatcher();
        use_effect_with((), move |_| {
            engine.borrow_mut().pump(&dispatch);
            let interval = Interval::new(50, move || engine.borrow_mut().pump(&dispatch));
            move || drop(interval)
        });
    }

    // Keep the newest line in sight and the input focused.
    {
        let input_ref = input_ref.clone();
        use_effect_with(view.clone(), move |_| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                input.scroll_into_view_with_bool(false);
            }
        });
    }

    let onkeydown = {
        let engine = engine.clone();
        let dispatch = view.dispatcher();
        let view = view.clone();
        let draft = draft.clone();
        let detach_typed = detach_typed.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let key = e.key();
            let ctrl = e.ctrl_key();
            // The detach sequence of an `-it` container (Ctrl+P Ctrl+Q unless --detach-keys).
            let code = match key.as_bytes() {
                [c] if ctrl && c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase() - b'a' + 1),
                [c] if !ctrl => Some(*c),
                _ => None,
            };
            let keys = engine.borrow_mut().session.detach_keys();
            if let (Some(code), Some(keys)) = (code, keys) {
                let mut typed = detach_typed.borrow_mut();
                typed.push(code);
                if !keys.starts_with(&typed) {
                    typed.clear();
                    if keys.first() == Some(&code) {
                        typed.push(code);
                    }
                }
                if !typed.is_empty() && (ctrl || keys.len() == typed.len()) {
                    e.prevent_default();
                }
                if *typed == keys {
                    typed.clear();
                    drop(typed);
                    let mut eng = engine.borrow_mut();
                    eng.session.detach();
                    eng.pump(&dispatch);
                    return;
                }
                if !typed.is_empty() && ctrl {
                    return;
                }
            }
            match key.as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = input.value();
                    input.set_value("");
                    draft.set(String::new());
                    let mut eng = engine.borrow_mut();
                    let echo = !eng.session.foreground_echoes();
                    dispatch.dispatch(Action::Entered {
                        line: line.clone(),
                        echo,
                    });
                    eng.session.input(&line);
                    eng.pump(&dispatch);
                }
                "c" | "C" if ctrl => {
                    if input.selection_start().ok().flatten()
                        != input.selection_end().ok().flatten()
                    {
                        return; // let the browser copy a selection
                    }
                    e.prevent_default();
                    input.set_value("");
                    let mut eng = engine.borrow_mut();
                    let echo = !eng.session.foreground_echoes();
                    dispatch.dispatch(Action::Interrupted { echo });
                    eng.session.interrupt();
                    eng.pump(&dispatch);
                }
                "d" | "D" if ctrl => {
                    e.prevent_default();
                    let mut eng = engine.borrow_mut();
                    if eng.session.is_busy() {
                        eng.session.end_of_input();
                        eng.pump(&dispatch);
                    }
                }
                "l" | "L" if ctrl => {
                    e.prevent_default();
                    dispatch.dispatch(Action::Clear);
                    engine.borrow_mut().pump(&dispatch);
                }
                "ArrowUp" | "ArrowDown" => {
                    e.prevent_default();
                    let h = &view.history;
                    if h.is_empty() {
                        return;
                    }
                    let cur = view.cursor.min(h.len());
                    let next = if key == "ArrowUp" {
                        cur.saturating_sub(1)
                    } else {
                        (cur + 1).min(h.len())
                    };
                    let text = h.get(next).cloned().unwrap_or_default();
                    input.set_value(&text);
                    super::history_cursor(&dispatch, next);
                }
                "Tab" => e.prevent_default(),
                _ => {}
            }
        })
    };

    let focus = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if !selecting {
                if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                }
            }
        })
    };

    html! {
        <main class="terminal" onclick={focus}>
            <div id="term-output" role="log" aria-live="polite" aria-label="Terminal output">
                { for view.lines.iter().map(|l| html! { <LineView line={l.clone()} /> }) }
                <div class="line open">
                    { spans(&view.open) }
                    <input
                        id="term-input"
                        ref={input_ref}
                        type="text"
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        autofocus=true
                        aria-label="Type a command"
                        onkeydown={onkeydown}
                    />
                </div>
            </div>
        </main>
    }
}
