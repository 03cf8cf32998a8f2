# tools/public-headers.sh -- sourced by tools/api-check.sh and tools/abi-*.sh:
# libevent 2.1's public headers, and when litevent's are due to match them.
#
# Each entry is "GATE HEADER PRELUDE...": GATE is the chapter that completes
# the header (it is checked once that chapter exists), or "-" for a header
# that is checked once litevent ships it; PRELUDE is what a program includes
# before the header.
#
# Not listed, on purpose: http.h, http_compat.h, http_struct.h, rpc.h,
# rpc_compat.h, rpc_struct.h, tag.h and tag_compat.h (evhttp_*, evrpc_*,
# evtag_*).  The book covers the event library and its networking core, as
# the manual does; the HTTP server and client, the RPC framework and the
# tagged-data encoding are applications built on it, outside its scope.
public_headers=(
	"02 event2/util.h"
	"04 event2/thread.h"
	"05 event2/event.h"
	"05 event2/event_struct.h event2/event.h"
	"05 event2/event_compat.h event2/event.h"
	"06 event2/buffer.h event2/event.h"
	"06 event2/buffer_compat.h event2/event.h event2/buffer.h"
	"07 event2/bufferevent.h event2/event.h event2/buffer.h"
	"07 event2/bufferevent_struct.h event2/event.h event2/buffer.h event2/bufferevent.h"
	"07 event2/bufferevent_compat.h event2/event.h event2/buffer.h event2/bufferevent.h"
	"08 event2/listener.h event2/event.h"
	"09 event2/dns.h event2/event.h"
	"09 event2/dns_compat.h event2/event.h event2/dns.h"
	"09 event2/dns_struct.h event2/event.h event2/dns.h"
	"10 event2/bufferevent_ssl.h event2/event.h event2/buffer.h event2/bufferevent.h"
	"- event2/keyvalq_struct.h"
)

# Is HEADER due: its chapter exists, or (gate "-") litevent has it?
header_due() {   # GATE HEADER
	if [ "$1" = - ]; then
		[ -f "src/include/$2" ]
	else
		compgen -G "chapters/$1-*/*.adoc" >/dev/null
	fi
}
