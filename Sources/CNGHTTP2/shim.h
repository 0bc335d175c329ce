// libnghttp2 (Debian's libnghttp2-dev): HTTP/2 framing, HPACK and flow control for skiff-proxy.
#ifndef SKIFF_CNGHTTP2_SHIM_H
#define SKIFF_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#endif
