#!/usr/bin/env python3
"""Crash-safety harness: kill -9 `touchpoint serve` while senders that retry like real ones
keep sending on every contact point that acknowledges, restart it, and check that every
acknowledged message is in the history exactly once, on a case.

Senders: SMS and WhatsApp providers (signed webhooks, retried until answered), a phone
system (newCall/answer/hangup events, each retried until answered), an MTA over SMTP and
one over LMTP (a message is retried until it got its 250), an API client creating cases
with a providerMessageId (retried until answered), and chat widgets over WebSocket (a
message is resent with its client id after a reconnect until its `stored` frame came). A message counts as acknowledged
once the server answered it (2xx, or 250); an unanswered one is sent again, as the real
senders do. After the last round the server is stopped with SIGTERM (which must end it
within 30 s), and the SQLite database is read directly.

With --postgres the server runs on a private PostgreSQL cluster the harness creates (it needs
the server binaries, and runs them as the postgres user when started as root); with
--outages N the rounds stop that database (`pg_ctl stop -m fast`) for one to three seconds
(--min-down, --max-down) instead of killing the server, which keeps running. Every answer
given while the database is down must be a refusal to retry (HTTP 503, SMTP 451) within a
second (--answer-within), and when it is back every acknowledged message must be processed,
with no restart. At the start of each outage a fresh SMS sender joins, so that something is
asked while the database is down even when every other sender still waits for an answer.

Usage: crash_test.py TOUCHPOINT_BINARY [--rounds N] [--senders N] [--min-up S] [--max-up S]
                     [--postgres] [--outages N [--min-down S] [--max-down S] [--answer-within S]]
Prints the counts per contact point; exits 1 when anything acknowledged was lost or doubled.
"""
import argparse
import contextlib
import hashlib
import hmac
import glob
import json
import os
import random
import re
import shutil
import shlex
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

try:
    from websockets.sync.client import connect as websocket_connect
except ImportError:
    sys.exit("the chat sender needs Python's websockets package: python3 -m pip install websockets")

SECRET = b"demo-secret"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throw-away PostgreSQL cluster on a free port, stopped and started at will."""

    def __init__(self, data):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in re.findall(r"\d+", p)])
        if not bins:
            raise RuntimeError("--postgres needs the PostgreSQL server (apt-get install postgresql)")
        self.bin, self.dir, self.port = bins[-1], os.path.join(data, "pg"), free_port()
        os.makedirs(self.dir)
        if os.geteuid() == 0:
            shutil.chown(data, "postgres")
            shutil.chown(self.dir, "postgres")
        self.run(["initdb", "-D", self.dir + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        self.start()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, command):
        command = [os.path.join(self.bin, command[0])] + command[1:]
        if os.geteuid() == 0:
            command = ["su", "postgres", "-c", " ".join(shlex.quote(part) for part in command)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        self.run(["pg_ctl", "-D", self.dir + "/data", "-l", self.dir + "/server.log", "-w", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"])

    def stop(self):
        self.run(["pg_ctl", "-D", self.dir + "/data", "-m", "fast", "-w", "stop"])

    def query(self, sql):
        """Rows of a query as tuples of text (None for NULL), through psql."""
        out = subprocess.run(["psql", self.url, "-X", "-A", "-t", "-F", "\x1f", "-P", "null=\x1e", "-c", sql],
                             check=True, capture_output=True, text=True).stdout
        return [tuple(None if v == "\x1e" else v for v in line.split("\x1f")) for line in out.splitlines() if line]


class SQLite:
    def __init__(self, path):
        self.path = path

    def query(self, sql):
        db = sqlite3.connect(self.path, timeout=10)
        try:
            return [tuple(None if v is None else str(v) for v in row) for row in db.execute(sql).fetchall()]
        finally:
            db.close()


class Server:
    def __init__(self, binary, data, database_url=None):
        self.binary, self.data, self.database_url = binary, data, database_url
        self.http, self.smtp, self.lmtp = free_port(), free_port(), free_port()
        self.process = None
        self.token = None
        self.starts = 0

    @property
    def base(self):
        return f"http://127.0.0.1:{self.http}"

    def start(self):
        log = open(os.path.join(self.data, f"serve-{self.starts}.log"), "w")
        self.starts += 1
        self.process = subprocess.Popen(
            [self.binary, "serve", "--data-dir", self.data, "--port", str(self.http), "--smtp-port", str(self.smtp),
             "--lmtp-port", str(self.lmtp)] + (["--database-url", self.database_url] if self.database_url else []),
            stdout=subprocess.PIPE, stderr=log, text=True)
        # The banner is the sign it is up; the first start also prints the demo admin token. The
        # first start on PostgreSQL migrates and loads the demo data, minutes on a loaded machine.
        deadline = time.time() + 300
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"serve exited with {self.process.wait()} before it was running")
            match = re.search(r"Demo admin token \(shown once\): (\S+)", line)
            if match:
                self.token = match.group(1)
            if line.startswith("API document:"):
                threading.Thread(target=self.process.stdout.read, daemon=True).start()
                return
        raise RuntimeError("serve did not start within 300 s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self):
        started = time.time()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # Reported as a failure with the counts, which a SIGKILL does not change.
            self.process.kill()
            self.process.wait()
            return "none: SIGTERM did not stop it within 30 s", time.time() - started
        return code, time.time() - started


class Sender(threading.Thread):
    """Sends numbered messages of one kind, each again until it is acknowledged."""

    def __init__(self, kind, index, server, stop):
        super().__init__(daemon=True)
        self.kind, self.index, self.server, self.stop = kind, index, server, stop
        self.acknowledged = []
        self.attempts = 0
        self.visitor = f"crash-{index:02d}-{random.randrange(16**12):012x}"
        self.error = None
        self.socket = None
        # Every answer: (when it was asked, seconds it took, what came back).
        self.answers = []

    def note(self, began, outcome):
        self.answers.append((began, time.time() - began, outcome))

    def run(self):
        try:
            self.loop()
        except Exception as error:  # a refusal the harness did not expect: the run fails
            self.error = f"{self.kind} sender {self.index} stopped: {error}"

    def loop(self):
        n = 0
        while not self.stop.is_set():
            key = f"{self.kind}-{self.index}-{n}"
            # Once started, a message is sent until it is acknowledged, even after stop.
            while not self.send(key, n):
                self.attempts += 1
                time.sleep(random.uniform(0.02, 0.1))
            self.acknowledged.append(key)
            n += 1

    def drop_socket(self):
        if self.socket is not None:
            try:
                self.stack.close()
            except Exception:
                pass
            self.socket = None

    def post(self, path, body, headers):
        request = urllib.request.Request(self.server.base + path, data=body, headers=headers, method="POST")
        began = time.time()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                self.note(began, f"HTTP {response.status}")
                return response.status
        except urllib.error.HTTPError as error:
            self.note(began, f"HTTP {error.code}")
            if error.code < 500:
                raise RuntimeError(f"{path} refused: {error.code} {error.read()[:300]!r}")
            return error.code
        except (OSError, urllib.error.URLError) as error:
            self.note(began, f"no answer ({self.kind} {path.split('/')[-1]})" if isinstance(getattr(error, "reason", error), TimeoutError) else "connection failed")
            return None

    def webhook(self, path, payload):
        body = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        status = self.post(path, body, {"Content-Type": "application/json", "X-Touchpoint-Signature": signature})
        return status in (200, 202)

    def send(self, key, n):
        number = f"+4869{self.index:02d}{n % 50:05d}"
        if self.kind in ("sms", "whatsapp"):
            return self.webhook(f"/api/v1/webhooks/{self.kind}/demo-{self.kind}",
                                {"messageId": key, "from": number, "text": f"Crash test {key}: meter shows E5"})
        if self.kind == "cti":
            # A call's three events, each retried until answered; the call counts once all are.
            for event, extra in (("newCall", {}), ("answer", {"user": "agent1@acme.example"}), ("hangup", {"cause": "normalClearing"})):
                payload = {"event": event, "callId": key, "direction": "in", "from": number, "to": "+48221000000",
                           "occurredAt": "2026-11-25T10:00:%02dZ" % {"newCall": 0, "answer": 5, "hangup": 40}[event]}
                payload.update(extra)
                while not self.webhook("/api/v1/webhooks/cti/demo-pbx", payload):
                    self.attempts += 1
                    time.sleep(random.uniform(0.02, 0.1))
            return True
        if self.kind in ("smtp", "lmtp"):
            sender = f"crash.{key}@customers.example"
            message = (f"From: {sender}\r\nTo: support@acme.example\r\nSubject: Crash test {key}\r\n"
                       f"Message-ID: <{key}@crash.example>\r\n\r\nMy meter shows E5 ({key}).\r\n")
            began = time.time()
            try:
                if self.kind == "smtp":
                    with smtplib.SMTP("127.0.0.1", self.server.smtp, timeout=10) as client:
                        client.sendmail(sender, ["support@acme.example"], message)
                else:
                    with smtplib.LMTP("127.0.0.1", self.server.lmtp, timeout=10) as client:
                        client.sendmail(sender, ["support@acme.example"], message)
                self.note(began, "SMTP 250")
                return True
            except smtplib.SMTPRecipientsRefused as error:
                self.note(began, "SMTP %d" % next(iter(error.recipients.values()))[0])
                return False
            except (smtplib.SMTPResponseException, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                self.note(began, f"SMTP {error.smtp_code}")
                return False
            except TimeoutError:
                self.note(began, f"no answer ({self.kind})")
                return False
            except (OSError, smtplib.SMTPException):
                self.note(began, "connection failed")
                return False
        if self.kind == "chat":
            try:
                if self.socket is None:
                    self.stack = contextlib.ExitStack()
                    self.socket = self.stack.enter_context(websocket_connect(self.server.base.replace("http", "ws") + "/chat/acme/ws", open_timeout=10))
                    self.socket.send(json.dumps({"type": "hello", "visitor": self.visitor, "lastSeq": 0}))
                began = time.time()
                self.socket.send(json.dumps({"type": "message", "clientId": key, "text": f"Crash test {key}",
                                             "email": f"{self.visitor}@customers.example"}))
                while True:
                    frame = json.loads(self.socket.recv(timeout=10))
                    if frame.get("type") == "error":
                        self.note(began, f"chat error {frame.get('code', '')}".strip())
                        if frame.get("retry"):
                            return False
                        raise RuntimeError(f"chat refused {key}: {frame}")
                    if frame.get("type") == "stored" and frame.get("clientId") == key:
                        self.note(began, "chat stored")
                        return True
            except (OSError, TimeoutError, ValueError):
                self.drop_socket()
                return False
            except Exception as error:  # websockets' ConnectionClosed and kin
                if type(error).__module__.startswith("websockets"):
                    self.drop_socket()
                    return False
                raise
        if self.kind == "api":
            body = json.dumps({"contactPoint": "email", "from": f"api.{key}@customers.example", "subject": f"Crash test {key}",
                               "body": "My meter shows E5", "providerMessageId": key}).encode()
            status = self.post("/api/v1/cases", body, {"Content-Type": "application/json", "Authorization": f"Bearer {self.server.token}"})
            return status in (200, 201)
        raise ValueError(self.kind)


def unanswered(store):
    """Conversations the assistant holds whose newest message it has not answered."""
    return int(store.query(
        "SELECT COUNT(*) FROM cases c WHERE c.bot_state = 'bot' AND EXISTS (SELECT 1 FROM interactions i WHERE i.case_id = c.id "
        "AND i.direction = 'inbound' AND i.occurred_at > COALESCE((SELECT answered_at FROM bot_conversations b WHERE b.case_id = c.id), -1))"
    )[0][0])


def left_unprocessed(store):
    return sum(int(store.query(f"SELECT COUNT(*) FROM {t} WHERE state = 'received'")[0][0]) for t in ("inbox", "inbound_mail"))


def verify(store, senders):
    point = {"sms": "sms", "whatsapp": "whatsApp", "cti": "phone", "smtp": "email", "lmtp": "email", "api": "email", "chat": "webChat"}
    stored = {}
    for provider, contact_point, case_id in store.query(
            "SELECT provider_message_id, contact_point, case_id FROM interactions WHERE provider_message_id IS NOT NULL"):
        stored.setdefault((provider, contact_point), []).append(case_id)
    report, failures = {}, []
    for sender in senders:
        counts = report.setdefault(sender.kind, {"acknowledged": 0, "once": 0, "lost": 0, "doubled": 0, "off-case": 0, "retries": 0})
        counts["retries"] += sender.attempts
        for key in sender.acknowledged:
            provider = {"cti": f"call:{key}", "smtp": f"{key}@crash.example", "lmtp": f"{key}@crash.example",
                        "chat": f"chat:{sender.visitor}:{key}"}.get(sender.kind, key)
            rows = stored.get((provider, point[sender.kind]), [])
            counts["acknowledged"] += 1
            if not rows:
                counts["lost"] += 1
                failures.append(f"lost: {sender.kind} {key}")
            elif len(rows) > 1:
                counts["doubled"] += 1
                failures.append(f"doubled: {sender.kind} {key}")
            elif rows[0] is None:
                counts["off-case"] += 1
                failures.append(f"on no case: {sender.kind} {key}")
            else:
                counts["once"] += 1
    failures += [sender.error for sender in senders if sender.error]
    # The assistant answers no message twice, and leaves no conversation it holds unanswered.
    reply_to = "json_extract(metadata, '$.inReplyTo')" if isinstance(store, SQLite) else "(metadata::jsonb)->>'inReplyTo'"
    total, distinct = (int(v) for v in store.query(
        f"SELECT COUNT(*), COUNT(DISTINCT {reply_to}) FROM interactions "
        f"WHERE contact_point = 'chatbot' AND direction = 'outbound' AND {reply_to} IS NOT NULL")[0])
    report["assistant"] = {"answers": total, "doubled": total - distinct, "unanswered": unanswered(store)}
    if total != distinct:
        failures.append(f"doubled: the assistant answered {total - distinct} messages twice")
    if report["assistant"]["unanswered"]:
        failures.append(f"unanswered: {report['assistant']['unanswered']} conversations the assistant holds wait for its answer")
    for table in ("inbox", "inbound_mail"):
        for state, count in store.query(f"SELECT state, COUNT(*) FROM {table} WHERE state IN ('received', 'quarantined') GROUP BY state"):
            failures.append(f"{count} {table} rows left {state}")
    return report, failures


def outage_answers(senders, windows, limit):
    """What was answered to requests made while the database was surely down (however long the answer took)."""
    # A request begun during an outage and answered once the database was coming back was held
    # by the outage only until then.
    during = [(min(took, end - began), outcome, began + took > end)
              for sender in senders for began, took, outcome in sender.answers for start, end in windows if start <= began <= end]
    outcomes = {}
    for _, outcome, _ in during:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    slow = [(round(took, 2), outcome) for took, outcome, _ in during if took > limit]
    if slow:
        print("  slow answers during the outages: " + ", ".join(f"{outcome} after {took} s" for took, outcome in sorted(slow)[-10:]))
    # Taking a message is right only once the database is back (a request begun just before).
    refusal = ("HTTP 503", "SMTP 451", "SMTP 421", "chat error")
    wrong = sum(1 for _, outcome, after in during if not outcome.startswith(refusal) and not (after and outcome.startswith(("HTTP 2", "SMTP 250", "chat stored"))))
    slow = len(slow)
    slowest = max((took for took, _, _ in during), default=0)
    # How long after the database was back each contact point took its first message again.
    back = []
    for _, end in windows:
        for kind in sorted({sender.kind for sender in senders}):
            firsts = [began + took for sender in senders if sender.kind == kind for began, took, outcome in sender.answers
                      if began + took > end and outcome in ("HTTP 200", "HTTP 201", "HTTP 202", "SMTP 250", "chat stored")]
            if firsts:
                back.append((min(firsts) - end, kind))
    return during, outcomes, slow, wrong, slowest, back


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--senders", type=int, default=2, help="senders per contact point")
    parser.add_argument("--min-up", type=float, default=0.5, help="shortest time between restart and kill, seconds")
    parser.add_argument("--max-up", type=float, default=2.0)
    parser.add_argument("--drain-timeout", type=float, default=120, help="how long to wait for processing after the last message")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--postgres", action="store_true", help="run on a private PostgreSQL cluster instead of SQLite")
    parser.add_argument("--outages", type=int, default=0, help="stop the database this many times instead of killing the server")
    parser.add_argument("--min-down", type=float, default=1.0, help="shortest outage, seconds")
    parser.add_argument("--max-down", type=float, default=3.0, help="longest outage, seconds")
    parser.add_argument("--answer-within", type=float, default=1.0, help="seconds an answer may take while the database is down")
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="touchpoint-crash-")
    postgres = Postgres(data) if args.postgres or args.outages else None
    store = postgres or SQLite(os.path.join(data, "touchpoint.sqlite"))
    server = Server(args.binary, data, postgres.url if postgres else None)
    server.start()
    stop = threading.Event()
    senders = [Sender(kind, i, server, stop) for kind in ("sms", "whatsapp", "cti", "smtp", "lmtp", "api", "chat") for i in range(args.senders)]
    for sender in senders:
        sender.start()
    started = time.time()
    windows = []
    if args.outages:
        # The database goes away under load and comes back; the server keeps running.
        for _ in range(args.outages):
            time.sleep(random.uniform(args.min_up, args.max_up))
            postgres.stop()
            down = time.time()
            # A sender that starts now asks while the database is surely down, even when every
            # other one still waits for the answer to what it asked before (a loaded machine).
            probe = Sender("sms", 90 + len(windows), server, stop)
            probe.start()
            senders.append(probe)
            time.sleep(random.uniform(args.min_down, args.max_down))
            windows.append((down, time.time()))
            postgres.start()
    else:
        for _ in range(args.rounds):
            time.sleep(random.uniform(args.min_up, args.max_up))
            server.kill()
            time.sleep(random.uniform(0, 0.3))
            server.start()
    time.sleep(args.min_up)
    stop.set()
    for sender in senders:
        sender.join(timeout=120)
    # Everything acknowledged is processed after the answer: wait for the workers.
    deadline = time.time() + args.drain_timeout
    while time.time() < deadline and left_unprocessed(store):
        time.sleep(0.2)
    # The assistant's listener answers what a kill left unanswered within a few rounds.
    while time.time() < deadline and unanswered(store):
        time.sleep(0.2)
    code, took = server.terminate()
    report, failures = verify(store, senders)
    faults = f"{args.outages} database outages" if args.outages else f"{args.rounds} kill -9 rounds"
    print(f"crash test: {faults}, {args.senders} senders per contact point, {time.time() - started:.1f} s; "
          f"SIGTERM stopped serve in {took:.1f} s (exit {code})")
    for kind, counts in report.items():
        print(f"  {kind:9s} " + ", ".join(f"{name} {value}" for name, value in counts.items()))
    if args.outages:
        during, outcomes, slow, wrong, slowest, back = outage_answers(senders, windows, args.answer_within)
        print(f"  outage    answers {len(during)}, within {args.answer_within:g} s {len(during) - slow}, slowest {slowest:.2f} s, "
              f"not a refusal to retry {wrong}: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
        if back:
            latest = max(back)
            print(f"  recovery  first message taken again {min(back)[0]:.1f}–{latest[0]:.1f} s after the database was back (slowest: {latest[1]})")
        if not during:
            failures.append("nothing was asked while the database was down")
        if slow:
            failures.append(f"slow: {slow} answers during the outages took longer than {args.answer_within:g} s")
        if wrong:
            failures.append(f"wrong: {wrong} answers during the outages were not a refusal to retry")
    for failure in failures[:50]:
        print("  FAIL " + failure)
    if code != 0:
        failures.append(f"serve exited {code} after SIGTERM")
        # What serve said last tells where it stood.
        with open(os.path.join(data, f"serve-{server.starts - 1}.log")) as log:
            print("  the end of serve's log:\n" + "".join("    " + line for line in log.readlines()[-40:]))
    total = sum(c.get("acknowledged", 0) for c in report.values())
    print(f"{total} acknowledged, {total - len([f for f in failures if f.startswith(('lost', 'doubled', 'on no case'))])} exactly once; "
          f"{'PASS' if not failures else 'FAIL'}")
    if postgres and not (args.keep or failures):
        postgres.stop()
    if args.keep or failures:
        print(f"data kept in {data}" + (f" (PostgreSQL at {postgres.url} still running)" if postgres else ""))
    else:
        shutil.rmtree(data, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
