#!/usr/bin/env python3
"""make_hostile.py OUTDIR — writes the hostile-input corpus: drops that must
never get through the incoming stage (each must end in rejected/ with a
reason).  The files are committed in tests/corpus/hostile/; this generator
documents how each was made and remakes them.  Drops that are not plain
files (links, FIFOs, devices, huge files, half-written files) are made at
test time by tests/integ/hostile_corpus.sh.

Each file is named NN-what-is-wrong.json.
"""
import json, os, sys, copy

out = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
base = json.load(open(os.path.join(here, "..", "..", "config", "samples", "A1001.json")))
files = []

def raw(name, data):
    files.append((name, data if isinstance(data, bytes) else data.encode()))

def mutate(name, path, value, delete=False, oid=None):
    o = copy.deepcopy(base)
    o["order_id"] = oid or "H" + name.split("-")[0]
    d = o
    keys = path.split(".")
    for k in keys[:-1]:
        d = d[k]
    if delete:
        del d[keys[-1]]
    else:
        d[keys[-1]] = value
    raw(name, json.dumps(o, ensure_ascii=False))

def text_with(name, path, placeholder_value, bytes_value):
    """An order whose field holds raw bytes JSON cannot express."""
    o = copy.deepcopy(base)
    o["order_id"] = "H" + name.split("-")[0]
    d = o
    keys = path.split(".")
    for k in keys[:-1]:
        d = d[k]
    d[keys[-1]] = placeholder_value
    s = json.dumps(o, ensure_ascii=False).encode()
    raw(name, s.replace(json.dumps(placeholder_value).encode()[1:-1], bytes_value))

good = json.dumps(base, ensure_ascii=False).encode()
# malformed JSON
raw("01-open-brace.json", "{")
raw("02-close-brace.json", "}")
raw("03-open-bracket.json", "[")
raw("04-missing-value.json", '{"order_id":}')
raw("05-trailing-comma.json", '{"order_id": "H05",}')
raw("06-trailing-garbage.json", good + b" garbage")
raw("07-null.json", "null")
raw("08-true.json", "true")
raw("09-number.json", "123")
raw("10-string.json", '"an order"')
raw("11-array.json", "[]")
raw("12-empty-object.json", "{}")
raw("13-single-quotes.json", "{'order_id': 'H13'}")
raw("14-comment.json", b"// order\n" + good)
raw("15-nan.json", good.replace(b'"age": 5', b'"age": NaN'))
raw("16-duplicate-key.json", good.replace(b'"age": 5', b'"age": 5, "age": 6'))
raw("17-two-objects.json", good + b"\n" + good)
raw("18-utf16.json", good.decode().encode("utf-16"))
# truncated
for i, frac in enumerate([0.1, 0.5, 0.9]):
    raw("%02d-truncated-%d.json" % (19 + i, int(frac * 100)), good[: int(len(good) * frac)])
raw("22-last-byte-cut.json", good[:-1])
# deep nesting
raw("23-deep-array.json", "[" * 100000)
raw("24-deep-meta.json", good.replace(b'"meta": {', b'"meta": {"x":' + b"[" * 5000 + b"]" * 5000 + b', '))
raw("25-deep-object-id.json", '{"order_id": ' + '{"a": ' * 2000 + "1" + "}" * 2000 + "}")
# huge strings (under the size limit; the over-size file is made at test time)
mutate("26-huge-name.json", "child.name", "A" * 200000)
mutate("27-huge-dedication.json", "book.dedication", "love " * 40000)
mutate("28-huge-street.json", "shipping.street1", "x" * 100000)
mutate("29-long-key.json", "meta", {"k" * 100000: 1})
# huge and odd numbers
raw("30-age-1e308.json", good.replace(b'"age": 5', b'"age": 1e308'))
raw("31-age-bignum.json", good.replace(b'"age": 5', b'"age": 99999999999999999999999999'))
mutate("32-age-negative.json", "child.age", -1)
raw("33-pages-1e400.json", good.replace(b'"pages": 24', b'"pages": 1e400'))
mutate("34-pages-float.json", "book.pages", 24.0)
mutate("35-age-fraction.json", "child.age", 5.5)
# NUL bytes
raw("36-raw-nul.json", good.replace(b'"Maya"', b'"Ma\x00ya"'))
mutate("37-escaped-nul.json", "child.name", "Ma\u0000ya")
raw("38-nul-in-key.json", good.replace(b'"age"', b'"a\\u0000ge"'))
# invalid UTF-8
text_with("39-utf8-ff.json", "child.name", "MAYA39", b"Ma\xffya")
text_with("40-utf8-lone-continuation.json", "child.name", "MAYA40", b"Ma\x80ya")
text_with("41-utf8-cut-sequence.json", "child.name", "MAYA41", b"Ma\xe2\x82")
text_with("42-utf8-surrogate.json", "child.name", "MAYA42", b"Ma\xed\xa0\x80ya")
raw("43-escaped-lone-surrogate.json", good.replace(b'"Maya"', b'"Ma\\ud800ya"'))
# overlong UTF-8
text_with("44-overlong-slash-2.json", "child.name", "MAYA44", b"Ma\xc0\xafya")
text_with("45-overlong-slash-3.json", "child.name", "MAYA45", b"Ma\xe0\x80\xafya")
text_with("46-overlong-slash-4.json", "child.name", "MAYA46", b"Ma\xf0\x80\x80\xafya")
text_with("47-overlong-nul.json", "child.name", "MAYA47", b"Ma\xc0\x80ya")
# bidi overrides and isolates
mutate("48-rlo-child.json", "child.name", "Maya\u202eadmin")
mutate("49-rli-customer.json", "customer.name", "Priya \u2067Shah")
mutate("50-lro-shipping.json", "shipping.name", "\u202dPriya Shah")
mutate("51-pdf-mark.json", "child.name", "Ma\u202cya")
# control characters
mutate("52-bell.json", "child.name", "Maya\u0007")
mutate("53-ansi-escape.json", "customer.name", "\u001b[31mPriya")
mutate("54-carriage-return.json", "child.name", "Ma\rya")
mutate("55-tab-in-name.json", "child.name", "Ma\tya")
mutate("56-c1-nel.json", "shipping.city", "Leeds\u0085")
mutate("57-delete.json", "shipping.street1", "14 Larkspur\u007f Road")
mutate("58-newline-in-name.json", "child.name", "Maya\nDROP TABLE")
mutate("59-zero-width-space.json", "child.name", "Ma\u200bya")
# wrong types
raw("60-id-number.json", json.dumps(dict(base, order_id=60)))
mutate("61-customer-array.json", "customer", ["C-1"])
mutate("62-interests-string.json", "child.interests", "dinosaurs")
mutate("63-pages-string.json", "book.pages", "24")
mutate("64-age-bool.json", "child.age", True)
mutate("65-appearance-null.json", "child.appearance", None)
mutate("66-book-missing.json", "book", None, delete=True)
mutate("67-language-number.json", "book.language", 5)
mutate("68-shipping-string.json", "shipping", "14 Larkspur Road, Leeds")
# absurd values
mutate("69-age-1000.json", "child.age", 1000)
mutate("70-pages-zero.json", "book.pages", 0)
mutate("71-pages-million.json", "book.pages", 1000000)
mutate("72-pages-23.json", "book.pages", 23)
mutate("73-interests-empty.json", "child.interests", [])
mutate("74-interests-many.json", "child.interests", ["dinosaurs"] * 1000)
mutate("75-unknown-theme.json", "book.theme", "mars")
mutate("76-unknown-field.json", "book.colour", "red")
# ids that must not become file names
for i, bad in enumerate(["../escape", "a/b", "..", ".hidden", "/etc/passwd", "",
                         "with space", "é", "x" * 65, "CON\u0000"]):
    raw("%02d-id-%d.json" % (77 + i, i), json.dumps(dict(base, order_id=bad), ensure_ascii=False))
# many keys
raw("87-many-keys.json", good.replace(b'"meta": {', b'"meta": {' + b", ".join(b'"k%d": 1' % i for i in range(20000)) + b", "))
raw("88-bom-twice.json", b"\xef\xbb\xbf\xef\xbb\xbf" + good)
# a reason longer than 1023 bytes: 120 problems, each message whole, and the
# count of those past the 50th on the last line
o = copy.deepcopy(base)
o["order_id"] = "H89"
for i in range(120):
    o["book"]["unknown_field_number_%03d" % i] = i
raw("89-long-reason.json", json.dumps(o, ensure_ascii=False))
# a name in a script no installed font covers (Vithkuqi, Unicode 14), and a
# dedication with emoji no font has: they pass every rule of the order
# format but cannot be printed (the fonts of DEB_PKGS lack them)
mutate("90-name-uncovered-script.json", "child.name", "\U00010570\U00010597\U00010597")
mutate("91-dedication-emoji.json", "book.dedication", "For Léa \U0001F995\U0001F389 with love")
mutate("92-dedication-uncovered-script.json", "book.dedication", "\U0001E290\U0001E291 \U0001E292")
mutate("93-name-emoji.json", "child.name", "L\u00e9a\U0001F995")

os.makedirs(out, exist_ok=True)
for name, data in files:
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(len(files), "files written to", out)
