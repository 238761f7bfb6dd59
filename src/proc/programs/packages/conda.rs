//! conda 25.5.1 as the Miniconda installer leaves it (`miniconda-install`, run by the
//! downloaded `Miniconda3-latest-Linux-x86_64.sh`): `--version`, `install`, `create`,
//! `activate` (without `conda init`), `init`, `list`, `env list`. Environments are folders with
//! `conda-meta/*.json` records, as real conda keeps them.

use super::job::{Answer, FsOp, Job};
use crate::proc::program::{Ctx, Program};
use crate::vfs::{NodeKind, Tree};

const VERSION: &str = "25.5.1";

/// (name, version, build, size in bytes of the download, depends): the defaults channel's
/// linux-64 packages tutorials install (the builds are those of mid-2025, approximately).
const PKGS: &[(&str, &str, &str, u64, &str)] = &[
    ("_libgcc_mutex", "0.1", "main", 3_473, ""),
    ("_openmp_mutex", "5.1", "1_gnu", 21_315, "_libgcc_mutex,libgomp"),
    ("bzip2", "1.0.8", "h5eee18b_6", 262_820, "libgcc-ng"),
    ("ca-certificates", "2025.2.25", "h06a4308_0", 132_098, ""),
    ("expat", "2.7.1", "h6a678d5_0", 186_432, "libgcc-ng,libstdcxx-ng"),
    ("ld_impl_linux-64", "2.40", "h12ee557_0", 727_620, ""),
    ("libffi", "3.4.4", "h6a678d5_1", 144_784, "libgcc-ng,libstdcxx-ng"),
    ("libgcc-ng", "11.2.0", "h1234567_1", 5_603_616, "_libgcc_mutex,_openmp_mutex"),
    ("libgomp", "11.2.0", "h1234567_1", 485_145, "_libgcc_mutex"),
    ("libstdcxx-ng", "11.2.0", "h1234567_1", 4_941_752, ""),
    ("libuuid", "1.41.5", "h5eee18b_0", 28_110, "libgcc-ng"),
    ("ncurses", "6.4", "h6a678d5_0", 936_828, "libgcc-ng"),
    ("openssl", "3.0.16", "h5eee18b_0", 5_385_932, "ca-certificates,libgcc-ng"),
    ("pip", "25.1", "pyhc872135_2", 1_316_136, "python,setuptools,wheel"),
    ("python", "3.11.13", "h1a3bd86_0", 33_157_032, "bzip2,expat,ld_impl_linux-64,libffi,libgcc-ng,libuuid,ncurses,openssl,readline,sqlite,tk,tzdata,xz,zlib"),
    ("readline", "8.2", "h5eee18b_0", 365_813, "libgcc-ng,ncurses"),
    ("setuptools", "78.1.1", "py311h06a4308_0", 2_166_628, "python"),
    ("sqlite", "3.45.3", "h5eee18b_0", 1_268_102, "libgcc-ng,readline,zlib"),
    ("tk", "8.6.14", "h39e8969_0", 3_581_340, "libgcc-ng,zlib"),
    ("tzdata", "2025b", "h04d1e81_0", 118_264, ""),
    ("wheel", "0.45.1", "py311h06a4308_0", 150_828, "python"),
    ("xz", "5.6.4", "h5eee18b_1", 574_588, "libgcc-ng"),
    ("zlib", "1.2.13", "h5eee18b_1", 113_287, "libgcc-ng"),
    ("blas", "1.0", "mkl", 6_181, ""),
    ("intel-openmp", "2025.0.0", "h06a4308_1171", 21_470_328, ""),
    ("mkl", "2025.0.0", "hacee8c2_941", 164_012_568, "intel-openmp,tbb"),
    ("mkl-service", "2.4.0", "py313h5eee18b_3", 66_108, "mkl"),
    ("mkl_fft", "1.3.11", "py313hacdc0fc_1", 200_752, "mkl,mkl-service"),
    ("mkl_random", "1.2.8", "py313h8928b4f_1", 362_968, "mkl,mkl-service"),
    ("numpy", "2.3.1", "py313h720eef7_0", 11_712, "blas,mkl,mkl-service,mkl_fft,mkl_random,numpy-base"),
    ("numpy-base", "2.3.1", "py313h95072fd_0", 9_121_548, ""),
    ("tbb", "2022.0.0", "hdb19cb5_0", 185_340, ""),
    ("libgfortran5", "11.2.0", "h1234567_1", 2_198_480, ""),
    ("libgfortran-ng", "11.2.0", "h00389a5_1", 20_312, "libgfortran5"),
    ("pandas", "2.2.3", "py313h6a678d5_0", 15_184_152, "numpy,python-dateutil,pytz,python-tzdata"),
    ("python-dateutil", "2.9.0post0", "py313h06a4308_2", 303_460, "six"),
    ("python-tzdata", "2025.2", "pyhd3eb1b0_0", 148_908, ""),
    ("pytz", "2024.1", "py313h06a4308_0", 196_716, ""),
    ("six", "1.17.0", "py313h06a4308_0", 27_596, ""),
    ("requests", "2.32.4", "py313h06a4308_0", 127_716, "certifi,charset-normalizer,idna,urllib3"),
    ("certifi", "2025.6.15", "py313h06a4308_0", 160_052, ""),
    ("charset-normalizer", "3.3.2", "pyhd3eb1b0_0", 45_904, ""),
    ("idna", "3.7", "py313h06a4308_0", 134_536, ""),
    ("urllib3", "2.5.0", "py313h06a4308_0", 229_716, ""),
];

fn read(fs: &Tree, path: &str) -> Option<String> {
    match &fs.get(path)?.kind {
        NodeKind::File(d) => Some(String::from_utf8_lossy(d).into_owned()),
        _ => None,
    }
}

/// The installation a `conda` at `argv[0]` belongs to (`/root/miniconda3/bin/conda` →
/// `/root/miniconda3`).
fn prefix_of(argv0: &str, ctx: &Ctx) -> String {
    if argv0.contains("/bin/") || argv0.contains("/condabin/") {
        let p = crate::vfs::normalize(ctx.cwd, argv0);
        let root = crate::vfs::parent(crate::vfs::parent(&p)).to_string();
        return root;
    }
    ctx.var("CONDA_PREFIX").map(str::to_string).unwrap_or_else(|| {
        let home = ctx.var("HOME").unwrap_or("/root");
        for p in [format!("{home}/miniconda3"), "/opt/conda".into(), format!("{home}/anaconda3")] {
            if ctx.fs.get(&format!("{p}/conda-meta")).is_some() {
                return p;
            }
        }
        format!("{home}/miniconda3")
    })
}

fn meta_names(fs: &Tree, env: &str) -> Vec<String> {
    fs.list(&format!("{env}/conda-meta"))
        .map(|m| m.keys().filter(|k| k.ends_with(".json")).cloned().collect())
        .unwrap_or_default()
}

fn installed_names(fs: &Tree, env: &str) -> Vec<String> {
    meta_names(fs, env)
        .iter()
        .filter_map(|f| {
            let t = read(fs, &format!("{env}/conda-meta/{f}"))?;
            let s = t.find("\"name\": \"")? + 9;
            Some(t[s..].split('"').next()?.to_string())
        })
        .collect()
}

fn record(p: &(&str, &str, &str, u64, &str)) -> String {
    format!(
        "{{\n  \"build\": \"{}\",\n  \"channel\": \"https://repo.anaconda.com/pkgs/main/linux-64\",\n  \"name\": \"{}\",\n  \"size\": {},\n  \"version\": \"{}\"\n}}\n",
        p.2, p.0, p.3, p.1
    )
}

/// The packages `specs` bring into an environment that has `have`, dependencies first.
fn solve(specs: &[(String, Option<String>)], have: &[String]) -> Result<Vec<usize>, String> {
    let mut out: Vec<usize> = Vec::new();
    let mut stack: Vec<(usize, bool)> = Vec::new();
    for (n, _) in specs.iter().rev() {
        let i = PKGS.iter().position(|p| p.0 == n).ok_or_else(|| n.clone())?;
        stack.push((i, false));
    }
    let mut guard = 0;
    while let Some((i, done)) = stack.pop() {
        guard += 1;
        if guard > 10_000 {
            break;
        }
        if out.contains(&i) || have.iter().any(|h| h == PKGS[i].0) {
            continue;
        }
        if done {
            out.push(i);
            continue;
        }
        stack.push((i, true));
        for d in PKGS[i].4.split(',').filter(|d| !d.is_empty()).rev() {
            if let Some(j) = PKGS.iter().position(|p| p.0 == d) {
                stack.push((j, false));
            }
        }
    }
    Ok(out)
}

fn size(b: u64) -> String {
    if b >= 1024 * 1024 {
        let t = b * 10 / (1024 * 1024);
        format!("{}.{} MB", t / 10, t % 10)
    } else {
        format!("{} KB", (b + 512) / 1024)
    }
}

fn plan(job: &mut Job, env: &str, specs: &[String], new: &[usize]) {
    job.out("Channels:\n - defaults\nPlatform: linux-64\nCollecting package metadata (repodata.json): done\nSolving environment: done\n\n## Package Plan ##\n\n");
    job.out(&format!("  environment location: {env}\n\n  added / updated specs:\n"));
    for s in specs {
        job.out(&format!("    - {s}\n"));
    }
    job.out("\n\nThe following packages will be downloaded:\n\n    package                    |            build\n    ---------------------------|-----------------\n");
    let mut sorted: Vec<usize> = new.to_vec();
    crate::text::sort_by(&mut sorted, &|a, b| PKGS[*a].0.cmp(PKGS[*b].0));
    let mut total = 0;
    for &i in &sorted {
        let p = PKGS[i];
        total += p.3;
        job.out(&format!("    {:<27}|{:>17} {:>12}\n", format!("{}-{}", p.0, p.1), p.2, size(p.3)));
    }
    job.out(&format!("    ------------------------------------------------------------\n                                           Total:{:>12}\n\n", size(total)));
    job.out("The following NEW packages will be INSTALLED:\n\n");
    for &i in &sorted {
        let p = PKGS[i];
        job.out(&format!("  {:<18} pkgs/main/linux-64::{}-{}-{} \n", p.0, p.0, p.1, p.2));
    }
    job.out("\n\n");
}

fn transaction(job: &mut Job, env: &str, new: &[usize]) {
    job.out("\nDownloading and Extracting Packages:\n\n");
    job.sleep(800);
    job.out("Preparing transaction: done\nVerifying transaction: done\nExecuting transaction: done\n");
    for &i in new {
        let p = PKGS[i];
        job.write(&format!("{env}/conda-meta/{}-{}-{}.json", p.0, p.1, p.2), &record(&p));
        if let Some(m) = import_name(p.0, p.2) {
            // what `import m` finds: a package the simulated Python names as not simulated
            job.write(&format!("{env}/lib/python3.13/site-packages/{m}/__init__.py"), &format!("# dockling: simulated package {} {}\n", p.0, p.1));
        }
    }
}

/// The module a conda package of Python code installs (`py…` builds), when it has one.
fn import_name(name: &str, build: &str) -> Option<String> {
    if !build.starts_with("py") || name.ends_with("-base") || name == "python" {
        return None;
    }
    Some(match name {
        "mkl-service" => "mkl".into(),
        "python-dateutil" => "dateutil".into(),
        "scikit-learn" => "sklearn".into(),
        "pyyaml" => "yaml".into(),
        "beautifulsoup4" => "bs4".into(),
        "pillow" => "PIL".into(),
        "charset-normalizer" => "charset_normalizer".into(),
        n => n.replace('-', "_"),
    })
}

fn specs(args: &[String]) -> Vec<(String, Option<String>)> {
    args.iter()
        .map(|a| match a.split_once(['=', '>', '<']) {
            Some((n, v)) => (n.to_string(), Some(v.trim_start_matches(['=', '>', '<']).to_string())),
            None => (a.clone(), None),
        })
        .collect()
}

/// `conda ARGS…`.
pub fn start(argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let mut job = Job::new();
    let root = prefix_of(argv.first().map(String::as_str).unwrap_or("conda"), ctx);
    let args: Vec<String> = argv.iter().skip(1).cloned().collect();
    let yes = args.iter().any(|a| a == "-y" || a == "--yes");
    let mut env_name: Option<String> = None;
    let mut rest: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-n" | "--name" => env_name = it.next().cloned(),
            "-y" | "--yes" | "-q" | "--quiet" => {}
            "-c" | "--channel" => {
                it.next();
            }
            _ => rest.push(a.clone()),
        }
    }
    let cmd = rest.first().cloned().unwrap_or_default();
    let pkgs: Vec<String> = rest.iter().skip(1).cloned().collect();
    let code = match cmd.as_str() {
        "--version" | "-V" => {
            job.out(&format!("conda {VERSION}\n"));
            0
        }
        "activate" | "deactivate" => {
            let inited = read(ctx.fs, &format!("{}/.bashrc", ctx.var("HOME").unwrap_or("/root"))).is_some_and(|b| b.contains(">>> conda initialize >>>"));
            if inited {
                job.err("dockling: `conda activate` runs conda's shell function, which needs a new shell that read ~/.bashrc; that is not simulated (run PREFIX/envs/NAME/bin/python directly)\n");
            } else {
                job.err(&format!("\nCondaError: Run 'conda init' before 'conda {cmd}'\n\n"));
            }
            1
        }
        "init" => {
            let home = ctx.var("HOME").unwrap_or("/root").to_string();
            let rc = format!("{home}/.bashrc");
            let old = read(ctx.fs, &rc).unwrap_or_default();
            for f in ["condabin/conda", "bin/conda", "bin/conda-env", "bin/activate", "bin/deactivate", "etc/profile.d/conda.sh", "etc/fish/conf.d/conda.fish", "shell/condabin/Conda.psm1", "shell/condabin/conda-hook.ps1", "lib/python3.13/site-packages/xontrib/conda.xsh", "etc/profile.d/conda.csh"] {
                job.out(&format!("no change     {root}/{f}\n"));
            }
            if old.contains(">>> conda initialize >>>") {
                job.out(&format!("no change     {rc}\nNo action taken.\n"));
            } else {
                job.out(&format!("modified      {rc}\n\n==> For changes to take effect, close and re-open your current shell. <==\n\n"));
                let block = format!("\n# >>> conda initialize >>>\n# !! Contents within this block are managed by 'conda init' !!\n__conda_setup=\"$('{root}/bin/conda' 'shell.bash' 'hook' 2> /dev/null)\"\nif [ $? -eq 0 ]; then\n    eval \"$__conda_setup\"\nelse\n    if [ -f \"{root}/etc/profile.d/conda.sh\" ]; then\n        . \"{root}/etc/profile.d/conda.sh\"\n    else\n        export PATH=\"{root}/bin:$PATH\"\n    fi\nfi\nunset __conda_setup\n# <<< conda initialize <<<\n");
                job.write(&rc, &(old + &block));
            }
            0
        }
        "list" => {
            let env = env_name.as_ref().map(|n| format!("{root}/envs/{n}")).unwrap_or_else(|| root.clone());
            job.out(&format!("# packages in environment at {env}:\n#\n# Name                    Version                   Build  Channel\n"));
            let mut rows: Vec<String> = Vec::new();
            for f in meta_names(ctx.fs, &env) {
                let Some(t) = read(ctx.fs, &format!("{env}/conda-meta/{f}")) else { continue };
                let field = |k: &str| t.find(&format!("\"{k}\": \"")).map(|s| t[s + k.len() + 5..].split('"').next().unwrap_or("").to_string()).unwrap_or_default();
                rows.push(format!("{:<25} {:<15} {:>15}  \n", field("name"), field("version"), field("build")));
            }
            crate::text::sort(&mut rows);
            job.out(&rows.concat());
            0
        }
        "env" | "info" if pkgs.first().map(String::as_str) == Some("list") || args.iter().any(|a| a == "--envs" || a == "-e") => {
            let mut s = format!("# conda environments:\n#\n{:<21}* {root}\n", "base");
            if let Ok(m) = ctx.fs.list(&format!("{root}/envs")) {
                for k in m.keys() {
                    s.push_str(&format!("{:<23}{root}/envs/{k}\n", k));
                }
            }
            s.push('\n');
            job.out(&s);
            0
        }
        "install" | "create" => {
            if cmd == "create" && env_name.is_none() {
                job.err("\nCondaValueError: one of --name or --prefix must be provided\n\n");
                return job.exit(1);
            }
            let env = env_name.as_ref().map(|n| format!("{root}/envs/{n}")).unwrap_or_else(|| root.clone());
            if cmd == "install" && ctx.fs.get(&format!("{env}/conda-meta")).is_none() {
                job.err(&format!("\nEnvironmentLocationNotFound: Not a conda environment: {env}\n\n"));
                return job.exit(1);
            }
            let sp = specs(&pkgs);
            let have = if cmd == "create" { Vec::new() } else { installed_names(ctx.fs, &env) };
            let new = match solve(&sp, &have) {
                Ok(n) => n,
                Err(missing) => {
                    job.out("Channels:\n - defaults\nPlatform: linux-64\nCollecting package metadata (repodata.json): done\nSolving environment: failed\n");
                    job.err(&format!("\nPackagesNotFoundError: The following packages are not available from current channels:\n\n  - {missing}\n\nCurrent channels:\n\n  - defaults\n\nTo search for alternate channels that may provide the conda package you're\nlooking for, navigate to\n\n    https://anaconda.org\n\nand use the search bar at the top of the page.\n\n\n"));
                    return job.exit(1);
                }
            };
            if new.is_empty() && cmd == "install" {
                job.out("Channels:\n - defaults\nPlatform: linux-64\nCollecting package metadata (repodata.json): done\nSolving environment: done\n\n# All requested packages already installed.\n\n");
                return job.exit(0);
            }
            plan(&mut job, &env, &pkgs, &new);
            if !yes {
                job.out("\nProceed ([y]/n)? ");
                job.ask(Answer::Conda, "Invalid choice: try again\nProceed ([y]/n)? ", "\n\nCondaSystemExit: Exiting.\n\n", "\n\nCondaSystemExit: Exiting.\n\n", 1);
            }
            job.fs(FsOp::Mkdir { path: format!("{env}/conda-meta") });
            transaction(&mut job, &env, &new);
            if cmd == "create" {
                let n = env_name.clone().unwrap_or_default();
                job.out(&format!("#\n# To activate this environment, use\n#\n#     $ conda activate {n}\n#\n# To deactivate an active environment, use\n#\n#     $ conda deactivate\n\n"));
                job.fs(FsOp::Write { path: format!("{env}/bin/python"), data: b"#!dockling:python\n".to_vec(), mode: 0o755 });
            }
            0
        }
        "" => {
            job.out("usage: conda [-h] [-v] [--no-plugins] [-V] COMMAND ...\n");
            job.err("dockling: conda's full help text is not simulated\n");
            0
        }
        c => {
            job.err(&format!("dockling: conda {c} is not simulated\n"));
            1
        }
    };
    job.exit(code)
}

/// The base environment of Miniconda3 py313_25.5.1-0 (the records `conda list` shows).
const BASE: &[(&str, &str, &str)] = &[
    ("_libgcc_mutex", "0.1", "main"),
    ("_openmp_mutex", "5.1", "1_gnu"),
    ("bzip2", "1.0.8", "h5eee18b_6"),
    ("ca-certificates", "2025.2.25", "h06a4308_0"),
    ("conda", VERSION, "py313h06a4308_0"),
    ("libffi", "3.4.4", "h6a678d5_1"),
    ("libgcc-ng", "11.2.0", "h1234567_1"),
    ("libgomp", "11.2.0", "h1234567_1"),
    ("libstdcxx-ng", "11.2.0", "h1234567_1"),
    ("ncurses", "6.4", "h6a678d5_0"),
    ("openssl", "3.0.16", "h5eee18b_0"),
    ("pip", "25.1", "pyhc872135_2"),
    ("python", "3.13.5", "h4612cfd_100"),
    ("readline", "8.2", "h5eee18b_0"),
    ("setuptools", "78.1.1", "py313h06a4308_0"),
    ("sqlite", "3.45.3", "h5eee18b_0"),
    ("tk", "8.6.14", "h39e8969_0"),
    ("tzdata", "2025b", "h04d1e81_0"),
    ("wheel", "0.45.1", "py313h06a4308_0"),
    ("xz", "5.6.4", "h5eee18b_1"),
    ("zlib", "1.2.13", "h5eee18b_1"),
];

/// The installer's batch mode: `bash Miniconda3-latest-Linux-x86_64.sh -b [-p PREFIX] [-u]`.
pub fn install(argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let mut job = Job::new();
    let home = ctx.var("HOME").unwrap_or("/root").to_string();
    let mut prefix = format!("{home}/miniconda3");
    let (mut batch, mut update) = (false, false);
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-b" => batch = true,
            "-u" => update = true,
            "-p" => {
                if let Some(p) = it.next() {
                    prefix = crate::vfs::normalize(ctx.cwd, p);
                }
            }
            "-f" => update = true,
            "-h" | "--help" => {
                job.out("\nusage: Miniconda3-latest-Linux-x86_64.sh [options]\n\nInstalls Miniconda3 py313_25.5.1-0\n\n-b           run install in batch mode (without manual intervention),\n             it is expected the license terms (if any) are agreed upon\n-f           no error if install prefix already exists\n-h           print this help message and exit\n-p PREFIX    install prefix, defaults to $HOME/miniconda3, must not contain spaces.\n-s           skip running pre/post-link/install scripts\n-u           update an existing installation\n-t           run package tests after installation (may install conda-build)\n");
                return job.exit(2);
            }
            _ => {}
        }
    }
    if !batch {
        job.out("\nWelcome to Miniconda3 py313_25.5.1-0\n\nIn order to continue the installation process, please review the license\nagreement.\nPlease, press ENTER to continue\n>>> ");
        job.err("\ndockling: the installer's interactive license and questions are not simulated; run it with -b (batch mode)\n");
        return job.exit(1);
    }
    if ctx.fs.get(&prefix).is_some() && !update {
        job.out(&format!("ERROR: File or directory already exists: '{prefix}'\nIf you want to update an existing installation, use the -u option.\n"));
        return job.exit(1);
    }
    job.out(&format!("PREFIX={prefix}\nUnpacking payload ...\n"));
    job.sleep(2500);
    job.out("\nInstalling base environment...\n\n");
    job.sleep(1500);
    job.out("Preparing transaction: done\nExecuting transaction: done\n");
    job.sleep(1200);
    job.out("installation finished.\n");
    for (f, m) in [("bin/conda", "conda"), ("condabin/conda", "conda"), ("bin/python3.13", "python"), ("bin/pip", "pip"), ("bin/pip3", "pip")] {
        job.fs(FsOp::Write { path: format!("{prefix}/{f}"), data: format!("#!dockling:{m}\n").into_bytes(), mode: 0o755 });
    }
    job.fs(FsOp::Symlink { path: format!("{prefix}/bin/python"), target: "python3.13".into() });
    job.fs(FsOp::Symlink { path: format!("{prefix}/bin/python3"), target: "python3.13".into() });
    job.write(&format!("{prefix}/etc/profile.d/conda.sh"), "dockling: conda's shell functions are not simulated\n");
    job.write(&format!("{prefix}/conda-meta/history"), "");
    job.fs(FsOp::Mkdir { path: format!("{prefix}/envs") });
    job.fs(FsOp::Mkdir { path: format!("{prefix}/pkgs") });
    for (n, v, b) in BASE {
        job.write(&format!("{prefix}/conda-meta/{n}-{v}-{b}.json"), &record(&(n, v, b, 0, "")));
    }
    job.exit(0)
}
