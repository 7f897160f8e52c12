# Course program P11: 003_5b2ad26d7b384e6a.txt, section "Ejemplo: Echo TCP (servidor, línea por línea)" (tcp_server.py), block at line 127.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]) ('import sys' added).
# tcp_server.py
import socket
import sys
import threading

IP = "0.0.0.0"
PORT = int(sys.argv[1])
BACKLOG = 100
BUF = 4096

def handle_client(conn, addr):
    print(f"Conectado: {addr}")
    with conn:
        # protocolo: líneas terminadas en \n
        partial = b""
        while True:
            chunk = conn.recv(BUF)
            if not chunk:
                break
            partial += chunk
            while b"\n" in partial:
                line, partial = partial.split(b"\n", 1)
                resp = line.upper() + b"\n"
                conn.sendall(resp)
    print(f"Cerrado: {addr}")

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind((IP, PORT))
sock.listen(BACKLOG)
print(f"TCP server escuchando en {IP}:{PORT}")

while True:
    conn, addr = sock.accept()
    threading.Thread(target=handle_client, args=(conn, addr), daemon=True).start()
