import { execFileSync } from "node:child_process";

/** One message the test SMTP server received, parsed by Python's email package. */
export type Mail = {
  to: string;
  subject: string;
  list_unsubscribe: string | null;
  list_unsubscribe_post: string | null;
  text: string;
  html: string;
};

const READ = `
import email, email.policy, json, mailbox, os, sys
out = []
if os.path.isdir(os.path.join(sys.argv[1], 'new')):
    for msg in mailbox.Maildir(sys.argv[1], factory=None, create=False):
        m = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
        text = m.get_body(preferencelist=('plain',))
        html = m.get_body(preferencelist=('html',))
        out.append({
            'to': str(m['To']), 'subject': str(m['Subject']),
            'list_unsubscribe': m['List-Unsubscribe'] and str(m['List-Unsubscribe']),
            'list_unsubscribe_post': m['List-Unsubscribe-Post'] and str(m['List-Unsubscribe-Post']),
            'text': text.get_content() if text else '', 'html': html.get_content() if html else '',
        })
print(json.dumps(out))
`;

/** Every message received so far in this run. */
export function mails(): Mail[] {
  const dir = process.env.E2E_MAILDIR;
  if (!dir) throw new Error("E2E_MAILDIR is not set (see playwright.config.ts)");
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", READ, dir], { encoding: "utf8" }));
}
