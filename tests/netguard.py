"""Code that blocks all network use, prepended to the scripts the offline tests run in a fresh
interpreter. ATTEMPTS collects refused calls; NET_EVENTS collects traffic audit events."""

SOCKET_GUARD = """
import socket, sys
ATTEMPTS = []
def refuse(*a, **k):
    ATTEMPTS.append(a[:1])
    raise RuntimeError("network access attempted")
class Guarded(socket.socket):
    connect = connect_ex = sendto = refuse
socket.socket = Guarded
socket.create_connection = refuse
socket.getaddrinfo = refuse
socket.gethostbyname = refuse
socket.gethostbyname_ex = refuse
NET_EVENTS = []
# Traffic, not socket creation: importing tldextract imports urllib3, which binds a socket to
# ::1 at import to probe IPv6 support (socket.__new__ + socket.bind, no packet leaves).
TRAFFIC = ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
           "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo", "urllib.Request")
def audit(event, args):
    if event.startswith(TRAFFIC):
        NET_EVENTS.append(event)
sys.addaudithook(audit)
"""
