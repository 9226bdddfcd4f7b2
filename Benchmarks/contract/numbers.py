"""Extreme numbers into every numeric field of the API's request bodies.

Reads the OpenAPI document, and for every operation with a JSON body and every number or
integer property in it (nested objects and arrays included), sends a body that is otherwise
plausible with that field set to each extreme value: ±1e308, 1e400 (past a double), 2^63 and
-2^63-1 (past a 64-bit integer), 1e19, negative zero, 0.5, and the strings "NaN", "Infinity"
and "1e19". What must hold: never a server error, never a dropped connection; every refusal
is problem+json; a refusal that names a field names this one (or, in a batch answered 200,
the rejected row does). A refusal of another field only counts: the plausible body is not
valid for every operation. Path ids come from the demo data (the first
item of the collection above the path). Prints the counts; exits 1 on any violation.

Usage: numbers.py BASE_URL TOKEN OPENAPI_YAML
"""
import json
import sys
import urllib.error
import urllib.request
import uuid

import yaml

BASE, TOKEN, DOCUMENT = sys.argv[1], sys.argv[2], sys.argv[3]
spec = yaml.safe_load(open(DOCUMENT))
EXTREMES = ["1e308", "-1e308", "1e400", "9223372036854775808", "-9223372036854775809", "1e19", "-0.0", "0.5",
            '"NaN"', '"Infinity"', '"1e19"']


def resolve(schema):
    while isinstance(schema, dict) and "$ref" in schema:
        node = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema or {}


def kinds(schema):
    kind = schema.get("type")
    return kind if isinstance(kind, list) else [kind]


def sample(schema, depth=0):
    """A plausible value for a schema: its example or first enum value, else by type."""
    schema = resolve(schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    for option in schema.get("oneOf", []) + schema.get("anyOf", []):
        return sample(option, depth)
    kind = [k for k in kinds(schema) if k != "null"]
    kind = kind[0] if kind else ("object" if "properties" in schema else None)
    if kind == "object":
        if depth > 3:
            return {}
        return {name: sample(sub, depth + 1) for name, sub in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    formats = {"uuid": str(uuid.uuid4()), "date-time": "2026-12-04T09:00:00Z", "date": "2026-12-04", "email": "someone@example.com",
               "uri": "https://example.com/x"}
    return formats.get(schema.get("format"), "Sample text")


def numeric_paths(schema, prefix="", depth=0):
    """(path, setter) for every numeric property: path as the API names fields (a.b[0].c)."""
    schema = resolve(schema)
    found = []
    if depth > 4:
        return found
    for name, sub in schema.get("properties", {}).items():
        sub = resolve(sub)
        path = f"{prefix}.{name}" if prefix else name
        if {"integer", "number"} & set(kinds(sub)):
            found.append(([name], path))
        elif "object" in kinds(sub) or "properties" in sub:
            found += [([name] + keys, p) for keys, p in numeric_paths(sub, path, depth + 1)]
        elif "array" in kinds(sub):
            items = resolve(sub.get("items", {}))
            if {"integer", "number"} & set(kinds(items)):
                found.append(([name, 0], f"{path}[0]"))
            elif "properties" in items:
                found += [([name, 0] + keys, p) for keys, p in numeric_paths(items, f"{path}[0]", depth + 1)]
    return found


def build(schema, keys):
    """A plausible body with every container on the way to `keys` present."""
    body = sample(schema)
    node, current = body, resolve(schema)
    for key in keys[:-1]:
        if isinstance(key, int):
            current = resolve(current.get("items", {}))
            if not node:
                node.append(sample(current))
            node = node[0]
        else:
            current = resolve(current.get("properties", {}).get(key, {}))
            if key not in node or not isinstance(node[key], (dict, list)):
                node[key] = [] if "array" in kinds(current) else sample(current) or {}
            node = node[key]
    return body, node, keys[-1]


def call(method, path, raw=None):
    request = urllib.request.Request(BASE + path, data=raw, method=method,
                                     headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


ids = {}


def fill(path):
    """The path with each {param} replaced by the first id of the collection above it."""
    parts = path.split("/")
    for index, part in enumerate(parts):
        if part.startswith("{"):
            collection = "/".join(parts[:index])
            if collection not in ids:
                status, _, body = call("GET", collection)
                items = json.loads(body).get("items", []) if status == 200 else []
                ids[collection] = str(items[0].get("id") or items[0].get("address") or items[0].get("model")) if items else None
            if ids[collection] is None:
                return None
            parts[index] = ids[collection]
    return "/".join(parts)


counts = {"sent": 0, "refused naming the field": 0, "refused for another field": 0, "accepted": 0, "skipped operations": 0}
violations = []
for path, operations in spec["paths"].items():
    for method, operation in operations.items():
        if method not in ("post", "put", "patch") or "webhooks" in path:
            continue
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if not content:
            continue
        target = fill(path)
        if target is None:
            counts["skipped operations"] += 1
            continue
        schema = content["schema"]
        for keys, field in numeric_paths(schema):
            for extreme in EXTREMES:
                body, node, last = build(schema, keys)
                marker = "__NUMBER__"
                if isinstance(last, int):
                    node[:] = [marker]
                else:
                    node[last] = marker
                raw = json.dumps(body).replace(f'"{marker}"', extreme).encode()
                status, kind, answer = call(method.upper(), target, raw)
                counts["sent"] += 1
                where = f"{method.upper()} {path} {field}={extreme}"
                if status >= 500:
                    violations.append(f"{where}: {status} {answer[:200]!r}")
                elif status >= 400:
                    if "problem+json" not in kind:
                        violations.append(f"{where}: {status} not problem+json")
                        continue
                    named = json.loads(answer).get("field")
                    if named == field or (named and field.startswith(named + ".")) or (named and named.startswith(field)):
                        counts["refused naming the field"] += 1
                    else:
                        counts["refused for another field"] += 1
                else:
                    # A batch (invoices) answers 200 and refuses rows one by one, naming the field.
                    rows = json.loads(answer).get("rejected", []) if answer[:1] == b"{" else []
                    if any(row.get("field") == field for row in rows if isinstance(row, dict)):
                        counts["refused naming the field"] += 1
                    else:
                        counts["accepted"] += 1
print("numbers: " + ", ".join(f"{name} {count}" for name, count in counts.items()) + f", violations {len(violations)}")
for violation in violations[:40]:
    print("  " + violation)
sys.exit(1 if violations or counts["sent"] == 0 else 0)
