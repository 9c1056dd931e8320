//! A real SMTP server on loopback for the tests: Debian's `aiosmtpd` (installed by
//! `make test`), writing every message it accepts into a Maildir, read back with Python's own
//! email parser (both MIME parts decoded, headers as sent).

use std::{path::PathBuf, process::Stdio, time::Duration};

use crate::temp_dir::TempDir;

/// A running server; stopped when dropped.
pub struct Smtp {
    child: std::process::Child,
    pub port: u16,
    dir: TempDir,
}

/// One received message.
#[derive(Debug, serde::Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub list_unsubscribe: Option<String>,
    pub list_unsubscribe_post: Option<String>,
    pub text: String,
    pub html: String,
}

const PYTHON: &str = "/usr/bin/python3";

const READ: &str = r#"
import email, email.policy, json, mailbox, sys
out = []
for msg in mailbox.Maildir(sys.argv[1], factory=None, create=False):
    m = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    text = m.get_body(preferencelist=('plain',))
    html = m.get_body(preferencelist=('html',))
    out.append({
        'to': str(m['To']), 'subject': str(m['Subject']), 'list_unsubscribe': m['List-Unsubscribe'] and str(m['List-Unsubscribe']),
        'list_unsubscribe_post': m['List-Unsubscribe-Post'] and str(m['List-Unsubscribe-Post']),
        'text': text.get_content() if text else '', 'html': html.get_content() if html else '',
    })
print(json.dumps(out))
"#;

/// A handler that answers some recipients of marketing mail (from `news@…`) with errors, the
/// way real servers do: `bounce…` addresses get 550 (no such user); `busy…` ones 451 (try
/// later) the first time. Service mail (address confirmations) always goes through.
const FAULTY: &str = r#"
import asyncio, mailbox, sys
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
class Faulty(Mailbox):
    seen = set()
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not (envelope.mail_from or '').startswith('news@'):
            envelope.rcpt_tos.append(address)
            return '250 OK'
        if address.startswith('bounce'):
            return '550 5.1.1 no such user'
        if address.startswith('busy') and address not in self.seen:
            self.seen.add(address)
            return '451 4.3.0 try again later'
        envelope.rcpt_tos.append(address)
        return '250 OK'
c = Controller(Faulty(sys.argv[2]), hostname='127.0.0.1', port=int(sys.argv[1]))
c.start()
sys.stdin.read()
"#;

/// A server that keeps each message byte for byte as it came (the Maildir handler parses and
/// writes messages again, which a DKIM signature does not survive).
const RAW: &str = r#"
import itertools, os, sys
from aiosmtpd.controller import Controller
class Raw:
    n = itertools.count()
    async def handle_DATA(self, server, session, envelope):
        path = os.path.join(sys.argv[2], 'new', '%06d.eml' % next(self.n))
        with open(path + '.tmp', 'wb') as f:
            f.write(envelope.original_content)
        os.rename(path + '.tmp', path)
        return '250 OK'
for d in ('new', 'cur', 'tmp'):
    os.makedirs(os.path.join(sys.argv[2], d), exist_ok=True)
c = Controller(Raw(), hostname='127.0.0.1', port=int(sys.argv[1]))
c.start()
sys.stdin.read()
"#;

/// Which server.
#[derive(Clone, Copy)]
enum Kind {
    Maildir,
    Faulty,
    Raw,
}

impl Smtp {
    /// Starts one on a free port and waits until it answers.
    pub async fn start() -> Smtp {
        Self::spawn(Kind::Maildir).await
    }

    /// One whose answers depend on the recipient (see `FAULTY`).
    pub async fn faulty() -> Smtp {
        Self::spawn(Kind::Faulty).await
    }

    /// One that keeps messages exactly as received (see `RAW`).
    pub async fn raw() -> Smtp {
        Self::spawn(Kind::Raw).await
    }

    #[expect(clippy::zombie_processes, reason = "killed and waited for in Drop")]
    async fn spawn(kind: Kind) -> Smtp {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let dir = TempDir::new();
        let maildir: PathBuf = dir.path().join("mail");
        let mut command = std::process::Command::new(PYTHON);
        match kind {
            Kind::Faulty | Kind::Raw => {
                let script = if matches!(kind, Kind::Faulty) {
                    FAULTY
                } else {
                    RAW
                };
                command
                    .args(["-c", script, &port.to_string()])
                    .arg(&maildir)
                    .stdin(Stdio::piped());
            }
            Kind::Maildir => {
                command
                    .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
                    .args(["-c", "aiosmtpd.handlers.Mailbox"])
                    .arg(&maildir);
            }
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts (python3-aiosmtpd; `make test` installs it)");
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Smtp { child, port, dir };
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("aiosmtpd did not start on {port}");
    }

    /// Where the messages are written (a Maildir).
    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("mail")
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far.
    pub fn mails(&self) -> Vec<Mail> {
        let maildir = self.maildir();
        if !maildir.join("new").exists() {
            return Vec::new();
        }
        self.read_with(READ, &[])
    }

    /// What a Python `script` prints as JSON when run with the Maildir and `args`.
    pub fn read_with<T: serde::de::DeserializeOwned>(&self, script: &str, args: &[&str]) -> T {
        let out = std::process::Command::new(PYTHON)
            .args(["-c", script])
            .arg(self.maildir())
            .args(args)
            .output()
            .expect("python reads the maildir");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    }

    /// Waits until `n` messages arrived (10 s at most), and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        for _ in 0..400 {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let got = self.mails();
        panic!("expected {n} messages, got {}: {got:#?}", got.len());
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
