//! Component tests of the web terminal, run in headless Chromium by wasm-bindgen-test:
//! `cargo test --target wasm32-unknown-unknown --test web` (see dev.sh).
#![cfg(target_arch = "wasm32")]

use dockling::session::run_script;
use dockling::Config;
use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// Mounts a fresh terminal and returns its root element.
async fn mount() -> web_sys::Element {
    let doc = document();
    let root = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    dockling::web::mount(root.clone());
    TimeoutFuture::new(100).await;
    root
}

fn input(root: &web_sys::Element) -> HtmlInputElement {
    root.query_selector("#term-input")
        .ok()
        .flatten()
        .expect("#term-input")
        .dyn_into()
        .expect("an input")
}

async fn key(root: &web_sys::Element, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    input(root).dispatch_event(&ev).expect("dispatch");
    TimeoutFuture::new(120).await;
}

async fn type_line(root: &web_sys::Element, line: &str) {
    input(root).set_value(line);
    key(root, "Enter", false).await;
}

fn text(root: &web_sys::Element) -> String {
    root.text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn docker_run_hello_world_greets() {
    let root = mount().await;
    assert!(
        text(&root).contains("learner@dockling:~$"),
        "{}",
        text(&root)
    );
    type_line(&root, "docker run hello-world").await;
    let t = text(&root);
    assert!(t.contains("Hello from Docker!"), "{t}");
    assert!(
        t.contains("Unable to find image 'hello-world:latest' locally"),
        "{t}"
    );
    // On a terminal the pull shows the final frame of each layer's progress line.
    assert!(t.contains(": Pull complete "), "{t}");
    assert!(!t.contains("Pulling fs layer"), "{t}");
    root.remove();
}

#[wasm_bindgen_test]
async fn history_ctrl_c_and_clear() {
    let root = mount().await;
    type_line(&root, "echo first").await;
    key(&root, "ArrowUp", false).await;
    assert_eq!(input(&root).value(), "echo first");
    input(&root).set_value("");
    type_line(&root, "sleep 100").await;
    key(&root, "c", true).await;
    assert!(text(&root).contains("^C"), "{}", text(&root));
    type_line(&root, "echo $?").await;
    assert!(text(&root).contains("130"), "{}", text(&root));
    key(&root, "l", true).await;
    assert!(!text(&root).contains("first"), "{}", text(&root));
    root.remove();
}

#[wasm_bindgen_test]
async fn interactive_container_takes_the_typed_lines() {
    let root = mount().await;
    type_line(&root, "docker run -it busybox sh").await;
    assert!(text(&root).contains("/ # "), "{}", text(&root));
    type_line(&root, "echo inside").await;
    type_line(&root, "exit").await;
    let t = text(&root);
    assert!(t.contains("inside"), "{t}");
    assert!(t.trim_end().ends_with("learner@dockling:~$"), "{t}");
    root.remove();
}

#[wasm_bindgen_test]
fn same_transcript_as_native() {
    let script = include_str!("transcripts/hello-world/script");
    let expected = include_str!("transcripts/hello-world/expected");
    assert_eq!(run_script(Config::default(), script).merged, expected);
    let script = include_str!("transcripts/containers-lifecycle/script");
    let expected = include_str!("transcripts/containers-lifecycle/expected");
    assert_eq!(run_script(Config::default(), script).merged, expected);
}

/// The view model's reducer (`web::state`), here because only the wasm build has it.
mod view {
    use std::rc::Rc;

    use dockling::web::state::{Action, Color, View};
    use dockling::{Event, Stream};
    use wasm_bindgen_test::*;
    use yew::Reducible;

    fn reduce(v: View, a: Action) -> View {
        (*Rc::new(v).reduce(a)).clone()
    }

    #[wasm_bindgen_test]
    fn progress_lines_update_in_place() {
        let mut v = View::default();
        v = reduce(v, Action::Prompt("$ ".into()));
        v = reduce(v, Action::Entered { line: "docker pull x".into(), echo: true });
        let p = |k: &str, l: &str| Event::Progress { stream: Stream::Stdout, key: k.into(), line: l.into() };
        v = reduce(v, Action::Events(vec![p("a", "a: Pulling fs layer "), p("b", "b: Pulling fs layer "), p("a", "a: Pull complete ")]));
        assert_eq!(v.text(), "$ docker pull x\na: Pull complete \nb: Pulling fs layer \n\n");
        assert_eq!(v.history, vec!["docker pull x".to_string()]);
        // A redrawn view that got shorter removes its last lines.
        v = reduce(v, Action::Events(vec![Event::ProgressRemove { stream: Stream::Stdout, key: "b".into() }]));
        assert_eq!(v.text(), "$ docker pull x\na: Pull complete \n\n");
    }

    #[wasm_bindgen_test]
    fn escape_sequences_become_colours() {
        let mut v = View::default();
        v = reduce(
            v,
            Action::Events(vec![
                Event::Progress { stream: Stream::Stderr, key: "b".into(), line: "\x1b[34m => [1/2] FROM x  0.1s\x1b[0m".into() },
                Event::Output { stream: Stream::Stdout, text: "plain \x1b[31mred\x1b[0m\x1b[K end\n".into() },
            ]),
        );
        assert_eq!(v.text(), " => [1/2] FROM x  0.1s\nplain red end\n\n");
        assert_eq!(v.lines[0].spans[0].color, Color::Blue);
        let colors: Vec<Color> = v.lines[1].spans.iter().map(|s| s.color).collect();
        assert_eq!(colors, vec![Color::Plain, Color::Red, Color::Plain]);
        // Faint and colour are separate; a broken or foreign sequence does not eat the text.
        v = reduce(
            View::default(),
            Action::Events(vec![Event::Output { stream: Stream::Stdout, text: "\x1b[34m\x1b[2mfaint blue\x1b[22m blue\x1b(B\x1b]0;title\x07 \x1b[\nnext\n".into() }]),
        );
        assert_eq!(v.text(), "faint blue blue \nnext\n\n");
        let s = &v.lines[0].spans;
        assert_eq!((s[0].color, s[0].faint, s[1].color, s[1].faint), (Color::Blue, true, Color::Blue, false));
    }
}

#[wasm_bindgen_test]
async fn build_view_is_coloured_not_escaped() {
    let root = mount().await;
    type_line(&root, "mkdir app && cd app && printf 'FROM busybox\\nRUN echo hi\\n' > Dockerfile").await;
    type_line(&root, "docker build -t app .").await;
    // The build takes a second or two of (real = virtual) time in the browser.
    TimeoutFuture::new(3000).await;
    let t = text(&root);
    assert!(t.contains("FINISHED"), "{t}");
    assert!(!t.contains("[34m") && !t.contains('\u{1b}'), "{t}");
    assert!(root.query_selector(".ansi-blue").ok().flatten().is_some(), "no blue span: {}", root.inner_html());
    root.remove();
}
