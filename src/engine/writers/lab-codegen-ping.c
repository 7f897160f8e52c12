/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-codegen-private.h"

/* A ping as the course's raw-socket programs write it, in C and in
 * Python: socket (AF_INET, SOCK_RAW, IPPROTO_ICMP), the ICMP header
 * written by hand with its checksum, sendto () and recvfrom () with the
 * IP header first, and the round-trip time. The lab uses ICMP's datagram
 * socket where it may not make a raw one; a program of its own needs
 * CAP_NET_RAW (root) or is run in a namespace where it holds it. */

static char *
quoted (const char *text)
{
  g_autofree char *escaped = g_strescape (text, NULL);

  return g_strdup_printf ("\"%s\"", escaped);
}

static void
put_lines (Gen               *g,
           const char *const *lines)
{
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        lab_codegen_blank (g);
      else
        lab_codegen_put (g, lines[i]);
    }
}

void
lab_codegen_write_c_ping (Gen *g)
{
  static const char *const includes[] = {
    "#include <arpa/inet.h>",
    "#include <errno.h>",
    "#include <netdb.h>",
    "#include <netinet/in.h>",
    "#include <netinet/ip.h>",
    "#include <netinet/ip_icmp.h>",
    "#include <stdio.h>",
    "#include <string.h>",
    "#include <sys/socket.h>",
    "#include <sys/time.h>",
    "#include <time.h>",
    "#include <unistd.h>",
    "",
    NULL
  };
  static const char *const helpers[] = {
    "/* RFC 1071: the ones' complement of the ones' complement sum of the 16-bit words */",
    "static unsigned short checksum(const unsigned char *data, size_t len)",
    "{",
    "    unsigned long sum = 0;",
    "",
    "    for (size_t i = 0; i + 1 < len; i += 2)",
    "        sum += (unsigned long) data[i] << 8 | data[i + 1];",
    "    if (len % 2 == 1)",
    "        sum += (unsigned long) data[len - 1] << 8;",
    "    while (sum >> 16)",
    "        sum = (sum & 0xffff) + (sum >> 16);",
    "    return htons((unsigned short) ~sum);",
    "}",
    "",
    "static double now_ms(void)",
    "{",
    "    struct timespec t;",
    "",
    "    clock_gettime(CLOCK_MONOTONIC, &t);",
    "    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;",
    "}",
    "",
    "int main(void)",
    "{",
    "    struct addrinfo hints = { 0 }, *res;",
    "    struct sockaddr_in to;",
    "    struct timeval timeout = { INTERVAL_MS / 1000, (INTERVAL_MS % 1000) * 1000 };",
    "    unsigned short id = (unsigned short) (getpid() & 0xffff);",
    "    int fd, r;",
    "",
    "    hints.ai_family = AF_INET;",
    "    hints.ai_socktype = SOCK_DGRAM;",
    "    if ((r = getaddrinfo(HOST, \"0\", &hints, &res)) != 0) {",
    "        fprintf(stderr, \"getaddrinfo: %s\\n\", gai_strerror(r));",
    "        return 1;",
    "    }",
    "    memcpy(&to, res->ai_addr, sizeof to);",
    "    freeaddrinfo(res);",
    "",
    NULL
  };
  static const char *const loop[] = {
    "    fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);",
    "    if (fd < 0) {",
    "        perror(\"socket\");",
    "        return 1;",
    "    }",
    "    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0) {",
    "        perror(\"setsockopt\");",
    "        return 1;",
    "    }",
    "",
    "    for (int seq = 1; seq <= COUNT; seq++) {",
    "        unsigned char packet[sizeof (struct icmphdr) + sizeof PAYLOAD - 1];",
    "        struct icmphdr *icmp = (struct icmphdr *) packet;",
    "        double sent;",
    "",
    "        memset(packet, 0, sizeof packet);",
    "        icmp->type = ICMP_ECHO;",
    "        icmp->code = 0;",
    "        icmp->un.echo.id = htons(id);",
    "        icmp->un.echo.sequence = htons((unsigned short) seq);",
    "        memcpy(packet + sizeof (struct icmphdr), PAYLOAD, sizeof PAYLOAD - 1);",
    "        icmp->checksum = checksum(packet, sizeof packet);",
    "",
    "        sent = now_ms();",
    "        if (sendto(fd, packet, sizeof packet, 0, (struct sockaddr *) &to, sizeof to) < 0) {",
    "            perror(\"sendto\");",
    "            return 1;",
    "        }",
    "        for (;;) {",
    "            unsigned char buf[1500];",
    "            struct sockaddr_in from;",
    "            socklen_t from_len = sizeof from;",
    "            ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &from_len);",
    "            struct iphdr *ip = (struct iphdr *) buf;",
    "            struct icmphdr *reply;",
    "            size_t ip_len;",
    "",
    "            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {",
    "                printf(\"icmp_seq=%d: no reply\\n\", seq);",
    "                break;",
    "            }",
    "            if (n < 0) {",
    "                perror(\"recvfrom\");",
    "                return 1;",
    "            }",
    "            ip_len = (size_t) ip->ihl * 4;",
    "            if ((size_t) n < ip_len + sizeof (struct icmphdr))",
    "                continue;",
    "            reply = (struct icmphdr *) (buf + ip_len);",
    "            if (reply->type != ICMP_ECHOREPLY || ntohs(reply->un.echo.id) != id ||",
    "                ntohs(reply->un.echo.sequence) != seq)",
    "                continue;",
    "            printf(\"%zd bytes from %s: icmp_seq=%d ttl=%d time=%.3f ms\\n\", n - (ssize_t) ip_len,",
    "                   inet_ntoa(from.sin_addr), seq, ip->ttl, now_ms() - sent);",
    "            break;",
    "        }",
    "        if (seq < COUNT) {",
    "            double wait = sent + INTERVAL_MS - now_ms();",
    "            struct timespec pause = { 0, 0 };",
    "",
    "            if (wait > 0) {",
    "                pause.tv_sec = (time_t) (wait / 1000);",
    "                pause.tv_nsec = (long) ((wait - pause.tv_sec * 1000.0) * 1e6);",
    "                nanosleep(&pause, NULL);",
    "            }",
    "        }",
    "    }",
    "",
    "    close(fd);",
    "    return 0;",
    "}",
    NULL
  };
  g_autofree char *host = quoted (g->host);

  put_lines (g, includes);
  lab_codegen_put_printf (g, "static const char HOST[] = %s;", host);
  lab_codegen_put_printf (g, "#define COUNT %u", g->c->count);
  lab_codegen_put_printf (g, "#define INTERVAL_MS %u", g->c->interval);
  lab_codegen_put (g, "static const char PAYLOAD[] = \"Protolab ping, ICMP echo\";");
  lab_codegen_blank (g);
  put_lines (g, helpers);
  lab_codegen_comment (g, _("A raw socket: the program writes the ICMP header itself, and each recvfrom () gives "
                            "an ICMP message that reached this host, its IP header first. It needs CAP_NET_RAW "
                            "(root, or a network namespace of one's own, as the lab's hosts)."));
  put_lines (g, loop);
}

void
lab_codegen_write_python_ping (Gen *g)
{
  static const char *const head[] = {
    "import os",
    "import socket",
    "import struct",
    "import time",
    "",
    NULL
  };
  static const char *const body[] = {
    "PAYLOAD = b'Protolab ping, ICMP echo'",
    "",
    "",
    "def checksum(data):",
    "    \"\"\"RFC 1071: the ones' complement of the ones' complement sum of the 16-bit words.\"\"\"",
    "    if len(data) % 2:",
    "        data += b'\\0'",
    "    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))",
    "    while total >> 16:",
    "        total = (total & 0xffff) + (total >> 16)",
    "    return ~total & 0xffff",
    "",
    "",
    "_, _, _, _, address = socket.getaddrinfo(HOST, 0, socket.AF_INET, socket.SOCK_DGRAM)[0]",
    NULL
  };
  static const char *const loop[] = {
    "sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)",
    "sock.settimeout(INTERVAL)",
    "ident = os.getpid() & 0xffff",
    "for seq in range(1, COUNT + 1):",
    "    header = struct.pack('!BBHHH', 8, 0, 0, ident, seq)",
    "    packet = struct.pack('!BBHHH', 8, 0, checksum(header + PAYLOAD), ident, seq) + PAYLOAD",
    "    sent = time.monotonic()",
    "    sock.sendto(packet, address)",
    "    while True:",
    "        try:",
    "            data, sender = sock.recvfrom(1500)",
    "        except socket.timeout:",
    "            print(f'icmp_seq={seq}: no reply')",
    "            break",
    "        ip_len = (data[0] & 0x0f) * 4",
    "        kind, _, _, reply_id, reply_seq = struct.unpack('!BBHHH', data[ip_len:ip_len + 8])",
    "        if kind == 0 and reply_id == ident and reply_seq == seq:",
    "            rtt = (time.monotonic() - sent) * 1000",
    "            print(f'{len(data) - ip_len} bytes from {sender[0]}: icmp_seq={seq} ttl={data[8]} time={rtt:.3f} ms')",
    "            break",
    "    if seq < COUNT:",
    "        time.sleep(max(0.0, sent + INTERVAL - time.monotonic()))",
    "sock.close()",
    NULL
  };
  g_autofree char *host = quoted (g->host);

  put_lines (g, head);
  lab_codegen_put_printf (g, "HOST = %s", host);
  lab_codegen_put_printf (g, "COUNT = %u", g->c->count);
  lab_codegen_put_printf (g, "INTERVAL = %g", g->c->interval / 1000.0);
  put_lines (g, body);
  lab_codegen_comment (g, _("A raw socket: the program writes the ICMP header itself, and each recvfrom () gives "
                            "an ICMP message that reached this host, its IP header first. It needs CAP_NET_RAW "
                            "(root, or a network namespace of one's own, as the lab's hosts)."));
  put_lines (g, loop);
}
