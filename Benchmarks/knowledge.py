#!/usr/bin/env python3
"""The knowledge base's benchmark helper, run by Benchmarks/knowledge.sh against a live server.

  knowledge.py relevance URL TOKEN   hit@1 and hit@3 of Benchmarks/Knowledge/queries.tsv, by language
  knowledge.py fill URL TOKEN N      adds generated published articles until the brand has N
  knowledge.py queries FILE          writes the queries, URL-encoded, one per line (for wrk)
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


def write_queries(path):
    with open(path, "w") as out:
        for language, query, _ in queries():
            out.write(urllib.parse.urlencode({"q": query, "language": language, "as": "public"}) + "\n")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "relevance":
        relevance(sys.argv[2], sys.argv[3])
    elif command == "fill":
        fill(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif command == "queries":
        write_queries(sys.argv[2])
