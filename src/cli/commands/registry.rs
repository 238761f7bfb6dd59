//! `docker login`, `logout`, `push`, `search` (cli/command/registry/{login,logout,search}.go,
//! cli/command/image/push.go, cli/command/registry.go's prompts).

use serde_json::json;

use super::image::{check_platform, write_formatted};
use super::{daemon_error, Invocation};
use crate::api::{Filters, ProgressMessage, Reference, StdStream};
use crate::cli::args::Parsed;
use crate::cli::config::{auth_key, hostname, ConfigFile, INDEX_SERVER};
use crate::cli::pending::{Kind, LoginStage, Pending};
use crate::cli::{jsonmessage, Ctx, Io, Outcome};
use crate::clock::SimTime;
use crate::daemon::{AuthConfig, Daemon};
use crate::text::ellipsis;

const REGISTER_SUGGEST: &str = "Log in with your Docker ID or email address to push and pull images from Docker Hub. If you don't have a Docker ID, head over to https://hub.docker.com/ to create one.";
const PAT_SUGGEST: &str = "You can log in with your password or a Personal Access Token (PAT). Using a limited-scope PAT grants better security and is required for organizations using SSO. Learn more at https://docs.docker.com/go/access-tokens/";

/// `tui.Output.PrintNote` without colours: ` Info -> ` then each line indented under it.
pub(super) fn note(tty: bool, text: &str) -> String {
    let header = if tty { "i Info → " } else { " Info -> " };
    let mut s = format!("\n{header}");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            s.push_str(&" ".repeat(header.chars().count()));
        }
        s.push_str(line);
        s.push('\n');
    }
    s
}

/// Prints a progress stream, then its error: with the `Error response from daemon: ` prefix when
/// nothing was streamed before it (the daemon answered with an HTTP error), bare otherwise.
fn stream_result(
    ctx: &mut Ctx,
    msgs: &[ProgressMessage],
    result: Result<(), crate::api::ApiError>,
    quiet: bool,
) -> Result<(), Outcome> {
    if !quiet {
        jsonmessage::display(ctx, StdStream::Stdout, msgs);
    }
    match result {
        Ok(()) => Ok(()),
        Err(e) if msgs.is_empty() => Err(daemon_error(ctx, &e)),
        Err(e) => {
            ctx.err(&format!("{}\n", e.message));
            Err(Outcome::Done(1))
        }
    }
}

/// `docker push NAME[:TAG]`.
pub fn push(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if let Err(o) = check_platform(ctx, p) {
        return o;
    }
    let name = &p.args[0];
    let r = match Reference::parse(name) {
        Ok(r) => r,
        Err(e) => {
            ctx.err(&format!("{e}\n"));
            return Outcome::Done(1);
        }
    };
    let all = p.bool("all-tags");
    let quiet = p.bool("quiet");
    let name_only = r.tag.is_none() && r.digest.is_none();
    if all && !name_only {
        ctx.err("tag can't be used with --all-tags/-a\n");
        return Outcome::Done(1);
    }
    let r = if !all && name_only {
        if !quiet {
            ctx.out("Using default tag: latest\n");
        }
        r.with_default_tag()
    } else {
        r
    };
    let cfg = ConfigFile::of(ctx);
    let auth = cfg.credentials(&ctx.daemon.host_fs, &auth_key(&r.domain));
    let (msgs, result) = ctx.daemon.image_push(&r, auth.as_ref());
    if let Err(o) = stream_result(ctx, &msgs, result, quiet) {
        return o;
    }
    if quiet {
        ctx.out(&format!("{}\n", r.full()));
    }
    Outcome::Done(0)
}

/// `docker login [-u USER] [-p PASS | --password-stdin] [SERVER]`.
pub fn login(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let fail = |ctx: &mut Ctx, msg: &str| {
        ctx.err(&format!("{msg}\n"));
        Outcome::Done(1)
    };
    let stdin_pw = p.bool("password-stdin");
    if stdin_pw {
        if p.has("password") {
            return fail(ctx, "conflicting options: cannot specify both --password and --password-stdin");
        }
        if !p.has("username") {
            return fail(ctx, "the --password-stdin option requires --username to be set");
        }
    }
    let user = p.string("username").unwrap_or("").to_string();
    let mut password = p.string("password").unwrap_or("").to_string();
    if p.has("username") && user.is_empty() {
        return fail(ctx, "username is empty");
    }
    if p.has("password") && password.is_empty() {
        return fail(ctx, "password is empty");
    }
    if !password.is_empty() {
        ctx.err("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
    }
    if stdin_pw {
        let Some(input) = ctx.stdin else {
            return fail(ctx, "dockling: --password-stdin reads a pipe or a file here: use `echo \"$PASSWORD\" | docker login -u NAME --password-stdin`");
        };
        password = input
            .strip_suffix('\n')
            .unwrap_or(input)
            .strip_suffix('\r')
            .unwrap_or(input.strip_suffix('\n').unwrap_or(input))
            .to_string();
    }
    let server = match p.args.first().map(String::as_str) {
        None | Some("docker.io") => INDEX_SERVER.to_string(),
        Some(s) => s.to_string(),
    };
    let hub = server == INDEX_SERVER;
    let key = if hub { server.clone() } else { hostname(&server) };
    let cfg = ConfigFile::of(ctx);
    let stored = (user.is_empty() && password.is_empty())
        .then(|| cfg.credentials(&ctx.daemon.host_fs, &key))
        .flatten();
    if let Some(auth) = stored {
        ctx.err(&format!(
            "Authenticating with existing credentials... [Username: {}]\n",
            auth.username
        ));
        let n = note(ctx.tty, "To login with a different account, run 'docker logout' followed by 'docker login'");
        ctx.err(&n);
        ctx.err("\n\n");
        return match finish_login(ctx.daemon, ctx.now, &cfg, auth, ctx.io) {
            Ok(()) => Outcome::Done(0),
            Err(()) => Outcome::Done(1),
        };
    }
    if (user.is_empty() || password.is_empty()) && !ctx.tty {
        return fail(ctx, "Error: Cannot perform an interactive login from a non TTY device");
    }
    let auth = AuthConfig {
        username: user.trim().to_string(),
        password: password.trim().to_string(),
        server: key,
    };
    if !auth.username.is_empty() && !auth.password.is_empty() {
        return match finish_login(ctx.daemon, ctx.now, &cfg, auth, ctx.io) {
            Ok(()) => Outcome::Done(0),
            Err(()) => Outcome::Done(1),
        };
    }
    if hub && auth.username.is_empty() && auth.password.is_empty() {
        ctx.err("dockling: web-based login is not simulated\n");
        ctx.err("Failed to start web-based login - falling back to command line login...\n\n");
    }
    let stage = if auth.username.is_empty() {
        if hub {
            ctx.out(&format!("{REGISTER_SUGGEST}\n{PAT_SUGGEST}\n\n"));
        }
        ctx.out("Username: ");
        LoginStage::Username
    } else {
        prompt_password(ctx.io, hub, ctx.tty);
        LoginStage::Password
    };
    Outcome::Pending(Pending {
        kind: Kind::Login {
            cfg,
            auth,
            hub,
            tty: ctx.tty,
            stage,
        },
    })
}

/// The password prompt (echo off), with Docker Hub's PAT note before it.
pub(crate) fn prompt_password(io: &mut dyn Io, hub: bool, tty: bool) {
    if hub {
        io.write(
            StdStream::Stderr,
            &note(tty, "A Personal Access Token (PAT) can be used instead.\nTo create a PAT, visit https://app.docker.com/settings\n\n"),
        );
    }
    io.write(StdStream::Stdout, "Password: ");
}

/// Checks the credentials with the daemon, stores them and prints `Login Succeeded`.
pub(crate) fn finish_login(
    daemon: &mut Daemon,
    now: SimTime,
    cfg: &ConfigFile,
    auth: AuthConfig,
    io: &mut dyn Io,
) -> Result<(), ()> {
    if let Err(e) = daemon.registry_login(&auth) {
        io.write(
            StdStream::Stderr,
            &format!("Error response from daemon: {}\n", e.message),
        );
        return Err(());
    }
    match cfg.store(&mut daemon.host_fs, now, &auth) {
        Ok(true) => io.write(
            StdStream::Stderr,
            &format!(
                "\nWARNING! Your credentials are stored unencrypted in '{}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n",
                cfg.path
            ),
        ),
        Ok(false) => {}
        Err(e) => {
            io.write(StdStream::Stderr, &format!("Error saving credentials: {e}\n"));
            return Err(());
        }
    }
    io.write(StdStream::Stdout, "Login Succeeded\n");
    Ok(())
}

/// `docker logout [SERVER]`.
pub fn logout(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let (shown, keys) = match p.args.first() {
        None => (INDEX_SERVER.to_string(), vec![INDEX_SERVER.to_string()]),
        Some(s) => {
            let h = hostname(s);
            (
                h.clone(),
                vec![s.clone(), h.clone(), format!("http://{h}"), format!("https://{h}")],
            )
        }
    };
    ctx.out(&format!("Removing login credentials for {shown}\n"));
    let cfg = ConfigFile::of(ctx);
    if let Err(e) = cfg.erase(&mut ctx.daemon.host_fs, ctx.now, &keys) {
        ctx.err(&format!("WARNING: could not erase credentials:\n{shown}: {e}\n"));
    }
    Outcome::Done(0)
}

/// `docker search TERM`.
pub fn search(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    let filters = match super::container::parse_filters(p) {
        Ok(f) => Filters(f),
        Err(e) => {
            return super::flag_error(ctx, &format!("{} [OPTIONS] TERM", inv.path), &inv.path, &e)
        }
    };
    let limit = p.int("limit", 0).max(0) as usize;
    if limit > 100 {
        ctx.err(&format!(
            "Error response from daemon: limit {limit} is outside the range of [1, 100]\n"
        ));
        return Outcome::Done(1);
    }
    let results = match ctx.daemon.image_search(&p.args[0], limit, &filters) {
        Ok(r) => r,
        Err(e) => return daemon_error(ctx, &e),
    };
    let trunc = !p.bool("no-trunc");
    let json_out = p.string("format").is_some_and(|f| f.contains("json"));
    let items: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
            let desc = r.description.replace(['\n', '\r'], " ");
            json!({
                "Description": if trunc { ellipsis(&desc, 45) } else { desc },
                "IsAutomated": if json_out { "false" } else { "" },
                "IsOfficial": match (r.official, json_out) {
                    (true, true) => "true",
                    (true, false) => "[OK]",
                    (false, true) => "false",
                    (false, false) => "",
                },
                "Name": r.name,
                "StarCount": r.stars.to_string(),
            })
        })
        .collect();
    let format = match p.string("format").filter(|f| !f.is_empty()) {
        None | Some("table") => "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}".to_string(),
        Some(f) => f.to_string(),
    };
    let headers = json!({"Name": "NAME", "Description": "DESCRIPTION", "StarCount": "STARS", "IsOfficial": "OFFICIAL", "IsAutomated": "AUTOMATED"});
    Outcome::Done(if write_formatted(ctx, &format, &items, &headers) { 0 } else { 1 })
}
