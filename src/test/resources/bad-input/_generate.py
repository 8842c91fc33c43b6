#!/usr/bin/env python3
"""Writes the hostile-input corpus that BadInputCorpusTest posts to every ingestion endpoint.

Run from this folder: python3 _generate.py. It removes every corpus file (*.json, *.bin) and
writes them again. One file per case; the name says what it is. .json files are text (maybe not
valid JSON); .bin files hold raw bytes that are not valid UTF-8 or not UTF-8 at all.
Files whose name starts with "_" are not part of the corpus.
"""
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
KB = 1024


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    path = os.path.join(HERE, name)
    with open(path, "wb") as f:
        f.write(data)


def j(value):
    return json.dumps(value, ensure_ascii=False)


for old in glob.glob(os.path.join(HERE, "*.json")) + glob.glob(os.path.join(HERE, "*.bin")):
    os.remove(old)

VALID_TRACK = ('{"type": "track", "event": "corpus_event", "userId": "corpus-user", "messageId": "corpus-cut", '
               '"properties": {"plan": "pro", "revenue": 12.5, "tags": ["a", "b"], "flag": true, "note": "caf\\u00e9"}, '
               '"timestamp": "2024-05-01T12:00:00Z"}')
VALID_IMPRESSIONS = '[{"f": "corpus_flag", "i": [{"k": "corpus-user", "t": "on", "m": 1712345678901, "c": 1712345000000, "r": "default rule", "b": "b-1", "pt": 1712345670000}]}]'


def upto(text, marker, extra=0):
    """The text up to and including the first occurrence of marker, plus `extra` characters."""
    i = text.index(marker) + len(marker) + extra
    return text[:i]


# ---- cut-off JSON -------------------------------------------------------------------------
write("cut-off-01-after-open-brace.json", "{")
write("cut-off-02-inside-first-key.json", '{"typ')
write("cut-off-03-after-first-key.json", '{"type"')
write("cut-off-04-after-colon.json", '{"type":')
write("cut-off-05-inside-string-value.json", '{"type": "tra')
write("cut-off-06-inside-backslash-escape.json", '{"type": "track", "event": "a\\')
write("cut-off-07-inside-unicode-escape.json", '{"type": "track", "event": "caf\\u00')
write("cut-off-08-inside-decimal-number.json", upto(VALID_TRACK, '"revenue": 12.'))
write("cut-off-09-inside-exponent.json", upto(VALID_TRACK, '"revenue": ') + "1e")
write("cut-off-10-inside-true-literal.json", upto(VALID_TRACK, '"flag": tr'))
write("cut-off-11-inside-nested-array.json", upto(VALID_TRACK, '"tags": ["a", '))
write("cut-off-12-after-comma.json", upto(VALID_TRACK, '"userId": "corpus-user",'))
write("cut-off-13-before-last-brace.json", VALID_TRACK[:-1])
write("cut-off-14-array-after-first-message.json", "[" + VALID_TRACK + ",")
write("cut-off-15-array-inside-second-message.json", "[" + VALID_TRACK + ', {"type": "identify", "userId": "u')
write("cut-off-16-batch-inside-array.json", '{"batch": [' + VALID_TRACK + ', {"type": "tr')
write("cut-off-17-batch-missing-closing-brace.json", '{"batch": [' + VALID_TRACK + "]")
write("cut-off-18-bare-open-bracket.json", "[")
write("cut-off-19-inside-multibyte-utf8-char.bin", b'{"type": "track", "event": "caf\xc3')
write("cut-off-20-impressions-inside-impression.json", upto(VALID_IMPRESSIONS, '"m": 1712345678901'))
write("cut-off-21-impressions-before-last-bracket.json", VALID_IMPRESSIONS[:-1])

# ---- nesting 5,000 levels deep (and just under the parser's limit) ------------------------
N = 5000
deep_arrays = "[" * N + "]" * N
deep_objects = '{"a":' * N + "1" + "}" * N
write("deep-5000-arrays-top-level.json", deep_arrays)
write("deep-5000-objects-top-level.json", deep_objects)
write("deep-5000-arrays-unclosed.json", "[" * N)
write("deep-5000-objects-unclosed.json", '{"a":' * N)
write("deep-5000-mixed-arrays-and-objects.json", '[{"a":' * (N // 2) + "1" + "}]" * (N // 2))
write("deep-5000-arrays-in-properties.json",
      '{"type": "track", "event": "deep", "userId": "corpus-deep", "properties": {"x": ' + deep_arrays + "}}")
write("deep-5000-objects-in-properties.json",
      '{"type": "track", "event": "deep", "userId": "corpus-deep", "properties": ' + deep_objects + "}")
write("deep-5000-objects-in-traits.json",
      '{"type": "identify", "userId": "corpus-deep", "traits": ' + deep_objects + "}")
write("deep-5000-arrays-in-batch-message.json",
      '{"batch": [{"type": "track", "event": "deep", "userId": "corpus-deep", "properties": {"x": ' + deep_arrays + "}}]}")
write("deep-5000-objects-in-batch-context.json",
      '{"batch": [' + VALID_TRACK.replace("corpus-cut", "corpus-deep-context") + '], "context": ' + deep_objects + "}")
write("deep-5000-arrays-as-array-element.json", "[" + VALID_TRACK.replace("corpus-cut", "corpus-deep-element") + ", " + deep_arrays + "]")
write("deep-5000-objects-in-impression.json",
      '[{"f": "corpus_flag", "i": [{"k": "corpus-user", "t": "on", "m": 1712345678901, "x": ' + deep_objects + "}]}]")
M = 190  # the Segment parser allows 200 levels: these are read, and must be mapped or dropped
write("deep-190-objects-in-properties.json",
      '{"type": "track", "event": "deep", "userId": "corpus-deep-190", "messageId": "corpus-deep-190-props", "properties": '
      + '{"a":' * M + "1" + "}" * M + "}")
write("deep-190-arrays-in-traits.json",
      '{"type": "identify", "userId": "corpus-deep-190", "messageId": "corpus-deep-190-traits", "traits": {"x": '
      + "[" * M + "]" * M + "}}")
write("deep-190-objects-in-group-traits-split.json",
      '{"type": "group", "userId": "corpus-deep-190", "messageId": "corpus-deep-190-group", "traits": {"split": '
      + '{"a":' * M + "1" + "}" * M + "}}")

# ---- big strings and bodies -----------------------------------------------------------------
big = "x" * (400 * KB)
write("big-400kb-string-in-single-message.json",
      '{"type": "track", "event": "big", "userId": "corpus-big", "messageId": "corpus-big-single", "properties": {"blob": "'
      + big + '"}}')
write("big-400kb-string-in-batch-beside-a-valid-message.json",
      '{"batch": [{"type": "track", "event": "big", "userId": "corpus-big", "messageId": "corpus-big-in-batch", '
      '"properties": {"blob": "' + big + '"}}, '
      '{"type": "track", "event": "small", "userId": "corpus-big", "messageId": "corpus-big-neighbour"}]}')
parts = []
i = 0
while sum(len(p) + 1 for p in parts) < 600 * KB:
    parts.append('{"type": "track", "event": "bulk", "userId": "corpus-600kb", "messageId": "corpus-600kb-%d", '
                 '"properties": {"blob": "%s"}}' % (i, "y" * (15 * KB)))
    i += 1
write("big-600kb-body-over-500kb.json", "[" + ",".join(parts) + "]")
write("long-userId-251-chars.json", '{"type": "identify", "userId": "' + "u" * 251 + '", "messageId": "corpus-long-uid"}')
write("long-userId-20kb-in-batch.json", '{"batch": [{"type": "track", "event": "e", "userId": "' + "u" * (20 * KB)
      + '", "messageId": "corpus-long-uid-20kb"}]}')
write("long-messageId-201-chars.json", '{"type": "track", "event": "e", "userId": "corpus-long", "messageId": "' + "m" * 201 + '"}')
write("long-messageId-20kb.json", '{"type": "track", "event": "e", "userId": "corpus-long", "messageId": "' + "m" * (20 * KB) + '"}')
write("long-event-81-chars.json", '{"type": "track", "event": "' + "e" * 81 + '", "userId": "corpus-long", "messageId": "corpus-long-event"}')
write("long-page-name-20kb.json", '{"type": "page", "name": "' + "p" * (20 * KB) + '", "userId": "corpus-long", "messageId": "corpus-long-page"}')
write("long-trait-name-256-chars.json", '{"type": "identify", "userId": "corpus-long", "messageId": "corpus-long-trait-name", "traits": {"'
      + "t" * 256 + '": 1, "ok": 2}}')
write("long-trait-value-256-chars.json", '{"type": "identify", "userId": "corpus-long", "messageId": "corpus-long-trait-value", "traits": {"bio": "'
      + "b" * 256 + '", "ok": 2}}')
write("long-trait-value-255-nul-escapes.json", '{"type": "identify", "userId": "corpus-long", "messageId": "corpus-long-nul-trait", "traits": {"bio": "'
      + "\\u0000" * 255 + '"}}')
write("long-trait-value-255-quotes-in-object.json", '{"type": "identify", "userId": "corpus-long", "messageId": "corpus-long-quote-trait", "traits": {"o": {"q": "'
      + '\\"' * 240 + '"}}}')
write("long-property-key-20kb.json", '{"type": "track", "event": "e", "userId": "corpus-long", "messageId": "corpus-long-prop-key", "properties": {"'
      + "k" * (20 * KB) + '": 1}}')
write("long-group-key-251-chars.json", '{"type": "group", "userId": "corpus-long", "messageId": "corpus-long-group", "groupId": "'
      + "g" * 251 + '", "traits": {"split": {"account": "' + "a" * 251 + '"}}}')
write("many-properties-301.json", '{"type": "track", "event": "e", "userId": "corpus-many", "messageId": "corpus-many-props", "properties": {'
      + ", ".join('"p%d": %d' % (n, n) for n in range(301)) + "}}")
write("many-split-pairs-1000.json", '{"type": "track", "event": "e", "userId": "corpus-many", "messageId": "corpus-many-split", "properties": {"split": ['
      + ", ".join('{"account": "acct-%d"}' % n for n in range(1000)) + "]}}")
prefix = "p" * 2000
write("properties-flattening-over-32kb.json", '{"type": "track", "event": "e", "userId": "corpus-flat", "messageId": "corpus-flatten-32kb", "properties": {"'
      + prefix + '": {' + ", ".join('"c%d": 1' % n for n in range(20)) + "}}}")
write("properties-flattening-over-32kb-in-batch.json", '{"batch": [{"type": "page", "name": "home", "userId": "corpus-flat", "messageId": "corpus-flatten-32kb-page", "properties": {"'
      + prefix + '": {' + ", ".join('"c%d": 1' % n for n in range(20)) + "}}}]}")

# ---- every field of every message type with the wrong type -----------------------------------
TYPES = ["identify", "track", "page", "screen", "group", "alias"]
FIELDS = ["type", "userId", "anonymousId", "messageId", "event", "properties", "traits", "name", "groupId",
          "timestamp", "originalTimestamp", "sentAt", "context", "integrations"]
WRONG = {"number": 12345, "array": [1, "two", None], "object": {"nested": {"x": 1}}, "bool": True, "null": None}


def good_message(kind, field, wrong_name):
    m = {"type": kind, "userId": "corpus-wt-user", "anonymousId": "corpus-wt-anon",
         "messageId": "corpus-wt-%s-%s-%s" % (field, wrong_name, kind),
         "timestamp": "2024-05-01T12:00:00Z", "originalTimestamp": "2024-05-01T11:59:59Z", "sentAt": "2024-05-01T12:00:01Z",
         "context": {"library": {"name": "corpus", "version": "1"}}, "integrations": {"All": True}}
    if kind == "identify":
        m["traits"] = {"plan": "pro", "seats": 3}
    elif kind == "track":
        m["event"] = "corpus_wt_event"
        m["properties"] = {"revenue": 9.5, "plan": "pro"}
    elif kind in ("page", "screen"):
        m["name"] = "corpus wt view"
        m["properties"] = {"path": "/x"}
    elif kind == "group":
        m["groupId"] = "corpus-wt-group"
        m["traits"] = {"industry": "retail", "split": {"account": "corpus-wt-account"}}
    elif kind == "alias":
        m["previousId"] = "corpus-wt-previous"
    return m


for field in FIELDS:
    for wrong_name, wrong in WRONG.items():
        messages = []
        for kind in TYPES:
            m = good_message(kind, field, wrong_name)
            m[field] = wrong
            messages.append(m)
        write("wrong-type-%s-as-%s.json" % (field, wrong_name), json.dumps(messages))
for field, value in [("context", 5), ("context", [1]), ("context", "ctx"), ("integrations", [True]), ("integrations", 0),
                     ("sentAt", {"at": 1}), ("sentAt", 17), ("writeKey", 5), ("writeKey", {"k": 1})]:
    name = "%s-as-%s" % (field, type(value).__name__.replace("list", "array").replace("dict", "object").replace("str", "string").replace("int", "number"))
    message = good_message("track", "envelope", name)
    message.pop(field, None)  # so that the envelope's value is the one merged in
    write("batch-envelope-%s.json" % name, json.dumps({"batch": [message], field: value}))

# impressions (contract 5.1): every field of the SDK bulk format with the wrong type
IMP_FIELDS = {"f": None, "i": None, "k": "imp", "t": "imp", "m": "imp", "c": "imp", "r": "imp", "b": "imp", "pt": "imp"}
for field in IMP_FIELDS:
    for wrong_name, wrong in WRONG.items():
        group = {"f": "corpus_flag", "i": [{"k": "corpus-imp-user", "t": "on", "m": 1712345678901, "c": 1712345000000,
                                             "r": "default rule", "b": "b-1", "pt": 1712345670000}]}
        if field in ("f", "i"):
            group[field] = wrong
        else:
            group["i"][0][field] = wrong
        write("impressions-wrong-type-%s-as-%s.json" % (field, wrong_name), json.dumps([group]))
write("impressions-element-not-object.json", '[1, "x", null]')
write("impressions-impression-not-object.json", '[{"f": "corpus_flag", "i": [1, "x", null]}]')
write("impressions-empty-groups.json", '[{"f": "corpus_flag", "i": []}]')
write("impressions-valid.json", VALID_IMPRESSIONS)

# ---- odd Unicode -------------------------------------------------------------------------------
def track_with(user="corpus-unicode", event="corpus_unicode", extra=""):
    return ('{"type": "track", "event": "%s", "userId": "%s"%s}' % (event, user, extra))


write("unicode-lone-high-surrogate-escape-in-userId.json", track_with(user="\\ud800", extra=', "messageId": "corpus-u-high"'))
write("unicode-lone-low-surrogate-escape-in-event.json", track_with(event="\\udc00", extra=', "messageId": "corpus-u-low"'))
write("unicode-lone-surrogate-escapes-in-property-key-and-value.json",
      track_with(extra=', "messageId": "corpus-u-props", "properties": {"\\ud800": "\\udbff", "k": "a\\ud800b"}'))
write("unicode-lone-surrogate-escapes-in-trait-name-and-value.json",
      '{"type": "identify", "userId": "corpus-unicode", "messageId": "corpus-u-traits", "traits": {"\\udfff": "\\ud800", "ok": 1}}')
write("unicode-reversed-surrogate-pair-escape-in-messageId-and-key.json",
      track_with(user="\\udc00\\ud800", extra=', "messageId": "\\udc00\\ud800"'))
write("unicode-lone-surrogate-escape-in-page-name.json",
      '{"type": "page", "name": "\\ud800", "userId": "corpus-unicode", "messageId": "corpus-u-page"}')
write("unicode-lone-surrogate-escape-in-impression.json",
      '[{"f": "\\ud800", "i": [{"k": "\\udc00", "t": "\\ud800on", "m": 1712345678901, "r": "\\udbff", "b": "\\ud800"}]}]')
write("unicode-invalid-utf8-c3-28-in-value.bin", b'{"type": "track", "event": "e", "userId": "corpus-\xc3\x28", "messageId": "corpus-u-c328"}')
write("unicode-invalid-utf8-ff-in-value.bin", b'{"type": "track", "event": "e\xff", "userId": "corpus-unicode", "messageId": "corpus-u-ff"}')
write("unicode-invalid-utf8-ff-in-key.bin", b'{"type": "identify", "userId": "corpus-unicode", "messageId": "corpus-u-ffkey", "traits": {"\xff": 1}}')
write("unicode-invalid-utf8-c3-28-in-batch.bin",
      b'{"batch": [{"type": "track", "event": "e", "userId": "corpus-unicode", "messageId": "corpus-u-batch\xc3\x28"}]}')
write("unicode-invalid-utf8-ff-as-whole-body.bin", b"\xff")
write("unicode-invalid-utf8-ff-fe-bytes-body.bin", b"\xff\xfe\xff\xfe")
write("unicode-invalid-utf8-overlong-slash-c0-af.bin", b'{"type": "track", "event": "e\xc0\xaf", "userId": "corpus-unicode"}')
write("unicode-invalid-utf8-encoded-surrogate-ed-a0-80.bin", b'{"type": "track", "event": "e", "userId": "corpus-\xed\xa0\x80"}')
write("unicode-invalid-utf8-in-impression.bin", b'[{"f": "corpus_flag\xff", "i": [{"k": "\xc3\x28", "t": "on", "m": 1712345678901}]}]')
write("unicode-nul-escapes-in-keys-and-values.json",
      '[{"type": "track", "event": "e\\u0000", "userId": "corpus-nul", "messageId": "corpus-u-nul-1", "properties": {"\\u0000": "\\u0000", "a\\u0000b": 1}},'
      ' {"type": "identify", "userId": "corpus-nul\\u0000", "messageId": "corpus-u-nul-2", "traits": {"\\u0000": "\\u0000x", "n\\u0000": "v"}},'
      ' {"type": "track", "event": "e", "userId": "\\u0000", "messageId": "\\u0000"},'
      ' {"type\\u0000": "track", "event": "e", "userId": "corpus-nul", "messageId": "corpus-u-nul-4"},'
      ' {"type": "track\\u0000", "event": "e", "userId": "corpus-nul", "messageId": "corpus-u-nul-5"}]')
write("unicode-nul-escapes-in-impression.json",
      '[{"f": "flag\\u0000", "i": [{"k": "\\u0000", "t": "on\\u0000", "m": 1712345678901, "r": "\\u0000", "b": "\\u0000"}]}]')
write("unicode-raw-nul-byte-inside-string.bin", b'{"type": "track", "event": "e\x00", "userId": "corpus-unicode"}')
write("unicode-raw-nul-byte-between-tokens.bin", b'{"type": "track",\x00 "event": "e", "userId": "corpus-unicode"}')
write("unicode-raw-control-chars-inside-string.json", '{"type": "track", "event": "e\x01\x1f\t", "userId": "corpus-unicode"}')
write("unicode-rtl-marks.json",
      '[{"type": "track", "event": "sign\u202eup", "userId": "\u202ecorpus-rtl\u200f", "messageId": "corpus-u-rtl-1"},'
      ' {"type": "identify", "userId": "\u200fcorpus-rtl", "messageId": "corpus-u-rtl-2", "traits": {"\u202ename": "\u202b\u0627\u0644\u0627\u0633\u0645\u202c"}},'
      ' {"type": "page", "name": "\u200f\u05e9\u05dc\u05d5\u05dd", "userId": "corpus-rtl", "messageId": "corpus-u-rtl-3", "properties": {"\u202e": "\u202d"}}]')
write("unicode-emoji.json",
      '[{"type": "track", "event": "\U0001F680launch", "userId": "\U0001F469\u200d\U0001F4BB", "messageId": "corpus-u-emoji-1", "properties": {"\U0001F600": "\U0001F600", "revenue": "\U0001F4B0"}},'
      ' {"type": "identify", "userId": "\U0001F469\u200d\U0001F4BB", "messageId": "corpus-u-emoji-2", "traits": {"mood": "' + "\U0001F600" * 128 + '", "flag": "\U0001F1EB\U0001F1F7"}},'
      ' {"type": "page", "name": "\U0001F3E0", "userId": "' + "\U0001F600" * 126 + '", "messageId": "corpus-u-emoji-3"},'
      ' {"type": "screen", "name": "home", "userId": "' + "\U0001F600" * 125 + '", "messageId": "corpus-u-emoji-4"}]')
write("unicode-zero-width-and-line-separators.json",
      '[{"type": "track", "event": "sign\u200bup", "userId": "corpus-zw\ufeff", "messageId": "corpus-u-zw-1"},'
      ' {"type": "identify", "userId": "corpus-zw", "messageId": "corpus-u-zw-2", "traits": {"a\u2028b": "c\u2029d"}}]')
write("unicode-bom-before-body.bin", b"\xef\xbb\xbf" + VALID_TRACK.replace("corpus-cut", "corpus-u-bom").encode())
write("unicode-utf16le-body-with-bom.bin", b"\xff\xfe" + VALID_TRACK.replace("corpus-cut", "corpus-u-utf16").encode("utf-16-le"))
write("unicode-utf32be-body.bin", VALID_TRACK.replace("corpus-cut", "corpus-u-utf32").encode("utf-32-be"))
write("unicode-nbsp-only-body.json", "\u00a0\u00a0")

# ---- huge and non-finite numbers ---------------------------------------------------------------
def numbers_everywhere(token, tag):
    return ('[{"type": "track", "event": "num", "userId": %(t)s, "messageId": "corpus-n-%(g)s-1", "properties": {"revenue": %(t)s, "n": %(t)s}, "timestamp": %(t)s},'
            ' {"type": "track", "event": %(t)s, "userId": "corpus-num", "messageId": %(t)s},'
            ' {"type": "identify", "userId": "corpus-num", "anonymousId": %(t)s, "messageId": "corpus-n-%(g)s-3", "traits": {"n": %(t)s, "m": [%(t)s]}},'
            ' {"type": "page", "name": %(t)s, "userId": "corpus-num", "messageId": "corpus-n-%(g)s-4", "originalTimestamp": %(t)s, "sentAt": %(t)s},'
            ' {"type": "group", "groupId": %(t)s, "userId": "corpus-num", "messageId": "corpus-n-%(g)s-5", "traits": {"split": {"account": %(t)s}}},'
            ' {"type": "track", "event": "num", "anonymousId": %(t)s, "messageId": "corpus-n-%(g)s-6", "properties": {"split": [{"account": %(t)s}]}}]'
            % {"t": token, "g": tag})


write("number-1e999999-everywhere.json", numbers_everywhere("1e999999", "big"))
write("number-minus-1e999999-everywhere.json", numbers_everywhere("-1e999999", "negbig"))
write("number-1e-999999-everywhere.json", numbers_everywhere("1e-999999", "tiny"))
write("number-1e400-everywhere.json", numbers_everywhere("1e400", "e400"))
write("number-30-digit-integer-everywhere.json", numbers_everywhere("123456789012345678901234567890", "30digits"))
write("number-exponent-beyond-int-range-everywhere.json", numbers_everywhere("1e99999999999", "hugeexp"))
write("number-negative-zero-everywhere.json", numbers_everywhere("-0.0", "negzero"))
write("number-1000-digits-as-userId.json", track_with(user="x").replace('"x"', "9" * 1000))
write("number-2000-digits-as-revenue.json", track_with(extra=', "properties": {"revenue": ' + "9" * 2000 + "}"))
write("number-1e400-as-revenue.json", track_with(extra=', "messageId": "corpus-n-rev-1e400", "properties": {"revenue": 1e400}'))
write("number-1e999999-as-userId.json", track_with(user="x", extra=', "messageId": "corpus-n-uid-1e999999"').replace('"x"', "1e999999"))
write("number-minus-1e999999-as-revenue.json", track_with(extra=', "messageId": "corpus-n-rev-neg", "properties": {"revenue": -1e999999}'))
write("number-NaN-bare-token.json", track_with(extra=', "properties": {"revenue": NaN}'))
write("number-Infinity-bare-token.json", track_with(extra=', "properties": {"revenue": Infinity}'))
write("number-minus-Infinity-bare-token.json", track_with(extra=', "properties": {"revenue": -Infinity}'))
write("number-NaN-as-whole-body.json", "NaN")
write("number-Infinity-as-userId.json", track_with(user="x").replace('"x"', "Infinity"))
write("number-leading-zeros.json", track_with(extra=', "properties": {"revenue": 0123}'))
write("number-hex.json", track_with(extra=', "properties": {"revenue": 0x1F}'))
write("number-plus-sign.json", track_with(extra=', "properties": {"revenue": +1}'))
write("number-dot-without-digits.json", track_with(extra=', "properties": {"revenue": 1.}'))
write("number-numeric-strings-non-finite.json", "[" + ", ".join(
    '{"type": "track", "event": "e", "userId": "corpus-num", "messageId": "corpus-n-str-%d", "properties": {"revenue": "%s"}}' % (n, v)
    for n, v in enumerate(["NaN", "Infinity", "-Infinity", "1e999999", "1e-999999", "1e400", "9" * 400, "0x10", " 5 ", "5e"])) + "]")
write("number-impressions-huge-times.json",
      '[{"f": "corpus_flag", "i": [{"k": "u", "t": "on", "m": 1e999999, "c": 123456789012345678901234567890}]}]')
write("number-impressions-non-finite-time.json",
      '[{"f": "corpus_flag", "i": [{"k": "u", "t": "on", "m": NaN}]}]')
write("number-impressions-negative-and-fraction-times.json",
      '[{"f": "corpus_flag", "i": [{"k": "u", "t": "on", "m": -9223372036854775808, "c": 1.5}]}]')

# ---- duplicate keys -------------------------------------------------------------------------------
write("duplicate-keys-type.json", '{"type": "track", "type": "identify", "event": "e", "userId": "corpus-dup", "messageId": "corpus-d-type"}')
write("duplicate-keys-userId-string-then-object.json",
      '{"type": "track", "event": "e", "userId": "corpus-dup", "userId": {"x": 1}, "messageId": "corpus-d-uid"}')
write("duplicate-keys-messageId.json", '{"type": "track", "event": "e", "userId": "corpus-dup", "messageId": "corpus-d-1", "messageId": "corpus-d-2"}')
write("duplicate-keys-batch-twice.json",
      '{"batch": [{"type": "track", "event": "e", "userId": "corpus-dup", "messageId": "corpus-d-batch-first"}], '
      '"batch": [{"type": "track", "event": "e", "userId": "corpus-dup", "messageId": "corpus-d-batch-second"}]}')
write("duplicate-keys-batch-array-then-null.json",
      '{"batch": [{"type": "track", "event": "e", "userId": "corpus-dup", "messageId": "corpus-d-batch-then-null"}], "batch": null}')
write("duplicate-keys-batch-null-then-array.json",
      '{"batch": null, "batch": [{"type": "track", "event": "e", "userId": "corpus-dup", "messageId": "corpus-d-null-then-batch"}]}')
write("duplicate-keys-in-properties-and-traits.json",
      '[{"type": "track", "event": "e", "userId": "corpus-dup", "messageId": "corpus-d-props", "properties": {"a": 1, "a": {"b": 2}, "a.b": 3}},'
      ' {"type": "identify", "userId": "corpus-dup", "messageId": "corpus-d-traits", "traits": {"t": "x", "t": "' + "y" * 300 + '"}}]')
write("duplicate-messageIds-in-one-batch.json",
      "[" + ", ".join('{"type": "track", "event": "e%d", "userId": "corpus-dup", "messageId": "corpus-d-same"}' % n for n in range(5)) + "]")
write("duplicate-keys-in-impression.json",
      '[{"f": "corpus_flag", "f": 5, "i": [{"k": "u", "k": null, "t": "on", "m": 1712345678901}]}]')

# ---- shapes ----------------------------------------------------------------------------------------
write("empty-body.json", "")
write("whitespace-only.json", "  \n\t\r\n   ")
write("literal-null.json", "null")
write("literal-true.json", "true")
write("literal-number.json", "42")
write("literal-string.json", '"track"')
write("empty-array.json", "[]")
write("empty-object.json", "{}")
write("batch-null.json", '{"batch": null}')
write("batch-empty-object.json", '{"batch": {}}')
write("batch-string.json", '{"batch": "[]"}')
write("batch-number.json", '{"batch": 1}')
write("batch-empty-array.json", '{"batch": []}')
write("batch-of-non-objects.json", '{"batch": [1, "two", null, true, [], [{}]]}')
write("array-of-non-objects.json", '[1, "two", null, true, [], [{}]]')
write("array-of-empty-objects.json", "[{}, {}, {}]")
write("batch-2501-empty-objects.json", '{"batch": [' + ", ".join(["{}"] * 2501) + "]}")
write("array-2501-empty-objects.json", "[" + ",".join(["{}"] * 2501) + "]")
write("batch-2500-empty-objects.json", '{"batch": [' + ",".join(["{}"] * 2500) + "]}")
write("two-json-values.json", "{} {}")
write("trailing-garbage.json", VALID_TRACK + " xyz")
write("trailing-comma-in-object.json", '{"type": "track", "event": "e", "userId": "corpus-shape",}')
write("trailing-comma-in-array.json", "[" + VALID_TRACK + ",]")
write("single-quoted-strings.json", "{'type': 'track', 'event': 'e', 'userId': 'corpus-shape'}")
write("unquoted-keys.json", '{type: "track", event: "e", userId: "corpus-shape"}')
write("comment-before-body.json", "/* hi */ " + VALID_TRACK)
write("form-encoded-text.json", "type=track&event=e&userId=corpus-shape")
write("xml-text.json", '<?xml version="1.0"?><track event="e"/>')
write("type-strings-odd.json",
      "[" + ", ".join('{"type": %s, "event": "e", "name": "n", "userId": "corpus-type", "messageId": "corpus-t-%d"}' % (j(t), n)
                      for n, t in enumerate([" TRACK ", "Identify", "", " ", "batch", "alias", "delete", "track\n", "x" * 300])) + "]")
write("timestamps-odd.json",
      "[" + ", ".join('{"type": "track", "event": "e", "userId": "corpus-time", "messageId": "corpus-ts-%d", "timestamp": %s, "originalTimestamp": %s, "sentAt": %s}'
                      % (n, j(a), j(b), j(c)) for n, (a, b, c) in enumerate([
                          ("+999999999-12-31T23:59:59Z", "x", "y"),
                          ("2024-02-30T00:00:00Z", "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z"),
                          ("", "2024-05-01T12:00:00+18:00", "2024-05-01T12:00:00-18:00"),
                          ("2024-05-01T25:00:00Z", "2024-05-01T12:00:00.123456789Z", "1970-01-01T00:00:00Z"),
                          ("2024-05-01", "+1000000-01-01T00:00:00Z", "-1000000-01-01T00:00:00Z"),
                          ("1714564800000", "2024-05-01T12:00:00", "2024-05-01T12:00:00+99:00")])) + "]")

count = len(glob.glob(os.path.join(HERE, "*.json")) + glob.glob(os.path.join(HERE, "*.bin")))
print("wrote %d corpus files" % count)
