# SPDX-License-Identifier: GPL-3.0-or-later
#
# A program that makes system calls but none of sockets: under the tracer
# it must run as fast as alone (the seccomp filter stops it at none).
# Prints calls_per_s=N for bench/run.
import os
import sys
import time

count = int(sys.argv[1])
start = time.perf_counter()
for _ in range(count):
    os.getppid()
    os.stat("/")
elapsed = time.perf_counter() - start
print("calls_per_s=%.0f" % (2 * count / elapsed))
