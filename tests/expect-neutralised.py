# expect-neutralised.py FILE: FILE holds no NUL, ESC, DEL or CR and is
# valid UTF-8; else say what it holds and exit 1.
import sys
data = open(sys.argv[1], 'rb').read()
bad = [c for c in (b'\x00', b'\x1b', b'\x7f', b'\r') if c in data]
try:
    data.decode('utf-8')
except UnicodeDecodeError as e:
    bad.append(repr(e))
if bad:
    sys.exit('found %r in %d bytes' % (bad, len(data)))
