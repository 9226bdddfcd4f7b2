#!/usr/bin/env python3
"""Case search at scale, run by Benchmarks/scale.sh against a live server filled by
wrk/create_case.lua: times GET /api/v1/cases?q= one request at a time for words in every
case ("invoice"), in about one case in ten ("meter"), one in a thousand ("tariff"), a few
cases (a number in their subjects), and none ("zebra"), then lists cases by contact point
(email: every filled case; sms: the demo's few), and searches customers (GET
/api/v1/contacts?q=) by a word every filled sender has, one sender's address, a demo
customer's name and an absent word; prints p50 and p95 in ms for each and how many the first
page held.

  case_search.py URL TOKEN MAX_CASE [requests per word, default 100]
"""
import json
import os
import random
import sys
import time
import urllib.parse
import urllib.request

url, token, max_case = sys.argv[1], sys.argv[2], int(sys.argv[3])
count = int(sys.argv[4]) if len(sys.argv) > 4 else 100
rng = random.Random(7)


def search(query, parameter="q", what="cases"):
    request = urllib.request.Request(
        f"{url}/api/v1/{what}?limit=50&{parameter}={urllib.parse.quote(query)}", headers={"Authorization": "Bearer " + token})
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        items = json.load(response)["items"]
    return (time.perf_counter() - began) * 1000, len(items)


def cut(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


for label, pick in (
    ("every case  'invoice'", lambda: "invoice"),
    ("1 in 10     'meter'", lambda: "meter"),
    ("1 in 1,000  'tariff'", lambda: "tariff"),
    # wrk numbers each thread's cases from 1 in every run: a number is in a few subjects.
    ("a few cases a number", lambda: str(rng.randrange(1000, 10000))),
    ("no case     'zebra'", lambda: "zebra"),
):
    search(pick())  # warm
    timings, found = [], 0
    for _ in range(count):
        ms, n = search(pick())
        timings.append(ms)
        found = max(found, n)
    print(f"search {label:24} p50 {cut(timings, 0.5):7.1f} ms  p95 {cut(timings, 0.95):7.1f} ms  (first page: {found} cases)")

# The list by contact point: the fill is all email; the demo's few cases on the others.
for point in ("email", "sms"):
    search(point, "contactPoint")
    timings, found = [], 0
    for _ in range(count):
        ms, n = search(point, "contactPoint")
        timings.append(ms)
        found = max(found, n)
    print(f"list by contact point {point:9} p50 {cut(timings, 0.5):7.1f} ms  p95 {cut(timings, 0.95):7.1f} ms  (first page: {found} cases)")

# Customer search: every sender of the fill is bench-RUN-THREAD-N@example.com.
run = os.environ.get("RUN_ID", "x")
for label, pick in (
    ("every sender 'bench'", lambda: "bench"),
    ("one sender's address", lambda: f"bench-{run}-{rng.randrange(1, 3)}-{rng.randrange(1, max_case // 2)}@example.com"),
    ("a demo name 'nowak'", lambda: "nowak"),
    ("no customer 'zebra'", lambda: "zebra"),
):
    search(pick(), "q", "contacts")
    timings, found = [], 0
    for _ in range(count):
        ms, n = search(pick(), "q", "contacts")
        timings.append(ms)
        found = max(found, n)
    print(f"customers {label:21} p50 {cut(timings, 0.5):7.1f} ms  p95 {cut(timings, 0.95):7.1f} ms  (first page: {found})")
