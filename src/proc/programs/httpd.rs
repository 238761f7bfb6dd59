//! The httpd image: `httpd -DFOREGROUND` serving `/usr/local/apache2/htdocs` on port 80 with
//! Apache's headers, 404 page, startup notices (AH00558, AH00489, AH00094), access log, and the
//! graceful stop on SIGWINCH (the image's STOPSIGNAL). Text from Apache httpd 2.4.

use super::http::{clf_date, header, http_date, mime, request_path};
use crate::api::StdStream;
use crate::proc::program::{Ctx, Disposition, HttpRequest, HttpResponse, Listen, Program, Status, Wait};
use crate::proc::Signal;
use crate::vfs::NodeKind;

#[derive(Clone, Debug)]
pub struct Httpd {
    version: String,
    started: bool,
    exit: Option<i32>,
    foreground: bool,
    args: String,
}

fn error_time(ctx: &Ctx) -> String {
    let c = ctx.now.civil();
    format!(
        "{} {} {:02} {:02}:{:02}:{:02}.{:06} {}",
        c.weekday_abbr(),
        c.month_abbr(),
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.nanos / 1000,
        c.year
    )
}

impl Httpd {
    pub fn start(argv: &[String], ctx: &mut Ctx) -> Httpd {
        let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
        let foreground = args.iter().any(|a| *a == "-DFOREGROUND" || *a == "FOREGROUND");
        Httpd {
            version: ctx.var("HTTPD_VERSION").unwrap_or("2.4.63").to_string(),
            started: false,
            exit: None,
            foreground,
            args: std::iter::once("httpd")
                .chain(args.iter().map(|a| if *a == "-DFOREGROUND" { "-D FOREGROUND" } else { a }))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

impl Program for Httpd {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if let Some(code) = self.exit {
            return Status::Exited(code);
        }
        if !self.foreground {
            ctx.out.err("dockling: httpd runs here only in the foreground (httpd -DFOREGROUND, as the image's httpd-foreground does)\n");
            return Status::Exited(1);
        }
        if !self.started {
            self.started = true;
            let ip = if ctx.ip.is_empty() { "127.0.0.1" } else { ctx.ip };
            let ah = format!("AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using {ip}. Set the 'ServerName' directive globally to suppress this message\n");
            ctx.write(StdStream::Stderr, &ah);
            ctx.write(StdStream::Stderr, &ah);
            let t = error_time(ctx);
            let v = self.version.clone();
            ctx.write(StdStream::Stderr, &format!("[{t}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/{v} (Unix) configured -- resuming normal operations\n"));
            ctx.write(StdStream::Stderr, &format!("[{t}] [core:notice] [pid 1:tid 1] AH00094: Command line: '{}'\n", self.args));
        }
        Status::Waiting(Wait::default())
    }

    fn listening(&self) -> Vec<Listen> {
        if !self.started || self.exit.is_some() {
            return Vec::new();
        }
        vec![Listen { host: "::".into(), port: 80 }, Listen { host: "0.0.0.0".into(), port: 80 }]
    }

    fn http(&mut self, port: u16, req: &HttpRequest, ctx: &mut Ctx) -> Option<HttpResponse> {
        if port != 80 || !self.started {
            return None;
        }
        let root = "/usr/local/apache2/htdocs";
        let path = request_path(&req.target);
        let mut file = format!("{root}{}", if path == "/" { "" } else { &path });
        if ctx.fs.get(&file).is_some_and(|n| n.is_dir()) {
            file = format!("{}/index.html", file.trim_end_matches('/'));
        }
        let node = ctx.fs.canonical(&file).and_then(|p| ctx.fs.get(&p).cloned());
        let mut headers = vec![("Date".to_string(), http_date(ctx.now)), ("Server".to_string(), format!("Apache/{} (Unix)", self.version))];
        let (status, reason, body) = match node.as_ref().map(|n| (&n.kind, n.meta.mtime)) {
            Some((NodeKind::File(data), mtime)) => {
                headers.push(("Last-Modified".into(), http_date(mtime)));
                headers.push(("ETag".into(), format!("\"{:x}-{:x}\"", data.len(), mtime.as_ms() * 1000)));
                headers.push(("Accept-Ranges".into(), "bytes".into()));
                headers.push(("Content-Length".into(), data.len().to_string()));
                headers.push(("Content-Type".into(), mime(&file).into()));
                (200, "OK", data.to_vec())
            }
            _ => {
                let body = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n".to_vec();
                headers.push(("Content-Length".into(), body.len().to_string()));
                headers.push(("Content-Type".into(), "text/html; charset=iso-8859-1".into()));
                (404, "Not Found", body)
            }
        };
        let head = req.method == "HEAD";
        let size = if head || body.is_empty() { "-".to_string() } else { body.len().to_string() };
        ctx.write(StdStream::Stdout, &format!("{} - - [{}] \"{} {} HTTP/1.1\" {status} {size}\n", req.peer, clf_date(ctx.now), req.method, req.target));
        let _ = header(&req.headers, "Host");
        Some(HttpResponse { status, reason: reason.into(), headers, body: if head { Vec::new() } else { body } })
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        let how = match sig {
            Signal::Winch => "caught SIGWINCH, shutting down gracefully",
            Signal::Term => "caught SIGTERM, shutting down",
            Signal::Int => "caught SIGTERM, shutting down",
            _ => return Disposition::Default,
        };
        let t = error_time(ctx);
        ctx.write(StdStream::Stderr, &format!("[{t}] [mpm_event:notice] [pid 1:tid 1] AH00492: {how}\n").replace("AH00492: caught SIGTERM", "AH00491: caught SIGTERM"));
        self.exit = Some(0);
        Disposition::Handled
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}
