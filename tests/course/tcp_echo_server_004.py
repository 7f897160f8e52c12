# Course program P13: 004_d6b4fcf20bcc41bd.txt, section "Ejemplo server en python con IPv4 y TCP", block at line 38.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]).
import socket, signal, sys

# Ctrl C

def ctrl_c(sig, frame):
	print("\n\n\t[!] Quiting...\n")
	sys.exit(1)

signal.signal(signal.SIGINT, ctrl_c)

# Server

def start_server():

	host = "localhost"
	port = int(sys.argv[1])

	with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:

		server.bind((host, port))
		print(f"\n\t[i] Server listening on {host}:{port}")
		server.listen(1)

		conn, addr = server.accept()

		with conn:
			print(f"\n\t[i] A new client has connected: {addr[0]}:{addr[1]}")

			while True:
				data = conn.recv(1024)
				if not data:
					break
				conn.sendall(data)

if __name__ == "__main__":
	start_server()
