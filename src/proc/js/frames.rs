//! Node's internal stack frames, per version: what sits under user code in a stack trace
//! (module loading, timers, ticks), and the text of errors thrown inside Node itself.
//!
//! Sources: traces printed by the real versions (22.16/22.17: loader 1730/1895/1465/1282;
//! 20.19.x–20.20.x: 1521/1623/1266/1091; 14.17–14.21: loader.js 1114/1143/979/819), collected
//! from public logs; where a version's numbers could not be confirmed, the nearest
//! confirmed release line's numbers are used (noted per table).

use super::host::Bottom;

/// One release line's frames.
pub struct Table {
    /// Under the main module's top level.
    pub main: &'static [&'static str],
    /// Under a timer callback.
    pub timer: &'static [&'static str],
    pub immediate: &'static [&'static str],
    pub tick: &'static [&'static str],
    /// `require()` of a missing module: the frames above the caller.
    pub require: &'static [&'static str],
    /// The header of errors thrown by the CommonJS loader (`node:internal/…:N\n  throw err;\n  ^`).
    pub loader_throw: &'static str,
    /// Frames of a missing main module.
    pub missing_main: &'static [&'static str],
    /// Frames under a SyntaxError in the main module (from `wrapSafe`).
    pub syntax: &'static [&'static str],
    /// `Node.js vX` after fatal errors (Node ≥ 16).
    pub footer: bool,
    /// The internal location printed for an unhandled rejection of a non-error.
    pub unhandled: &'static str,
    /// The frames of that UnhandledPromiseRejection error.
    pub unhandled_frames: &'static [&'static str],
    /// Under an HTTP request handler.
    pub http: &'static [&'static str],
    /// Under ES module top-level code.
    pub esm: &'static [&'static str],
    /// Under a `process.on('uncaughtException')` listener.
    pub fatal: &'static [&'static str],
    /// And below those when the error was an unhandled rejection.
    pub fatal_rejection: &'static [&'static str],
}

const V22: Table = Table {
    main: &[
        "Module._compile (node:internal/modules/cjs/loader:1730:14)",
        "Object..js (node:internal/modules/cjs/loader:1895:10)",
        "Module.load (node:internal/modules/cjs/loader:1465:32)",
        "Function._load (node:internal/modules/cjs/loader:1282:12)",
        "TracingChannel.traceSync (node:diagnostics_channel:322:14)",
        "wrapModuleLoad (node:internal/modules/cjs/loader:235:24)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:171:5)",
        "node:internal/main/run_main_module:36:49",
    ],
    timer: &["listOnTimeout (node:internal/timers:588:17)", "process.processTimers (node:internal/timers:523:7)"],
    immediate: &["process.processImmediate (node:internal/timers:491:21)"],
    tick: &["process.processTicksAndRejections (node:internal/process/task_queues:85:11)"],
    require: &[
        "Function._resolveFilename (node:internal/modules/cjs/loader:1401:15)",
        "defaultResolveImpl (node:internal/modules/cjs/loader:1057:19)",
        "resolveForCJSWithHooks (node:internal/modules/cjs/loader:1062:22)",
        "Function._load (node:internal/modules/cjs/loader:1211:37)",
        "TracingChannel.traceSync (node:diagnostics_channel:322:14)",
        "wrapModuleLoad (node:internal/modules/cjs/loader:235:24)",
        "Module.require (node:internal/modules/cjs/loader:1487:12)",
        "require (node:internal/modules/helpers:135:16)",
    ],
    loader_throw: "node:internal/modules/cjs/loader:1404",
    missing_main: &[
        "Function._resolveFilename (node:internal/modules/cjs/loader:1401:15)",
        "defaultResolveImpl (node:internal/modules/cjs/loader:1057:19)",
        "resolveForCJSWithHooks (node:internal/modules/cjs/loader:1062:22)",
        "Function._load (node:internal/modules/cjs/loader:1211:37)",
        "TracingChannel.traceSync (node:diagnostics_channel:322:14)",
        "wrapModuleLoad (node:internal/modules/cjs/loader:235:24)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:171:5)",
        "node:internal/main/run_main_module:36:49",
    ],
    syntax: &[
        "wrapSafe (node:internal/modules/cjs/loader:1486:18)",
        "Module._compile (node:internal/modules/cjs/loader:1528:20)",
        "Object..js (node:internal/modules/cjs/loader:1706:10)",
        "Module.load (node:internal/modules/cjs/loader:1289:32)",
        "Function._load (node:internal/modules/cjs/loader:1108:12)",
        "TracingChannel.traceSync (node:diagnostics_channel:322:14)",
        "wrapModuleLoad (node:internal/modules/cjs/loader:220:24)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:170:5)",
        "node:internal/main/run_main_module:36:49",
    ],
    footer: true,
    unhandled: "node:internal/process/promises:392\n      new UnhandledPromiseRejection(reason);\n      ^",
    unhandled_frames: &[
        "throwUnhandledRejectionsMode (node:internal/process/promises:392:7)",
        "processPromiseRejections (node:internal/process/promises:475:17)",
        "process.processTicksAndRejections (node:internal/process/task_queues:106:32)",
    ],
    http: &[
        "Server.emit (node:events:518:28)",
        "parserOnIncoming (node:_http_server:1153:12)",
        "HTTPParser.parserOnHeadersComplete (node:_http_common:117:17)",
    ],
    esm: &[
        "ModuleJob.run (node:internal/modules/esm/module_job:274:25)",
        "async onImport.tracePromise.__proto__ (node:internal/modules/esm/loader:644:26)",
        "async asyncRunEntryPointWithESMLoader (node:internal/modules/run_main:117:5)",
    ],
    fatal: &["process.emit (node:events:518:28)", "process._fatalException (node:internal/process/execution:191:25)"],
    fatal_rejection: &["throwUnhandledRejectionsMode (node:internal/process/promises:394:5)", "processPromiseRejections (node:internal/process/promises:475:17)", "process.processTicksAndRejections (node:internal/process/task_queues:106:32)"],
};

/// 24.x (24.3.0); loader numbers from 24.x traces of the same era.
const V24: Table = Table {
    main: &[
        "Module._compile (node:internal/modules/cjs/loader:1730:14)",
        "Object..js (node:internal/modules/cjs/loader:1895:10)",
        "Module.load (node:internal/modules/cjs/loader:1465:32)",
        "Function._load (node:internal/modules/cjs/loader:1282:12)",
        "TracingChannel.traceSync (node:diagnostics_channel:322:14)",
        "wrapModuleLoad (node:internal/modules/cjs/loader:235:24)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:171:5)",
        "node:internal/main/run_main_module:36:49",
    ],
    ..V22
};

/// 20.19.x – 20.20.x.
const V20: Table = Table {
    main: &[
        "Module._compile (node:internal/modules/cjs/loader:1521:14)",
        "Module._extensions..js (node:internal/modules/cjs/loader:1623:10)",
        "Module.load (node:internal/modules/cjs/loader:1266:32)",
        "Module._load (node:internal/modules/cjs/loader:1091:12)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)",
        "node:internal/main/run_main_module:28:49",
    ],
    timer: &["listOnTimeout (node:internal/timers:581:17)", "process.processTimers (node:internal/timers:519:7)"],
    immediate: &["process.processImmediate (node:internal/timers:483:21)"],
    tick: &["process.processTicksAndRejections (node:internal/process/task_queues:77:11)"],
    require: &[
        "Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)",
        "Module._load (node:internal/modules/cjs/loader:1038:27)",
        "Module.require (node:internal/modules/cjs/loader:1289:19)",
        "require (node:internal/modules/helpers:182:18)",
    ],
    loader_throw: "node:internal/modules/cjs/loader:1210",
    missing_main: &[
        "Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)",
        "Module._load (node:internal/modules/cjs/loader:1038:27)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)",
        "node:internal/main/run_main_module:28:49",
    ],
    syntax: &[
        "wrapSafe (node:internal/modules/cjs/loader:1464:18)",
        "Module._compile (node:internal/modules/cjs/loader:1495:20)",
        "Module._extensions..js (node:internal/modules/cjs/loader:1623:10)",
        "Module.load (node:internal/modules/cjs/loader:1266:32)",
        "Module._load (node:internal/modules/cjs/loader:1091:12)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)",
        "node:internal/main/run_main_module:28:49",
    ],
    footer: true,
    unhandled: "node:internal/process/promises:389\n      new UnhandledPromiseRejection(reason);\n      ^",
    unhandled_frames: &[
        "throwUnhandledRejectionsMode (node:internal/process/promises:389:7)",
        "processPromiseRejections (node:internal/process/promises:470:17)",
        "process.processTicksAndRejections (node:internal/process/task_queues:96:32)",
    ],
    http: &[
        "Server.emit (node:events:524:28)",
        "parserOnIncoming (node:_http_server:1139:12)",
        "HTTPParser.parserOnHeadersComplete (node:_http_common:118:17)",
    ],
    esm: &[
        "ModuleJob.run (node:internal/modules/esm/module_job:271:25)",
        "async onImport.tracePromise.__proto__ (node:internal/modules/esm/loader:547:26)",
        "async asyncRunEntryPointWithESMLoader (node:internal/modules/run_main:116:5)",
    ],
    fatal: &["process.emit (node:events:524:28)", "process._fatalException (node:internal/process/execution:188:25)"],
    fatal_rejection: &["throwUnhandledRejectionsMode (node:internal/process/promises:391:5)", "processPromiseRejections (node:internal/process/promises:470:17)", "process.processTicksAndRejections (node:internal/process/task_queues:96:32)"],
};

/// 18.x (18.20.x).
const V18: Table = Table {
    main: &[
        "Module._compile (node:internal/modules/cjs/loader:1364:14)",
        "Module._extensions..js (node:internal/modules/cjs/loader:1422:10)",
        "Module.load (node:internal/modules/cjs/loader:1203:32)",
        "Module._load (node:internal/modules/cjs/loader:1019:12)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:128:12)",
        "node:internal/main/run_main_module:28:49",
    ],
    timer: &["listOnTimeout (node:internal/timers:573:17)", "process.processTimers (node:internal/timers:514:7)"],
    immediate: &["process.processImmediate (node:internal/timers:476:21)"],
    tick: &["process.processTicksAndRejections (node:internal/process/task_queues:77:11)"],
    require: &[
        "Module._resolveFilename (node:internal/modules/cjs/loader:1134:15)",
        "Module._load (node:internal/modules/cjs/loader:975:27)",
        "Module.require (node:internal/modules/cjs/loader:1225:19)",
        "require (node:internal/modules/cjs/helpers:177:18)",
    ],
    loader_throw: "node:internal/modules/cjs/loader:1137",
    missing_main: &[
        "Module._resolveFilename (node:internal/modules/cjs/loader:1134:15)",
        "Module._load (node:internal/modules/cjs/loader:975:27)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:128:12)",
        "node:internal/main/run_main_module:28:49",
    ],
    syntax: &[
        "internalCompileFunction (node:internal/vm:76:18)",
        "wrapSafe (node:internal/modules/cjs/loader:1283:20)",
        "Module._compile (node:internal/modules/cjs/loader:1328:27)",
        "Module._extensions..js (node:internal/modules/cjs/loader:1422:10)",
        "Module.load (node:internal/modules/cjs/loader:1203:32)",
        "Module._load (node:internal/modules/cjs/loader:1019:12)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:128:12)",
        "node:internal/main/run_main_module:28:49",
    ],
    footer: true,
    unhandled: "node:internal/process/promises:288\n            triggerUncaughtException(err, true /* fromPromise */);\n            ^",
    unhandled_frames: &[],
    http: &[
        "Server.emit (node:events:517:28)",
        "parserOnIncoming (node:_http_server:1107:12)",
        "HTTPParser.parserOnHeadersComplete (node:_http_common:119:17)",
    ],
    esm: &[
        "ModuleJob.run (node:internal/modules/esm/module_job:195:25)",
    ],
    fatal: &["process.emit (node:events:517:28)", "process._fatalException (node:internal/process/execution:169:25)"],
    fatal_rejection: &["processPromiseRejections (node:internal/process/promises:288:13)", "process.processTicksAndRejections (node:internal/process/task_queues:96:32)"],
};

/// 16.x (16.20.x).
const V16: Table = Table {
    main: &[
        "Module._compile (node:internal/modules/cjs/loader:1198:14)",
        "Object.Module._extensions..js (node:internal/modules/cjs/loader:1252:10)",
        "Module.load (node:internal/modules/cjs/loader:1076:32)",
        "Function.Module._load (node:internal/modules/cjs/loader:911:12)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:81:12)",
        "node:internal/main/run_main_module:22:47",
    ],
    timer: &["listOnTimeout (node:internal/timers:559:17)", "processTimers (node:internal/timers:502:7)"],
    immediate: &["processImmediate (node:internal/timers:466:21)"],
    tick: &["processTicksAndRejections (node:internal/process/task_queues:78:11)"],
    require: &[
        "Function.Module._resolveFilename (node:internal/modules/cjs/loader:1039:15)",
        "Function.Module._load (node:internal/modules/cjs/loader:885:27)",
        "Module.require (node:internal/modules/cjs/loader:1105:19)",
        "require (node:internal/modules/cjs/helpers:103:18)",
    ],
    loader_throw: "node:internal/modules/cjs/loader:1042",
    missing_main: &[
        "Function.Module._resolveFilename (node:internal/modules/cjs/loader:1039:15)",
        "Function.Module._load (node:internal/modules/cjs/loader:885:27)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:81:12)",
        "node:internal/main/run_main_module:22:47",
    ],
    syntax: &[
        "Object.compileFunction (node:vm:360:18)",
        "wrapSafe (node:internal/modules/cjs/loader:1055:15)",
        "Module._compile (node:internal/modules/cjs/loader:1090:27)",
        "Object.Module._extensions..js (node:internal/modules/cjs/loader:1180:10)",
        "Module.load (node:internal/modules/cjs/loader:1004:32)",
        "Function.Module._load (node:internal/modules/cjs/loader:839:12)",
        "Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:81:12)",
        "node:internal/main/run_main_module:17:47",
    ],
    footer: true,
    unhandled: "node:internal/process/promises:279\n            triggerUncaughtException(err, true /* fromPromise */);\n            ^",
    unhandled_frames: &[],
    http: &[
        "Server.emit (node:events:513:28)",
        "parserOnIncoming (node:_http_server:1072:12)",
        "HTTPParser.parserOnHeadersComplete (node:_http_common:119:17)",
    ],
    esm: &["ModuleJob.run (node:internal/modules/esm/module_job:198:25)"],
    fatal: &["process.emit (node:events:513:28)", "process._fatalException (node:internal/process/execution:167:25)"],
    fatal_rejection: &["processPromiseRejections (node:internal/process/promises:279:13)", "processTicksAndRejections (node:internal/process/task_queues:97:32)"],
};

/// 14.x (14.17–14.21).
const V14: Table = Table {
    main: &[
        "Module._compile (internal/modules/cjs/loader.js:1114:14)",
        "Object.Module._extensions..js (internal/modules/cjs/loader.js:1143:10)",
        "Module.load (internal/modules/cjs/loader.js:979:32)",
        "Function.Module._load (internal/modules/cjs/loader.js:819:12)",
        "Function.executeUserEntryPoint [as runMain] (internal/modules/run_main.js:75:12)",
        "internal/main/run_main_module.js:17:47",
    ],
    timer: &["listOnTimeout (internal/timers.js:557:17)", "processTimers (internal/timers.js:500:7)"],
    immediate: &["processImmediate (internal/timers.js:464:21)"],
    tick: &["processTicksAndRejections (internal/process/task_queues.js:75:11)"],
    require: &[
        "Function.Module._resolveFilename (internal/modules/cjs/loader.js:931:15)",
        "Function.Module._load (internal/modules/cjs/loader.js:774:27)",
        "Module.require (internal/modules/cjs/loader.js:1003:19)",
        "require (internal/modules/cjs/helpers.js:107:18)",
    ],
    loader_throw: "internal/modules/cjs/loader.js:934",
    missing_main: &[
        "Function.Module._resolveFilename (internal/modules/cjs/loader.js:931:15)",
        "Function.Module._load (internal/modules/cjs/loader.js:774:27)",
        "Function.executeUserEntryPoint [as runMain] (internal/modules/run_main.js:75:12)",
        "internal/main/run_main_module.js:17:47",
    ],
    syntax: &[
        "wrapSafe (internal/modules/cjs/loader.js:1001:16)",
        "Module._compile (internal/modules/cjs/loader.js:1049:27)",
        "Object.Module._extensions..js (internal/modules/cjs/loader.js:1143:10)",
        "Module.load (internal/modules/cjs/loader.js:979:32)",
        "Function.Module._load (internal/modules/cjs/loader.js:819:12)",
        "Function.executeUserEntryPoint [as runMain] (internal/modules/run_main.js:75:12)",
        "internal/main/run_main_module.js:17:47",
    ],
    footer: false,
    unhandled: "",
    unhandled_frames: &[],
    http: &[
        "Server.emit (events.js:400:28)",
        "parserOnIncoming (_http_server.js:900:12)",
        "HTTPParser.parserOnHeadersComplete (_http_common.js:127:17)",
    ],
    esm: &["ModuleJob.run (internal/modules/esm/module_job.js:170:25)"],
    fatal: &["process.emit (events.js:400:28)", "process._fatalException (internal/process/execution.js:163:25)"],
    fatal_rejection: &["processPromiseRejections (internal/process/promises.js:245:33)", "processTicksAndRejections (internal/process/task_queues.js:96:32)"],
};

/// 12.x (12.22.x).
const V12: Table = Table {
    main: &[
        "Module._compile (internal/modules/cjs/loader.js:999:30)",
        "Object.Module._extensions..js (internal/modules/cjs/loader.js:1027:10)",
        "Module.load (internal/modules/cjs/loader.js:863:32)",
        "Function.Module._load (internal/modules/cjs/loader.js:708:14)",
        "Function.executeUserEntryPoint [as runMain] (internal/modules/run_main.js:60:12)",
        "internal/main/run_main_module.js:17:47",
    ],
    timer: &["listOnTimeout (internal/timers.js:554:17)", "processTimers (internal/timers.js:497:7)"],
    immediate: &["processImmediate (internal/timers.js:463:21)"],
    tick: &["processTicksAndRejections (internal/process/task_queues.js:75:11)"],
    require: &[
        "Function.Module._resolveFilename (internal/modules/cjs/loader.js:885:15)",
        "Function.Module._load (internal/modules/cjs/loader.js:730:27)",
        "Module.require (internal/modules/cjs/loader.js:957:19)",
        "require (internal/modules/cjs/helpers.js:88:18)",
    ],
    loader_throw: "internal/modules/cjs/loader.js:888",
    missing_main: &[
        "Function.Module._resolveFilename (internal/modules/cjs/loader.js:885:15)",
        "Function.Module._load (internal/modules/cjs/loader.js:730:27)",
        "Function.executeUserEntryPoint [as runMain] (internal/modules/run_main.js:72:12)",
        "internal/main/run_main_module.js:17:47",
    ],
    syntax: &[
        "wrapSafe (internal/modules/cjs/loader.js:915:16)",
        "Module._compile (internal/modules/cjs/loader.js:963:27)",
        "Object.Module._extensions..js (internal/modules/cjs/loader.js:1027:10)",
        "Module.load (internal/modules/cjs/loader.js:863:32)",
        "Function.Module._load (internal/modules/cjs/loader.js:708:14)",
        "Function.executeUserEntryPoint [as runMain] (internal/modules/run_main.js:60:12)",
        "internal/main/run_main_module.js:17:47",
    ],
    footer: false,
    unhandled: "",
    unhandled_frames: &[],
    http: &[
        "Server.emit (events.js:314:20)",
        "parserOnIncoming (_http_server.js:781:12)",
        "HTTPParser.parserOnHeadersComplete (_http_common.js:119:17)",
    ],
    esm: &["ModuleJob.run (internal/modules/esm/module_job.js:152:23)"],
    fatal: &["process.emit (events.js:314:20)", "process._fatalException (internal/process/execution.js:165:25)"],
    fatal_rejection: &[],
};

pub fn table(major: u32) -> &'static Table {
    match major {
        0..=13 => &V12,
        14..=15 => &V14,
        16..=17 => &V16,
        18..=19 => &V18,
        20..=21 => &V20,
        22..=23 => &V22,
        _ => &V24,
    }
}

/// The frames under the task now running.
pub fn bottom(major: u32, _version: &str, b: Bottom, esm: bool) -> Vec<String> {
    let t = table(major);
    let v: Vec<&str> = match b {
        Bottom::None | Bottom::Stdin | Bottom::Eval => Vec::new(),
        Bottom::MainModule if esm => t.esm.to_vec(),
        Bottom::MainModule => t.main.to_vec(),
        Bottom::Timer => t.timer.to_vec(),
        Bottom::Immediate => t.immediate.to_vec(),
        // processTicksAndRejections calls `callback()` at line L, and with n arguments
        // (`switch (args.length)`) at L+3+n column 21, or `callback(...args)` at L+8:22.
        Bottom::Tick(n) if n > 0 => {
            return t.tick.iter().map(|f| tick_with_args(f, n)).collect();
        }
        Bottom::Tick(_) => t.tick.to_vec(),
        Bottom::HttpRequest => t.http.to_vec(),
        Bottom::Fatal => t.fatal.to_vec(),
        Bottom::FatalRejection => t.fatal.iter().chain(t.fatal_rejection).copied().collect(),
    };
    v.into_iter().map(String::from).collect()
}

fn tick_with_args(frame: &str, n: u8) -> String {
    let Some(open) = frame.rfind('(') else { return frame.to_string() };
    let loc = frame[open + 1..].trim_end_matches(')');
    let mut parts = loc.rsplitn(3, ':');
    let (_, line, file) = (parts.next(), parts.next().and_then(|l| l.parse::<u32>().ok()), parts.next());
    let (Some(line), Some(file)) = (line, file) else { return frame.to_string() };
    let (l, c) = if n <= 4 { (line + 3 + n as u32, 21) } else { (line + 8, 22) };
    format!("{}({file}:{l}:{c})", &frame[..open])
}

/// Locations of single internal functions that bundled code labels its frames with
/// (`host.nodeFrame(key)`). Node 20's are from 20.20.2; other lines reuse them where their
/// own numbers are not known (async_hooks and endReadableNT from public traces).
pub fn internal(major: u32, key: &str) -> String {
    let t = table(major);
    let old = major < 16;
    let stream = |n: &str| if old { format!("internal/streams/readable.js:{n}") } else { format!("node:internal/streams/readable:{n}") };
    match key {
        // EventEmitter#emit calling a listener: the same line as Server.emit's.
        "emit" => t.http.first().and_then(|f| f.split_once(" (")).map(|(_, l)| l.trim_end_matches(')').to_string()).unwrap_or_default(),
        "asyncScope" => match major {
            22.. => "node:async_hooks:214:14".into(),
            20 => "node:async_hooks:206:9".into(),
            18 => "node:async_hooks:204:9".into(),
            16 => "node:async_hooks:203:9".into(),
            _ => "async_hooks.js:197:9".into(),
        },
        "endReadableNT" => match major {
            18 => stream("1359:12"),
            16 => stream("1343:12"),
            14 | 12 => stream("1327:12"),
            _ => stream("1698:12"),
        },
        "resume_" => stream("1262:3"),
        "flow" => stream("1283:53"),
        "read" => stream("782:10"),
        _ => String::new(),
    }
}
