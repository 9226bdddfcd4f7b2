"""Times console and portal pages against a running server (see console.sh)."""
import http.cookiejar
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

base, requests, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def session():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def csrf(html):
    return re.search(r'name="csrf" value="([^"]*)"', html).group(1)


def post(opener, path, fields):
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(base + path, data=data, headers={"Origin": base})
    return opener.open(request).read().decode()


staff = session()
form = staff.open(base + "/console/login").read().decode()
inbox = post(staff, "/console/login", {"csrf": csrf(form), "email": "agent1@acme.example", "password": "touchpoint-demo", "next": "/console"})
case_path = re.search(r'href="(/console/cases/\d+)"', inbox).group(1)
case = staff.open(base + case_path).read().decode()
contact_path = re.search(r'href="(/console/contacts/[^"]+)"', case).group(1)
account_path = re.search(r'href="(/console/accounts/[^"]+)"', case).group(1)

admin = session()
form = admin.open(base + "/console/login").read().decode()
post(admin, "/console/login", {"csrf": csrf(form), "email": "admin@acme.example", "password": "touchpoint-demo", "next": "/console"})

customer = session()
email = re.search(r"(?i)email: ([^<\s]+)", case).group(1)
form = customer.open(base + "/portal/acme/login").read().decode()
post(customer, "/portal/acme/login", {"csrf": csrf(form), "email": email})
time.sleep(0.5)
link = re.findall(r"url=(http://\S+/portal/acme/link/\S+)", open(log).read())[-1]
confirm = customer.open(link).read().decode()
token = link.rsplit("/", 1)[1]
home = post(customer, "/portal/acme/link", {"csrf": csrf(confirm), "token": token})
portal_case = re.search(r'href="(/portal/acme/cases/\d+)"', home).group(1)

pages = [
    ("inbox: my cases", staff, "/console"),
    ("inbox: all open", staff, "/console?view=open"),
    ("inbox: SLA at risk", staff, "/console?view=sla"),
    ("inbox: all", staff, "/console?view=all"),
    ("inbox: search", staff, "/console?view=all&q=meter"),
    ("queues", staff, "/console/queues"),
    ("notifications", staff, "/console/notifications"),
    ("help articles", staff, "/console/kb"),
    ("service models", admin, "/console/admin/models"),
    ("case page", staff, case_path),
    ("contact page", staff, contact_path),
    ("account page", staff, account_path),
    ("portal: requests", customer, "/portal/acme"),
    ("portal: request", customer, portal_case),
]


def timed(opener, path):
    start = time.perf_counter()
    body = opener.open(base + path).read()
    assert len(body) > 500, path
    return (time.perf_counter() - start) * 1000


print(f"{'page':22} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'pages/s (1)':>12} {'pages/s (8)':>12}")
for name, opener, path in pages:
    for _ in range(10):
        timed(opener, path)
    start = time.perf_counter()
    serial = sorted(timed(opener, path) for _ in range(requests))
    rate1 = requests / (time.perf_counter() - start)
    start = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: timed(opener, path), range(requests)))
    rate8 = requests / (time.perf_counter() - start)
    p50 = statistics.median(serial)
    p95 = serial[min(len(serial) - 1, int(len(serial) * 0.95))]
    p99 = serial[min(len(serial) - 1, int(len(serial) * 0.99))]
    print(f"{name:22} {p50:8.1f} {p95:8.1f} {p99:8.1f} {rate1:12.0f} {rate8:12.0f}")
