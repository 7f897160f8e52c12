# SPDX-License-Identifier: GPL-3.0-or-later
#
# Protolab's start-up hook for a traced Python program (as sitecustomize):
# before each socket method, and each os.read () and os.write () on a
# socket's descriptor, it tells the tracer the file and line of the
# program that called it, with a write () on a descriptor the tracer stops
# at and keeps out of the timeline. The program itself is not changed.
import os as _os
import sys as _sys


def _protolab_install():
    try:
        fd = int(_os.environ.pop("PROTOLAB_LINE_FD"))
    except (KeyError, ValueError):
        return
    import socket
    import stat

    write = _os.write
    fstat = _os.fstat
    is_socket = stat.S_ISSOCK
    getframe = _sys._getframe
    skip = {socket.__file__, __file__}

    def report():
        frame = getframe(2)
        while frame is not None and frame.f_code.co_filename in skip:
            frame = frame.f_back
        if frame is None:
            return
        where = "%s:%d" % (frame.f_code.co_filename, frame.f_lineno)
        try:
            write(fd, where.encode("utf-8", "surrogateescape"))
        except OSError:
            pass

    def wrap(owner, name):
        real = getattr(owner, name, None)
        if real is None:
            return

        def method(*args, **kwargs):
            report()
            return real(*args, **kwargs)

        method.__name__ = real.__name__
        method.__qualname__ = getattr(real, "__qualname__", real.__name__)
        method.__doc__ = real.__doc__
        method.__wrapped__ = real
        setattr(owner, name, method)

    for name in ("__init__", "bind", "listen", "accept", "connect", "connect_ex",
                 "send", "sendall", "sendto", "sendmsg", "recv", "recv_into",
                 "recvfrom", "recvfrom_into", "recvmsg", "shutdown", "close",
                 "setsockopt", "getsockopt", "getsockname", "getpeername",
                 "settimeout", "setblocking", "makefile", "__exit__"):
        wrap(socket.socket, name)
    def wrap_fd(name):
        real = getattr(_os, name)

        def call(fd, *args, **kwargs):
            try:
                if is_socket(fstat(fd).st_mode):
                    report()
            except (OSError, TypeError, ValueError, OverflowError):
                pass
            return real(fd, *args, **kwargs)

        call.__name__ = real.__name__
        call.__qualname__ = getattr(real, "__qualname__", real.__name__)
        call.__doc__ = real.__doc__
        call.__wrapped__ = real
        setattr(_os, name, call)

    wrap_fd("read")
    wrap_fd("write")
    for name in ("create_connection", "create_server", "getaddrinfo",
                 "gethostbyname", "socketpair", "fromfd"):
        wrap(socket, name)


_protolab_install()
del _protolab_install
