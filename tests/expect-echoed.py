# expect-echoed.py OUT FILE...: the first lines of OUT, their 27-byte
# stamps cut, are the lines of the FILEs, byte for byte; else exit 1.
import sys
out = open(sys.argv[1], 'rb').read().split(b'\n')
want = b''.join(open(f, 'rb').read() for f in sys.argv[2:]).split(b'\n')[:-1]
got = [l[27:] for l in out[:len(want)]]
if got != want:
    sys.exit('expected %r, got %r' % (want, got))
