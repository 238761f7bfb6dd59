//! `curl`, BusyBox `wget` and `ping`: clients of the simulated network. The request is built and
//! the answer printed here; carrying it is the caller's job (the session for the host's curl, the
//! daemon for programs inside containers, through `Machine::requests`). Messages are curl 8's
//! (`curl: (7) Failed to connect to …`), BusyBox's for wget and ping.

use super::machine::{Machine, NetReply, NetRequest};
use super::program::{HttpRequest, HttpResponse};
use super::Captured;
use crate::clock::{Millis, SimTime};
use crate::proc::coreutils::Tools;

/// A parsed `curl` command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CurlArgs {
    pub url: String,
    pub host: String,
    pub port: u16,
    pub path: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub include: bool,
    pub head: bool,
    pub verbose: bool,
    pub silent: bool,
    pub show_error: bool,
    pub fail: bool,
    pub output: Option<String>,
    /// `wget -q -O -` style (BusyBox wget).
    pub wget: bool,
}

/// Why a command line is not a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgsError {
    /// Print this and exit with the code.
    Message(String, i32),
}

/// Splits `http://host:port/path` (scheme optional, as curl allows).
pub fn split_url(url: &str) -> Option<(String, String, u16, String)> {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), url),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() => (h.to_string(), p.parse().ok()?),
        _ => (
            authority.to_string(),
            if scheme == "https" { 443 } else { 80 },
        ),
    };
    if host.is_empty() {
        return None;
    }
    Some((scheme, host, port, path))
}

/// Parses curl's options (the common ones tutorials use).
pub fn parse_curl(args: &[String]) -> Result<CurlArgs, ArgsError> {
    let mut a = CurlArgs {
        method: String::new(),
        ..CurlArgs::default()
    };
    let mut i = 0;
    let mut url = None;
    let usage = || {
        ArgsError::Message(
            "curl: try 'curl --help' or 'curl --manual' for more information\n".into(),
            2,
        )
    };
    while i < args.len() {
        let arg = args[i].as_str();
        let value = |i: &mut usize| -> Result<String, ArgsError> {
            *i += 1;
            args.get(*i).cloned().ok_or_else(|| {
                ArgsError::Message(
                    format!("curl: option {arg}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n"),
                    2,
                )
            })
        };
        match arg {
            "-i" | "--include" => a.include = true,
            "-I" | "--head" => a.head = true,
            "-v" | "--verbose" => a.verbose = true,
            "-s" | "--silent" => a.silent = true,
            "-S" | "--show-error" => a.show_error = true,
            "-sS" | "-Ss" => {
                a.silent = true;
                a.show_error = true;
            }
            "-f" | "--fail" => a.fail = true,
            "-L" | "--location" | "-k" | "--insecure" | "--compressed" => {}
            "-X" | "--request" => a.method = value(&mut i)?,
            "-H" | "--header" => {
                let h = value(&mut i)?;
                if let Some((k, v)) = h.split_once(':') {
                    a.headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" => {
                let d = value(&mut i)?;
                if !a.body.is_empty() {
                    a.body.push(b'&');
                }
                a.body.extend_from_slice(d.as_bytes());
            }
            "--json" => {
                let d = value(&mut i)?;
                a.body.extend_from_slice(d.as_bytes());
                a.headers.push(("Content-Type".into(), "application/json".into()));
                a.headers.push(("Accept".into(), "application/json".into()));
            }
            "-o" | "--output" => a.output = Some(value(&mut i)?),
            "-O" | "--remote-name" => a.output = Some(String::new()),
            "-h" | "--help" => {
                return Err(ArgsError::Message(
                    "Usage: curl [options...] <url>\n -d, --data <data>          HTTP POST data\n -f, --fail                 Fail fast with no output on HTTP errors\n -h, --help <category>      Get help for commands\n -i, --include              Include protocol response headers in the output\n -o, --output <file>        Write to file instead of stdout\n -O, --remote-name          Write output to a file named as the remote file\n -s, --silent               Silent mode\n -T, --upload-file <file>   Transfer local FILE to destination\n -u, --user <user:password> Server user and password\n -A, --user-agent <name>    Send User-Agent <name> to server\n -v, --verbose              Make the operation more talkative\n -V, --version              Show version number and quit\n\nThis is not the full help, this menu is stripped into categories.\nUse \"--help category\" to get an overview of all categories.\nFor all options use the manual or \"--help all\".\n".into(),
                    0,
                ))
            }
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(ArgsError::Message(
                    format!("dockling: curl option {s} is not simulated\n"),
                    2,
                ))
            }
            s => url = Some(s.to_string()),
        }
        i += 1;
    }
    let Some(u) = url else {
        return Err(usage());
    };
    let Some((scheme, host, port, path)) = split_url(&u) else {
        return Err(ArgsError::Message(
            format!("curl: (3) URL rejected: No host part in the URL\n"),
            3,
        ));
    };
    if scheme != "http" {
        return Err(ArgsError::Message(
            format!("dockling: curl {scheme}:// is not simulated (only plain http)\n"),
            1,
        ));
    }
    if a.method.is_empty() {
        a.method = if a.head {
            "HEAD".into()
        } else if a.body.is_empty() {
            "GET".into()
        } else {
            "POST".into()
        };
    }
    if !a.body.is_empty() && !a.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
        a.headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    a.url = u;
    a.host = host;
    a.port = port;
    a.path = path;
    Ok(a)
}

impl CurlArgs {
    /// The request as curl sends it (`Host`, `User-Agent`, `Accept`, then the user's headers).
    pub fn request(&self, user_agent: &str, peer: &str) -> HttpRequest {
        let host = if self.port == 80 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let mut headers = vec![
            ("Host".to_string(), host),
            ("User-Agent".to_string(), user_agent.to_string()),
            ("Accept".to_string(), "*/*".to_string()),
        ];
        for (k, v) in &self.headers {
            if let Some(h) = headers.iter_mut().find(|(x, _)| x.eq_ignore_ascii_case(k)) {
                h.1 = v.clone();
            } else {
                headers.push((k.clone(), v.clone()));
            }
        }
        if !self.body.is_empty() {
            headers.push(("Content-Length".into(), self.body.len().to_string()));
        }
        HttpRequest {
            method: self.method.clone(),
            target: self.path.clone(),
            headers,
            body: self.body.clone(),
            peer: peer.to_string(),
        }
    }

    /// Prints the outcome as curl does and returns its exit status. `ip` is the address it
    /// connected to.
    pub fn report(&self, ip: &str, req: &HttpRequest, reply: &NetReply, out: &mut Captured) -> (i32, Option<Vec<u8>>) {
        let quiet_errors = self.silent && !self.show_error;
        if self.verbose {
            out.err(&format!("*   Trying {ip}:{}...\n", self.port));
        }
        let resp = match reply {
            NetReply::Refused => {
                if !quiet_errors {
                    out.err(&format!(
                        "curl: (7) Failed to connect to {} port {} after 0 ms: Couldn't connect to server\n",
                        self.host, self.port
                    ));
                }
                return (7, None);
            }
            NetReply::Reset => {
                if self.verbose {
                    self.verbose_request(ip, req, out);
                }
                if !quiet_errors {
                    out.err("curl: (56) Recv failure: Connection reset by peer\n");
                }
                return (56, None);
            }
            NetReply::Response(r) => r,
        };
        if self.verbose {
            self.verbose_request(ip, req, out);
            out.err(&format!("< HTTP/1.1 {} {}\n", resp.status, resp.reason));
            for (k, v) in &resp.headers {
                out.err(&format!("< {k}: {v}\n"));
            }
            out.err("< \n");
        }
        if self.fail && resp.status >= 400 {
            if !quiet_errors {
                out.err(&format!(
                    "curl: (22) The requested URL returned error: {}\n",
                    resp.status
                ));
            }
            return (22, None);
        }
        let mut body = Vec::new();
        if self.include || self.head {
            body.extend_from_slice(format!("HTTP/1.1 {} {}\r\n", resp.status, resp.reason).as_bytes());
            for (k, v) in &resp.headers {
                body.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
        }
        if !self.head {
            body.extend_from_slice(&resp.body);
        }
        if self.verbose {
            if !resp.body.is_empty() && !self.head {
                out.err(&format!("{{ [{} bytes data]\n", resp.body.len()));
            }
            out.err(&format!("* Connection #0 to host {} left intact\n", self.host));
        }
        match &self.output {
            Some(_) => (0, Some(body)),
            None => {
                out.out(&String::from_utf8_lossy(&body));
                (0, None)
            }
        }
    }

    fn verbose_request(&self, ip: &str, req: &HttpRequest, out: &mut Captured) {
        out.err(&format!("* Connected to {} ({ip}) port {}\n", self.host, self.port));
        out.err(&format!("> {} {} HTTP/1.1\n", req.method, req.target));
        for (k, v) in &req.headers {
            out.err(&format!("> {k}: {v}\n"));
        }
        out.err("> \n");
    }
}

/// `curl`, `wget` or `ping` inside a container, waiting for the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetch {
    kind: FetchKind,
    tools: Tools,
    /// Where relative output files go.
    cwd: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum FetchKind {
    Http {
        args: CurlArgs,
        ip: String,
        request: HttpRequest,
        token: u64,
        reply: Option<NetReply>,
        /// A simulated download answers by itself at this time (its size over the link speed).
        ready_at: Option<SimTime>,
    },
    Ping {
        host: String,
        ip: String,
        count: Option<u32>,
        sent: u32,
        next: SimTime,
        times: Vec<u32>,
    },
}

/// BusyBox wget's options → a curl-like request (`-q`, `-O FILE|-`).
fn parse_wget(args: &[String]) -> Result<CurlArgs, ArgsError> {
    let mut a = CurlArgs {
        method: "GET".into(),
        wget: true,
        ..CurlArgs::default()
    };
    let mut url = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-q" => a.silent = true,
            "-qO-" | "-qO" => {
                a.silent = true;
                a.output = Some("-".into());
            }
            "-O" => {
                i += 1;
                a.output = args.get(i).cloned();
            }
            "-O-" => a.output = Some("-".into()),
            s if s.starts_with('-') => {
                return Err(ArgsError::Message(
                    format!("dockling: wget option {s} is not simulated\n"),
                    1,
                ))
            }
            s => url = Some(s.to_string()),
        }
        i += 1;
    }
    let Some(u) = url else {
        return Err(ArgsError::Message(
            "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n".into(),
            1,
        ));
    };
    let Some((_, host, port, path)) = split_url(&u) else {
        return Err(ArgsError::Message(format!("wget: bad address '{u}'\n"), 1));
    };
    a.url = u;
    a.host = host;
    a.port = port;
    a.path = path;
    Ok(a)
}

fn resolve(m: &Machine, host: &str) -> Option<String> {
    m.hosts
        .iter()
        .find(|(n, _)| n == host)
        .map(|(_, ip)| ip.clone())
}

impl Fetch {
    /// Starts the command: `Ok(status)` when it is already over (a bad option, a name that does
    /// not resolve), `Err(fetch)` while it waits for the network.
    pub fn start(
        program: &str,
        tools: Tools,
        args: &[String],
        cwd: &str,
        m: &mut Machine,
        out: &mut Captured,
    ) -> Result<i32, Fetch> {
        if program == "ping" {
            return Fetch::start_ping(tools, args, cwd, m, out);
        }
        let parsed = if program == "wget" { parse_wget(args) } else { parse_curl(args) };
        let a = match parsed {
            Ok(a) => a,
            Err(ArgsError::Message(text, code)) => {
                if code == 0 {
                    out.out(&text);
                } else {
                    out.err(&text);
                }
                return Ok(code);
            }
        };
        let resolved = resolve(m, &a.host);
        // The simulated internet's downloads, for a machine with a network.
        if resolved.is_none() && m.online {
            if let Some(dl) = crate::proc::programs::packages::download(&a.url) {
                return Err(Fetch::download(a, dl, tools, cwd, m, out));
            }
        }
        let Some(ip) = resolved else {
            if a.wget {
                out.err(&format!("wget: bad address '{}'\n", a.host));
                return Ok(1);
            }
            if !(a.silent && !a.show_error) {
                out.err(&format!("curl: (6) Could not resolve host: {}\n", a.host));
            }
            return Ok(6);
        };
        let agent = if a.wget { "Wget" } else { "curl/7.88.1" };
        let request = a.request(agent, m.ip);
        let token = m.now.as_ms() ^ (m.requests.len() as u64 + 1);
        m.requests.push(NetRequest {
            token,
            ip: ip.clone(),
            port: a.port,
            request: request.clone(),
        });
        if a.wget && !a.silent {
            out.err(&format!("Connecting to {} ({ip}:{})\n", a.host, a.port));
        }
        Err(Fetch {
            kind: FetchKind::Http {
                args: a,
                ip,
                request,
                token,
                reply: None,
                ready_at: None,
            },
            tools,
            cwd: cwd.to_string(),
        })
    }

    /// One of the files tutorials download: it comes after the time its real size takes at
    /// 75 MB/s.
    fn download(a: CurlArgs, dl: crate::proc::programs::packages::Download, tools: Tools, cwd: &str, m: &mut Machine, out: &mut Captured) -> Fetch {
        let ip = "104.16.32.241".to_string();
        let request = a.request(if a.wget { "Wget/1.21.3" } else { "curl/7.88.1" }, m.ip);
        if a.wget && tools == Tools::Gnu {
            gnu_wget_head(&a, &dl, m, out);
        } else if a.wget && !a.silent {
            out.err(&format!("Connecting to {} ({ip}:{})\n", a.host, a.port));
        }
        let ms = 200 + dl.size / 75_000;
        let reply = NetReply::Response(HttpResponse {
            status: 200,
            reason: "OK".into(),
            headers: vec![("Content-Type".into(), dl.content_type.clone()), ("Content-Length".into(), dl.size.to_string())],
            body: dl.body,
        });
        Fetch {
            kind: FetchKind::Http { args: a, ip, request, token: 0, reply: Some(reply), ready_at: Some(m.now + Millis(ms)) },
            tools,
            cwd: cwd.to_string(),
        }
    }

    fn start_ping(tools: Tools, args: &[String], cwd: &str, m: &mut Machine, out: &mut Captured) -> Result<i32, Fetch> {
        let mut count = None;
        let mut host = None;
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "-c" => {
                    i += 1;
                    count = args.get(i).and_then(|c| c.parse().ok());
                }
                s if s.starts_with("-c") => count = s[2..].parse().ok(),
                s if s.starts_with('-') => {
                    out.err(&format!("dockling: ping option {s} is not simulated\n"));
                    return Ok(1);
                }
                s => host = Some(s.to_string()),
            }
            i += 1;
        }
        let Some(host) = host else {
            out.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n");
            return Ok(1);
        };
        let Some(ip) = resolve(m, &host) else {
            out.err(&format!("ping: bad address '{host}'\n"));
            return Ok(1);
        };
        out.out(&format!("PING {host} ({ip}): 56 data bytes\n"));
        let mut f = Fetch {
            kind: FetchKind::Ping {
                host,
                ip,
                count,
                sent: 0,
                next: m.now,
                times: Vec::new(),
            },
            tools,
            cwd: cwd.to_string(),
        };
        match f.poll(m, out) {
            Some(code) => Ok(code),
            None => Err(f),
        }
    }

    /// The answer to the request sent as `token`.
    pub fn deliver(&mut self, token: u64, reply: NetReply) -> bool {
        match &mut self.kind {
            FetchKind::Http { token: t, reply: r, .. } if *t == token => {
                *r = Some(reply);
                true
            }
            _ => false,
        }
    }

    /// When it wants to run again by itself (the next ping).
    pub fn wake_time(&self) -> Option<SimTime> {
        match &self.kind {
            FetchKind::Ping { next, .. } => Some(*next),
            FetchKind::Http { ready_at, .. } => *ready_at,
        }
    }

    /// Ctrl+C: ping prints its statistics.
    pub fn interrupt(&mut self, out: &mut Captured) -> Option<i32> {
        match &mut self.kind {
            FetchKind::Ping { .. } => Some(self.ping_summary(out)),
            FetchKind::Http { .. } => Some(130),
        }
    }

    fn ping_summary(&self, out: &mut Captured) -> i32 {
        let FetchKind::Ping { host, sent, times, .. } = &self.kind else { return 0 };
        let n = times.len() as u32;
        out.out(&format!(
            "\n--- {host} ping statistics ---\n{sent} packets transmitted, {n} packets received, 0% packet loss\n"
        ));
        if n > 0 {
            let min = times.iter().min().copied().unwrap_or(0);
            let max = times.iter().max().copied().unwrap_or(0);
            let avg = times.iter().map(|&t| u64::from(t)).sum::<u64>() / u64::from(n);
            let f = |us: u64| format!("{}.{:03}", us / 1000, us % 1000);
            out.out(&format!(
                "round-trip min/avg/max = {}/{}/{} ms\n",
                f(u64::from(min)),
                f(avg),
                f(u64::from(max))
            ));
        }
        0
    }

    /// Makes progress; the exit status once done.
    pub fn poll(&mut self, m: &mut Machine, out: &mut Captured) -> Option<i32> {
        let tools = self.tools;
        let cwd = self.cwd.clone();
        match &mut self.kind {
            FetchKind::Http { args, ip, request, reply, ready_at, .. } => {
                if ready_at.is_some_and(|t| t > m.now) {
                    return None;
                }
                let started = ready_at.map(|t| t);
                let reply = reply.take()?;
                if args.wget && started.is_some() && tools == Tools::Gnu {
                    return Some(gnu_wget_body(args, reply, out, m, &cwd));
                }
                if args.wget {
                    return Some(wget_report(args, reply, out, m, tools, &cwd));
                }
                let (code, body) = args.report(ip, request, &reply, out);
                if let (Some(file), Some(body)) = (&args.output, body) {
                    let name = if file.is_empty() {
                        crate::vfs::basename(&args.path).to_string()
                    } else {
                        file.clone()
                    };
                    let path = crate::vfs::normalize(&cwd, &name);
                    let meta = crate::vfs::Meta { mode: 0o644, uid: m.uid, gid: m.uid, mtime: m.now };
                    let _ = m.fs.write(&path, &body, false, &meta);
                }
                Some(code)
            }
            FetchKind::Ping { ip, count, sent, next, times, .. } => {
                while *next <= m.now {
                    if count.is_some_and(|c| *sent >= c) {
                        break;
                    }
                    let us = 40 + ((m.seed ^ u64::from(*sent).wrapping_mul(0x9E37_79B9)) % 90) as u32;
                    out.out(&format!(
                        "64 bytes from {ip}: seq={} ttl=64 time=0.{us:03} ms\n",
                        *sent
                    ));
                    times.push(us);
                    *sent += 1;
                    *next = *next + Millis(1000);
                }
                if count.is_some_and(|c| *sent >= c) {
                    return Some(self.ping_summary(out));
                }
                None
            }
        }
    }
}

/// BusyBox wget's report and file.
fn wget_report(a: &CurlArgs, reply: NetReply, out: &mut Captured, m: &mut Machine, _tools: Tools, cwd: &str) -> i32 {
    let resp: HttpResponse = match reply {
        NetReply::Refused => {
            out.err(&format!("wget: can't connect to remote host ({}): Connection refused\n", resolve(m, &a.host).unwrap_or_default()));
            return 1;
        }
        NetReply::Reset => {
            out.err("wget: error getting response: Connection reset by peer\n");
            return 1;
        }
        NetReply::Response(r) => r,
    };
    if resp.status >= 400 {
        out.err(&format!("wget: server returned error: HTTP/1.1 {} {}\n", resp.status, resp.reason));
        return 1;
    }
    match a.output.as_deref() {
        Some("-") => {
            out.out(&String::from_utf8_lossy(&resp.body));
            0
        }
        other => {
            let name = match other {
                Some(f) => f.to_string(),
                None => {
                    let b = crate::vfs::basename(&a.path);
                    if b == "/" || b.is_empty() { "index.html".to_string() } else { b.to_string() }
                }
            };
            if !a.silent {
                out.err(&format!("saving to '{name}'\n"));
            }
            let path = crate::vfs::normalize(cwd, &name);
            let meta = crate::vfs::Meta { mode: 0o644, uid: m.uid, gid: m.uid, mtime: m.now };
            let _ = m.fs.write(&path, &resp.body, false, &meta);
            if !a.silent {
                out.err(&format!(
                    "{name:<20} 100% |********************************|  {:>4}  0:00:00 ETA\n'{name}' saved\n",
                    resp.body.len()
                ));
            }
            0
        }
    }
}

/// GNU wget's date stamp (`2026-12-02 07:23:34`).
fn wget_stamp(t: SimTime) -> String {
    let c = t.civil();
    format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second)
}

/// wget's `Length: N (150M)`: the size in the largest unit with one decimal under 10.
fn wget_human(n: u64) -> String {
    let units = ["", "K", "M", "G", "T"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        return n.to_string();
    }
    if v < 10.0 {
        format!("{v:.1}{}", units[i])
    } else {
        format!("{}{}", v.round() as u64, units[i])
    }
}

fn gnu_wget_head(a: &CurlArgs, dl: &crate::proc::programs::packages::Download, m: &Machine, out: &mut Captured) {
    if a.silent {
        return;
    }
    let h = &a.host;
    out.err(&format!(
        "--{}--  {}\nResolving {h} ({h})... 104.16.32.241, 104.16.191.158, 2606:4700::6810:20f1, ...\nConnecting to {h} ({h})|104.16.32.241|:{}... connected.\nHTTP request sent, awaiting response... 200 OK\nLength: {} ({}) [{}]\n",
        wget_stamp(m.now),
        a.url,
        a.port,
        dl.size,
        wget_human(dl.size),
        dl.content_type
    ));
}

/// GNU wget's transfer report (the bar on a terminal, dot lines otherwise) and its file.
fn gnu_wget_body(a: &CurlArgs, reply: NetReply, out: &mut Captured, m: &mut Machine, cwd: &str) -> i32 {
    let NetReply::Response(resp) = reply else { return 4 };
    let size: u64 = resp.headers.iter().find(|(k, _)| k == "Content-Length").and_then(|(_, v)| v.parse().ok()).unwrap_or(resp.body.len() as u64);
    let name = match a.output.as_deref() {
        Some(f) => f.to_string(),
        None => {
            let b = crate::vfs::basename(&a.path);
            if b == "/" || b.is_empty() { "index.html".to_string() } else { b.to_string() }
        }
    };
    let secs = (200 + size / 75_000) as f64 / 1000.0;
    if name == "-" {
        out.out(&String::from_utf8_lossy(&resp.body));
    } else {
        let path = crate::vfs::normalize(cwd, &name);
        let meta = crate::vfs::Meta { mode: 0o644, uid: m.uid, gid: m.uid, mtime: m.now };
        let _ = m.fs.write(&path, &resp.body, false, &meta);
    }
    if a.silent {
        return 0;
    }
    let shown = if name == "-" { "STDOUT".to_string() } else { format!("‘{name}’") };
    let mut s = format!("Saving to: {shown}\n\n");
    let speed = size as f64 / secs;
    let mb = speed / (1024.0 * 1024.0);
    if m.tty {
        let bar = format!("{name:<20.20} 100%[===================>] {:>7.2}M  {mb:.1}MB/s    in {secs:.1}s    ", size as f64 / 1_048_576.0);
        s.push_str(&bar);
        s.push_str("\n\n");
    } else {
        // The dot progress: 50 KB a line, 1 KB a dot.
        let kb = size.div_ceil(1024);
        let lines = kb.div_ceil(50);
        for l in 0..lines {
            let start = l * 50;
            let dots = (kb - start).min(50);
            let mut row = format!("{:>6}K", start);
            for d in 0..dots {
                if d % 10 == 0 {
                    row.push(' ');
                }
                row.push('.');
            }
            let done = ((start + dots) * 1024).min(size);
            let pct = done * 100 / size.max(1);
            if l + 1 == lines {
                let pad = 50 - dots;
                row.push_str(&" ".repeat((pad + pad / 10) as usize));
                row.push_str(&format!("{pct:>3}% {}={secs:.1}s\n", wget_speed(speed)));
            } else {
                let eta = ((size - done) as f64 / speed).round() as u64;
                let eta = if eta >= 60 { format!("{}m{}s", eta / 60, eta % 60) } else { format!("{eta}s") };
                row.push_str(&format!("{pct:>3}% {} {eta}\n", wget_speed(speed)));
            }
            s.push_str(&row);
        }
        s.push('\n');
    }
    s.push_str(&format!("{} ({mb:.1} MB/s) - {shown} saved [{size}/{size}]\n\n", wget_stamp(m.now)));
    out.err(&s);
    0
}

/// wget's rate in a dot line: `75.0M`, `123M`, `9.87M`.
fn wget_speed(bytes_per_s: f64) -> String {
    let mut v = bytes_per_s;
    let mut unit = 'B';
    for u in ['K', 'M', 'G'] {
        if v >= 1024.0 {
            v /= 1024.0;
            unit = u;
        }
    }
    let prec = if v >= 99.95 { 0 } else if v >= 9.995 { 1 } else { 2 };
    format!("{v:.prec$}{unit}")
}
