"""The string literals of Rust source, for the seed generators."""
import re

ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '0': '\0', '\\': '\\', '"': '"',
           "'": "'"}


def literals(text):
    """The string literals of Rust source: escapes and line continuations
    undone in "..." and b"...", raw strings as written."""
    out, i = [], 0
    while i < len(text):
        if text.startswith('//', i):
            j = text.find('\n', i)
            i = len(text) if j < 0 else j
            continue
        raw = re.match(r'b?r(#*)"', text[i:])
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == '_')):
            end = '"' + raw[1]
            j = text.find(end, i + len(raw[0]))
            out.append(text[i + len(raw[0]):j])
            i = j + len(end)
            continue
        if text[i] == "'":
            char = re.match(r"'(\\.|[^\\'])'", text[i:])
            i += len(char[0]) if char else 1
            continue
        if text[i] != '"':
            i += 1
            continue
        j, s = i + 1, []
        while text[j] != '"':
            if text[j] != '\\':
                s.append(text[j])
                j += 1
                continue
            e = text[j + 1]
            if e == '\n':
                j += 2
                while text[j] in ' \t\n':
                    j += 1
            elif e == 'x':
                s.append(chr(int(text[j + 2:j + 4], 16)))
                j += 4
            elif e == 'u':
                k = text.index('}', j)
                s.append(chr(int(text[j + 3:k], 16)))
                j = k + 1
            else:
                s.append(ESCAPES[e])
                j += 2
        out.append(''.join(s))
        i = j + 1
    return out
