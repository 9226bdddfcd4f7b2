#!/usr/bin/env python3
"""The knowledge base's benchmark helper, run by Benchmarks/knowledge.sh against a live server.

  knowledge.py relevance URL TOKEN   hit@1 and hit@3 of Benchmarks/Knowledge/queries.tsv, by language
  knowledge.py fill URL TOKEN N      adds generated published articles until the brand has N
  knowledge.py queries FILE          writes the queries, URL-encoded, one per line (for wrk)
  knowledge.py assistant URL N C     N visitors (C at a time) ask the assistant the relevance set's
                                     questions in the chat widget's WebSocket protocol; prints how
                                     long the answer took after the message was stored (the
                                     server's part) and after it was sent, p50/p95/p99 in ms, and
                                     what the assistant did
"""
import concurrent.futures
import json
import os
import random
import sys
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ARTICLES = os.path.join(HERE, "..", "Sources", "TouchpointApp", "Resources", "knowledge")


def call(url, token, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response) if response.status != 204 else None


def demo_titles():
    """(key, language) → title, from the demo's Markdown files."""
    titles = {}
    for name in os.listdir(ARTICLES):
        header = open(os.path.join(ARTICLES, name), encoding="utf-8").read().split("---")[1]
        fields = dict(line.split(":", 1) for line in header.strip().splitlines())
        titles[(fields["key"].strip(), fields["language"].strip())] = fields["title"].strip()
    return titles


def queries():
    for line in open(os.path.join(HERE, "Knowledge", "queries.tsv"), encoding="utf-8"):
        fields = line.rstrip("\n").split("\t")
        if line.startswith("#") or len(fields) != 3 or fields[0] not in ("en", "pl"):
            continue
        yield fields


def relevance(url, token):
    titles = demo_titles()
    counts = {}
    for language, query, expected in queries():
        q = urllib.parse.urlencode({"q": query, "language": language, "as": "public", "limit": 3})
        found = [r["title"] for r in call(f"{url}/api/v1/kb/search?{q}", token)["results"]]
        want = titles[(expected, language)]
        total, first, top3 = counts.get(language, (0, 0, 0))
        counts[language] = (total + 1, first + (found[:1] == [want]), top3 + (want in found))
    everything = [sum(c[i] for c in counts.values()) for i in range(3)]
    for language, (total, first, top3) in sorted(counts.items()) + [("all", everything)]:
        print(f"relevance {language:>3}: {total} queries · hit@1 {first / total:.3f} · hit@3 {top3 / total:.3f}")


def fill(url, token, target):
    """Generated articles as a large knowledge base reads: most words from a vocabulary of
    20,000 made-up words with Zipf's frequencies (as in any language), and in each a passage
    and two title words of one demo article, so every topic has hundreds of articles that
    compete for the same searches."""
    have = len(call(f"{url}/api/v1/kb/articles?limit=200", token)["items"])
    rng = random.Random(20261205)
    syllables = ["ka", "to", "mi", "ra", "po", "le", "nu", "si", "de", "wa", "zo", "be", "ga", "fi", "ho", "ju", "ty", "ce", "no", "pa"]
    vocabulary = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(24000)})[:20000]
    rng.shuffle(vocabulary)
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    demo = []
    for name in os.listdir(ARTICLES):
        parts = open(os.path.join(ARTICLES, name), encoding="utf-8").read().split("---", 2)
        title = [line.split(":", 1)[1].strip() for line in parts[1].splitlines() if line.startswith("title:")][0]
        demo.append((title.split(), parts[2].split()))

    def words(n):
        return rng.choices(vocabulary, cum_weights=cumulative, k=n)

    def one(index):
        title_words, body_words = rng.choice(demo)
        start = rng.randrange(max(1, len(body_words) - 25))
        borrowed = body_words[start:start + 25]
        filler = words(130)
        title = " ".join(words(3) + rng.sample(title_words, min(2, len(title_words)))).capitalize()
        body = " ".join(filler[:65]) + ".\n\n" + " ".join(borrowed) + "\n\n" + " ".join(filler[65:]) + "."
        call(f"{url}/api/v1/kb/articles", token, "POST", {"title": title, "body": body, "language": "pl" if index % 2 else "en",
                                                         "status": "published", "category": f"Topic {index % 40}", "tags": words(2)})

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(max(0, target - have))))


def assistant(url, visitors, concurrency):
    import asyncio
    import time
    import uuid
    import websockets

    asked = [query for _, query, _ in queries()]
    server_ms, total_ms, actions = [], [], {}

    async def visitor(number):
        async with websockets.connect(url.replace("http", "ws", 1) + "/chat/acme/ws", max_size=2**20) as socket:
            await socket.send(json.dumps({"type": "hello", "visitor": "bench-" + uuid.uuid4().hex, "lastSeq": 0}))
            while json.loads(await socket.recv())["type"] != "ready":
                pass
            sent = time.perf_counter()
            await socket.send(json.dumps({"type": "message", "clientId": "q", "text": asked[number % len(asked)]}))
            stored = None
            while True:
                frame = json.loads(await asyncio.wait_for(socket.recv(), 30))
                if frame["type"] == "stored":
                    stored = time.perf_counter()
                elif frame["type"] == "message" and frame.get("from") == "bot":
                    now = time.perf_counter()
                    server_ms.append((now - stored) * 1000)
                    total_ms.append((now - sent) * 1000)
                    kind = "answer" if frame.get("replies", [""])[0] in ("Yes, solved", "Tak, pomogło") else "choose" if frame.get("replies", [""])[0] == "1" else "other"
                    actions[kind] = actions.get(kind, 0) + 1
                    return

    async def run():
        gate = asyncio.Semaphore(concurrency)

        async def one(number):
            async with gate:
                await visitor(number)

        await asyncio.gather(*(one(number) for number in range(visitors)))

    began = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - began

    def cut(values, share):
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    for name, values in (("after stored", server_ms), ("after sent", total_ms)):
        print(f"assistant answer {name:12} p50 {cut(values, 0.5):.1f} ms  p95 {cut(values, 0.95):.1f} ms  p99 {cut(values, 0.99):.1f} ms")
    print(f"assistant: {len(total_ms)} conversations, {concurrency} at a time, {len(total_ms) / elapsed:.0f}/s; " + ", ".join(f"{k} {v}" for k, v in sorted(actions.items())))


def write_queries(path):
    with open(path, "w") as out:
        for language, query, _ in queries():
            out.write(urllib.parse.urlencode({"q": query, "language": language, "as": "public"}) + "\n")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "assistant":
        assistant(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif command == "relevance":
        relevance(sys.argv[2], sys.argv[3])
    elif command == "fill":
        fill(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif command == "queries":
        write_queries(sys.argv[2])
