//! hello-world's `/hello`: prints the greeting and exits 0 (docker-library/hello-world `hello.c`).

use super::{Output, Step};
use crate::api::StdStream;
use crate::clock::SimTime;

const MESSAGE: &str = "
Hello from Docker!
This message shows that your installation appears to be working correctly.

To generate this message, Docker took the following steps:
 1. The Docker client contacted the Docker daemon.
 2. The Docker daemon pulled the \"hello-world\" image from the Docker Hub.
    (amd64)
 3. The Docker daemon created a new container from that image which runs the
    executable that produces the output you are currently reading.
 4. The Docker daemon streamed that output to the Docker client, which sent it
    to your terminal.

To try something more ambitious, you can run an Ubuntu container with:
 $ docker run -it ubuntu bash

Share images, automate workflows, and more with a free Docker ID:
 https://hub.docker.com/

For more examples and ideas, visit:
 https://docs.docker.com/get-started/

";

/// The hello program: one write, then exit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hello;

impl Hello {
    pub fn step(&mut self, _now: SimTime, out: &mut Output) -> Step {
        out.push((StdStream::Stdout, MESSAGE.to_string()));
        Step::Exited(0)
    }
}
