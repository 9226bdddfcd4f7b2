#!/usr/bin/env python3
"""Playbook exactly-once harness: kill -9 `touchpoint serve` while its runner works through
a playbook's steps, restart it, and check that every step of every enrollment ran exactly
once: each contact entered once, each enrollment has one log line per step in order, and
each of its emails is in the outbox exactly once.

The playbook (made through the API on the demo data): email A (with a link), wait PT2S,
tag, email B, wait PT2S, email C. Contacts are created through the API; each one's
`contact.created` event starts the playbook.

Usage: playbook_kill.py TOUCHPOINT_BINARY [--contacts N] [--rounds N] [--min-up S] [--max-up S]
"""
import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash_test import Server  # noqa: E402  (the same way of starting and killing serve)

SUBJECTS = ["Step A", "Step B", "Step C"]
STEPS = ["a", "pause-1", "tag", "b", "pause-2", "c"]


def call(server, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else {}


def playbook():
    def email(step, subject):
        return {"id": step, "type": "send", "contactPoint": "email",
                "templates": {"en": {"subject": subject, "body": "Hello {{contact.firstName}}: https://example.org/" + step}}}
    return {"name": "Kill test", "trigger": {"event": "contactCreated"}, "audience": {"roles": ["kill test"]},
            "steps": [email("a", SUBJECTS[0]), {"id": "pause-1", "type": "wait", "duration": "PT2S"},
                      {"id": "tag", "type": "set", "field": "tag", "value": "kill-test"}, email("b", SUBJECTS[1]),
                      {"id": "pause-2", "type": "wait", "duration": "PT2S"}, email("c", SUBJECTS[2])],
            "exitOn": ["optedOut"]}


def verify(database, playbook_id, contacts):
    db = sqlite3.connect(database, timeout=10)
    failures = []
    enrollments = db.execute("SELECT id, contact_id, state, seq FROM playbook_enrollments WHERE playbook_id = ?", (playbook_id,)).fetchall()
    by_contact = {}
    for enrollment_id, contact_id, state, seq in enrollments:
        by_contact.setdefault(contact_id, []).append(enrollment_id)
        if state != "completed":
            failures.append(f"enrollment {enrollment_id} is {state} after {seq} steps")
        steps = [row[0] for row in db.execute("SELECT step_id FROM playbook_steps WHERE enrollment_id = ? ORDER BY seq", (enrollment_id,))]
        if steps != STEPS:
            failures.append(f"enrollment {enrollment_id} ran {steps}")
    for contact_id, ids in by_contact.items():
        if len(ids) != 1:
            failures.append(f"contact {contact_id} entered {len(ids)} times")
    missing = len(contacts) - len(by_contact)
    if missing:
        failures.append(f"{missing} contacts never entered")
    sent = {}
    for recipient, message in db.execute("SELECT recipient, message FROM outbox WHERE contact_point = 'email'"):
        subject = json.loads(message)["mail"]["subject"]
        if subject in SUBJECTS:
            sent[(recipient, subject)] = sent.get((recipient, subject), 0) + 1
    emails = 0
    for address in contacts:
        for subject in SUBJECTS:
            count = sent.get((address, subject), 0)
            emails += count
            if count != 1:
                failures.append(f"{address} got '{subject}' {count} times")
    db.close()
    return len(enrollments), emails, failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--contacts", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--min-up", type=float, default=0.4)
    parser.add_argument("--max-up", type=float, default=1.5)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="touchpoint-playbook-kill-")
    server = Server(args.binary, data)
    server.start()
    started = time.time()
    call(server, "PUT", "/api/v1/automation/settings", {"quietHours": ["00:00", "00:00"], "maxMessages": 100, "per": "PT1H"})
    made = call(server, "POST", "/api/v1/playbooks", playbook())
    account = call(server, "POST", "/api/v1/accounts", {"name": "Kill test account"})
    contacts = []
    for index in range(args.contacts):
        address = f"kill{index}@example.org"
        call(server, "POST", "/api/v1/contacts", {"name": f"Person {index}", "title": "kill test", "accountId": account["id"],
                                                  "identities": [{"kind": "email", "value": address}]})
        contacts.append(address)
    # Kill while the runner works, restart, again; note how far the steps had come at each kill.
    database = os.path.join(data, "touchpoint.sqlite")
    total = len(STEPS) * args.contacts
    killed_at = []
    def steps_done():
        db = sqlite3.connect(database, timeout=10)
        done = db.execute("SELECT COUNT(*) FROM playbook_steps s JOIN playbook_enrollments e ON e.id = s.enrollment_id "
                          "WHERE e.playbook_id = ?", (made["id"],)).fetchone()[0]
        db.close()
        return done
    for _ in range(args.rounds):
        # Each kill lands while the runner works: once it has taken a step since the last kill
        # (a slow machine may need a while to start and enroll), after a random pause.
        before = killed_at[-1] if killed_at else 0
        deadline = time.time() + 60
        while time.time() < deadline:
            done = steps_done()
            if done > before or done >= total:
                break
            time.sleep(0.05)
        time.sleep(random.uniform(0, args.max_up - args.min_up))
        server.kill()
        killed_at.append(steps_done())
        time.sleep(random.uniform(0, 0.3))
        server.start()
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        db = sqlite3.connect(database, timeout=10)
        done = db.execute("SELECT COUNT(*) FROM playbook_enrollments WHERE playbook_id = ? AND state != 'active'", (made["id"],)).fetchone()[0]
        db.close()
        if done >= args.contacts:
            break
        time.sleep(0.3)
    code, took = server.terminate()
    enrollments, emails, failures = verify(database, made["id"], contacts)
    if args.rounds and not any(0 < done < total for done in killed_at):
        failures.append(f"no kill landed while steps were running (steps done at each kill: {killed_at})")
    if code != 0:
        failures.append(f"serve exited {code} after SIGTERM")
    print(f"playbook kill test: {args.rounds} kill -9 rounds, {args.contacts} contacts, {time.time() - started:.1f} s; "
          f"SIGTERM stopped serve in {took:.1f} s (exit {code})")
    print(f"  killed with {', '.join(str(n) for n in killed_at)} of {total} steps done")
    print(f"  enrollments {enrollments}, steps expected {total}, emails {emails} of {len(SUBJECTS) * args.contacts}")
    for failure in failures[:50]:
        print("  FAIL " + failure)
    print("PASS" if not failures else "FAIL")
    if args.keep or failures:
        print(f"data kept in {data}")
    else:
        shutil.rmtree(data, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
