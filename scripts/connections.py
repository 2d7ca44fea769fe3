"""Summarise an strace log of the test suite: every address connected to, and whether anything left loopback.

Read from `strace -f -e trace=connect,socket,sendto,sendmsg,sendmmsg,close,clone,clone3,fork,vfork`. A TCP (stream)
connection to an address outside 127.0.0.0/8 and ::1 fails the check, and so does any datagram sent to
one. A datagram socket that is only connected (Chromium's IPv6 reachability probe connects a UDP socket to
a public address to ask the kernel for a route, and sends nothing) is listed apart: no packet leaves.
Exit 1 when anything left the machine. Unix sockets are local by definition and only counted.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from collections import Counter
from dataclasses import dataclass, field

LINE = re.compile(r"^(\d+)\s+(\w+)\((.*)$")
RESULT = re.compile(r"=\s*(-?\d+)")
INET = re.compile(r'sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)')
INET6 = re.compile(r'sa_family=AF_INET6, sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"')


@dataclass
class Report:
    loopback: Counter[str] = field(default_factory=Counter)
    left: Counter[str] = field(default_factory=Counter)  # stream connections or datagrams sent outside
    probes: Counter[str] = field(default_factory=Counter)  # datagram sockets connected, nothing sent
    unix: int = 0


def _is_loopback(host: str) -> bool:
    ip = ipaddress.ip_address(host)
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


def _address(text: str) -> str | None:
    match = INET.search(text) or INET6.search(text)
    if not match:
        return None
    port, host = match.groups()
    return f"{host}:{port}"


UNFINISHED = re.compile(r"^(\d+)\s+(\w+)\((.*) <unfinished \.\.\.>$")
RESUMED = re.compile(r"^(\d+)\s+<\.\.\. (\w+) resumed>(.*)$")


def joined(lines: list[str]) -> list[str]:
    """strace -f splits a call interrupted by another thread in two lines: put them back together."""
    pending: dict[tuple[str, str], str] = {}
    out = []
    for line in lines:
        line = line.rstrip("\n")
        if match := UNFINISHED.match(line):
            tid, call, rest = match.groups()
            pending[(tid, call)] = f"{tid} {call}({rest}"
            continue
        if match := RESUMED.match(line):
            tid, call, rest = match.groups()
            line = pending.pop((tid, call), f"{tid} {call}(") + rest
        out.append(line)
    return out


def analyse(lines: list[str]) -> Report:
    report = Report()
    lines = joined(lines)
    group: dict[str, str] = {}  # thread id -> process id (threads share their process's descriptors)
    kinds: dict[tuple[str, str], str] = {}  # (process, fd) -> "stream" | "dgram"
    outside: dict[tuple[str, str], str] = {}  # (process, fd) -> the outside address a datagram socket targets
    sent: set[tuple[str, str]] = set()
    for line in lines:
        match = LINE.match(line)
        if not match:
            continue
        tid, call, rest = match.groups()
        pid = group.get(tid, tid)
        result = RESULT.search(rest.rsplit(")", 1)[-1] if ")" in rest else rest)
        value = result.group(1) if result else None
        if call in ("clone", "clone3") and value and value != "-1":
            group[value] = pid if "CLONE_THREAD" in rest else value
        elif call == "socket" and value and value != "-1":
            kinds[(pid, value)] = "dgram" if "SOCK_DGRAM" in rest else "stream"
        elif call == "close":
            fd = rest.split(")", 1)[0]
            key = (pid, fd)
            if key in outside and key not in sent:
                report.probes[outside[key]] += 1
            outside.pop(key, None)
            sent.discard(key)
            kinds.pop(key, None)
        elif call == "connect":
            if "AF_UNIX" in rest:
                report.unix += 1
                continue
            where = _address(rest)
            if where is None:
                continue
            host = where.rsplit(":", 1)[0]
            fd = rest.split(",", 1)[0]
            if _is_loopback(host):
                report.loopback[where] += 1
            elif kinds.get((pid, fd)) == "dgram":
                outside[(pid, fd)] = where
            else:
                report.left[where] += 1
        elif call in ("sendto", "sendmsg", "sendmmsg"):
            fd = rest.split(",", 1)[0]
            key = (pid, fd)
            where = _address(rest)
            if where is not None and not _is_loopback(where.rsplit(":", 1)[0]):
                report.left[where] += 1
            elif key in outside:
                report.left[outside[key]] += 1
                sent.add(key)
    for key, where in outside.items():  # still open at the end
        if key not in sent:
            report.probes[where] += 1
    return report


def main(path: str) -> int:
    with open(path, encoding="utf-8", errors="replace") as handle:
        report = analyse(handle.readlines())
    print(
        f"connections to loopback: {sum(report.loopback.values())} ({len(report.loopback)} endpoints); "
        f"Unix sockets: {report.unix}"
    )
    for where, count in report.probes.most_common():
        print(f"datagram socket connected to {where} × {count}, nothing sent (a route probe: no packet left)")
    if report.left:
        print("LEFT THE MACHINE:")
        for where, count in report.left.most_common():
            print(f"  {where} × {count}")
        return 1
    print("nothing left the machine: every connection and every datagram went to loopback")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
