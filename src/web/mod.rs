//! The web terminal (wasm32 only): a yew app around one `Session`. This module is the only place
//! that names yew, web-sys, gloo and js-sys.

mod app;
mod components;
pub mod state;

use wasm_bindgen::prelude::*;
use yew::UseReducerDispatcher;

pub use app::App;

fn history_cursor(dispatch: &UseReducerDispatcher<state::View>, cursor: usize) {
    dispatch.dispatch(state::Action::HistoryCursor(cursor));
}

/// Mounts the terminal into `element` (tests mount into their own element).
pub fn mount(element: web_sys::Element) {
    yew::Renderer::<App>::with_root(element).render();
}

/// Entry point of the page: mounts into `#app` (or the body).
#[wasm_bindgen(start)]
pub fn start() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(el) = document.get_element_by_id("app") {
        mount(el);
    }
}
