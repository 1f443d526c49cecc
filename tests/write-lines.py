# write-lines.py FILE TAG N LEN: N lines "TAG-000001 xxx...", LEN bytes each
# with the newline, into FILE.
import sys
path, tag, n, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(path, 'w') as f:
    for i in range(1, n + 1):
        head = '%s-%06d ' % (tag, i)
        f.write(head + 'x' * max(0, size - len(head) - 1) + '\n')
