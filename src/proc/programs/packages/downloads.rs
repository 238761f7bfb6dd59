//! The files tutorials download with `wget`/`curl`: the Miniconda installer (a shell script
//! that Dockling's shell runs, handing over to the `miniconda-install` program), get-pip.py,
//! NodeSource's setup script. Bodies stand in for the real files; sizes are the real ones'.

use super::Download;

const MINICONDA: &str = r#"#!/bin/sh
# Miniconda3 py313_25.5.1-0 installer, as simulated by Dockling: the real file is a shell
# script followed by a 150 MB payload. This one hands over to a simulated installer.
echo '#!dockling:miniconda-install' > /tmp/.dockling-miniconda-install
chmod +x /tmp/.dockling-miniconda-install
/tmp/.dockling-miniconda-install "$@"
status=$?
rm -f /tmp/.dockling-miniconda-install
exit $status
"#;

const GET_PIP: &str = r#"#!/usr/bin/env python
#
# Hi There!
#
# You may be wondering what this giant blob of binary data here is, you might
# even be worried that we're up to something nefarious (good for you for being
# paranoid!). This is a base85 encoding of a zip file, this zip file contains
# an entire copy of pip (version 25.1.1).
#
# dockling: the payload of get-pip.py is not simulated.
import sys
sys.stderr.write("dockling: running get-pip.py is not simulated; use the image's pip (python -m pip)\n")
sys.exit(1)
"#;

const NODESOURCE: &str = r#"#!/bin/bash
# NodeSource setup script for Node.js 20.x (deb), as simulated by Dockling: the steps of the
# real script (its log() lines inlined) up to adding NodeSource's apt repository, which is not
# simulated.
echo -e "\e[38;5;79m$(date +'%Y-%m-%d %H:%M:%S') - Installing pre-requisites\e[0m"
if ! apt-get update -y; then
  echo -e "\e[1;31m$(date +'%Y-%m-%d %H:%M:%S') - Error: Failed to run 'apt-get update'\e[0m"
  exit 1
fi
if ! apt-get install -y apt-transport-https ca-certificates curl gnupg; then
  echo -e "\e[1;31m$(date +'%Y-%m-%d %H:%M:%S') - Error: Failed to install packages\e[0m"
  exit 1
fi
mkdir -p /usr/share/keyrings
echo "dockling: adding the NodeSource repository (deb.nodesource.com) to apt is not simulated; Debian's own Node.js is: apt-get install -y nodejs" >&2
exit 1
"#;

/// The download at `url`, if it is one tutorials use.
pub fn get(url: &str) -> Option<Download> {
    let url = url.trim_end_matches('/');
    let (body, ctype, size) = match url {
        "https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh"
        | "https://repo.anaconda.com/miniconda/Miniconda3-py313_25.5.1-0-Linux-x86_64.sh" => {
            (MINICONDA, "application/x-sh", 157_293_592)
        }
        "https://bootstrap.pypa.io/get-pip.py" => (GET_PIP, "text/x-python", 2_298_213),
        "https://deb.nodesource.com/setup_20.x" | "https://deb.nodesource.com/setup_lts.x" => {
            (NODESOURCE, "application/octet-stream", 4_157)
        }
        _ => return None,
    };
    Some(Download { body: body.as_bytes().to_vec(), content_type: ctype.into(), size })
}
