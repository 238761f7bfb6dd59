#!/usr/bin/env bash
# Dockling's one script: set-up, build, serve, test, bench. Idempotent; safe to re-run.
#   ./dev.sh serve   install what is missing, build the web app, serve it on http://127.0.0.1:8080
#   ./dev.sh test    install what is missing, run every test (native, wasm in Chromium, end-to-end)
#   ./dev.sh bench   print the figures the issues ask for (sizes, first prompt, latencies)
#   ./dev.sh build   build the web app into dist/ (no server)
set -euo pipefail
cd "$(dirname "$0")"

WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen` pin in Cargo.toml
BINARYEN_VERSION=132.0.0       # wasm-opt from npm (Debian's binaryen is too old for current wasm-bindgen)
TOOLS="${DOCKLING_TOOLS:-$HOME/.cache/dockling-tools}"
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

need_apt() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} (apt)"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

setup_wasm() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
    cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --no-default-features --locked \
      || cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --no-default-features
  fi
  if ! [ -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
    say "installing wasm-opt (binaryen@$BINARYEN_VERSION from npm)"
    mkdir -p "$TOOLS"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS" "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
}

setup_browser() {
  need_apt chromium chromium-driver
}

build_web() {
  setup_wasm
  say "building the web app (release wasm)"
  cargo build -q --profile wasm --lib --target wasm32-unknown-unknown
  rm -rf dist && mkdir -p dist
  wasm-bindgen --target web --no-typescript --out-dir dist --out-name dockling \
    target/wasm32-unknown-unknown/wasm/dockling.wasm
  wasm-opt --converge -Oz --low-memory-unused --zero-filled-memory \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    dist/dockling_bg.wasm -o dist/dockling_bg.wasm
  cp index.html dist/
  cp -r www dist/www
}

serve() {
  build_web
  say "serving http://127.0.0.1:8080 (Ctrl+C to stop)"
  exec python3 -m http.server 8080 --bind 127.0.0.1 --directory dist
}

run_tests() {
  setup_wasm
  setup_browser
  build_web
  say "native tests (unit, transcripts, properties, invariants, end-to-end in headless Chromium)"
  DOCKLING_DIST="$PWD/dist" cargo test -q 2>&1
  say "wasm component tests in headless Chromium"
  CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
    cargo test --target wasm32-unknown-unknown --test web 2>&1
}

bench() {
  build_web
  setup_browser
  say "bench"
  DOCKLING_DIST="$PWD/dist" cargo run -q --release --bin dockling-bench
  cargo run -q --release --manifest-path bench-parser/Cargo.toml
  cargo run -q --release --example python_bench
  echo "time to first prompt in headless Chromium (budget: 500 ms after load), 5 page loads:"
  for _ in 1 2 3 4 5; do
    DOCKLING_DIST="$PWD/dist" cargo test -q --test e2e -- --nocapture 2>&1 | grep -E "first prompt" | sed 's/^/  /'
  done
}

case "${1:-}" in
  serve) serve ;;
  build) build_web ;;
  test) run_tests ;;
  bench) bench ;;
  *) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
