//! The registry image's `registry serve …`: its startup log and port 5000. The repositories it
//! stores are the daemon's (the daemon answers `/v2/` requests for it from what was pushed).

use crate::api::StdStream;
use crate::proc::program::{Ctx, HttpRequest, HttpResponse, Listen, Program, Status, Wait};

#[derive(Clone, Debug)]
pub struct Registry {
    started: bool,
    serve: bool,
    version: String,
}

impl Registry {
    pub fn start(argv: &[String], _ctx: &mut Ctx) -> Registry {
        Registry {
            started: false,
            serve: argv.get(1).map(String::as_str) == Some("serve"),
            version: "3.0.0".into(),
        }
    }
}

impl Program for Registry {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if !self.serve {
            ctx.out.err("dockling: only `registry serve CONFIG` is simulated\n");
            return Status::Exited(1);
        }
        if !self.started {
            self.started = true;
            let t = ctx.now.rfc3339_nano();
            let common = format!("environment=development go.version=go1.23.7 instance.id=5f8a3c2e-1b4d-4e6f-9a7b-2c3d4e5f6a7b service=registry version={}", self.version);
            let mut s = String::new();
            for (level, msg) in [
                ("warning", "No HTTP secret provided - generated random secret. This may cause problems with uploads if multiple registries are behind a load-balancer. To provide a shared secret, set the REGISTRY_HTTP_SECRET environment variable."),
                ("info", "redis not configured"),
                ("info", "Starting upload purge in 20m0s"),
                ("info", "using inmemory blob descriptor cache"),
                ("info", "listening on [::]:5000"),
            ] {
                s.push_str(&format!("time=\"{t}\" level={level} msg=\"{}\" {common}\n", msg.replace('"', "\\\"")));
            }
            ctx.write(StdStream::Stderr, &s);
        }
        Status::Waiting(Wait::default())
    }

    fn listening(&self) -> Vec<Listen> {
        if self.started {
            vec![Listen { host: "::".into(), port: 5000 }]
        } else {
            Vec::new()
        }
    }

    fn http(&mut self, port: u16, req: &HttpRequest, ctx: &mut Ctx) -> Option<HttpResponse> {
        if port != 5000 || !self.started {
            return None;
        }
        let line = format!("{} - - [{}] \"{} {} HTTP/1.1\" 404 19 \"\" \"{}\"\n", req.peer, super::http::clf_date(ctx.now), req.method, req.target, super::http::header(&req.headers, "User-Agent").unwrap_or(""));
        ctx.write(StdStream::Stderr, &line);
        Some(HttpResponse {
            status: 404,
            reason: "Not Found".into(),
            headers: vec![
                ("Content-Type".into(), "text/plain; charset=utf-8".into()),
                ("X-Content-Type-Options".into(), "nosniff".into()),
                ("Date".into(), super::http::http_date(ctx.now)),
                ("Content-Length".into(), "19".into()),
            ],
            body: b"404 page not found\n".to_vec(),
        })
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}
