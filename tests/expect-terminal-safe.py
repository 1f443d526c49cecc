# expect-terminal-safe.py FILE: FILE is valid UTF-8 and holds no character
# a terminal would act on: no C0 control but TAB and the newline, no DEL,
# no C1 control, no bidi embedding, override, isolate or mark; else say
# which and where, and exit 1.
import sys
data = open(sys.argv[1], 'rb').read()
try:
    text = data.decode('utf-8')
except UnicodeDecodeError as e:
    sys.exit('invalid UTF-8: %s' % e)
for n, line in enumerate(text.split('\n'), 1):
    for c in line:
        o = ord(c)
        if (o < 32 and c != '\t') or 0x7f <= o <= 0x9f or \
                0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069 or \
                o in (0x200e, 0x200f, 0x61c):
            sys.exit('line %d holds U+%04X raw: %r' % (n, o, line[:120]))
