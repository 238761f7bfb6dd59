//! The nginx image: `/docker-entrypoint.sh` (its configuration messages), then `nginx -g 'daemon
//! off;'` serving `/usr/share/nginx/html` on port 80 with nginx's headers, error pages and access
//! log, and its graceful shutdown on SIGQUIT (the image's STOPSIGNAL). Text from the
//! nginx/docker-nginx entrypoint and nginx 1.29's own messages.

use super::http::{clf_date, header, http_date, mime, request_path};
use crate::api::StdStream;
use crate::proc::program::{
    Ctx, Disposition, HttpRequest, HttpResponse, Listen, Program, Status, Wait,
};
use crate::proc::Signal;
use crate::vfs::NodeKind;

#[derive(Clone, Debug)]
pub struct Nginx {
    version: String,
    entrypoint: bool,
    started: bool,
    /// Why it will exit at the next step (a bad command line, a shutdown signal).
    exit: Option<i32>,
    /// `nginx -v`, `-t`… that just print and exit.
    oneshot: Option<(StdStream, String, i32)>,
    root: String,
    workers: Vec<u32>,
}

fn log_time(ctx: &Ctx) -> String {
    let c = ctx.now.civil();
    format!(
        "{:04}/{:02}/{:02} {:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

impl Nginx {
    pub fn start(name: &str, argv: &[String], ctx: &mut Ctx) -> Nginx {
        let version = ctx.var("NGINX_VERSION").unwrap_or("1.29.0").to_string();
        let entrypoint = name == "nginx-entrypoint";
        let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
        let nginx_args: &[&str] = if entrypoint {
            match args.first() {
                Some(&"nginx") | Some(&"nginx-debug") => &args[1..],
                _ => &[],
            }
        } else {
            &args
        };
        let oneshot = match nginx_args.first() {
            Some(&"-v") => Some((StdStream::Stderr, format!("nginx version: nginx/{version}\n"), 0)),
            Some(&"-V") => Some((StdStream::Stderr, format!("nginx version: nginx/{version}\nbuilt by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) \n"), 0)),
            Some(&"-t") => Some((StdStream::Stderr, "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n".into(), 0)),
            _ => None,
        };
        let daemon_off = nginx_args.windows(2).any(|w| w[0] == "-g" && w[1].replace(' ', "").contains("daemonoff;"));
        let oneshot = oneshot.or_else(|| {
            (entrypoint && !matches!(args.first(), Some(&"nginx") | Some(&"nginx-debug")))
                .then(|| (StdStream::Stderr, format!("dockling: the nginx image's entrypoint running `{}` is not simulated\n", args.join(" ")), 127))
        });
        let exit = (!daemon_off && oneshot.is_none() && !entrypoint).then_some(0);
        Nginx {
            version,
            entrypoint,
            started: false,
            exit,
            oneshot,
            root: "/usr/share/nginx/html".into(),
            workers: vec![29, 30],
        }
    }

    fn error_log(&self, ctx: &mut Ctx, level: &str, msg: &str) {
        let line = format!("{} [{level}] 1#1: {msg}\n", log_time(ctx));
        ctx.write(StdStream::Stderr, &line);
    }

    fn boot(&mut self, ctx: &mut Ctx) {
        if self.entrypoint {
            let e = "/docker-entrypoint.sh";
            let mut s = format!("{e}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n{e}: Looking for shell scripts in /docker-entrypoint.d/\n{e}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh\n");
            s.push_str("10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf\n10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n");
            s.push_str(&format!("{e}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh\n{e}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh\n{e}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh\n{e}: Configuration complete; ready for start up\n"));
            ctx.write(StdStream::Stdout, &s);
        }
        self.error_log(ctx, "notice", "using the \"epoll\" event method");
        let v = self.version.clone();
        self.error_log(ctx, "notice", &format!("nginx/{v}"));
        self.error_log(ctx, "notice", "built by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) ");
        self.error_log(ctx, "notice", "OS: Linux 6.8.0-dockling");
        self.error_log(ctx, "notice", "getrlimit(RLIMIT_NOFILE): 1048576:1048576");
        self.error_log(ctx, "notice", "start worker processes");
        for w in self.workers.clone() {
            self.error_log(ctx, "notice", &format!("start worker process {w}"));
        }
    }

    fn page(status: u16, reason: &str, version: &str) -> Vec<u8> {
        format!("<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx/{version}</center>\r\n</body>\r\n</html>\r\n").into_bytes()
    }
}

impl Program for Nginx {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if let Some((stream, text, code)) = self.oneshot.take() {
            ctx.write(stream, &text);
            return Status::Exited(code);
        }
        if let Some(code) = self.exit {
            return Status::Exited(code);
        }
        if !self.started {
            self.started = true;
            self.boot(ctx);
        }
        Status::Waiting(Wait::default())
    }

    fn listening(&self) -> Vec<Listen> {
        if !self.started || self.exit.is_some() {
            return Vec::new();
        }
        vec![
            Listen { host: "0.0.0.0".into(), port: 80 },
            Listen { host: "::".into(), port: 80 },
        ]
    }

    fn http(&mut self, port: u16, req: &HttpRequest, ctx: &mut Ctx) -> Option<HttpResponse> {
        if port != 80 || !self.started {
            return None;
        }
        let path = request_path(&req.target);
        let mut file = format!("{}{}", self.root, if path == "/" { "" } else { &path });
        if ctx.fs.get(&file).is_some_and(|n| n.is_dir()) {
            file = format!("{}/index.html", file.trim_end_matches('/'));
        }
        let node = ctx.fs.canonical(&file).and_then(|p| ctx.fs.get(&p).cloned());
        let head = req.method == "HEAD";
        let mut headers = vec![
            ("Server".to_string(), format!("nginx/{}", self.version)),
            ("Date".to_string(), http_date(ctx.now)),
        ];
        let (status, reason, body) = match node.as_ref().map(|n| &n.kind) {
            _ if !matches!(req.method.as_str(), "GET" | "HEAD") => {
                (405, "Not Allowed", Nginx::page(405, "Not Allowed", &self.version))
            }
            Some(NodeKind::File(data)) => {
                let n = node.as_ref().map(|n| n.meta.clone());
                headers.push(("Content-Type".into(), mime(&file).into()));
                headers.push(("Content-Length".into(), data.len().to_string()));
                if let Some(m) = n {
                    headers.push(("Last-Modified".into(), http_date(m.mtime)));
                    headers.push(("Connection".into(), "keep-alive".into()));
                    headers.push(("ETag".into(), format!("\"{:x}-{:x}\"", m.mtime.as_secs(), data.len())));
                    headers.push(("Accept-Ranges".into(), "bytes".into()));
                }
                (200, "OK", data.to_vec())
            }
            _ => (404, "Not Found", Nginx::page(404, "Not Found", &self.version)),
        };
        if status != 200 {
            headers.push(("Content-Type".into(), "text/html".into()));
            headers.push(("Content-Length".into(), body.len().to_string()));
            headers.push(("Connection".into(), "keep-alive".into()));
            if status == 404 {
                let msg = format!(
                    "open() \"{file}\" failed (2: No such file or directory), client: {}, server: localhost, request: \"{} {} HTTP/1.1\", host: \"{}\"",
                    req.peer,
                    req.method,
                    req.target,
                    header(&req.headers, "Host").unwrap_or("localhost")
                );
                let line = format!("{} [error] 29#29: *1 {msg}\n", log_time(ctx));
                ctx.write(StdStream::Stderr, &line);
            }
        }
        let size = if head { 0 } else { body.len() };
        ctx.write(
            StdStream::Stdout,
            &format!(
                "{} - - [{}] \"{} {} HTTP/1.1\" {status} {size} \"-\" \"{}\" \"-\"\n",
                req.peer,
                clf_date(ctx.now),
                req.method,
                req.target,
                header(&req.headers, "User-Agent").unwrap_or("-")
            ),
        );
        Some(HttpResponse {
            status,
            reason: reason.into(),
            headers,
            body: if head { Vec::new() } else { body },
        })
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        if !self.started {
            return Disposition::Default;
        }
        let (num, name, graceful) = match sig {
            Signal::Quit => (3, "SIGQUIT", true),
            Signal::Term => (15, "SIGTERM", false),
            Signal::Int => (2, "SIGINT", false),
            Signal::Hup => {
                self.error_log(ctx, "notice", "signal 1 (SIGHUP) received from 38, reconfiguring");
                return Disposition::Handled;
            }
            _ => return Disposition::Default,
        };
        self.error_log(ctx, "notice", &format!("signal {num} ({name}) received, {}", if graceful { "shutting down" } else { "exiting" }));
        for w in self.workers.clone() {
            let l = format!("{} [notice] {w}#{w}: {}\n{} [notice] {w}#{w}: exiting\n{} [notice] {w}#{w}: exit\n", log_time(ctx), if graceful { "gracefully shutting down" } else { "exiting" }, log_time(ctx), log_time(ctx));
            let l = if graceful { l } else { format!("{} [notice] {w}#{w}: exiting\n{} [notice] {w}#{w}: exit\n", log_time(ctx), log_time(ctx)) };
            ctx.write(StdStream::Stderr, &l);
        }
        for w in self.workers.clone() {
            self.error_log(ctx, "notice", &format!("signal 17 (SIGCHLD) received from {w}"));
            self.error_log(ctx, "notice", &format!("worker process {w} exited with code 0"));
        }
        self.error_log(ctx, "notice", "exit");
        self.exit = Some(0);
        Disposition::Handled
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}
