# Course program P14: 004_d6b4fcf20bcc41bd.txt, section "Ejemplo cliente en python con IPv4 y TCP", block at line 78.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]).
import socket, signal, sys

# Ctrl C

def ctrl_c(sig, frame):
	print("\n\n\t[!] Quiting...\n")
	sys.exit(1)

signal.signal(signal.SIGINT, ctrl_c)

# Server

def start_client():

	host = "localhost"
	port = int(sys.argv[1])

	with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:

		server.connect((host, port))
		print(f"\n\t[i] Connected to {host}:{port}")
		server.sendall(b"Hello...")

		server_data = server.recv(1024)
		print(f"\n\t[i] Message recived:\n{server_data.decode()}")

if __name__ == "__main__":
	start_client()
