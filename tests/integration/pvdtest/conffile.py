# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""provisiond.conf files: read_conf and write_conf."""


def read_conf(path):
    """key -> value of a provisiond.conf (quotes removed)."""
    out = {}
    with open(path) as f:
        for line in f:
            s = line.strip()
            if not s or s.startswith("#") or "=" not in s:
                continue
            k, _, v = s.partition("=")
            v = v.strip()
            if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
                v = v[1:-1]
            out[k.strip()] = v
    return out


def _conf_value(v):
    v = str(v)
    if v != v.strip():
        return '"%s"' % v
    return v


def write_conf(src, dst, overrides):
    """Copies the config src to dst with keys replaced; a key whose value is
    None is removed; keys not in src are appended. Keys appear once."""
    overrides = dict(overrides)
    lines = []
    if src:
        with open(src) as f:
            for line in f:
                s = line.strip()
                if s and not s.startswith("#") and "=" in s:
                    k = s.partition("=")[0].strip()
                    if k in overrides:
                        v = overrides.pop(k)
                        if v is not None:
                            lines.append("%s = %s\n" % (k, _conf_value(v)))
                        continue
                lines.append(line if line.endswith("\n") else line + "\n")
    for k, v in overrides.items():
        if v is not None:
            lines.append("%s = %s\n" % (k, _conf_value(v)))
    with open(dst, "w") as f:
        f.writelines(lines)
    return dst
