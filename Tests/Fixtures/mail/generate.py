#!/usr/bin/env python3
"""Writes the mail fixture corpus: raw messages (corpus/NNN-name.eml) and what a correct
parse of each says (expected.json). The messages are composed here from templates with
Python's codecs, base64 and quopri, independent of Touchpoint's parser. Run from this
folder: python3 generate.py (the output is committed; rerun after changing this file)."""
import base64, json, os, quopri, random
from email.header import Header

random.seed(2026)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
os.makedirs(OUT, exist_ok=True)
for name in os.listdir(OUT):
    os.remove(os.path.join(OUT, name))

SAMPLES = {
    'utf-8': 'Zażółć gęślą jaźń — € naïve café 日本',
    'iso-8859-1': 'Café crème, naïve façade, Größe ½',
    'iso-8859-2': 'Zażółć gęślą jaźń, Příliš žluťoučký kůň',
    'iso-8859-5': 'Привет, как дела',
    'iso-8859-7': 'Καλημέρα κόσμε',
    'iso-8859-15': 'Prix: 20 € à régler',
    'windows-1250': 'Zażółć gęślą jaźń — „cudzysłów”',
    'windows-1251': 'Счёт за электричество',
    'windows-1252': 'Smart “quotes” and – dashes … €',
    'koi8-r': 'Показания счётчика',
    'iso-2022-jp': '電気料金のお知らせ',
    'shift_jis': '検針のお知らせです',
    'euc-jp': '請求書について',
    'euc-kr': '안녕하세요 고객님',
    'gb2312': '您好，电费账单',
    'gb18030': '电表读数有误',
    'big5': '電費帳單查詢',
}
SEVEN_BIT = {'iso-2022-jp'}
cases = []
counter = [0]


def write(name, raw, **expected):
    counter[0] += 1
    file = f'{counter[0]:03d}-{name}.eml'
    with open(os.path.join(OUT, file), 'wb') as handle:
        handle.write(raw)
    expected.setdefault('error', None)
    cases.append(dict(file=file, **expected))


def crlf(text):
    return text.replace('\r\n', '\n').replace('\n', '\r\n')


def encode_body(data, cte):
    if cte == 'base64':
        return base64.encodebytes(data).replace(b'\n', b'\r\n')
    if cte == 'quoted-printable':
        return quopri.encodestring(data).replace(b'\n', b'\r\n')
    return data.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')


def headers(sender='Jan Kowalski <jan@example.org>', subject='Meter', extra=''):
    return crlf(f'From: {sender}\nTo: support@acme.example\nSubject: {subject}\nDate: Tue, 24 Nov 2026 10:00:00 +0100\n'
                f'Message-ID: <{random.getrandbits(64):x}@example.org>\nMIME-Version: 1.0\n{extra}')


# 1. Every charset in every transfer encoding, in the body and in an encoded-word subject.
for charset, text in SAMPLES.items():
    for cte in ['8bit', 'quoted-printable', 'base64']:
        if charset in SEVEN_BIT and cte == '8bit':
            cte = '7bit'
        body = (text + '\n\nLine two of the message.\n').encode(charset)
        for mode in 'BQ':
            subject = Header(text, charset).encode() if mode == 'B' else \
                '=?' + charset + '?Q?' + ''.join(c if c.isalnum() and ord(c) < 128 else ''.join(f'={b:02X}' for b in c.encode(charset)) for c in text) + '?='
            raw = headers(subject=subject, extra=f'Content-Type: text/plain; charset="{charset}"\nContent-Transfer-Encoding: {cte}\n').encode() + b'\r\n' + encode_body(body, cte)
            write(f'charset-{charset}-{cte}-{mode}', raw, sender='jan@example.org', subject=text, textContains=[text, 'Line two'],
                  html=False, attachments=[], automatic=False, bounce=False)

# 2. Structures: alternative, HTML only, related with an inline image, mixed with attachments,
#    attached messages, nested deeply, RFC 2231 file names.
png = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==')
for index in range(20):
    words = ' '.join(random.choice(['meter', 'invoice', 'tariff', 'visit', 'refund', 'balance']) for _ in range(12))
    kind = index % 5
    if kind == 0:
        raw = headers(subject=f'Alternative {index}', extra='Content-Type: multipart/alternative; boundary="alt"\n').encode() + crlf(
            f'\nThis is a multi-part message.\n--alt\nContent-Type: text/plain; charset=utf-8\n\nPlain {words}\n--alt\n'
            f'Content-Type: text/html; charset=utf-8\n\n<p>HTML <b>{words}</b></p><script>alert(1)</script>\n--alt--\n').encode()
        write(f'alternative-{index}', raw, sender='jan@example.org', subject=f'Alternative {index}', textContains=[f'Plain {words}'],
              html=True, htmlLacks=['<script'], attachments=[], automatic=False, bounce=False)
    elif kind == 1:
        raw = headers(subject=f'HTML only {index}', extra='Content-Type: text/html; charset=utf-8\n').encode() + crlf(
            f'\n<html><body><h1>Title</h1><p>{words}</p><ul><li>first</li><li>second</li></ul><img src=x onerror="steal()"></body></html>\n').encode()
        write(f'html-only-{index}', raw, sender='jan@example.org', subject=f'HTML only {index}', textContains=[words, 'first', 'second'],
              html=True, htmlLacks=['onerror', 'steal'], attachments=[], automatic=False, bounce=False)
    elif kind == 2:
        raw = headers(subject=f'Related {index}', extra='Content-Type: multipart/related; boundary="rel"\n').encode() + crlf(
            f'\n--rel\nContent-Type: text/html; charset=utf-8\n\n<p>{words} <img src="cid:img{index}@x"></p>\n--rel\n'
            f'Content-Type: image/png\nContent-ID: <img{index}@x>\nContent-Transfer-Encoding: base64\n\n').encode() \
            + base64.encodebytes(png).replace(b'\n', b'\r\n') + b'--rel--\r\n'
        write(f'related-{index}', raw, sender='jan@example.org', subject=f'Related {index}', textContains=[words], html=True,
              attachments=[['attachment-1.png', len(png)]], automatic=False, bounce=False)
    elif kind == 3:
        name = random.choice(['Rechnung März 2026.pdf', 'счёт.pdf', 'faktura żółta.pdf', '請求書.pdf'])
        encoded = "utf-8''" + ''.join(c if c.isascii() and (c.isalnum() or c in '.-_') else ''.join(f'%{b:02X}' for b in c.encode()) for c in name)
        data = bytes(random.getrandbits(8) for _ in range(300 + index))
        raw = headers(subject=f'Mixed {index}', extra='Content-Type: multipart/mixed; boundary="mix"\n').encode() + crlf(
            f'\n--mix\nContent-Type: text/plain; charset=utf-8\n\nSee the attachment: {words}\n--mix\n'
            f'Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*0*={encoded[:20]};\n filename*1*={encoded[20:]}\n'
            'Content-Transfer-Encoding: base64\n\n').encode() + base64.encodebytes(data).replace(b'\n', b'\r\n') + b'--mix--\r\n'
        write(f'mixed-{index}', raw, sender='jan@example.org', subject=f'Mixed {index}', textContains=[words], html=False,
              attachments=[[name, len(data)]], automatic=False, bounce=False)
    else:
        inner = crlf(f'From: original@example.net\nSubject: Inner {index}\n\nInner text {words}\n')
        raw = headers(sender='agent@acme.example', subject=f'Fwd: Inner {index}', extra='Content-Type: multipart/mixed; boundary="fw"\n').encode() + crlf(
            f'\n--fw\nContent-Type: text/plain\n\nForwarding this one.\n--fw\nContent-Type: message/rfc822\n\n{inner}--fw--\n').encode()
        write(f'forward-attached-{index}', raw, sender='agent@acme.example', subject=f'Fwd: Inner {index}', textContains=['Forwarding this one.'],
              textLacks=['Inner text'], html=False, attachments=[['attachment-1.eml', len(inner.encode()) - 2]], automatic=False, bounce=False,
              forwardedFrom='original@example.net')

# 3. Machine mail and bounces.
machine = [('Auto-Submitted: auto-replied\n', 'auto-submitted'), ('Precedence: bulk\n', 'precedence-bulk'), ('Precedence: junk\n', 'precedence-junk'),
           ('X-Autoreply: yes\n', 'x-autoreply'), ('X-Autorespond: on\n', 'x-autorespond'), ('List-Id: <news.example.org>\n', 'list-id'),
           ('List-Unsubscribe: <mailto:u@example.org>\n', 'list-unsubscribe'), ('Return-Path: <>\n', 'null-return-path')]
for index in range(24):
    header, name = machine[index % len(machine)]
    raw = headers(subject=f'Automatic {index}', extra=header + 'Content-Type: text/plain\n').encode() + b'\r\nI am out of the office.\r\n'
    write(f'machine-{name}-{index}', raw, sender='jan@example.org', subject=f'Automatic {index}', textContains=['out of the office'],
          html=False, attachments=[], automatic=True, bounce=False)
for index, daemon in enumerate(['MAILER-DAEMON@mx.example.org', 'postmaster@example.net', 'noreply@shop.example', 'no-reply@bank.example']):
    raw = headers(sender=daemon, subject=f'Notice {index}', extra='Content-Type: text/plain\n').encode() + b'\r\nNotice.\r\n'
    write(f'machine-sender-{index}', raw, sender=daemon.lower(), subject=f'Notice {index}', textContains=['Notice.'], html=False,
          attachments=[], automatic=True, bounce=False)
for index in range(12):
    status = ['5.1.1', '5.2.2', '4.4.1', '5.7.1'][index % 4]
    action = 'delayed' if status.startswith('4') else 'failed'
    raw = headers(sender='MAILER-DAEMON@mx.example.org', subject='Undelivered Mail Returned to Sender',
                  extra='Content-Type: multipart/report; report-type=delivery-status; boundary="rep"\n').encode() + crlf(
        f'\n--rep\nContent-Type: text/plain\n\nDelivery failed.\n--rep\nContent-Type: message/delivery-status\n\n'
        f'Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; customer{index}@example.org\nAction: {action}\nStatus: {status}\n'
        f'Diagnostic-Code: smtp; 550 {status} problem\n\n--rep\nContent-Type: text/rfc822-headers\n\nMessage-ID: <tp.{index}.abc.def@acme.example>\n'
        f'Subject: Re: Meter\n\n--rep--\n').encode()
    returned = len(crlf(f'Message-ID: <tp.{index}.abc.def@acme.example>\nSubject: Re: Meter\n'))
    write(f'bounce-{index}', raw, sender='mailer-daemon@mx.example.org', subject='Undelivered Mail Returned to Sender', textContains=['Delivery failed.'],
          html=False, attachments=[['attachment-1.txt', returned]], automatic=True, bounce=True, bounced=[f'customer{index}@example.org', action, status],
          bouncedMessageId=f'tp.{index}.abc.def@acme.example')

# 4. Threading: references, case tags, reply prefixes in several languages.
prefixes = ['Re: ', 'RE: ', 'AW: ', 'Odp: ', 'SV: ', 'Re[2]: ', 'Fwd: ', 'WG: ', 'TR: ', 'Re: Fwd: ']
for index in range(30):
    number = 100 + index
    prefix = prefixes[index % len(prefixes)]
    tag = f'[Acme #{number}]' if index % 3 else f'[ acme # {number} ]'
    refs = [f'r{index}-{n}@example.org' for n in range(index % 4)]
    extra = ''
    if refs:
        extra = f'In-Reply-To: <{refs[-1]}>\nReferences: ' + '\n '.join(f'<{r}>' for r in refs) + '\n'
    subject = f'{prefix}{tag} Meter question {index}'
    raw = headers(subject=subject, extra=extra + 'Content-Type: text/plain\n').encode() + crlf(f'\nThanks.\n\nOn Mon, 23 Nov 2026, Acme wrote:\n> earlier {index}\n').encode()
    write(f'thread-{index}', raw, sender='jan@example.org', subject=subject, textContains=['Thanks.'], freshText='Thanks.', html=False,
          attachments=[], automatic=False, bounce=False, caseNumber=number, references=list(reversed(refs)),
          threadSubject=f'{tag} Meter question {index}')

# 5. Broken and hostile input: lying charsets, broken encodings, missing boundaries, no headers.
broken = [
    ('lying-ascii', 'Content-Type: text/plain; charset=us-ascii\n', 'Zażółć gęślą'.encode('utf-8'), 'Zażółć gęślą'),
    ('unknown-charset', 'Content-Type: text/plain; charset=x-unknown-42\n', 'Grüße aus Köln'.encode('utf-8'), 'Grüße aus Köln'),
    ('latin1-as-utf8', 'Content-Type: text/plain; charset=utf-8\n', 'Café crème'.encode('iso-8859-1'), 'Caf'),
    ('broken-base64', 'Content-Type: text/plain\nContent-Transfer-Encoding: base64\n', b'SGVsbG8g!!d29y*bGQ=\r\n===', 'Hello'),
    ('broken-qp', 'Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n', b'Soft =\r\nbreak and =ZZ bad =3D good', 'Soft break and'),
    ('no-closing-boundary', 'Content-Type: multipart/mixed; boundary="b"\n', b'--b\r\nContent-Type: text/plain\r\n\r\nUnclosed part\r\n', 'Unclosed part'),
    ('no-boundary', 'Content-Type: multipart/mixed\n', b'Body without a boundary parameter', None),
    ('encoded-word-split', 'Content-Type: text/plain\n', b'plain', 'plain'),
    ('long-line', 'Content-Type: text/plain\n', b'x' * 5000 + b'\r\nend', 'end'),
    ('nul-bytes', 'Content-Type: text/plain\n', b'before\x00after', 'before'),
]
for index, (name, extra, body, contains) in enumerate(broken * 2):
    subject = '=?utf-8?q?Split_subj?= =?utf-8?q?ect_here?=' if name == 'encoded-word-split' else f'Broken {name}'
    raw = headers(subject=subject, extra=extra).encode() + b'\r\n' + body
    write(f'broken-{name}-{index}', raw, sender='jan@example.org', subject='Split subject here' if name == 'encoded-word-split' else f'Broken {name}',
          textContains=[contains] if contains else [], html=False, attachments=None, automatic=False, bounce=False)
for index in range(4):
    write(f'no-headers-{index}', b'\r\nJust a body line ' + str(index).encode() + b'\r\n', error='noHeaders')
    write(f'no-sender-{index}', crlf(f'Subject: who am I {index}\n\nnobody\n').encode(), error='noSender', envelope='')
    write(f'envelope-sender-{index}', crlf(f'Subject: envelope {index}\n\nbody {index}\n').encode(), sender=f'env{index}@example.org',
          subject=f'envelope {index}', textContains=[f'body {index}'], html=False, attachments=[], automatic=False, bounce=False,
          envelope=f'Env{index}@Example.org')
    raw = crlf(f'From: "Doe, John" <john@example.org>, second@example.org\nTo: undisclosed-recipients:;\nSubject:  folded\n  subject {index}\n\nbody\n').encode()
    write(f'address-list-{index}', raw, sender='john@example.org', senderName='Doe, John', subject=f'folded subject {index}', textContains=['body'],
          html=False, attachments=[], automatic=False, bounce=False)

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'expected.json'), 'w') as handle:
    json.dump(cases, handle, indent=1, ensure_ascii=False)
print(f'{len(cases)} messages')
