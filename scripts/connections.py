"""Summarise an `strace -f -e trace=connect` log: every address connected to, and whether all were loopback.

Exit 1 when any IPv4/IPv6 connection went to an address outside 127.0.0.0/8 and ::1 (an IPv4-mapped
loopback, ::ffff:127.x, counts as loopback). Unix sockets are local by definition and only counted.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from collections import Counter

INET = re.compile(r'sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)')
INET6 = re.compile(r'sa_family=AF_INET6, sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"')


def main(path: str) -> int:
    seen: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    unix = 0
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if "connect(" not in line:
                continue
            if "AF_UNIX" in line:
                unix += 1
                continue
            match = INET.search(line) or INET6.search(line)
            if not match:
                continue
            port, host = match.groups()
            ip = ipaddress.ip_address(host)
            mapped = getattr(ip, "ipv4_mapped", None)
            loopback = ip.is_loopback or bool(mapped and mapped.is_loopback)
            (seen if loopback else outside)[f"{host}:{port}"] += 1
    total = sum(seen.values()) + sum(outside.values())
    print(f"connect() calls to IP addresses: {total}; to loopback: {sum(seen.values())}; Unix sockets: {unix}")
    print(f"distinct loopback endpoints: {len(seen)}")
    if outside:
        print("NOT loopback:")
        for where, count in outside.most_common():
            print(f"  {where} × {count}")
        return 1
    print("every connection went to loopback")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
